// On-device search with cipherlens' CLIP search worker. Photos are indexed with the package's
// indexFiles (decoded, embedded and upserted in the worker, a bounded number at a time), and each
// embedding is stored as Ente's per-file ML data (client/src/library/ml-data.ts), so another
// device rebuilds the index from that data without running the image model again, and a closed
// tab resumes: what has ML data is not indexed twice. The app ships the small test models the
// build generates (they understand colour words).
import { createSearchWorker, type SearchWorker } from 'cipherlens/search';
import { clipEmbeddings, putClipEmbedding, type ClientCrypto, type GalleryFile, type Library } from '../../client/src/index.js';

const MODELS = { textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx' };
const QUERY_LIMIT = 24;

export type Progress = (done: number, total: number) => void;

/** `v` scaled to length 1 (ML data from another client may not be). */
function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

export class GallerySearch {
  private worker: SearchWorker | null = null;
  private readonly indexed = new Set<number>();
  /** Each file's embedding (search keeps them in its worker; near-duplicate grouping needs them here). */
  private readonly vectors = new Map<number, Float32Array>();
  fromMlData = 0;
  indexedHere = 0;

  constructor(
    private readonly crypto: ClientCrypto,
    private readonly library: Library,
    private readonly base: URL,
  ) {}

  get ready(): boolean {
    return this.worker !== null;
  }

  async open(onProgress?: (label: string, loaded?: number, total?: number) => void): Promise<void> {
    this.worker = await createSearchWorker({
      ...MODELS,
      baseUrl: new URL('models/', this.base).href,
      workerUrl: new URL('search-worker.js', this.base).href,
      wasmUrl: new URL('cipherlens.wasm', this.base).href,
      wasmPaths: new URL('ort/', this.base).href,
      numThreads: 1,
      onProgress: ({ model, loaded, total }) => onProgress?.(`Loading ${model}…`, loaded, total ?? undefined),
    });
  }

  private live(): SearchWorker {
    if (!this.worker) throw new Error('search is not open');
    return this.worker;
  }

  /**
   * Indexes `files` here (the only place image inference runs), from their thumbnails
   * (`thumbnailOf(file)` gives the bytes), and stores each embedding as the file's ML data.
   * `onProgress(done, total)` after each file; a thumbnail that does not decode is skipped.
   */
  async index(files: GalleryFile[], thumbnailOf: (file: GalleryFile) => Promise<Uint8Array>, onProgress?: Progress) {
    const worker = this.live();
    const byId = new Map(files.map((f) => [f.id, f]));
    const uploads: Promise<void>[] = [];
    async function* thumbnails() {
      for (const file of files) yield { fileId: file.id, bytes: await thumbnailOf(file) };
    }
    await worker.indexFiles(thumbnails(), {
      total: files.length,
      onProgress: ({ fileId, status, embedding, done, total }) => {
        if (status === 'indexed' && embedding) {
          this.indexed.add(fileId);
          this.vectors.set(fileId, normalised(embedding));
          this.indexedHere++;
          uploads.push(putClipEmbedding(this.crypto, this.library.api, byId.get(fileId)!, embedding));
        }
        onProgress?.(done, total ?? files.length);
      },
    });
    await Promise.all(uploads);
  }

  /**
   * Brings the index up to `files`: first from their ML data on the server (no inference), then
   * indexing here those that have none and that `canUpload` (their owner's device writes it).
   */
  async sync(
    files: GalleryFile[],
    thumbnailOf: (file: GalleryFile) => Promise<Uint8Array>,
    { canUpload = () => true, onProgress }: { canUpload?: (f: GalleryFile) => boolean; onProgress?: Progress } = {},
  ) {
    const worker = this.live();
    const todo = files.filter((f) => !this.indexed.has(f.id));
    for await (const { file, embedding } of clipEmbeddings(this.crypto, this.library.api, todo)) {
      try {
        await worker.add(file.id, embedding);
        this.indexed.add(file.id);
        this.vectors.set(file.id, normalised(embedding));
        this.fromMlData++;
      } catch {
        // Refused by the index: the photo is indexed here instead.
      }
    }
    const rest = todo.filter((f) => !this.indexed.has(f.id) && canUpload(f));
    if (rest.length) await this.index(rest, thumbnailOf, onProgress);
  }

  /** The embeddings of those of `ids` that have one, one after another (`dims` floats each). */
  embeddings(ids: number[]): { ids: number[]; vectors: Float32Array; dims: number } {
    const found = ids.filter((id) => this.vectors.has(id));
    const dims = found.length ? this.vectors.get(found[0])!.length : 1;
    const vectors = new Float32Array(found.length * dims);
    found.forEach((id, i) => vectors.set(this.vectors.get(id)!.subarray(0, dims), i * dims));
    return { ids: found, vectors, dims };
  }

  query(text: string) {
    return this.live().query(text, { limit: QUERY_LIMIT });
  }

  status(): string {
    return `Search ready: ${this.fromMlData} photos from ML data, ${this.indexedHere} indexed here`;
  }

  close(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
