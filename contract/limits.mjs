// The contract's sizes and limits (docs/server-api.md), defined once for the server
// (server/config.mjs re-exports them) and the client. Ente's byte sizes come from the package.
import { CIPHER_CHUNK_BYTES } from 'cipherlens';

const MiB = 1024 * 1024;

/**
 * The piece a client sends per PATCH: one ciphertext chunk of Ente's stream layout (4 MiB of
 * plaintext + 17 bytes), so a piece never ends in a 17-byte tail and the server writes each
 * chunk once. The last piece of an object is whatever is left.
 */
export const UPLOAD_PIECE_BYTES = CIPHER_CHUNK_BYTES;
/** The largest PATCH body the server takes (two chunks with room to spare); over it: 413. */
export const MAX_PIECE_BYTES = 8 * MiB + 64;
/** One uploaded object's size by default (the server's MAX_OBJECT_BYTES). */
export const DEFAULT_MAX_OBJECT_BYTES = 1024 * MiB;
/** Ente's per-file ML data cap, on the decoded ciphertext. */
export const MAX_ML_BYTES = 8 * MiB;
/** How many file ids one ML data query may name. */
export const MAX_ML_QUERY_IDS = 200;
/** JSON bodies: small by default; the ML route's base64 of 8 MiB needs room. */
export const MAX_JSON_BYTES = 64 * 1024;
export const MAX_ML_JSON_BYTES = Math.ceil(MAX_ML_BYTES / 3) * 4 + 64 * 1024;
/** How many files one organising or trash request may name (add, remove, move, trash, restore, delete). */
export const MAX_BATCH_FILES = 200;
/** How long a deleted file stays in the trash before the server deletes it for good (Ente: 30 days). */
export const TRASH_DAYS = 30;
/** One user entity's ciphertext: the package's ENTITY_MAX_BYTES (16 MiB) of JSON plus its 17-byte tag. */
export const MAX_ENTITY_BYTES = 16 * MiB + 17;
export const MAX_ENTITY_JSON_BYTES = Math.ceil(MAX_ENTITY_BYTES / 3) * 4 + 64 * 1024;
/** Entities per page of an entity diff (`?limit=`), at most. */
export const ENTITY_DIFF_MAX = 500;
/** Entity types: Ente's names (cgroup, location...), lower-case words. */
export const ENTITY_TYPE = /^[a-z][a-z_]{0,31}$/;
/** Encrypted names and file metadata are small JSON blobs. */
export const MAX_NAME_BYTES = 4 * 1024;
export const MAX_METADATA_BYTES = 64 * 1024;
/** A file's private magic metadata (archived, favourite): a small encrypted JSON blob. */
export const MAX_MAGIC_BYTES = 4 * 1024;
/** An account record (docs/formats.md): pins and seen album heads, encrypted; base64 in JSON. */
export const MAX_RECORD_BYTES = 2 * MiB;
export const MAX_RECORD_JSON_BYTES = Math.ceil(MAX_RECORD_BYTES / 3) * 4 + 64 * 1024;

/** Ente's byte sizes of what travels in key attributes and records. */
export const SIZES = Object.freeze({
  key: 32,
  salt: 16,
  nonce: 24,
  mac: 16,
  streamHeader: 24,
  publicKey: 32,
  seal: 48,
  /** A key wrapped with secretbox (key + MAC), and sealed to a public key (key + seal). */
  wrappedKey: 32 + 16,
  sealedKey: 32 + 48,
  /** The session token an encryptedToken opens to. */
  token: 32,
});

/** Files per page of a paged listing (`?limit=`), at most. */
export const LISTING_PAGE_MAX = 1000;
/** A page of ML data changes holds at most this many bytes of base64 ciphertext (and one entry more if a single entry is larger). */
export const ML_PAGE_BYTES = 16 * MiB;
