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
  /** Failed SRP verifications (and recovery completions) allowed per account per window. */
  maxAuthFailures: 5,
  authFailureWindowMs: 15 * MINUTE_MS,
  /** An SRP session is single-use and expires. */
  srpSessionTtlMs: 5 * MINUTE_MS,
  /** A recovery challenge is single-use and expires. */
  recoveryTtlMs: 10 * MINUTE_MS,
  /** An upload no file record claimed within this long is dropped (its bytes and its row). */
  unclaimedUploadTtlMs: 7 * 24 * 60 * MINUTE_MS,
  /** One uploaded object (a file's stream ciphertext or a thumbnail): MAX_OBJECT_BYTES. */
  maxObjectBytes: 1024 * MiB,
  /** Bytes an account may hold, uploads in progress included (QUOTA_BYTES; 0: no limit). */
  quotaBytes: 50 * 1024 * MiB,
  /** Sign-ups, SRP steps and recovery steps per client address per window (beyond: 429). */
  addressLimit: Object.freeze({ max: 120, windowMs: MINUTE_MS }),
  /** Client addresses from the last X-Forwarded-For hop (TRUST_PROXY=1, behind a load balancer). */
  trustProxy: false,
  /** A PATCH with no new bytes for this long has stalled: the next PATCH takes its lock over. */
  uploadLockStaleMs: 5 * 1000,
  /** A request body (a piece) that stops arriving for this long is dropped and its connection closed. */
  bodyIdleTimeoutMs: 30 * 1000,
  /** Headers must arrive within this long, a whole request (an 8 MiB piece) within requestTimeoutMs. */
  headersTimeoutMs: 20 * 1000,
  requestTimeoutMs: 120 * 1000,
  /** On SIGTERM, requests in flight get this long to finish before their connections close. */
  shutdownGraceMs: 25 * 1000,
  /** Writes one JSON line per request here (main.mjs: stdout); none by default. */
  log: undefined,
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
/** How many file ids one ML data query may name. */
export const MAX_ML_QUERY_IDS = 200;
/** Files per page of a listing, at most (and what one page of the unpaged listing reads). */
export const LISTING_PAGE_MAX = 1000;

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
