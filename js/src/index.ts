export { loadCore, loadCryptoCore, type Core, type CryptoCore } from './core.js';
export { compileCore, type CoreFlavor, type LoadOptions } from './loader.js';
// CLIP search: models, ONNX Runtime Web inference, search API (docs/search.md).
export {
  createSearch, DEFAULT_MIN_SCORE, DEFAULT_MAX_IMAGE_SIDE,
  type Search, type SearchCore, type CreateSearchOptions, type QueryOptions, type SearchIndex,
} from './search.js';
export {
  createImageEncoder, createTextEncoder, detectImageSignature, l2Normalize, ENTE_CLIP_MODELS, CLIP_DIMS,
  type ClipImageEncoder, type ClipTextEncoder, type ImageSignature, type ModelSource, type EncoderOptions,
} from './clip-encoders.js';
export {
  loadModelBytes, ENTE_MODEL_BASE_URL,
  type ModelFile, type ModelProgress, type ModelCacheOptions, type ModelFetchOptions,
} from './model-store.js';
export { createSearchWorker, type SearchWorker, type SearchWorkerOptions, type SearchWorkerInit } from './search-worker.js';
export { ModelError, type ModelErrorCode } from './model-error.js';
export { loadOrt, DEFAULT_ORT_WASM_PATHS, type OrtOptions, type OrtModule } from './ort-runtime.js';
export { CoreError, type CoreErrorCode } from './errors.js';
export type { DerivedKey } from './keys.js';
export type { StreamEncryptor, StreamDecryptor } from './stream.js';
export { CHUNK_BYTES, CIPHER_CHUNK_BYTES } from './stream.js';
export { createCoreWorker, createWorkerPool } from './remote/client.js';
export type {
  CoreWorker, AsyncCore, Async, AsyncStreamEncryptor, AsyncStreamDecryptor, CallOptions, Progress, KdfProgress,
  StreamProgress, StreamOptions, ByteSource, WorkerOptions,
} from './remote/client.js';
export type { EmbeddingIndex, SearchHit, SearchOptions } from './embedding-index.js';
export { ENTE_CLIP_MIN_SCORE } from './embedding-index.js';
export type { ClipData, MLData, EncryptedMLData, ClipOptions } from './ml-data.js';
export { CLIP_INDEX_VERSION } from './ml-data.js';
export { fileIndexStore, indexedDbIndexStore, type IndexStore, type IndexedDbStoreOptions } from './index-store.js';
export {
  CLIP_CONTEXT_LENGTH, CLIP_IMAGE_SIDE, CLIP_IMAGE_FLOATS, CLIP_DOWNSCALE_DEFAULT, CLIP_MAX_TEXT_UNITS,
  type RgbaPixels, type RgbaImage, type ClipImageOptions,
} from './clip.js';
export { FILE_HASH_BYTES, type FileHasher } from './file-hash.js';
