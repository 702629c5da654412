import {
  checkRgba,
  createImageEncoder,
  createTextEncoder,
  l2Normalize,
  type ClipImageEncoder,
  type ClipTextEncoder,
  type EncoderOptions,
  type ImageSignature,
  type ModelSource,
} from './clip-encoders.js';
import { badInput, closedError } from '../runtime/errors.js';
import { KEY_BYTES } from '../crypto/sizes.js';
import { clipEmbedding, type MLData } from './ml-data.js';
import type { SearchHit, SearchOptions } from './embedding-index.js';
import type { CompactIndex, CompactIndexOptions } from './compact-index.js';
import { directoryPageStore, indexedDbPageStore, type IndexedDbPageStoreOptions, type PageStore } from './page-store.js';
import { CLIP_DIMS, CLIP_END_TOKEN, DEFAULT_MAX_IMAGE_SIDE, ENTE_CLIP_MIN_SCORE } from './clip-spec.js';
import { decodeImage, type EncodedImage, type ImageDecoder } from './image-decode.js';
import type { RgbaImage } from './clip.js';
import {
  oneAtATime,
  runIndexFiles,
  zeroTimings,
  type IndexFiles,
  type IndexFilesOptions,
  type IndexFilesResult,
  type IndexTimings,
} from './index-files.js';

/** The embedding index of the core (`core.createIndex` / `core.loadIndex`), as search uses it. */
export interface SearchIndex {
  /** The embeddings' dimension (512 for CLIP). */
  readonly dims?: number;
  /** Stores a normalised embedding under fileId. */
  upsert(fileId: number, embedding: Float32Array): unknown;
  /** Many at once (fileIds.length x dims floats). */
  upsertMany?(fileIds: ArrayLike<number>, embeddings: Float32Array): unknown;
  /** Removes fileId. */
  remove(fileId: number): unknown;
  /** Files in the index. */
  readonly size: number;
  /** Whether fileId is in the index. */
  has(fileId: number): boolean;
  /** Best hits first. */
  search(query: Float32Array, options?: SearchOptions): SearchHit[];
  /** The index encrypted with a 32-byte key. */
  save(key: Uint8Array): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>;
  /** Frees it. */
  dispose(): void;
}

/** The parts of the object `loadCore()` returns that search needs: tokenizer, preprocessing, index. */
export interface SearchCore {
  /** CLIP's input preparation (core.clip). */
  clip: {
    /** Ente's search-box normalisation (trimmed, lowercased), then CLIP's BPE ids: the only place a query is normalised. */
    tokenizeQuery(text: string): Int32Array;
    /** RGBA pixels to the float image model's input, 3 x 256 x 256. */
    preprocess(rgba: Uint8Array, width: number, height: number): Float32Array;
    /** Bounds the longest side (antialiased); used before feeding the RGBA model large photos. */
    downscale?(rgba: Uint8Array, width: number, height: number, maxSide: number): RgbaImage;
  };
  /** A new empty index of `dims` dimensions. */
  createIndex(dims: number): SearchIndex;
  /** An index from saved bytes; throws on bad data. */
  loadIndex(bytes: Uint8Array, key: Uint8Array): SearchIndex | Promise<SearchIndex>;
  /** A new empty compact index (for `createSearch({ compactIndex })`). */
  createCompactIndex?(dims: number, options: CompactIndexOptions): CompactIndex;
  /** The compact index saved in a store, or undefined. */
  openCompactIndex?(options: CompactIndexOptions): Promise<CompactIndex | undefined>;
  /** Ente's ML data (core.mlData): what `openMlClips` opens entries with. */
  mlData?: {
    /** One file's ML data: blob-decrypted with the file key, inflated and parsed. */
    decrypt(encryptedData: Uint8Array, decryptionHeader: Uint8Array, fileKey: Uint8Array): Promise<MLData>;
  };
}

/** Where a compact index lives, for `createSearch({ compactIndex })`: a PageStore of yours (in the
 *  caller's thread only), or one the search makes (`indexedDb` in browsers and workers, `directory`
 *  in Node), which createSearchWorker can pass to its thread. */
export interface CompactIndexPlace {
  /** 32 secret bytes (e.g. derived for this purpose under the user's master key). */
  key: Uint8Array;
  /** A PageStore of yours (in the caller's thread only: it cannot cross to a worker). */
  store?: PageStore;
  /** An IndexedDB page store with these options (browsers and workers; the default). */
  indexedDb?: IndexedDbPageStoreOptions;
  /** A directory page store in this folder (Node). */
  directory?: string;
  /** Bits of code per dimension (see CompactIndexOptions). */
  codeBits?: 1 | 2;
}

/** Options of createSearch (and createSearchWorker): the models, ONNX Runtime, decoding. */
export interface CreateSearchOptions extends EncoderOptions {
  /** Text model: name under `baseUrl`, URL, bytes or ModelFile. Default: Ente's quantised text model. */
  textModel?: ModelSource;
  /** Image model; its input decides the feed (float CHW via `core.clip.preprocess`, or raw RGBA).
   *  `null`: text search only (embeddings come from elsewhere, e.g. imported from Ente). */
  imageModel?: ModelSource | null;
  /** Use the int8 scan with exact re-rank of the index (default false: exact float scan). */
  quantized?: boolean;
  /** RGBA image models: photos whose longest side exceeds this are first downscaled to it with
   *  `core.clip.downscale` (default 1024; `Infinity` feeds every image as it is). Browsers also
   *  decode encoded images (indexFile/indexFiles) straight to this size. */
  maxImageSide?: number;
  /** Decodes encoded images for indexFile/indexFiles (default: createImageBitmap in browsers,
   *  jpeg-js / pngjs in Node). */
  decodeImage?: ImageDecoder;
  /** Keep the library in a compact index (a million photos in a tab; docs/embedding-index.md)
   *  persisted in a page store: opened from its last snapshot if it has one, else created empty.
   *  `add`, `remove` and `addMany` then write pages (their promises settle once they are stored),
   *  `persist` saves a snapshot with a cursor of yours, `meta` reads it back; `save`/`load` are for
   *  the in-memory index only. */
  compactIndex?: CompactIndexPlace;
}

/** A decoded image's size in pixels. */
export interface DecodedSize {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** What indexFile did with one file. */
export interface IndexedFile {
  /** The file's normalised embedding (what a gallery uploads as its ML data). */
  embedding: Float32Array;
  /** The decoded size (browsers decode straight to `maxImageSide`). */
  decoded: DecodedSize;
  /** Milliseconds per step for this file. */
  timings: IndexTimings;
}

/** Options of query. */
export interface QueryOptions {
  /** At most this many hits (default: every match). */
  limit?: number;
  /** Only hits scoring at least this (default 0.175, Ente's threshold). */
  minScore?: number;
}

/** On-device CLIP search over a gallery (createSearch; createSearchWorker serves the same in a worker). */
export interface Search {
  /** The pixel layout the image model takes, or null without an image model. */
  readonly imageSignature: ImageSignature | null;
  /** Files in the index. */
  readonly size: number;
  /** Adds or replaces a file's embedding (e.g. one imported from Ente's ML data). Normalised here. */
  add(fileId: number, embedding: Float32Array | readonly number[]): void | Promise<void>;
  /** Removes a file from the index (with a compact index, once its pages are updated). */
  remove(fileId: number): void | Promise<void>;
  /** Embeds an image (RGBA, width*height*4 bytes) and indexes it; returns the normalised embedding. */
  indexImage(fileId: number, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Float32Array>;
  /** Embeds an image (RGBA, width*height*4 bytes) without indexing it; returns the normalised embedding. */
  embedImage(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<Float32Array>;
  /** Whether a file is in the index. */
  has(fileId: number): boolean;
  /** Whether each of many files is in the index: 1 where it is, 0 where not, in order (one call
   *  for a whole library, where `has` across a worker costs a round trip per file). */
  hasMany(fileIds: ArrayLike<number>): Uint8Array<ArrayBuffer>;
  /** Decodes an encoded image (JPEG, PNG, WebP... bytes or Blob), embeds and indexes it. A file that
   *  is no decodable image throws CoreError BAD_INPUT. Returns the embedding and the time per step. */
  indexFile(fileId: number, image: EncodedImage): Promise<IndexedFile>;
  /** Indexes a whole library, resumably and with bounded memory: see docs/search.md. */
  indexFiles(files: IndexFiles, options?: IndexFilesOptions): Promise<IndexFilesResult>;
  /** The normalised embedding of a search text (trimmed and lowercased, as Ente does: `core.clip.tokenizeQuery`). */
  embedText(text: string): Promise<Float32Array>;
  /** Files matching a text, best first. An empty query finds nothing. */
  query(text: string, options?: QueryOptions): Promise<SearchHit[]>;
  /** Many embeddings at once (fileIds.length x 512 floats, row after row), normalised here; later
   *  duplicates win. With a compact index it resolves once their pages are stored. */
  addMany(fileIds: ArrayLike<number>, embeddings: Float32Array): Promise<void>;
  /** Opens many files' ML data here (`core.mlData.decrypt`: blob-decrypted with each file's key,
   *  inflated, parsed) and returns their CLIP embeddings as stored (`clipEmbedding`), nothing added
   *  to the index: `opened` is 1 for each entry with a CLIP embedding of 512 values, 0 for one that
   *  does not open or has none; `embeddings` holds the opened ones' floats, in order. `keys` are the
   *  files' keys, 32 bytes each in the entries' order (a worker zeroes its copy after the call).
   *  A gallery's new device opens a whole page of ML data so, off its main thread. */
  openMlClips(
    encryptedData: readonly Uint8Array[],
    decryptionHeaders: readonly Uint8Array[],
    keys: Uint8Array,
  ): Promise<{
    /** Per entry, in order: 1 if it opened with a CLIP embedding of 512 values, else 0. */
    opened: Uint8Array<ArrayBuffer>;
    /** The opened entries' embeddings, 512 floats each, in the entries' order. */
    embeddings: Float32Array<ArrayBuffer>;
  }>;
  /** Compact index: saves its snapshot (in pieces) into its store, with `meta` bytes of yours, e.g.
   *  the sync cursor the embeddings in it are up to date with. */
  persist(meta?: Uint8Array): Promise<void>;
  /** Compact index: the meta bytes of the snapshot it was opened from (or last persisted with). */
  meta(): Uint8Array<ArrayBuffer> | undefined;
  /** The index, compressed and encrypted with `key` (32 bytes). */
  save(key: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  /** Replaces the index with saved bytes; on any error the current index is kept. */
  load(bytes: Uint8Array, key: Uint8Array): Promise<void>;
  /** Frees the ONNX sessions and the index. */
  dispose(): Promise<void>;
}

/** Queries of a compact index re-rank with exact scores up to this many hits. */
export const COMPACT_EXACT_LIMIT = 1000;

function upsertEach(index: SearchIndex, fileIds: ArrayLike<number>, embeddings: Float32Array): void {
  if (!(embeddings instanceof Float32Array) || embeddings.length !== fileIds.length * CLIP_DIMS) {
    throw badInput(`embeddings must be a Float32Array of ${fileIds.length} x ${CLIP_DIMS} floats`);
  }
  for (let i = 0; i < fileIds.length; i++) index.upsert(fileIds[i], embeddings.subarray(i * CLIP_DIMS, (i + 1) * CLIP_DIMS));
}

/** Opens the compact index saved in `place`, or creates an empty one there. */
async function openCompact(core: SearchCore, place: CompactIndexPlace): Promise<CompactIndex> {
  if (!core.createCompactIndex || !core.openCompactIndex) throw badInput('this core has no compact index (use loadCore)');
  const store =
    place.store ??
    (place.directory !== undefined ? directoryPageStore(place.directory) : indexedDbPageStore(place.indexedDb ?? {}));
  const options: CompactIndexOptions = { store, key: place.key, codeBits: place.codeBits };
  const opened = await core.openCompactIndex(options);
  if (opened && opened.dims !== CLIP_DIMS) {
    opened.dispose();
    throw badInput(`the saved compact index has ${opened.dims} dimensions, CLIP needs ${CLIP_DIMS}`);
  }
  return opened ?? core.createCompactIndex(CLIP_DIMS, options);
}

function checkFileId(fileId: unknown): number {
  if (typeof fileId !== 'number' || !Number.isSafeInteger(fileId) || fileId < 0) {
    throw badInput(`fileId must be a non-negative safe integer, got ${String(fileId)}`);
  }
  return fileId;
}

/**
 * Semantic search over a gallery: CLIP text and image encoders on ONNX Runtime Web, the core's
 * tokenizer, preprocessing and embedding index. Models load (cached, verified) before it resolves.
 */
export async function createSearch(core: SearchCore, options: CreateSearchOptions = {}): Promise<Search> {
  const maxImageSide = options.maxImageSide ?? DEFAULT_MAX_IMAGE_SIDE;
  if (!(maxImageSide === Infinity || (Number.isInteger(maxImageSide) && maxImageSide >= 1))) {
    throw badInput(`maxImageSide must be a positive integer or Infinity, got ${String(maxImageSide)}`);
  }
  const textSource = options.textModel ?? 'mobileclip_s2_text_opset18_quant.onnx';
  const imageSource = options.imageModel === undefined ? 'mobileclip_s2_image_opset18_rgba_opt.onnx' : options.imageModel;
  const [textResult, imageResult] = await Promise.allSettled([
    createTextEncoder(textSource, options),
    imageSource === null ? Promise.resolve(null) : createImageEncoder(imageSource, options),
  ]);
  if (textResult.status === 'rejected' || imageResult.status === 'rejected') {
    // Free whichever session did load before reporting the failure.
    if (textResult.status === 'fulfilled') await textResult.value.release();
    if (imageResult.status === 'fulfilled') await imageResult.value?.release();
    throw textResult.status === 'rejected' ? textResult.reason : (imageResult as PromiseRejectedResult).reason;
  }
  const text: ClipTextEncoder = textResult.value;
  const image: ClipImageEncoder | null = imageResult.value;
  let compact: CompactIndex | undefined;
  try {
    if (options.compactIndex) compact = await openCompact(core, options.compactIndex);
  } catch (e) {
    await Promise.all([text.release(), image?.release()]);
    throw e;
  }
  let index = core.createIndex(CLIP_DIMS);
  const quantized = options.quantized ?? false;
  const needsMemoryIndex = (what: string) => {
    if (compact) throw badInput(`${what} is for the in-memory index; a compact index persists with persist()`);
  };
  const needsCompact = (what: string): CompactIndex => {
    if (!compact) throw badInput(`${what} needs a compact index (createSearch({ compactIndex }))`);
    return compact;
  };
  const upsert = (fileId: number, v: Float32Array): void | Promise<void> => {
    if (compact) return compact.upsert(fileId, v);
    index.upsert(fileId, v);
  };

  /** Pixels to embedding, the time of each step kept (indexFile reports them). */
  const embedTimed = async (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, timings: IndexTimings) => {
    open();
    if (!image) throw badInput('this search has no image model');
    checkRgba(rgba, width, height);
    let bytes = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
    let t = performance.now();
    const lap = () => {
      const now = performance.now(),
        ms = now - t;
      t = now;
      return ms;
    };
    if (image.signature === 'float-chw') {
      const chw = core.clip.preprocess(bytes, width, height);
      timings.preprocess += lap();
      const v = await image.embedTensor(chw);
      timings.inference += lap();
      return v;
    }
    if (Math.max(width, height) > maxImageSide && core.clip.downscale) {
      // The RGBA graph works on every pixel: a 48 MP photo would cost far more than its content.
      ({ rgba: bytes, width, height } = core.clip.downscale(bytes, width, height, maxImageSide));
    }
    timings.preprocess += lap();
    const v = await image.embedRgba(bytes, width, height);
    timings.inference += lap();
    return v;
  };
  const embedImage = (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) =>
    embedTimed(rgba, width, height, zeroTimings());

  // One file at a time from decode to upsert (see oneAtATime).
  const inTurn = oneAtATime();

  const indexFile = async (fileId: number, encoded: EncodedImage): Promise<IndexedFile> => {
    open();
    checkFileId(fileId);
    if (!image) throw badInput('this search has no image model');
    return inTurn(async () => {
      const timings = zeroTimings();
      let t = performance.now();
      const pixels = await decodeImage(encoded, maxImageSide, options.decodeImage);
      timings.decode = performance.now() - t;
      const embedding = await embedTimed(pixels.rgba, pixels.width, pixels.height, timings);
      t = performance.now();
      await upsert(fileId, embedding);
      timings.index = performance.now() - t;
      return { embedding, decoded: { width: pixels.width, height: pixels.height }, timings };
    });
  };

  let closed = false;
  /** Throws CoreError CLOSED once dispose() was called. */
  const open = () => {
    if (closed) throw closedError('the search');
  };

  const embedText = async (query: string) => {
    open();
    return text.embedTokens(core.clip.tokenizeQuery(query));
  };

  return {
    imageSignature: image?.signature ?? null,
    get size() {
      open();
      return compact ? compact.size : index.size;
    },
    add(fileId, embedding) {
      open();
      checkFileId(fileId);
      if (embedding.length !== CLIP_DIMS) throw badInput(`embedding must have ${CLIP_DIMS} values, got ${embedding.length}`);
      const v = l2Normalize(Float32Array.from(embedding));
      if (!v.every(Number.isFinite)) throw badInput('embedding has a NaN or infinite value');
      return upsert(fileId, v);
    },
    async addMany(fileIds, embeddings) {
      open();
      if (compact) return compact.upsertMany(fileIds, embeddings);
      if (index.upsertMany) index.upsertMany(fileIds, embeddings);
      else upsertEach(index, fileIds, embeddings);
    },
    remove(fileId) {
      open();
      checkFileId(fileId);
      if (compact) return compact.remove(fileId).then(() => undefined);
      index.remove(fileId);
    },
    async openMlClips(encryptedData, decryptionHeaders, keys) {
      open();
      const mlData = core.mlData;
      if (!mlData) throw badInput('this core has no ML data (use loadCore)');
      const n = encryptedData?.length;
      if (!Array.isArray(encryptedData) || !Array.isArray(decryptionHeaders) || decryptionHeaders.length !== n) {
        throw badInput('encryptedData and decryptionHeaders must be arrays of the same length');
      }
      if (!(keys instanceof Uint8Array) || keys.length !== n * KEY_BYTES)
        throw badInput(`keys must be ${n} x ${KEY_BYTES} bytes`);
      const opened = new Uint8Array(n);
      const found: Float32Array[] = [];
      for (let i = 0; i < n; i++) {
        try {
          const data = await mlData.decrypt(
            encryptedData[i],
            decryptionHeaders[i],
            keys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES),
          );
          const embedding = clipEmbedding(data);
          if (embedding?.length !== CLIP_DIMS) continue;
          found.push(embedding);
          opened[i] = 1;
        } catch {
          // Damaged, foreign or malformed ML data: left out (the caller can index the file itself).
        }
      }
      const embeddings = new Float32Array(found.length * CLIP_DIMS);
      found.forEach((v, i) => embeddings.set(v, i * CLIP_DIMS));
      return { opened, embeddings };
    },
    async persist(meta) {
      open();
      await needsCompact('persist').save(meta === undefined ? {} : { meta });
    },
    meta() {
      open();
      return needsCompact('meta').meta;
    },
    async indexImage(fileId, rgba, width, height) {
      open();
      checkFileId(fileId);
      const v = await embedImage(rgba, width, height);
      await upsert(fileId, v);
      return v;
    },
    embedImage,
    has(fileId) {
      open();
      checkFileId(fileId);
      return compact ? compact.has(fileId) : index.has(fileId);
    },
    hasMany(fileIds) {
      open();
      if (fileIds === null || typeof fileIds !== 'object' || !Number.isSafeInteger(fileIds.length)) {
        throw badInput('fileIds must be an array of file ids');
      }
      const found = new Uint8Array(fileIds.length);
      for (let i = 0; i < fileIds.length; i++) {
        const id = checkFileId(fileIds[i]);
        found[i] = (compact ? compact.has(id) : index.has(id)) ? 1 : 0;
      }
      return found;
    },
    indexFile,
    async indexFiles(files, indexOptions = {}) {
      open();
      if (!image) throw badInput('this search has no image model');
      if (compact) {
        // Checkpoints save the compact index's snapshot into its store; `persist`, if given, is
        // told after each (with no bytes: they are in the store).
        const c = compact;
        const told = indexOptions.persist;
        return runIndexFiles(
          files,
          { ...indexOptions, persist: told ?? (() => undefined), key: indexOptions.key ?? new Uint8Array(32) },
          { has: (id) => c.has(id), indexFile, save: async () => (await c.save(), new Uint8Array(0)) },
        );
      }
      return runIndexFiles(files, indexOptions, { has: (id) => index.has(id), indexFile, save: async (key) => index.save(key) });
    },
    embedText,
    async query(query, queryOptions = {}) {
      open();
      const ids = core.clip.tokenizeQuery(query); // the one normalisation (and type check) of the text
      const size = compact ? compact.size : index.size;
      // No words (an empty or blank text: [start, end, 0...]) or no files: nothing matches.
      if (ids[1] === CLIP_END_TOKEN || size === 0) return [];
      const v = await text.embedTokens(ids);
      // A zero embedding has no direction (the index refuses it): nothing matches.
      if (v.every((x) => x === 0)) return [];
      const limit = queryOptions.limit ?? size;
      const minScore = queryOptions.minScore ?? ENTE_CLIP_MIN_SCORE;
      if (compact) {
        // Exact scores read from the pages for up to COMPACT_EXACT_LIMIT hits; beyond, the int8
        // estimates (within about 0.005) rank them without reading a page per hit.
        return compact.search(v, { limit, minScore, exact: limit <= COMPACT_EXACT_LIMIT });
      }
      return index.search(v, { limit, minScore, quantized });
    },
    async save(key) {
      open();
      needsMemoryIndex('save');
      return index.save(key);
    },
    async load(bytes, key) {
      open();
      needsMemoryIndex('load');
      const loaded = await core.loadIndex(bytes, key); // throws before touching the live index
      if (loaded.dims !== undefined && loaded.dims !== CLIP_DIMS) {
        loaded.dispose();
        throw badInput(`the saved index has ${loaded.dims} dimensions, CLIP needs ${CLIP_DIMS}`);
      }
      const old = index;
      index = loaded;
      old.dispose();
    },
    // Idempotent; every call after it rejects with CoreError CLOSED.
    async dispose() {
      if (closed) return;
      closed = true;
      index.dispose();
      compact?.dispose();
      await Promise.all([text.release(), image?.release()]);
    },
  };
}
