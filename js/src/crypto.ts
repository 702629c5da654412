// The package's crypto entry, `cipherlens` and `cipherlens/crypto`: Ente-compatible keys,
// encryption, sharing, hashing and recovery phrases on the crypto build (cipherlens-crypto.wasm),
// in the calling thread or in workers. Nothing here reaches search or ONNX Runtime.
export { loadCryptoCore, type CryptoCore } from './crypto/core.js';
export type { CoreFlavor, LoadOptions } from './runtime/loader.js';
export { CoreError, type CoreErrorCode } from './runtime/errors.js';
export {
  ARGON2_BOUNDS,
  INTERACTIVE_LIMITS,
  SENSITIVE_ATTEMPTS,
  type Argon2Limits,
  type DerivedKey,
  type KdfBounds,
} from './crypto/keys.js';
export type { SigningKeyPair } from './crypto/sign.js';
export type { StreamEncryptor, StreamDecryptor } from './crypto/stream.js';
export type { SecretboxSealed } from './crypto/secretbox.js';
export type { SealedStream } from './crypto/blob.js';
export type { KeyPair } from './crypto/box.js';
export type { MemoryStats } from './crypto/core.js';
export {
  CHUNK_BYTES,
  CIPHER_CHUNK_BYTES,
  FILE_HASH_BYTES,
  HEADER_BYTES,
  KEY_BYTES,
  LOGIN_SUBKEY_BYTES,
  MAC_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SALT_BYTES,
  SEAL_OVERHEAD,
  SECRET_KEY_BYTES,
  SIGNATURE_BYTES,
  SIGN_PUBLIC_KEY_BYTES,
  SIGN_SECRET_KEY_BYTES,
  SIGN_SEED_BYTES,
  STREAM_OVERHEAD,
} from './crypto/sizes.js';
export { PAYLOAD_TRANSFER_BYTES } from './remote/routes.js';
export { MAX_SESSIONS_PER_WORKER } from './remote/protocol.js';
export type { FileHasher } from './crypto/file-hash.js';
export { createCoreWorker, createWorkerPool, type CryptoWorkerOptions } from './remote/crypto-pool.js';
export type {
  CoreWorker,
  AsyncCore,
  Async,
  AsyncStreamEncryptor,
  AsyncStreamDecryptor,
  CallOptions,
  Progress,
  KdfProgress,
  StreamProgress,
  StreamOptions,
  ByteSource,
  WorkerOptions,
  WorkerControls,
  AsyncStreamApi,
  EncryptedStream,
  PoolStats,
  ThreadStats,
} from './remote/client.js';
