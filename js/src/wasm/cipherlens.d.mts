// Types of the embind module built from wasm/crypto/bindings and wasm/search/bindings (Emscripten 3.1.6 cannot emit them).
// Byte buffers are heap addresses; functions returning a length encode errors as -status.
export interface WasmStreamEncryptor {
  init(key: number, header: number): number;
  resume(key: number, header: number): number;
  inputPtr(): number;
  inputSpace(): number;
  commit(n: number): number;
  pushMessage(): number;
  finish(): number;
  outputPtr(): number;
  delete(): void;
}

export interface WasmStreamDecryptor {
  init(header: number, key: number): number;
  inputPtr(): number;
  inputSpace(): number;
  commit(n: number): number;
  finish(): number;
  outputPtr(): number;
  chunkIndex(): number;
  delete(): void;
}

// One embedding index (wasm/search/bindings/index_bind.cpp). Functions returning a count or length
// encode errors as -status; init and load return a status.
export interface WasmEmbeddingIndex {
  init(dims: number): number;
  dims(): number;
  size(): number;
  inputPtr(n: number): number;
  upsert(fileId: number): number;
  upsertMany(idsPtr: number, n: number): number;
  remove(fileId: number): number;
  get(fileId: number): number;
  ids(): number;
  search(limit: number, minScore: number, quantized: boolean, candidates: number): number;
  resultIdsPtr(): number;
  resultScoresPtr(): number;
  save(key: number): number;
  bytesPtr(): number;
  clearBytes(): void;
  load(data: number, len: number, key: number): number;
  delete(): void;
}

export interface WasmCompactIndex {
  create(dims: number, bits: number, key: number): number;
  dims(): number;
  size(): number;
  memoryBytes(): number;
  inputPtr(n: number): number;
  recordsPtr(n: number): number;
  idsPtr(): number;
  scoresPtr(): number;
  u32Ptr(): number;
  stage(idsPtr: number, n: number): number;
  stagedPage(i: number): number;
  commit(): void;
  abortStaged(): void;
  remove(fileId: number): number;
  has(fileId: number): number;
  takeDeletable(): number;
  ids(): number;
  locate(fileId: number): number;
  openRecord(fileId: number, page: number, record: number): number;
  candidates(limit: number, minScore: number, rerank: number, epsilon: number, scanInt8: boolean): number;
  lastScored(): number;
  rerank(n: number, limit: number, minScore: number): number;
  approximate(limit: number, minScore: number): number;
  saveBegin(meta: number, len: number): number;
  saveNext(): number;
  savePtr(): number;
  saveEnd(): void;
  snapshotCommitted(): void;
  loadBegin(key: number): number;
  loadPiece(piece: number, len: number): number;
  loadFinish(): number;
  loadAbort(): void;
  metaPtr(): number;
  delete(): void;
}

export interface WasmClipResampler {
  beginPreprocess(width: number, height: number, simd: boolean): number;
  beginDownscale(width: number, height: number, outWidth: number, outHeight: number, simd: boolean): number;
  firstRow(): number;
  rowCount(): number;
  feed(rows: number, y: number, n: number): number;
  finishPreprocess(out: number): number;
  finishDownscale(out: number): number;
  delete(): void;
}

// One photo held for face detection and alignment (wasm/search/bindings/face_bind.cpp).
export interface WasmFaceImage {
  setImage(width: number, height: number): number;
  imagePtr(): number;
  letterbox(out: number): number;
  scaledWidth(): number;
  scaledHeight(): number;
  align(landmarks: number, out: number): number;
  clear(): void;
  delete(): void;
}

// Ente's clustering batches over one set of faces.
export interface WasmFaceClusterer {
  reset(n: number, dims: number): number;
  embeddingsPtr(): number;
  badPtr(): number;
  clustersPtr(): number;
  setRejections(offsets: number, ids: number): number;
  prepare(existing: number, fast: boolean, batch: number, step: number): number;
  batchCount(): number;
  runBatch(batch: number): number;
  clusterCount(): number;
  exactCount(): number;
  clear(): void;
  delete(): void;
}

export interface WasmFileHasher {
  update(data: number, len: number): void;
  finish(out: number): void;
  delete(): void;
}

/** The module without CLIP search (cipherlens-crypto.wasm); the full module has all of it too. */
export interface CryptoModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;

  // Sizes and status codes (wasm/crypto/bindings/constants_bind.cpp).
  readonly KEY_BYTES: number;
  readonly SALT_BYTES: number;
  readonly LOGIN_SUBKEY_BYTES: number;
  readonly NONCE_BYTES: number;
  readonly MAC_BYTES: number;
  readonly HEADER_BYTES: number;
  readonly STREAM_OVERHEAD: number;
  readonly CHUNK_BYTES: number;
  readonly PUBLIC_KEY_BYTES: number;
  readonly SECRET_KEY_BYTES: number;
  readonly SEAL_OVERHEAD: number;
  readonly SIGN_PUBLIC_KEY_BYTES: number;
  readonly SIGN_SECRET_KEY_BYTES: number;
  readonly SIGN_SEED_BYTES: number;
  readonly SIGNATURE_BYTES: number;
  readonly FILE_HASH_BYTES: number;
  readonly MNEMONIC_MAX_CHARS: number;
  readonly STATUS_AUTH_FAILED: number;
  readonly STATUS_TRUNCATED: number;
  readonly STATUS_BAD_INPUT: number;
  readonly STATUS_OUT_OF_MEMORY: number;
  readonly STATUS_CLOSED: number;

  init(): number;
  lastErrorMessage(): string;
  lastErrorChunk(): number;
  heapInUse(): number;
  sodiumVersion(): string;

  generateKey(key: number): void;
  randomBytes(out: number, len: number): void;
  deriveKey(key: number, keyLen: number, pw: number, pwLen: number, salt: number, ops: number, mem: number): number;
  deriveLoginSubKey(out: number, kek: number): void;

  _cl_secretbox_encrypt(c: number, nonce: number, m: number, mlen: number, key: number): void;
  _cl_secretbox_decrypt(m: number, c: number, clen: number, nonce: number, key: number): number;
  blobEncrypt(c: number, header: number, m: number, mlen: number, key: number): number;
  blobDecrypt(m: number, c: number, clen: number, header: number, key: number, strict: boolean): number;
  boxKeypair(pk: number, sk: number): void;
  boxPublicKey(pk: number, sk: number): void;
  _cl_box_seal(c: number, m: number, mlen: number, pk: number): number;
  _cl_box_seal_open(m: number, c: number, clen: number, pk: number, sk: number): number;
  signKeypair(pk: number, sk: number): void;
  signSeedKeypair(pk: number, sk: number, seed: number): void;
  signDetached(sig: number, m: number, mlen: number, sk: number): void;
  signVerifyDetached(sig: number, m: number, mlen: number, pk: number): number;
  StreamEncryptor: new () => WasmStreamEncryptor;
  StreamDecryptor: new () => WasmStreamDecryptor;
  FileHasher: new () => WasmFileHasher;

  b64EncodedLength(len: number, variant: number): number;
  b64Encode(out: number, bin: number, len: number, variant: number): number;
  b64Decode(out: number, text: number, len: number, variant: number): number;
  mnemonicFromEntropy(out: number, entropy: number, len: number): number;
  mnemonicToEntropy(entropy: number, phrase: number, len: number, expectedWords: number): number;
  verificationId(out: number, pk: number, len: number): number;

  chacha20IetfXorIc(c: number, m: number, len: number, nonce: number, ic: number, key: number): void;
  xchacha20XorIc(c: number, m: number, len: number, nonce: number, ic: number, key: number): void;
  hchacha20(out: number, in16: number, key: number): void;
  poly1305(tag: number, m: number, len: number, key: number): void;
  aeadChacha20Poly1305IetfEncrypt(
    c: number,
    m: number,
    mlen: number,
    ad: number,
    adlen: number,
    nonce: number,
    key: number,
  ): void;
  aeadChacha20Poly1305IetfDecrypt(
    m: number,
    c: number,
    clen: number,
    ad: number,
    adlen: number,
    nonce: number,
    key: number,
  ): /** status: TRUNCATED below the tag's 16 bytes, AUTH_FAILED on a bad tag */ number;
  aeadXChacha20Poly1305IetfEncrypt(
    c: number,
    m: number,
    mlen: number,
    ad: number,
    adlen: number,
    nonce: number,
    key: number,
  ): void;
  aeadXChacha20Poly1305IetfDecrypt(
    m: number,
    c: number,
    clen: number,
    ad: number,
    adlen: number,
    nonce: number,
    key: number,
  ): /** status, as aeadChacha20Poly1305IetfDecrypt */ number;

  /** Hooks for the tests and benchmarks, not part of the API (wasm/crypto/bindings/testing_bind.cpp). */
  Testing: WasmTesting;
}

export interface WasmTesting {
  /** True selects libsodium's scalar ref code instead of the SIMD128 paths. */
  setScalarReference(on: boolean): void;
  scalarReference(): boolean;
  /** One secretstream chunk through the stitched pull from a fresh state; 0 if it authenticated. */
  secretstreamPullOnce(m: number, c: number, clen: number, header: number, key: number): number;
}

/** The full module (cipherlens.wasm): the crypto module plus CLIP search and faces. */
export interface CipherlensModule extends CryptoModule {
  EmbeddingIndex: new () => WasmEmbeddingIndex;
  CompactIndex: new () => WasmCompactIndex;

  clipTextBuffer(units: number): number;
  /** Direct wasm export (not embind): tokenizes the text buffer, returns a status. */
  _cl_clip_tokenize(units: number): number;
  clipTokensPtr(): number;
  clipDownscaleSize(width: number, height: number, maxSide: number, dims: number): number;
  ClipResampler: new () => WasmClipResampler;
  clipSimd(): boolean;
  clipRelease(): void;

  FaceImage: new () => WasmFaceImage;
  /** Detections of rows at `rows` into `out` (15 doubles each: score, xMin, yMin, xMax, yMax, 5
   *  landmarks x, y; at most `capacity`): their count, which may exceed capacity, or -status. */
  faceDetections(rows: number, nRows: number, scaledWidth: number, scaledHeight: number, out: number, capacity: number): number;
  faceAlignment(landmarks: number, out: number): number;
  faceDirection(landmarks: number): number;
  faceBlur(aligned: number, direction: number): number;
  /** Ente's faceID, or '' for a bad file id or a NaN coordinate. */
  faceId(fileId: number, box: number): string;
  FaceClusterer: new () => WasmFaceClusterer;
}

export interface ModuleOptions {
  instantiateWasm?(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ): object;
  wasmBinary?: ArrayBuffer | Uint8Array;
}

declare const createCipherlensModule: (options?: ModuleOptions) => Promise<CipherlensModule>;
export default createCipherlensModule;
