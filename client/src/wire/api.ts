// The contract's calls (docs/server-api.md), one method per route of contract/routes.mjs: request
// bodies built from bytes (base64 on the wire), every answer parsed to its shape (answers.ts)
// before it is returned. This is the only module that speaks HTTP to the server.
import { ROUTES } from '../../../contract/routes.mjs';
import * as answers from './answers.js';
import { createHttp, type Credentials, type HttpOptions } from './http.js';
import { parse, type Parser } from './parse.js';
import { uploadObject, type ByteChunks, type UploadOptions } from './upload.js';
import { toWire } from './wire-form.js';

/** What sign-up and recovery send for SRP (as Ente: a UUID, a salt and the verifier). */
export interface SrpSetup {
  srpUserID: string;
  srpSalt: Uint8Array;
  srpVerifier: Uint8Array;
}

/** Key attributes as sign-up sends them: the same fields the server hands back. */
export type KeyAttributes = answers.KeyAttributes;

export interface NewCollection {
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array;
  encryptedName: Uint8Array;
  nameDecryptionNonce: Uint8Array;
}

export interface NewFile {
  collectionID: number;
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array;
  file: { objectKey: string; decryptionHeader: Uint8Array };
  thumbnail: { objectKey: string; decryptionHeader: Uint8Array };
  metadata: { encryptedData: Uint8Array; decryptionHeader: Uint8Array };
}

/** A file and its key wrapped for where it goes (an album's key, or the master key for the trash). */
export interface KeyedFile {
  id: number;
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array;
}

export interface MagicMetadata {
  version: number;
  encryptedData: Uint8Array;
  decryptionHeader: Uint8Array;
}

export interface EncryptedBlob {
  encryptedData: Uint8Array;
  decryptionHeader: Uint8Array;
}

export interface RecoveryCompletion extends SrpSetup {
  challengeID: string;
  challenge: Uint8Array;
  kekSalt: Uint8Array;
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array;
  memLimit: number;
  opsLimit: number;
}

/**
 * A client of the server for one set of credentials: none (sign-up, login, recovery), an
 * account's `token`, or a public link's `accessToken`.
 */
export function createApi(options: HttpOptions = {}, credentials: Credentials = {}) {
  const http = createHttp(options, credentials);
  const isLink = credentials.accessToken !== undefined;
  const json = async <T>(res: Promise<Response>, p: Parser<T>, what: string): Promise<T> =>
    parse(p, await (await res).json(), what);
  const done = async (res: Promise<Response>): Promise<void> => {
    await (await res).arrayBuffer();
  };
  const bytes = async (res: Promise<Response>) => new Uint8Array(await (await res).arrayBuffer());

  return {
    credentials,
    // Accounts
    signUp: (email: string, keyAttributes: KeyAttributes, srp: SrpSetup) =>
      json(http(ROUTES.signUp, { json: toWire({ email, keyAttributes, ...srp }) }), answers.created, 'sign-up'),
    srpAttributes: (email: string) =>
      json(http(ROUTES.srpAttributes, { json: { email } }), answers.srpAttributes, 'SRP attributes'),
    srpSession: (srpUserID: string, srpA: Uint8Array) =>
      json(http(ROUTES.srpSession, { json: toWire({ srpUserID, srpA }) }), answers.srpSession, 'SRP session'),
    srpVerify: (sessionID: string, srpM1: Uint8Array) =>
      json(http(ROUTES.srpVerify, { json: toWire({ sessionID, srpM1 }) }), answers.srpVerify, 'SRP verification'),
    logout: () => done(http(ROUTES.logout)),
    me: () => json(http(ROUTES.me), answers.me, 'account'),
    usage: () => json(http(ROUTES.usage), answers.usage, 'storage usage'),
    recoveryBegin: (email: string) => json(http(ROUTES.recoveryBegin, { json: { email } }), answers.recoveryBegin, 'recovery'),
    recoveryComplete: (body: RecoveryCompletion) =>
      json(http(ROUTES.recoveryComplete, { json: toWire(body) }), answers.sealedToken, 'recovery'),
    publicKey: (email: string) => json(http(ROUTES.publicKey, { query: { email } }), answers.contact, 'public key'),
    // Collections
    collections: () => json(http(ROUTES.collections), answers.collections, 'collections'),
    createCollection: (body: NewCollection) =>
      json(http(ROUTES.createCollection, { json: toWire(body) }), answers.created, 'new collection'),
    share: (id: number, email: string, encryptedKey: Uint8Array) =>
      done(http(ROUTES.share, { params: { id }, json: toWire({ email, encryptedKey }) })),
    unshare: (id: number, email: string) => done(http(ROUTES.unshare, { params: { id }, json: { email } })),
    createPublicLink: (id: number) => json(http(ROUTES.createPublicLink, { params: { id } }), answers.publicLink, 'public link'),
    deletePublicLink: (id: number) => done(http(ROUTES.deletePublicLink, { params: { id } })),
    setPublicLinkOptions: (id: number, options: { enableDownload: boolean }) =>
      done(http(ROUTES.setPublicLinkOptions, { params: { id }, json: options })),
    publicCollection: () => json(http(ROUTES.publicCollection), answers.publicCollection, 'public collection'),
    // Organising and the trash
    addFiles: (id: number, files: KeyedFile[]) => done(http(ROUTES.addFiles, { params: { id }, json: toWire({ files }) })),
    removeFiles: (id: number, fileIDs: number[]) => done(http(ROUTES.removeFiles, { params: { id }, json: { fileIDs } })),
    moveFiles: (fromCollectionID: number, toCollectionID: number, files: KeyedFile[]) =>
      done(http(ROUTES.moveFiles, { json: toWire({ fromCollectionID, toCollectionID, files }) })),
    renameCollection: (id: number, encryptedName: Uint8Array, nameDecryptionNonce: Uint8Array) =>
      done(http(ROUTES.renameCollection, { params: { id }, json: toWire({ encryptedName, nameDecryptionNonce }) })),
    deleteCollection: (id: number) => done(http(ROUTES.deleteCollection, { params: { id } })),
    putMagicMetadata: (id: number, body: MagicMetadata) =>
      done(http(ROUTES.putMagicMetadata, { params: { id }, json: toWire(body) })),
    trashFiles: (files: KeyedFile[]) => done(http(ROUTES.trashFiles, { json: toWire({ files }) })),
    trash: () => json(http(ROUTES.trash), answers.trashedRecords, 'trash'),
    restoreFiles: (collectionID: number, files: KeyedFile[]) =>
      done(http(ROUTES.restoreFiles, { json: toWire({ collectionID, files }) })),
    deleteFiles: (fileIDs: number[]) => done(http(ROUTES.deleteFiles, { json: { fileIDs } })),
    // Uploads and files
    upload: (size: number, source: ByteChunks, o?: UploadOptions) => uploadObject(http, size, source, o),
    createFile: (body: NewFile) => json(http(ROUTES.createFile, { json: toWire(body) }), answers.createdFile, 'new file'),
    /** The files of a collection (of the link's collection for a public link). */
    files: (collectionID: number) =>
      json(
        isLink ? http(ROUTES.publicFiles) : http(ROUTES.files, { params: { id: collectionID } }),
        answers.fileRecords,
        'files',
      ),
    /** A file's stream ciphertext as a response (its body streams); `range` as in Range. */
    fileContents: (id: number, { signal, range }: { signal?: AbortSignal; range?: string } = {}) =>
      http(isLink ? ROUTES.publicFileContents : ROUTES.fileContents, {
        params: { id },
        signal,
        headers: range ? { range } : {},
      }),
    thumbnail: (id: number, signal?: AbortSignal) =>
      bytes(http(isLink ? ROUTES.publicThumbnail : ROUTES.thumbnail, { params: { id }, signal })),
    putMlData: (id: number, body: EncryptedBlob) => done(http(ROUTES.putMlData, { params: { id }, json: toWire(body) })),
    mlData: (fileIDs: number[]) =>
      json(http(isLink ? ROUTES.publicMlData : ROUTES.mlData, { json: { fileIDs } }), answers.mlEntries, 'ML data'),
  };
}

export type Api = ReturnType<typeof createApi>;
