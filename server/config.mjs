// Every limit and default the server uses, defined once. startGalleryServer's options override
// the ones tests need to shorten (windows, TTLs); main.mjs reads a few from the environment.
import { DEFAULT_MAX_OBJECT_BYTES, TRASH_DAYS } from '../contract/limits.mjs';

const MiB = 1024 * 1024;
const MINUTE_MS = 60 * 1000;

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  dataDir: '.gallery-data',
  appDir: 'build/app',
  /** Session tokens live this long (TOKEN_TTL_SECONDS). */
  tokenTtlSeconds: 7 * 24 * 60 * 60,
  /** Failed SRP verifications allowed per SRP user id, and recovery completions per email, per window. */
  maxAuthFailures: 5,
  authFailureWindowMs: 15 * MINUTE_MS,
  /** An SRP session is single-use and expires. */
  srpSessionTtlMs: 5 * MINUTE_MS,
  /** A recovery challenge is single-use and expires. */
  recoveryTtlMs: 10 * MINUTE_MS,
  /** An upload no file record claimed within this long is dropped (its bytes and its row). */
  unclaimedUploadTtlMs: 7 * 24 * 60 * MINUTE_MS,
  /** One uploaded object (a file's stream ciphertext or a thumbnail): MAX_OBJECT_BYTES. */
  maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
  /** Days a deleted file stays in the trash before it is deleted for good. */
  trashDays: TRASH_DAYS,
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

// The contract's sizes and limits (the client checks against the same ones).
export {
  MAX_PIECE_BYTES,
  MAX_ML_BYTES,
  MAX_JSON_BYTES,
  MAX_ML_JSON_BYTES,
  MAX_NAME_BYTES,
  MAX_METADATA_BYTES,
  MAX_ML_QUERY_IDS,
  MAX_BATCH_FILES,
  MAX_MAGIC_BYTES,
  MAX_RECORD_BYTES,
  MAX_RECORD_JSON_BYTES,
  SIZES,
  LISTING_PAGE_MAX,
  MAX_ENTITY_BYTES,
  MAX_ENTITY_JSON_BYTES,
  ENTITY_DIFF_MAX,
  ENTITY_TYPE,
  ML_PAGE_BYTES,
} from '../contract/limits.mjs';
