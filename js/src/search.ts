// The package's search entry, `cipherlens/search`: the full core (crypto plus CLIP search,
// cipherlens.wasm), on-device CLIP search through ONNX Runtime Web (an optional peer dependency),
// and the workers serving them. The crypto entry's API is here too, its workers on the full
// build by default. Listed rather than `export *`: the crypto worker would be emitted unused.
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
export { loadCore, compileCore, type Core } from './search/core.js';
export { createCoreWorker, createWorkerPool, type CryptoFlavorOptions } from './remote/core-pool.js';
export {
  CLIP_DIMS,
  CLIP_CONTEXT_LENGTH,
  CLIP_IMAGE_SIDE,
  CLIP_IMAGE_FLOATS,
  ENTE_CLIP_MIN_SCORE,
  DEFAULT_MAX_IMAGE_SIDE,
} from './search/clip-spec.js';
export {
  createSearch,
  type Search,
  type SearchCore,
  type IndexedFile,
  type DecodedSize,
  type CreateSearchOptions,
  type QueryOptions,
  type SearchIndex,
} from './search/search.js';
export {
  createImageEncoder,
  createTextEncoder,
  detectImageSignature,
  l2Normalize,
  ENTE_CLIP_MODELS,
  type ClipImageEncoder,
  type ClipTextEncoder,
  type ImageSignature,
  type ModelSource,
  type EncoderOptions,
  type EnteModel,
} from './search/clip-encoders.js';
export {
  loadModelBytes,
  ENTE_MODEL_BASE_URL,
  type ModelFile,
  type ModelProgress,
  type ModelCacheOptions,
  type ModelFetchOptions,
} from './search/model-store.js';
export {
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_INDEX_CONCURRENCY,
  type IndexFileItem,
  type IndexFiles,
  type IndexFilesOptions,
  type IndexFilesResult,
  type IndexProgress,
  type IndexFailure,
  type IndexTimings,
} from './search/index-files.js';
export {
  decodeImage,
  decodeInBrowser,
  MAX_IMAGE_PIXELS,
  MAX_NODE_IMAGE_PIXELS,
  type DecodedImage,
  type DecodedPixels,
  type EncodedImage,
  type ImageDecoder,
} from './search/image-decode.js';
export { readImageHeader, type ImageHeader, type ImageFormat } from './search/image-header.js';
export {
  createSearchWorker,
  type SearchWorker,
  type SearchWorkerOptions,
  type SearchWorkerInit,
} from './remote/search-client.js';
export { ModelError, type ModelErrorCode } from './search/model-error.js';
export { loadOrt, type OrtOptions, type OrtModule } from './search/ort-runtime.js';
export type { EmbeddingIndex, SearchHit, SearchOptions } from './search/embedding-index.js';
export type { ClipData, MLData, EncryptedMLData, ClipOptions, MlDataReadOptions } from './search/ml-data.js';
export {
  CLIP_INDEX_VERSION,
  ML_DATA_MAX_BYTES,
  ML_DATA_MAX_DEPTH,
  packMlData,
  unpackMlData,
  clipEmbedding,
  withClip,
} from './search/ml-data.js';
export { fileIndexStore, indexedDbIndexStore, type IndexStore, type IndexedDbStoreOptions } from './search/index-store.js';
export {
  COMPACT_PAGE_RECORDS,
  type CompactIndex,
  type CompactIndexOptions,
  type CompactSearchOptions,
} from './search/compact-index.js';
export {
  memoryPageStore,
  directoryPageStore,
  indexedDbPageStore,
  type PageStore,
  type IndexedDbPageStoreOptions,
} from './search/page-store.js';
export {
  FACE_INPUT_SIDE,
  FACE_INPUT_FLOATS,
  FACE_DETECTOR_ROWS,
  FACE_DETECTOR_ROW_FLOATS,
  FACE_MIN_SCORE,
  ALIGNED_FACE_SIDE,
  ALIGNED_FACE_FLOATS,
  FACE_EMBEDDING_DIMS,
  FACE_INDEX_VERSION,
  FACE_CLUSTER_THRESHOLD,
  FACE_CLUSTER_THRESHOLD_BAD_FACE,
  FACE_CLUSTER_BATCH,
  FACE_CLUSTER_STEP,
} from './search/face-spec.js';
export type {
  FacePoint,
  FaceBox,
  FaceDetection,
  FaceDirection,
  Letterboxed,
  AlignedFace,
  FacePhoto,
  FaceClusterer,
  ClusterInput,
  ClustererOptions,
} from './search/faces.js';
export {
  ENTE_FACE_MODELS,
  createFaceDetector,
  createFaceEmbedder,
  type FaceDetector,
  type FaceEmbedder,
} from './search/face-models.js';
export {
  createFaceIndexer,
  DEFAULT_FACE_IMAGE_SIDE,
  type Face,
  type FaceIndex,
  type FaceIndexer,
  type FaceTimings,
  type IndexedFaces,
  type CreateFaceIndexerOptions,
} from './search/face-index.js';
export { faceData, withFaces, MISSING_BLUR, type FaceData, type FaceDataOptions } from './search/face-data.js';
export {
  clusterFaces,
  newClusterId,
  isClusterable,
  type FaceCluster,
  type ClusterPerson,
  type FileFaces,
  type ClusterFacesInput,
  type ClusterFacesOptions,
  type ClusterFacesResult,
  type ClusteringProgress,
} from './search/face-cluster.js';
export {
  parseCGroupData,
  nameCluster,
  ignoreCluster,
  addClusterToPerson,
  renamePerson,
  setPersonHidden,
  setPersonPinned,
  removeFacesFromPerson,
  reconcileClusters,
  people,
  MIN_CLUSTER_FACES,
  type CGroup,
  type CGroupData,
  type Person,
  type PeopleInput,
} from './search/people.js';
export {
  createFaceWorker,
  type FaceWorker,
  type FaceWorkerOptions,
  type FaceWorkerInit,
  type FaceWorkerClusterOptions,
} from './remote/face-client.js';
export {
  ENTITY_MAX_BYTES,
  packEntity,
  unpackEntity,
  type EntityType,
  type EncryptedEntityKey,
  type EncryptedEntity,
} from './search/user-entity.js';
export {
  CLIP_MAX_TEXT_UNITS,
  type RgbaPixels,
  type RgbaImage,
  type ClipImageOptions,
} from './search/clip.js';
