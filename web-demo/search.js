// On-device search with cipherlens' CLIP search worker. Photos are indexed with the package's
// indexFiles (decoded, embedded and upserted in the worker, a bounded number at a time), and each
// embedding is uploaded as Ente's per-file ML data (gzip JSON, blob-encrypted with the file key),
// so another device rebuilds the index from that data without running the image model again, and
// a closed tab resumes: what has ML data is not indexed twice. The demo ships the small test
// models the build generates (they understand colour words).
import { createSearchWorker, packMlData, unpackMlData, clipEmbedding, withClip } from '../js/dist/search.js';
import { fromB64, toB64 } from './api.js';

const MODELS = {
  baseUrl: new URL('models/', location.href).href,
  textModel: 'test_text.onnx',
  imageModel: 'test_image_rgba.onnx',
};
const WORKER = {
  workerUrl: new URL('search-worker.js', location.href).href,
  wasmUrl: new URL('cipherlens.wasm', location.href).href,
};
const ORT_WASM_PATHS = new URL('ort/', location.href).href;
const CLIENT = 'cipherlens-gallery/1';
const ML_BATCH = 200; // file ids per ML data request (the server's cap)
const QUERY_LIMIT = 24;

export class GallerySearch {
  constructor(core, api) {
    this.core = core;
    this.api = api;
    this.worker = null;
    this.fromMlData = 0;
    this.indexedHere = 0;
    this.indexed = new Set();
  }

  async open(onProgress) {
    this.worker = await createSearchWorker({
      ...MODELS,
      ...WORKER,
      wasmPaths: ORT_WASM_PATHS,
      numThreads: 1,
      onProgress: ({ model, loaded, total }) => onProgress?.(`Loading ${model}…`, loaded, total),
    });
  }

  /**
   * Indexes `files` here (the only place image inference runs), from their thumbnails
   * (`thumbnailOf(file)` gives the bytes), and uploads each embedding as the file's ML data.
   * `onProgress(done, total)` after each file; a thumbnail that does not decode is skipped.
   */
  async index(files, thumbnailOf, onProgress) {
    const byId = new Map(files.map((f) => [f.id, f]));
    const uploads = [];
    async function* thumbnails() {
      for (const file of files) yield { fileId: file.id, bytes: await thumbnailOf(file) };
    }
    await this.worker.indexFiles(thumbnails(), {
      total: files.length,
      onProgress: ({ fileId, status, embedding, done, total }) => {
        if (status === 'indexed') {
          this.indexed.add(fileId);
          this.indexedHere++;
          uploads.push(this.#uploadMlData(byId.get(fileId), embedding));
        }
        onProgress?.(done, total);
      },
    });
    await Promise.all(uploads);
  }

  async #uploadMlData(file, embedding) {
    const packed = await packMlData(withClip(undefined, embedding, CLIENT));
    const { ciphertext, header } = await this.core.blob.encrypt(packed, file.key);
    await this.api.putMl(file.id, { encryptedData: toB64(ciphertext), decryptionHeader: toB64(header) });
  }

  /** The CLIP embedding in a file's encrypted ML data (undefined if it has none we can use). */
  async #embeddingFrom(file, entry) {
    const packed = await this.core.blob.decrypt(fromB64(entry.encryptedData), fromB64(entry.decryptionHeader), file.key);
    return clipEmbedding(await unpackMlData(packed));
  }

  /**
   * Brings the index up to `files`: first from their ML data on the server (no inference), then
   * indexing here those that have none and that `canUpload` (their owner's device writes it).
   */
  async sync(files, thumbnailOf, { canUpload = () => true, onProgress } = {}) {
    const byId = new Map(files.filter((f) => !this.indexed.has(f.id)).map((f) => [f.id, f]));
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += ML_BATCH) {
      for (const entry of await this.api.ml(ids.slice(i, i + ML_BATCH))) {
        const file = byId.get(entry.fileID);
        if (!file) continue;
        try {
          const embedding = await this.#embeddingFrom(file, entry);
          if (!embedding) continue;
          await this.worker.add(file.id, embedding);
          this.indexed.add(file.id);
          this.fromMlData++;
        } catch {
          // Damaged or foreign ML data: index the photo here instead.
        }
      }
    }
    const rest = [...byId.values()].filter((f) => !this.indexed.has(f.id) && canUpload(f));
    if (rest.length) await this.index(rest, thumbnailOf, onProgress);
  }

  query(text) {
    return this.worker.query(text, { limit: QUERY_LIMIT });
  }

  status() {
    return `Search ready: ${this.fromMlData} photos from ML data, ${this.indexedHere} indexed here`;
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
  }
}
