// The package's crypto entry, `cipherlens` and `cipherlens/crypto`: Ente-compatible keys,
// encryption, sharing, hashing and recovery phrases on the crypto build (cipherlens-crypto.wasm),
// in the calling thread or in workers. Nothing here reaches search or ONNX Runtime.
export { loadCryptoCore, type CryptoCore } from './crypto/core.js';
export type { CoreFlavor, LoadOptions } from './runtime/loader.js';
export { CoreError, type CoreErrorCode } from './runtime/errors.js';
export type { DerivedKey } from './crypto/keys.js';
export type { SigningKeyPair } from './crypto/sign.js';
export type { StreamEncryptor, StreamDecryptor } from './crypto/stream.js';
export { CHUNK_BYTES, CIPHER_CHUNK_BYTES, FILE_HASH_BYTES } from './crypto/sizes.js';
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
} from './remote/client.js';
