// Every limit and default the server uses, defined once. startGalleryServer's options override
// the ones tests need to shorten (windows, TTLs); main.mjs reads a few from the environment.
import { DEFAULT_MAX_OBJECT_BYTES, TRASH_DAYS } from '../contract/limits.mjs';

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
  maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
  /** Days a deleted file stays in the trash before it is deleted for good. */
  trashDays: TRASH_DAYS,
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
  SIZES,
} from '../contract/limits.mjs';
/** SRP sessions and recovery challenges waiting in memory, at most (beyond: 429). */
export const MAX_PENDING_CHALLENGES = 10000;
