// The shape of every answer in docs/server-api.md, as parsers (wire/parse.ts): the one place
// the client states what it accepts from the server. Byte fields are decoded and sized here.
import { MAX_MAGIC_BYTES, MAX_METADATA_BYTES, MAX_ML_BYTES, MAX_NAME_BYTES, SIZES } from '../../../contract/limits.mjs';
import {
  array,
  bytes,
  eachOf,
  id,
  int,
  malformed,
  nullable,
  object,
  optional,
  string,
  type Parsed,
  type Parser,
} from './parse.js';

const email = string(320);
const srpBytes = bytes(undefined, { min: 1, max: 512 }); // the 4096-bit group's numbers
const wrappedKey = bytes(SIZES.wrappedKey);
const nonce = bytes(SIZES.nonce);
const header = bytes(SIZES.streamHeader);
const flag: Parser<boolean> = (value, at) => {
  if (typeof value !== 'boolean') throw malformed(at, 'is not true or false');
  return value;
};

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

export const contact = object({ id, email, publicKey: bytes(SIZES.publicKey) });
export type Contact = Parsed<typeof contact>;

const person = object({ id, email });
export type Person = Parsed<typeof person>;

export const collection = object({
  id,
  owner: person,
  // wrapped with the master key (owner, with its nonce) or sealed to the sharee (nonce null)
  encryptedKey: bytes(undefined, { min: SIZES.wrappedKey, max: SIZES.sealedKey }),
  keyDecryptionNonce: nullable(nonce),
  encryptedName: bytes(undefined, { min: SIZES.mac, max: MAX_NAME_BYTES }),
  nameDecryptionNonce: nonce,
  sharees: array(person),
  updationTime: int(),
});
export type Collection = Parsed<typeof collection>;
export const collections = eachOf(collection);

export const publicCollection = object({
  id,
  encryptedName: bytes(undefined, { min: SIZES.mac, max: MAX_NAME_BYTES }),
  nameDecryptionNonce: nonce,
  enableDownload: optional(flag),
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

/** A trashed file: its key wrapped with the master key, the album it was in (0: none left), when it goes. */
export const trashedRecord = object({ ...fileShape, collectionID: int(), trashedAt: int(), deleteBy: int() });
export type TrashedRecord = Parsed<typeof trashedRecord>;
export const trashedRecords = eachOf(trashedRecord);

export const createdFile = object({ id, updationTime: int() });
/** The account's storage: bytes of its uploads (the trash's too) and its quota (null: none). */
export const usage = object({ usedBytes: int(), objects: int(), quotaBytes: nullable(int()) });
export const upload = object({ objectKey: string(128) });
export const publicLink = object({ accessToken: string(256), enableDownload: optional(flag) });

export const mlEntry = object({
  fileID: id,
  encryptedData: bytes(undefined, { min: 1, max: MAX_ML_BYTES }),
  decryptionHeader: header,
});
export type MlEntry = Parsed<typeof mlEntry>;
export const mlEntries = eachOf(mlEntry);
