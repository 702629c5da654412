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
  type Parser,
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

/** Where a listing of an album's changes starts: a cursor from an earlier page, or a time (ms, exclusive). */
export type ChangesFrom = { after: string } | { sinceTime: number };
/** A position in the changes' order (update time, then file id). */
type Position = readonly [time: number, id: number];
const CURSOR = /^(\d{1,16})-([1-9]\d{0,15})$/;
const cursorPosition = (text: string, at: string): Position => {
  const m = CURSOR.exec(text);
  const position = m ? ([Number(m[1]), Number(m[2])] as const) : null;
  if (!position?.every(Number.isSafeInteger)) throw malformed(at, 'is not a cursor');
  return position;
};
const before = (a: Position, b: Position) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
/** `from` as a position: a sinceTime comes after every change at that time. */
export const startOf = (from: ChangesFrom): Position =>
  'after' in from ? cursorPosition(from.after, 'after') : [from.sinceTime, Number.MAX_SAFE_INTEGER];
const cursorAt = (p: Position) => `${p[0]}-${p[1]}`;

const removal = object({ id, updationTime: int() });
export type Removal = Parsed<typeof removal>;
const fileChangesShape = object({
  files: eachOf(fileRecord, LISTING_PAGE_MAX),
  removed: array(removal, LISTING_PAGE_MAX),
  next: nullable(string(40)),
});
/** A page of an album's changes, checked: where to go on from (`resume`), and `next` (null: the last page). */
export type FileChanges = Parsed<typeof fileChangesShape> & { resume: ChangesFrom };

/**
 * The parser of a page of changes after `from`, at most `limit`: every change comes after `from`
 * in the order, each list in that order, no file twice; `next`, when there is one, is the cursor of
 * the page's last change (so it only moves forward: a server cannot make the client page forever
 * over the same changes, nor take it back over older ones).
 */
export const fileChanges =
  (from: ChangesFrom, limit: number): Parser<FileChanges> =>
  (value, at) => {
    const page = fileChangesShape(value, at);
    const start = startOf(from);
    if (page.files.items.length + page.files.rejected + page.removed.length > limit)
      throw malformed(at, `has more than ${limit} changes`);
    let last: Position | null = null;
    for (const [name, list] of [
      ['files', page.files.items],
      ['removed', page.removed],
    ] as const) {
      let previous = start;
      for (const [i, change] of list.entries()) {
        const here: Position = [change.updationTime, change.id];
        if (!before(previous, here)) throw malformed(`${at}.${name}[${i}]`, 'is not after the one before it (or the cursor)');
        previous = here;
      }
      if (list.length > 0 && (last === null || before(last, previous))) last = previous;
    }
    const ids = [...page.files.items, ...page.removed].map((c) => c.id);
    if (new Set(ids).size !== ids.length) throw malformed(at, 'names a file twice');
    if (page.next !== null) {
      const next = cursorPosition(page.next, `${at}.next`);
      // A page that left out records (rejected) still may not end before what it listed.
      const fits = last !== null && (page.files.rejected === 0 ? cursorAt(next) === cursorAt(last) : !before(next, last));
      if (!fits || !before(start, next)) throw malformed(`${at}.next`, 'is not the cursor of the page’s last change');
    }
    const resume = page.next !== null ? { after: page.next } : last !== null ? { after: cursorAt(last) } : from;
    return { ...page, resume };
  };

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
