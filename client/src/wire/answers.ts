// The shape of every answer in docs/server-api.md, as parsers (wire/parse.ts): the one place
// the client states what it accepts from the server. Byte fields are decoded and sized here.
import {
  ENTITY_DIFF_MAX,
  MAX_ENTITY_BYTES,
  LISTING_PAGE_MAX,
  MAX_MAGIC_BYTES,
  MAX_METADATA_BYTES,
  MAX_ML_BYTES,
  MAX_NAME_BYTES,
  MAX_RECORD_BYTES,
  SIZES,
} from '../../../contract/limits.mjs';
import { LOG_SIGNATURE_BYTES, MAX_LOG_ENTRY_BYTES } from '../../../contract/album-log.mjs';
import {
  array,
  boolean,
  bytes,
  eachOf,
  id,
  int,
  malformed,
  nullable,
  object,
  oneOf,
  optional,
  string,
  type Parsed,
} from './parse.js';

const email = string(320);
const srpBytes = bytes(undefined, { min: 1, max: 512 }); // the 4096-bit group's numbers
const wrappedKey = bytes(SIZES.wrappedKey);
const nonce = bytes(SIZES.nonce);
const header = bytes(SIZES.streamHeader);

export const keyAttributes = object({
  kekSalt: bytes(SIZES.salt),
  encryptedKey: wrappedKey,
  keyDecryptionNonce: nonce,
  publicKey: bytes(SIZES.publicKey),
  encryptedSecretKey: wrappedKey,
  secretKeyDecryptionNonce: nonce,
  memLimit: int(1),
  opsLimit: int(1),
  masterKeyEncryptedWithRecoveryKey: wrappedKey,
  masterKeyDecryptionNonce: nonce,
  recoveryKeyEncryptedWithMasterKey: wrappedKey,
  recoveryKeyDecryptionNonce: nonce,
  // The signing key beside Ente's fields (docs/formats.md); absent on an account made before it.
  signingPublicKey: optional(bytes(32)),
  encryptedSigningKey: optional(wrappedKey),
  signingKeyDecryptionNonce: optional(nonce),
  identitySignature: optional(bytes(64)),
});
export type KeyAttributes = Parsed<typeof keyAttributes>;

export const created = object({ id });

export const srpAttributes = object({
  srpUserID: string(64),
  srpSalt: bytes(SIZES.salt),
  kekSalt: bytes(SIZES.salt),
  memLimit: int(1),
  opsLimit: int(1),
});
export type SrpAttributes = Parsed<typeof srpAttributes>;

export const srpSession = object({ sessionID: string(64), srpB: srpBytes });

export const srpVerify = object({
  srpM2: srpBytes,
  id,
  email,
  keyAttributes,
  encryptedToken: bytes(SIZES.token + SIZES.seal),
});
export type SrpVerify = Parsed<typeof srpVerify>;

export const me = object({ id, email, keyAttributes });
export type Me = Parsed<typeof me>;

export const recoveryBegin = object({
  challengeID: string(64),
  masterKeyEncryptedWithRecoveryKey: wrappedKey,
  masterKeyDecryptionNonce: nonce,
  encryptedSecretKey: wrappedKey,
  secretKeyDecryptionNonce: nonce,
  publicKey: bytes(SIZES.publicKey),
  encryptedChallenge: bytes(undefined, { min: SIZES.seal + 1, max: SIZES.seal + 64 }),
});
export type RecoveryBegin = Parsed<typeof recoveryBegin>;

export const sealedToken = object({ encryptedToken: bytes(SIZES.token + SIZES.seal) });

export const contact = object({
  id,
  email,
  publicKey: bytes(SIZES.publicKey),
  signingPublicKey: optional(bytes(32)),
  identitySignature: optional(bytes(64)),
});
export type Contact = Parsed<typeof contact>;

const person = object({ id, email });
export type Person = Parsed<typeof person>;
const role = oneOf('viewer', 'collaborator');
const sharee = object({ id, email, role: optional(role) });
export type Sharee = Parsed<typeof sharee>;

export const collection = object({
  id,
  owner: person,
  // wrapped with the master key (owner, with its nonce) or sealed to the sharee (nonce null)
  encryptedKey: bytes(undefined, { min: SIZES.wrappedKey, max: SIZES.sealedKey }),
  keyDecryptionNonce: nullable(nonce),
  encryptedName: bytes(undefined, { min: SIZES.mac, max: MAX_NAME_BYTES }),
  nameDecryptionNonce: nonce,
  sharees: array(sharee),
  /** The owner's view of its public link (absent for a sharee). */
  publicLink: optional(nullable(object({ accessToken: string(256), expiresAt: int(), allowDownload: boolean }))),
  updationTime: int(),
});
export type Collection = Parsed<typeof collection>;
export const collections = eachOf(collection);

export const publicCollection = object({
  id,
  encryptedName: bytes(undefined, { min: SIZES.mac, max: MAX_NAME_BYTES }),
  nameDecryptionNonce: nonce,
  expiresAt: optional(int()),
  allowDownload: optional(boolean),
});
export type PublicCollection = Parsed<typeof publicCollection>;

const object_ = object({ decryptionHeader: header, size: int(1) });
const fileShape = {
  id,
  collectionID: id,
  ownerID: id,
  encryptedKey: wrappedKey,
  keyDecryptionNonce: nonce,
  file: object_,
  thumbnail: object_,
  metadata: object({
    encryptedData: bytes(undefined, { min: 1, max: MAX_METADATA_BYTES }),
    decryptionHeader: header,
  }),
  /** The owner's private marks (archived, favourite), versioned; null for others. */
  magicMetadata: optional(
    nullable(
      object({
        version: int(1),
        encryptedData: bytes(undefined, { min: 1, max: MAX_MAGIC_BYTES }),
        decryptionHeader: header,
      }),
    ),
  ),
  updationTime: int(),
};
export const fileRecord = object(fileShape);
export type FileRecord = Parsed<typeof fileRecord>;
export const fileRecords = eachOf(fileRecord);
/** One page of a collection's files changed after a cursor: the records, the next page's cursor (null: the last). */
export const filesPage = object({
  files: eachOf(fileRecord, LISTING_PAGE_MAX),
  /** The files that left the album after the cursor (when the server keeps removals). */
  removed: optional(array(object({ id, updationTime: int() }), LISTING_PAGE_MAX)),
  next: nullable(string(40)),
});

/** A trashed file: its key wrapped with the master key, the album it was in (0: none left), when it goes. */
export const trashedRecord = object({ ...fileShape, collectionID: int(), trashedAt: int(), deleteBy: int() });
export type TrashedRecord = Parsed<typeof trashedRecord>;
export const trashedRecords = eachOf(trashedRecord);

export const createdFile = object({ id, updationTime: int() });
/** The account's storage: bytes of its uploads (the trash's too) and its quota (null: none). */
export const usage = object({ usedBytes: int(), objects: int(), quotaBytes: nullable(int()) });
export const upload = object({ objectKey: string(128) });
export const publicLink = object({ accessToken: string(256) });

const mlCiphertext = () => bytes(undefined, { min: 1, max: MAX_ML_BYTES });

/** A page of an album's signed log (docs/formats.md, "Signed album logs"). */
export const logPage = object({
  entries: array(
    object({
      seq: int(),
      entry: bytes(undefined, { min: 1, max: MAX_LOG_ENTRY_BYTES }),
      signature: bytes(LOG_SIGNATURE_BYTES),
    }),
  ),
  more: boolean,
});
export type LogPage = Parsed<typeof logPage>;
export const appended = object({ seq: int(), hash: bytes(32) });

/** The account record, opaque (version 0: never written). */
export const accountRecord = object({
  version: int(),
  encryptedData: optional(bytes(undefined, { min: SIZES.mac, max: MAX_RECORD_BYTES })),
  decryptionNonce: optional(nonce),
});
export type SealedRecord = Parsed<typeof accountRecord>;

export const mlEntry = object({
  fileID: id,
  encryptedData: mlCiphertext(),
  decryptionHeader: header,
});
export type MlEntry = Parsed<typeof mlEntry>;
export const mlEntries = eachOf(mlEntry);

export const entityKey = object({ type: string(32), encryptedKey: wrappedKey, header: nonce, createdAt: int() });
export type EntityKeyRecord = Parsed<typeof entityKey>;
const entityShape = object({
  id: string(64),
  type: string(32),
  encryptedData: nullable(bytes(undefined, { min: 1, max: MAX_ENTITY_BYTES })),
  header: nullable(header),
  isDeleted: boolean,
  createdAt: int(),
  updatedAt: int(),
});
/** An entity: live with its data, or a tombstone without. */
export const entity = (value: unknown, at: string) => {
  const e = entityShape(value, at);
  if (e.isDeleted !== (e.encryptedData === null) || e.isDeleted !== (e.header === null))
    throw malformed(at, 'has data that does not match isDeleted');
  return e;
};
export type EntityRecord = Parsed<typeof entityShape>;
export const entityDiff = object({ diff: eachOf(entity, ENTITY_DIFF_MAX) });

/** A page of a collection's ML data changes: entries, the cursor after them, whether more follow. */
export const mlChanges = object({
  entries: eachOf(
    object({ fileID: id, encryptedData: mlCiphertext(), decryptionHeader: header, updationTime: int() }),
    LISTING_PAGE_MAX,
  ),
  next: nullable(string(40)),
  more: boolean,
});
export type MlChanges = Parsed<typeof mlChanges>;
