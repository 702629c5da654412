// The contract's calls (docs/server-api.md), one method per route of contract/routes.mjs: request
// bodies built from bytes (base64 on the wire), every answer parsed to its shape (answers.ts)
// before it is returned. This is the only module that speaks HTTP to the server.
import { ROUTES } from '../../../contract/routes.mjs';
import * as answers from './answers.js';
import { createHttp, type Credentials, type HttpOptions } from './http.js';
import { parse, type Parser } from './parse.js';
import { uploadObject, type ByteChunks, type UploadOptions } from './upload.js';
import { toWire } from './wire-form.js';
import { concatBytes } from '../bytes.js';
import { ApiError } from './errors.js';
import { MAX_THUMBNAIL_BYTES } from '../trust/thumbnail.js';
import { LISTING_PAGE_MAX } from '../../../contract/limits.mjs';

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

/** A signed album log entry as it travels (docs/formats.md): its canonical bytes and signature. */
export interface LogEntry {
  entry: Uint8Array;
  signature: Uint8Array;
}

/** The signing key's fields of the key attributes (docs/formats.md), as PUT for an older account. */
export interface SigningFields {
  signingPublicKey: Uint8Array;
  encryptedSigningKey: Uint8Array;
  signingKeyDecryptionNonce: Uint8Array;
  identitySignature: Uint8Array;
}

export type Role = 'viewer' | 'collaborator';

export interface EncryptedBlob {
  encryptedData: Uint8Array;
  decryptionHeader: Uint8Array;
}

/** An entity's ciphertext as the entity routes take it. */
export interface EncryptedEntityBody {
  encryptedData: Uint8Array;
  header: Uint8Array;
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

/** A body read up to `max` bytes: one longer is cancelled there, never held whole. */
async function boundedBytes(res: Response, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new ApiError(0, 'too_large', `the server sent more than ${max} bytes`);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    length += next.value.length;
    if (length > max) {
      await reader?.cancel();
      throw tooLarge();
    }
    parts.push(next.value);
  }
  return concatBytes(parts);
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
    putIdentity: (fields: SigningFields) => done(http(ROUTES.putIdentity, { json: toWire(fields) })),
    record: () => json(http(ROUTES.record), answers.accountRecord, 'account record'),
    /** Writes version `version` of the account record; ApiError 409 if another was written first. */
    putRecord: (version: number, encryptedData: Uint8Array, decryptionNonce: Uint8Array) =>
      done(http(ROUTES.putRecord, { json: toWire({ version, encryptedData, decryptionNonce }) })),
    recoveryBegin: (email: string) => json(http(ROUTES.recoveryBegin, { json: { email } }), answers.recoveryBegin, 'recovery'),
    recoveryComplete: (body: RecoveryCompletion) =>
      json(http(ROUTES.recoveryComplete, { json: toWire(body) }), answers.sealedToken, 'recovery'),
    publicKey: (email: string) => json(http(ROUTES.publicKey, { query: { email } }), answers.contact, 'public key'),
    // Collections
    collections: () => json(http(ROUTES.collections), answers.collections, 'collections'),
    createCollection: (body: NewCollection) =>
      json(http(ROUTES.createCollection, { json: toWire(body) }), answers.created, 'new collection'),
    rename: (id: number, name: { encryptedName: Uint8Array; nameDecryptionNonce: Uint8Array }, logEntry?: LogEntry) =>
      done(http(ROUTES.rename, { params: { id }, json: toWire({ ...name, logEntry }) })),
    share: (id: number, email: string, encryptedKey: Uint8Array, role?: Role, logEntry?: LogEntry) =>
      done(http(ROUTES.share, { params: { id }, json: toWire({ email, encryptedKey, role, logEntry }) })),
    role: (id: number, email: string, role: Role, logEntry?: LogEntry) =>
      done(http(ROUTES.role, { params: { id }, json: toWire({ email, role, logEntry }) })),
    unshare: (id: number, email: string, logEntry?: LogEntry) =>
      done(http(ROUTES.unshare, { params: { id }, json: toWire({ email, logEntry }) })),
    leave: (id: number, logEntry?: LogEntry) => done(http(ROUTES.leave, { params: { id }, json: toWire({ logEntry }) })),
    createPublicLink: (id: number, settings: { expiresAt?: number; allowDownload?: boolean; logEntry?: LogEntry } = {}) =>
      json(http(ROUTES.createPublicLink, { params: { id }, json: toWire(settings) }), answers.publicLink, 'public link'),
    deletePublicLink: (id: number, logEntry?: LogEntry) =>
      done(http(ROUTES.deletePublicLink, { params: { id }, json: toWire({ logEntry }) })),
    // Album logs: the whole log from `since` (the pages read one after another)
    log: async (id: number, since = 0) => {
      const entries: answers.LogPage['entries'] = [];
      for (let from = since, more = true; more; ) {
        const page = await json(
          isLink
            ? http(ROUTES.publicLog, { query: { since: String(from) } })
            : http(ROUTES.log, { params: { id }, query: { since: String(from) } }),
          answers.logPage,
          'album log',
        );
        // One at a time: the server sizes the page, and a spread of some 125,000 overflows the stack.
        for (const entry of page.entries) entries.push(entry);
        more = page.more && page.entries.length > 0;
        from = (page.entries.at(-1)?.seq ?? from) + 1;
      }
      return entries;
    },
    appendLog: (id: number, logEntry: LogEntry) =>
      json(http(ROUTES.appendLog, { params: { id }, json: toWire(logEntry) }), answers.appended, 'album log entry'),
    publicCollection: () => json(http(ROUTES.publicCollection), answers.publicCollection, 'public collection'),
    // Organising and the trash
    addFiles: (id: number, files: KeyedFile[], logEntries?: LogEntry[]) =>
      done(http(ROUTES.addFiles, { params: { id }, json: toWire({ files, logEntries }) })),
    removeFiles: (id: number, fileIDs: number[], logEntries?: LogEntry[]) =>
      done(http(ROUTES.removeFiles, { params: { id }, json: toWire({ fileIDs, logEntries }) })),
    moveFiles: (fromCollectionID: number, toCollectionID: number, files: KeyedFile[], logEntries?: LogEntry[]) =>
      done(http(ROUTES.moveFiles, { json: toWire({ fromCollectionID, toCollectionID, files, logEntries }) })),
    deleteCollection: (id: number) => done(http(ROUTES.deleteCollection, { params: { id } })),
    putMagicMetadata: (id: number, body: MagicMetadata) =>
      done(http(ROUTES.putMagicMetadata, { params: { id }, json: toWire(body) })),
    trashFiles: (files: KeyedFile[], logEntries?: LogEntry[]) =>
      done(http(ROUTES.trashFiles, { json: toWire({ files, logEntries }) })),
    trash: () => json(http(ROUTES.trash), answers.trashedRecords, 'trash'),
    restoreFiles: (collectionID: number, files: KeyedFile[], logEntries?: LogEntry[]) =>
      done(http(ROUTES.restoreFiles, { json: toWire({ collectionID, files, logEntries }) })),
    deleteFiles: (fileIDs: number[]) => done(http(ROUTES.deleteFiles, { json: { fileIDs } })),
    // Uploads and files
    upload: (size: number, source: ByteChunks, o?: UploadOptions) => uploadObject(http, size, source, o),
    createFile: (body: NewFile, logEntry?: LogEntry) =>
      json(http(ROUTES.createFile, { json: toWire({ ...body, logEntry }) }), answers.createdFile, 'new file'),
    removeFile: (id: number, logEntry?: LogEntry) =>
      done(http(ROUTES.removeFile, { params: { id }, json: toWire({ logEntry }) })),
    /** The files of a collection (of the link's collection for a public link). */
    files: (collectionID: number) =>
      json(
        isLink ? http(ROUTES.publicFiles) : http(ROUTES.files, { params: { id: collectionID } }),
        answers.fileRecords,
        'files',
      ),
    /**
     * One page of an album's changes after `from` (a cursor, or a time in ms): the files that
     * joined or changed and the ids of those that left, checked (answers.fileChanges). Page on
     * with `{ after: page.next }` until `next` is null; keep `resume` for the next sync (a page
     * with `files.rejected` records left out moves past them too: to see them again, resume from
     * before it). ApiError 410 when the server no longer keeps removals that far back: list the
     * album in full.
     */
    fileChanges: (collectionID: number, from: answers.ChangesFrom, limit = LISTING_PAGE_MAX) => {
      const query = {
        ...('after' in from ? { after: from.after } : { sinceTime: String(from.sinceTime) }),
        limit: String(limit),
      };
      return json(
        isLink ? http(ROUTES.publicFiles, { query }) : http(ROUTES.files, { params: { id: collectionID }, query }),
        answers.fileChanges(from, limit),
        'file changes',
      );
    },
    /** A file's stream ciphertext as a response (its body streams); `range` as in Range. */
    fileContents: (id: number, { signal, range }: { signal?: AbortSignal; range?: string } = {}) =>
      http(isLink ? ROUTES.publicFileContents : ROUTES.fileContents, {
        params: { id },
        signal,
        headers: range ? { range } : {},
      }),
    /** A thumbnail's ciphertext, refused (ApiError 'too_large') as soon as it runs past `maxBytes`. */
    thumbnail: async (id: number, signal?: AbortSignal, maxBytes = MAX_THUMBNAIL_BYTES) =>
      boundedBytes(await http(isLink ? ROUTES.publicThumbnail : ROUTES.thumbnail, { params: { id }, signal }), maxBytes),
    putMlData: (id: number, body: EncryptedBlob) => done(http(ROUTES.putMlData, { params: { id }, json: toWire(body) })),
    mlData: (fileIDs: number[]) =>
      json(http(isLink ? ROUTES.publicMlData : ROUTES.mlData, { json: { fileIDs } }), answers.mlEntries, 'ML data'),
    // User entities (people)
    /** The account's wrapped key for `type` entities; ApiError 404 when it has none yet. */
    entityKey: (type: string) => json(http(ROUTES.entityKey, { query: { type } }), answers.entityKey, 'entity key'),
    /** Stores `type`'s wrapped key; ApiError 409 when another device stored one first. */
    createEntityKey: (type: string, encryptedKey: Uint8Array, header: Uint8Array) =>
      done(http(ROUTES.createEntityKey, { json: toWire({ type, encryptedKey, header }) })),
    createEntity: (type: string, body: EncryptedEntityBody) =>
      json(http(ROUTES.createEntity, { json: toWire({ type, ...body }) }), answers.entity, 'new entity'),
    updateEntity: (id: string, body: EncryptedEntityBody) =>
      json(http(ROUTES.updateEntity, { params: { id }, json: toWire(body) }), answers.entity, 'entity'),
    deleteEntity: (id: string) => done(http(ROUTES.deleteEntity, { params: { id } })),
    /** Entities of `type` changed after `sinceTime` (µs), oldest change first, at most `limit`. */
    entityDiff: (type: string, sinceTime: number, limit?: number) =>
      json(
        http(ROUTES.entityDiff, {
          query: { type, sinceTime: String(sinceTime), ...(limit === undefined ? {} : { limit: String(limit) }) },
        }),
        answers.entityDiff,
        'entity diff',
      ),
    /** One page of a collection's ML data changed after `after` (a cursor from an earlier page; null: all of it). */
    mlChanges: (collectionID: number, after: string | null, limit?: number) =>
      json(
        http(ROUTES.mlChanges, {
          params: { id: collectionID },
          query: { ...(after ? { after } : {}), ...(limit ? { limit: String(limit) } : {}) },
        }),
        answers.mlChanges,
        'ML data changes',
      ),
  };
}

export type Api = ReturnType<typeof createApi>;
