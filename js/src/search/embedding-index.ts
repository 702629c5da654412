import type { Heap } from '../runtime/heap.js';
import type { CipherlensModule, WasmEmbeddingIndex } from '../wasm/cipherlens.mjs';
import { CoreError, badInput, closedError, requireBytes } from '../runtime/errors.js';
import { KEY_BYTES } from '../crypto/sizes.js';

const MAX_DIMS = 65536;
const MAX_LIMIT = 0x7fffffff;

/** Options of EmbeddingIndex.search. */
export interface SearchOptions {
  /** Most hits to return (default 10; `Infinity` for all). */
  limit?: number;
  /** Smallest score returned (default: none). Ente uses `ENTE_CLIP_MIN_SCORE` (clip-spec.ts). */
  minScore?: number;
  /** Scan int8 copies, then re-rank the best candidates with exact float scores (default false). */
  quantized?: boolean;
  /** Quantised scan: how many approximate hits are re-ranked (default max(10 * limit, 100)). */
  candidates?: number;
}

/** One match of a search. */
export interface SearchHit {
  /** The matching file's id. */
  fileId: number;
  /** Cosine similarity (dot product of the normalised vectors), exact in both modes. */
  score: number;
}

/** An in-memory index of L2-normalised embeddings keyed by file id, living in wasm memory. */
export interface EmbeddingIndex {
  /** The dimension every embedding has. */
  readonly dims: number;
  /** Files in the index. */
  readonly size: number;
  /** Stores embedding / |embedding| under fileId (an integer 0 .. 2^53 - 1), replacing any earlier one. */
  upsert(fileId: number, embedding: ArrayLike<number>): void;
  /** Many at once: `embeddings` holds fileIds.length * dims floats, row after row. All or nothing. */
  upsertMany(fileIds: ArrayLike<number>, embeddings: Float32Array): void;
  /** True when fileId was present. */
  remove(fileId: number): boolean;
  /** Whether fileId is in the index. */
  has(fileId: number): boolean;
  /** The stored (normalised) embedding. */
  get(fileId: number): Float32Array | undefined;
  /** Every file id in the index. */
  fileIds(): number[];
  /** Best hits first; equal scores by ascending file id. */
  search(query: ArrayLike<number>, options?: SearchOptions): SearchHit[];
  /** Encrypted, compressed snapshot (see docs/embedding-index.md for the layout). */
  save(key: Uint8Array): Uint8Array<ArrayBuffer>;
  /** Replaces the contents with saved bytes; on any error the index is left as it was. */
  load(bytes: Uint8Array, key: Uint8Array): void;
  /** Frees the wasm memory (wiping the vectors). The index is unusable afterwards. */
  dispose(): void;
}

export function requireFileId(fileId: unknown): number {
  if (typeof fileId !== 'number' || !Number.isSafeInteger(fileId) || fileId < 0) {
    throw badInput(`file id must be an integer in 0 .. 2^53 - 1, got ${String(fileId)}`);
  }
  return fileId;
}

function requireVector(name: string, v: unknown, dims: number): ArrayLike<number> {
  const ok = v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v);
  if (!ok) throw badInput(`${name} must be a Float32Array, Float64Array or number[]`);
  const arr = v as ArrayLike<number>;
  if (arr.length !== dims) throw badInput(`${name} must have ${dims} numbers, got ${arr.length}`);
  return arr;
}

export function makeEmbeddingIndexApi(heap: Heap<CipherlensModule>) {
  const { mod } = heap;
  // Frees handles that were garbage collected without dispose().
  const registry = new FinalizationRegistry<WasmEmbeddingIndex>((wasm) => wasm.delete());

  const f32 = (ptr: number, n: number) => new Float32Array(heap.u8.buffer, ptr, n);
  const f64 = (ptr: number, n: number) => new Float64Array(heap.u8.buffer, ptr, n);

  class Index implements EmbeddingIndex {
    private wasm: WasmEmbeddingIndex | null;

    constructor(wasm: WasmEmbeddingIndex) {
      this.wasm = wasm;
      registry.register(this, wasm, this);
    }

    private live(): WasmEmbeddingIndex {
      if (!this.wasm) throw closedError('the index');
      return this.wasm;
    }

    get dims(): number {
      return this.live().dims();
    }

    get size(): number {
      return this.live().size();
    }

    private stage(wasm: WasmEmbeddingIndex, name: string, v: unknown): void {
      const dims = wasm.dims();
      const arr = requireVector(name, v, dims);
      f32(wasm.inputPtr(1), dims).set(arr);
    }

    upsert(fileId: number, embedding: ArrayLike<number>): void {
      const wasm = this.live();
      requireFileId(fileId);
      this.stage(wasm, 'embedding', embedding);
      heap.checkLength(wasm.upsert(fileId));
    }

    upsertMany(fileIds: ArrayLike<number>, embeddings: Float32Array): void {
      const wasm = this.live();
      const dims = wasm.dims();
      const n = fileIds?.length;
      if (typeof n !== 'number') throw badInput('fileIds must be an array of numbers');
      if (!(embeddings instanceof Float32Array) || embeddings.length !== n * dims) {
        throw badInput(`embeddings must be a Float32Array of ${n} x ${dims} floats`);
      }
      for (let i = 0; i < n; i++) requireFileId(fileIds[i]);
      heap.scope((a) => {
        const ids = a.alloc(n * 8);
        const at = wasm.inputPtr(n) >>> 0; // may grow memory: take views after it
        if (at === 0) throw new CoreError('OUT_OF_MEMORY', `not enough wasm memory for ${n} embeddings`);
        f64(ids, n).set(fileIds);
        f32(at, n * dims).set(embeddings);
        heap.checkLength(wasm.upsertMany(ids, n));
      });
    }

    remove(fileId: number): boolean {
      const wasm = this.live();
      requireFileId(fileId);
      return heap.checkLength(wasm.remove(fileId)) === 1;
    }

    has(fileId: number): boolean {
      return this.get(fileId) !== undefined;
    }

    get(fileId: number): Float32Array | undefined {
      const wasm = this.live();
      requireFileId(fileId);
      if (heap.checkLength(wasm.get(fileId)) === 0) return undefined;
      return f32(wasm.inputPtr(1), wasm.dims()).slice();
    }

    fileIds(): number[] {
      const wasm = this.live();
      const n = wasm.ids();
      return Array.from(f64(wasm.resultIdsPtr(), n));
    }

    search(query: ArrayLike<number>, options: SearchOptions = {}): SearchHit[] {
      const wasm = this.live();
      const { limit = 10, minScore = -Infinity, quantized = false, candidates = 0 } = options;
      if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
        throw badInput('limit must be a non-negative integer or Infinity');
      }
      if (typeof minScore !== 'number' || Number.isNaN(minScore)) throw badInput('minScore must be a number');
      if (!Number.isSafeInteger(candidates) || candidates < 0) throw badInput('candidates must be a non-negative integer');
      this.stage(wasm, 'query', query);
      const n = heap.checkLength(
        wasm.search(Math.min(limit, MAX_LIMIT), Math.max(minScore, -2), Boolean(quantized), Math.min(candidates, MAX_LIMIT)),
      );
      const ids = f64(wasm.resultIdsPtr(), n);
      const scores = f32(wasm.resultScoresPtr(), n);
      const hits: SearchHit[] = new Array(n);
      for (let i = 0; i < n; i++) hits[i] = { fileId: ids[i], score: scores[i] };
      return hits;
    }

    save(key: Uint8Array): Uint8Array<ArrayBuffer> {
      const wasm = this.live();
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        try {
          const len = heap.checkLength(wasm.save(a.put(key)));
          return heap.read(wasm.bytesPtr(), len);
        } finally {
          wasm.clearBytes();
        }
      });
    }

    load(bytes: Uint8Array, key: Uint8Array): void {
      const wasm = this.live();
      requireBytes('bytes', bytes);
      requireBytes('key', key, KEY_BYTES);
      heap.scope((a) => heap.check(wasm.load(a.put(bytes), bytes.length, a.put(key))));
    }

    dispose(): void {
      if (!this.wasm) return;
      registry.unregister(this);
      this.wasm.delete(); // the C++ destructors wipe vectors and buffers
      this.wasm = null;
    }
  }

  function fresh(): WasmEmbeddingIndex {
    return new mod.EmbeddingIndex();
  }

  return {
    /** An empty index of `dims`-dimensional embeddings (512 for MobileCLIP). */
    createIndex(dims: number): EmbeddingIndex {
      if (!Number.isSafeInteger(dims) || dims < 1 || dims > MAX_DIMS) {
        throw badInput(`dims must be an integer in 1 .. ${MAX_DIMS}`);
      }
      const wasm = fresh();
      const status = wasm.init(dims);
      if (status !== 0) {
        wasm.delete();
        throw heap.error(status);
      }
      return new Index(wasm);
    },
    /** An index restored from `index.save(key)` bytes. AUTH_FAILED / TRUNCATED / BAD_INPUT on bad data. */
    loadIndex(bytes: Uint8Array, key: Uint8Array): EmbeddingIndex {
      requireBytes('bytes', bytes);
      requireBytes('key', key, KEY_BYTES);
      const wasm = fresh();
      let status: number;
      try {
        status = heap.scope((a) => wasm.load(a.put(bytes), bytes.length, a.put(key)));
      } catch (e) {
        wasm.delete();
        throw e;
      }
      if (status !== 0) {
        const error: CoreError = heap.error(status);
        wasm.delete();
        throw error;
      }
      return new Index(wasm);
    },
  };
}
