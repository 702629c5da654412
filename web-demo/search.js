// On-device search with cipherlens' CLIP search worker. Each photo indexed here has its
// embedding uploaded as Ente's per-file ML data (gzip JSON, blob-encrypted with the file key), so
// another device rebuilds the index from that data without running the image model again. The
// demo ships the small test models the build generates (they understand colour words).
import { createSearchWorker } from '../js/dist/search.js';
import { fromB64, toB64 } from './api.js';
import { rgbaOf } from './media.js';

const MODELS = { baseUrl: new URL('models/', location.href).href, textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx' };
const WORKER = { workerUrl: new URL('search-worker.js', location.href).href, wasmUrl: new URL('cipherlens.wasm', location.href).href };
const ORT_WASM_PATHS = new URL('ort/', location.href).href;
const CLIENT = 'cipherlens-gallery/1';
const CLIP_VERSION = 1;  // Ente's current CLIP indexing version
const ML_MAX_BYTES = 8 * 1024 * 1024;  // what one file's ML data may inflate to (the package's cap)
const ML_BATCH = 200;
const QUERY_LIMIT = 24;

async function pipe(bytes, transform, maxBytes = Infinity) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(transform)).body.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { value, done } = await out.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      out.cancel();
      throw new Error('ML data too large');
    }
    parts.push(value);
  }
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

/** The embedding in a file's decrypted ML data, validated, or undefined. */
function clipEmbedding(data) {
  const clip = data?.clip;
  if (!clip || typeof clip.version !== 'number' || clip.version < CLIP_VERSION) return undefined;
  const e = clip.embedding;
  if (!Array.isArray(e) || !e.length || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
  return Float32Array.from(e);
}

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
      ...MODELS, ...WORKER, wasmPaths: ORT_WASM_PATHS, numThreads: 1,
      onProgress: ({ model, loaded, total }) => onProgress?.(`Loading ${model}…`, loaded, total),
    });
  }

  /** Embeds one photo's thumbnail and adds it to the index (the only place image inference runs). */
  async indexPhoto(fileId, thumbnail) {
    const { data, width, height } = await rgbaOf(thumbnail);
    return this.worker.indexImage(fileId, data, width, height);
  }

  /** Indexes a photo here and uploads its embedding as the file's ML data. */
  async indexAndUpload(file, thumbnail) {
    const embedding = await this.indexPhoto(file.id, thumbnail);
    this.indexed.add(file.id);
    this.indexedHere++;
    const json = new TextEncoder().encode(JSON.stringify({ clip: { version: CLIP_VERSION, client: CLIENT, embedding: Array.from(embedding) } }));
    const packed = await pipe(json, new CompressionStream('gzip'));
    const { ciphertext, header } = await this.core.blob.encrypt(packed, file.key);
    await this.api.putMl(file.id, { encryptedData: toB64(ciphertext), decryptionHeader: toB64(header) });
  }

  /**
   * Brings the index up to `files`: first from their ML data on the server (no inference), then
   * indexing here those that have none (`thumbnailOf(file)` gives their thumbnail bytes).
   */
  async sync(files, thumbnailOf, { canUpload = (f) => true } = {}) {
    const byId = new Map(files.filter((f) => !this.indexed.has(f.id)).map((f) => [f.id, f]));
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += ML_BATCH) {
      for (const entry of await this.api.ml(ids.slice(i, i + ML_BATCH))) {
        const file = byId.get(entry.fileID);
        if (!file) continue;
        try {
          const packed = await this.core.blob.decrypt(fromB64(entry.encryptedData), fromB64(entry.decryptionHeader), file.key);
          const data = JSON.parse(new TextDecoder().decode(await pipe(packed, new DecompressionStream('gzip'), ML_MAX_BYTES)));
          const embedding = clipEmbedding(data);
          if (!embedding) continue;
          await this.worker.add(file.id, embedding);
          this.indexed.add(file.id);
          this.fromMlData++;
        } catch {
          // Damaged or foreign ML data: index the photo here instead.
        }
      }
    }
    for (const file of byId.values()) {
      if (this.indexed.has(file.id) || !canUpload(file)) continue;
      await this.indexAndUpload(file, await thumbnailOf(file));
    }
  }

  query(text) {
    return this.worker.query(text, { limit: QUERY_LIMIT });
  }

  status() {
    return `search ready: ${this.fromMlData} photos from ML data, ${this.indexedHere} indexed here`;
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
  }
}
