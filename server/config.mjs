// Every limit and default the server uses, defined once. startGalleryServer's options override
// the ones tests need to shorten (windows, TTLs); main.mjs reads a few from the environment.
const MiB = 1024 * 1024;
const MINUTE_MS = 60 * 1000;

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  dataDir: '.gallery-data',
  appDir: 'build/app',
  /** Session tokens live this long (TOKEN_TTL_SECONDS). */
  tokenTtlSeconds: 7 * 24 * 60 * 60,
  /** Failed SRP verifications allowed per SRP user id, and recovery completions per address, per window. */
  maxAuthFailures: 5,
  authFailureWindowMs: 15 * MINUTE_MS,
  /** An SRP session is single-use and expires. */
  srpSessionTtlMs: 5 * MINUTE_MS,
  /** A recovery challenge is single-use and expires. */
  recoveryTtlMs: 10 * MINUTE_MS,
  /** An upload no file record claimed within this long is dropped (its bytes and its row). */
  unclaimedUploadTtlMs: 7 * 24 * 60 * MINUTE_MS,
  /**
   * SRP sessions and recovery challenges waiting in memory, in two pools that each drop their
   * oldest when full (pending.mjs): real accounts', and made-up subjects', so a flood of made-up
   * ones never crowds out a real one.
   */
  maxPendingAccounts: 100000,
  maxPendingMadeUp: 10000,
  /** One uploaded object (a file's stream ciphertext or a thumbnail): MAX_OBJECT_BYTES. */
  maxObjectBytes: 1024 * MiB,
});

/** A PATCH piece: one 4 MiB stream chunk pair with its overhead, as the contract allows. */
export const MAX_PIECE_BYTES = 8 * MiB + 64;
/** Ente's per-file ML data cap, on the decoded ciphertext. */
export const MAX_ML_BYTES = 8 * MiB;
/** JSON bodies: small by default; the ML route's base64 of 8 MiB needs room. */
export const MAX_JSON_BYTES = 64 * 1024;
export const MAX_ML_JSON_BYTES = Math.ceil(MAX_ML_BYTES / 3) * 4 + 64 * 1024;
/** Encrypted names and file metadata are small JSON blobs. */
export const MAX_NAME_BYTES = 4 * 1024;
export const MAX_METADATA_BYTES = 64 * 1024;
/** An account record (docs/formats.md): pins and seen heads, encrypted; base64 in JSON. */
export const MAX_RECORD_BYTES = 2 * MiB;
export const MAX_RECORD_JSON_BYTES = Math.ceil(MAX_RECORD_BYTES / 3) * 4 + 64 * 1024;
/** How many file ids one ML data query may name. */
export const MAX_ML_QUERY_IDS = 200;
/** SRP sessions and recovery challenges waiting per subject (an SRP user id, an email); pending.mjs. */
export const MAX_PENDING_PER_SUBJECT = 5;

/** Ente's byte sizes for what the server checks in key attributes and records. */
export const SIZES = Object.freeze({
  key: 32,
  salt: 16,
  nonce: 24,
  mac: 16,
  streamHeader: 24,
  publicKey: 32,
  seal: 48,
});
