// The compact embedding index over the core (wasm/search/compact_index.hpp): codes and int8
// copies in wasm memory, full-precision vectors in encrypted pages of a PageStore, snapshots
// saved and loaded in pieces through the same store. See docs/embedding-index.md.
import type { Heap } from '../runtime/heap.js';
import type { CipherlensModule, WasmCompactIndex } from '../wasm/cipherlens.mjs';
import { CoreError, badInput, closedError, requireBytes } from '../runtime/errors.js';
import { KEY_BYTES } from '../crypto/sizes.js';
import { requireFileId, type SearchHit } from './embedding-index.js';
import type { PageStore } from './page-store.js';

const MAX_DIMS = 65536;
const MAX_LIMIT = 0x7fffffff;
/** Records (full-precision vectors) per page. */
export const COMPACT_PAGE_RECORDS = 32;
const PAGE_HEADER_BYTES = 32;
/** Upserts staged (and their pages written) per step of upsertMany. */
const UPSERT_BATCH = 4096;
const ROOT = 'root';
const ROOT_FORMAT = 1;

/** Where a compact index keeps its pages and snapshots, and the key that seals them. */
export interface CompactIndexOptions {
  /** Where the encrypted pages and snapshots live (memoryPageStore, directoryPageStore, indexedDbPageStore, or yours). */
  store: PageStore;
  /** 32 secret bytes; the keys of the pages and of the snapshots are derived from it. */
  key: Uint8Array;
  /** Bits of code per rotated dimension: 2 (default, ~670 bytes of wasm memory per 512-d vector) or 1 (~606). */
  codeBits?: 1 | 2;
}

/** Options of `CompactIndex.search`. */
export interface CompactSearchOptions {
  /** Most hits (default 10). */
  limit?: number;
  /** Smallest score returned (default none). */
  minScore?: number;
  /** Re-rank the best candidates with their exact vectors read from the pages (default true).
   *  false: no page is read, and scores are the int8 estimates (within about 0.005). */
  exact?: boolean;
  /** How many candidates are re-ranked exactly (default max(limit + 16, 32)). */
  rerank?: number;
  /** Width of the error bound that decides which int8 copies are scored (default 3; smaller is faster, and may miss). */
  epsilon?: number;
  /** Skip the int8 copies the codes rule out (default true). false scores every int8 copy: slower, for comparison. */
  prune?: boolean;
}

/**
 * An index of L2-normalised embeddings for libraries of up to millions of photos: codes and int8
 * copies in wasm memory (~680 bytes per 512-d photo), full vectors in encrypted pages of a
 * PageStore, snapshots saved in pieces (docs/embedding-index.md, "The compact index").
 */
export interface CompactIndex {
  /** The embeddings' dimension. */
  readonly dims: number;
  /** Number of stored files. */
  readonly size: number;
  /** The meta bytes of the snapshot this index was opened from, or last saved with. */
  readonly meta: Uint8Array<ArrayBuffer> | undefined;
  /** Whether fileId is in the index (in memory: no page is read). */
  has(fileId: number): boolean;
  /** Every stored file id, in storage order. */
  fileIds(): number[];
  /** Stores embedding / |embedding| under fileId, replacing any earlier one; its page is written before it resolves. */
  upsert(fileId: number, embedding: ArrayLike<number>): Promise<void>;
  /** Many at once: `embeddings` holds fileIds.length * dims floats. Written in batches; a failed
   *  batch changes nothing, earlier batches stay. Later duplicates of an id win. */
  upsertMany(fileIds: ArrayLike<number>, embeddings: Float32Array): Promise<void>;
  /** True when fileId was present. */
  remove(fileId: number): Promise<boolean>;
  /** The stored (normalised) embedding, read back from its page. */
  get(fileId: number): Promise<Float32Array | undefined>;
  /** Best hits first; equal scores by ascending file id. */
  search(query: ArrayLike<number>, options?: CompactSearchOptions): Promise<SearchHit[]>;
  /** Writes a snapshot to the store (in pieces), with optional meta bytes (e.g. a sync cursor), then deletes what it replaced. */
  save(options?: {
    /** Bytes of yours kept with the snapshot (at most 1 MiB), e.g. the sync cursor its embeddings are current to. */
    meta?: Uint8Array;
  }): Promise<void>;
  /** Bytes of wasm memory the index holds. */
  memoryBytes(): number;
  /** int8 copies scored by the last search (how much the codes pruned). */
  readonly lastScored: number;
  /** Frees the wasm memory (wiping it). The store keeps its pages and snapshots. */
  dispose(): void;
}

const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
const pageName = (lo: number, hi: number) => `page-${hex8(hi)}${hex8(lo)}`;
const pieceName = (generation: number, i: number) => `snap-${generation}-${i}`;

interface Root {
  format: number;
  generation: number;
  pieces: number;
}

function parseRoot(bytes: Uint8Array): Root {
  let root: Root;
  try {
    root = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw badInput('the index store root record is not JSON');
  }
  const ok =
    root?.format === ROOT_FORMAT &&
    Number.isSafeInteger(root.generation) &&
    root.generation > 0 &&
    Number.isSafeInteger(root.pieces) &&
    root.pieces >= 2;
  if (!ok) throw badInput('the index store root record is malformed');
  return root;
}

const missing = (what: string) => new CoreError('TRUNCATED', `${what} is missing from the index store`);

export function makeCompactIndexApi(heap: Heap<CipherlensModule>) {
  const { mod } = heap;
  const registry = new FinalizationRegistry<WasmCompactIndex>((wasm) => wasm.delete());
  const f32 = (ptr: number, n: number) => new Float32Array(heap.u8.buffer, ptr, n);
  const f64 = (ptr: number, n: number) => new Float64Array(heap.u8.buffer, ptr, n);
  const u32 = (ptr: number, n: number) => new Uint32Array(heap.u8.buffer, ptr, n);
  const oom = (what: string) => new CoreError('OUT_OF_MEMORY', `not enough wasm memory for ${what}`);

  class Compact implements CompactIndex {
    private wasm: WasmCompactIndex | null;
    private queue: Promise<unknown> = Promise.resolve();
    private metaBytes: Uint8Array<ArrayBuffer> | undefined;
    private scored = 0;
    readonly dims: number;
    private readonly recordBytes: number;

    constructor(
      wasm: WasmCompactIndex,
      private readonly store: PageStore,
      meta?: Uint8Array<ArrayBuffer>,
    ) {
      this.wasm = wasm;
      this.dims = wasm.dims();
      this.recordBytes = 8 + 4 * this.dims + 40;
      this.metaBytes = meta;
      registry.register(this, wasm, this);
    }

    private live(): WasmCompactIndex {
      if (!this.wasm) throw closedError('the index');
      return this.wasm;
    }

    /** Runs `fn` after every earlier call has settled: one change or search at a time. */
    private serial<T>(fn: () => Promise<T>): Promise<T> {
      const next = this.queue.then(fn);
      this.queue = next.catch(() => undefined);
      return next;
    }

    get size(): number {
      return this.live().size();
    }
    get meta(): Uint8Array<ArrayBuffer> | undefined {
      return this.metaBytes?.slice();
    }
    get lastScored(): number {
      return this.scored;
    }

    has(fileId: number): boolean {
      requireFileId(fileId);
      return heap.checkLength(this.live().has(fileId)) === 1;
    }

    fileIds(): number[] {
      const wasm = this.live();
      const n = heap.checkLength(wasm.ids());
      return Array.from(f64(wasm.idsPtr(), n));
    }

    memoryBytes(): number {
      return this.live().memoryBytes();
    }

    private input(wasm: WasmCompactIndex, n: number): number {
      const ptr = wasm.inputPtr(n) >>> 0;
      if (ptr === 0) throw oom(`${n} embeddings`);
      return ptr;
    }

    private async deletePages(wasm: WasmCompactIndex): Promise<void> {
      const n = heap.checkLength(wasm.takeDeletable());
      const words = u32(wasm.u32Ptr(), 2 * n);
      const names = Array.from({ length: n }, (_, i) => pageName(words[2 * i], words[2 * i + 1]));
      // Best effort: a page left behind holds only dead records, still encrypted.
      await Promise.all(names.map((name) => this.store.delete(name).catch(() => undefined)));
    }

    /** Stages a batch, writes its pages, commits (or forgets it if a write fails). */
    private async writeBatch(wasm: WasmCompactIndex, ids: ArrayLike<number>, vectors: Float32Array): Promise<void> {
      const n = ids.length;
      const pages: [string, Uint8Array<ArrayBuffer>][] = [];
      heap.scope((a) => {
        const idsPtr = a.alloc(n * 8);
        const at = this.input(wasm, n); // may grow memory: take views after it
        f64(idsPtr, n).set(ids);
        f32(at, n * this.dims).set(vectors);
        const count = heap.checkLength(wasm.stage(idsPtr, n));
        for (let i = 0; i < count; i++) {
          wasm.stagedPage(i);
          const [lo, hi, ptr, len] = u32(wasm.u32Ptr(), 4);
          pages.push([pageName(lo, hi), heap.read(ptr, len)]);
        }
      });
      try {
        if (this.store.putMany) await this.store.putMany(pages);
        else await Promise.all(pages.map(([name, bytes]) => this.store.put(name, bytes)));
      } catch (e) {
        wasm.abortStaged();
        throw e;
      }
      wasm.commit();
      await this.deletePages(wasm);
    }

    upsert(fileId: number, embedding: ArrayLike<number>): Promise<void> {
      requireFileId(fileId);
      const v = toVector('embedding', embedding, this.dims);
      return this.serial(() => this.writeBatch(this.live(), [fileId], v));
    }

    upsertMany(fileIds: ArrayLike<number>, embeddings: Float32Array): Promise<void> {
      this.live();
      const n = fileIds?.length;
      if (typeof n !== 'number') throw badInput('fileIds must be an array of numbers');
      if (!(embeddings instanceof Float32Array) || embeddings.length !== n * this.dims) {
        throw badInput(`embeddings must be a Float32Array of ${n} x ${this.dims} floats`);
      }
      for (let i = 0; i < n; i++) requireFileId(fileIds[i]);
      const ids = Array.from(fileIds);
      const copy = embeddings.slice(); // the caller may reuse its buffer while pages are written
      return this.serial(async () => {
        for (let at = 0; at < n; at += UPSERT_BATCH) {
          const end = Math.min(n, at + UPSERT_BATCH);
          await this.writeBatch(this.live(), ids.slice(at, end), copy.subarray(at * this.dims, end * this.dims));
        }
      });
    }

    remove(fileId: number): Promise<boolean> {
      requireFileId(fileId);
      return this.serial(async () => {
        const wasm = this.live();
        const removed = heap.checkLength(wasm.remove(fileId)) === 1;
        await this.deletePages(wasm);
        return removed;
      });
    }

    /** Copies records (page bytes from the store) into recordsPtr(), in the given order. */
    private async stageRecords(wasm: WasmCompactIndex, refs: { name: string; position: number }[]): Promise<void> {
      const names = [...new Set(refs.map((r) => r.name))];
      const pages = this.store.getMany ? await this.store.getMany(names) : await Promise.all(names.map((n) => this.store.get(n)));
      const byName = new Map(names.map((n, i) => [n, pages[i]]));
      const rb = this.recordBytes;
      const ptr = wasm.recordsPtr(refs.length) >>> 0;
      if (ptr === 0 && refs.length > 0) throw oom(`${refs.length} records`);
      const heapBytes = heap.u8;
      refs.forEach(({ name, position }, i) => {
        const page = byName.get(name);
        if (!page) throw missing(`page ${name}`);
        const start = PAGE_HEADER_BYTES + position * rb;
        if (page.length < start + rb) throw new CoreError('TRUNCATED', `page ${name} ends before record ${position}`);
        heapBytes.set(page.subarray(start, start + rb), ptr + i * rb);
      });
    }

    get(fileId: number): Promise<Float32Array | undefined> {
      requireFileId(fileId);
      return this.serial(async () => {
        const wasm = this.live();
        if (heap.checkLength(wasm.locate(fileId)) === 0) return undefined;
        const [lo, hi, page, position] = u32(wasm.u32Ptr(), 4);
        await this.stageRecords(wasm, [{ name: pageName(lo, hi), position }]);
        heap.checkLength(wasm.openRecord(fileId, page, position));
        return f32(this.input(wasm, 1), this.dims).slice();
      });
    }

    search(query: ArrayLike<number>, options: CompactSearchOptions = {}): Promise<SearchHit[]> {
      const { limit = 10, minScore = -Infinity, exact = true, rerank = 0, epsilon = 3, prune = true } = options;
      if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
        throw badInput('limit must be a non-negative integer or Infinity');
      }
      if (typeof minScore !== 'number' || Number.isNaN(minScore)) throw badInput('minScore must be a number');
      if (!Number.isSafeInteger(rerank) || rerank < 0) throw badInput('rerank must be a non-negative integer');
      if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw badInput('epsilon must be a non-negative number');
      const q = toVector('query', query, this.dims);
      return this.serial(async () => {
        const wasm = this.live();
        f32(this.input(wasm, 1), this.dims).set(q);
        const lim = Math.min(limit, MAX_LIMIT);
        const min = Math.max(minScore, -2);
        const n = heap.checkLength(wasm.candidates(lim, min, Math.min(rerank, MAX_LIMIT), Math.min(epsilon, 1e30), !prune));
        this.scored = wasm.lastScored();
        let k: number;
        if (!exact) {
          k = heap.checkLength(wasm.approximate(lim, min));
        } else {
          const words = u32(wasm.u32Ptr(), 4 * n).slice();
          const refs = Array.from({ length: n }, (_, i) => ({
            name: pageName(words[4 * i], words[4 * i + 1]),
            position: words[4 * i + 3],
          }));
          await this.stageRecords(wasm, refs);
          k = heap.checkLength(wasm.rerank(n, lim, min));
        }
        const ids = f64(wasm.idsPtr(), k);
        const scores = f32(wasm.scoresPtr(), k);
        return Array.from({ length: k }, (_, i) => ({ fileId: ids[i], score: scores[i] }));
      });
    }

    save(options: { meta?: Uint8Array } = {}): Promise<void> {
      const meta = options.meta ?? this.metaBytes ?? new Uint8Array(0);
      requireBytes('meta', meta);
      return this.serial(async () => {
        const wasm = this.live();
        const rootBytes = await this.store.get(ROOT);
        const generation = (rootBytes ? parseRoot(rootBytes).generation : 0) + 1;
        heap.scope((a) => heap.check(wasm.saveBegin(meta.length ? a.put(meta) : 0, meta.length)));
        let pieces = 0;
        try {
          for (let done = false; !done; ) {
            const len = heap.checkLength(wasm.saveNext());
            done = u32(wasm.u32Ptr(), 1)[0] === 1;
            await this.store.put(pieceName(generation, pieces++), heap.read(wasm.savePtr(), len));
          }
        } finally {
          wasm.saveEnd();
        }
        const root: Root = { format: ROOT_FORMAT, generation, pieces };
        await this.store.put(ROOT, new TextEncoder().encode(JSON.stringify(root)));
        // Stored: what the previous snapshot alone referred to can go.
        wasm.snapshotCommitted();
        this.metaBytes = meta.slice();
        await this.deletePages(wasm);
        const mine = `snap-${generation}-`;
        for (const name of await this.store.list('snap-')) {
          if (!name.startsWith(mine)) await this.store.delete(name).catch(() => undefined);
        }
      });
    }

    dispose(): void {
      if (!this.wasm) return;
      registry.unregister(this);
      this.wasm.delete(); // the C++ destructors wipe codes, keys and buffers
      this.wasm = null;
    }
  }

  function requireOptions(options: CompactIndexOptions): PageStore {
    const store = options?.store;
    if (!store || typeof store.get !== 'function' || typeof store.put !== 'function') {
      throw badInput('options.store must be a PageStore');
    }
    requireBytes('key', options.key, KEY_BYTES);
    return store;
  }

  return {
    /** An empty compact index of `dims`-dimensional embeddings keeping its pages in `options.store`. */
    createCompactIndex(dims: number, options: CompactIndexOptions): CompactIndex {
      if (!Number.isSafeInteger(dims) || dims < 1 || dims > MAX_DIMS) {
        throw badInput(`dims must be an integer in 1 .. ${MAX_DIMS}`);
      }
      const store = requireOptions(options);
      const bits = options.codeBits ?? 2;
      if (bits !== 1 && bits !== 2) throw badInput('codeBits must be 1 or 2');
      const wasm = new mod.CompactIndex();
      const status = heap.scope((a) => wasm.create(dims, bits, a.put(options.key)));
      if (status !== 0) {
        const error = heap.error(status);
        wasm.delete();
        throw error;
      }
      return new Compact(wasm, store);
    },
    /** The index last saved in `options.store` (its snapshot read piece by piece), or undefined
     *  when the store holds none. AUTH_FAILED / TRUNCATED / BAD_INPUT when it does not load. */
    async openCompactIndex(options: CompactIndexOptions): Promise<CompactIndex | undefined> {
      const store = requireOptions(options);
      const rootBytes = await store.get(ROOT);
      if (!rootBytes) return undefined;
      const root = parseRoot(rootBytes);
      const wasm = new mod.CompactIndex();
      try {
        heap.scope((a) => heap.check(wasm.loadBegin(a.put(options.key))));
        for (let i = 0; i < root.pieces; i++) {
          const piece = await store.get(pieceName(root.generation, i));
          if (!piece) throw missing(`snapshot piece ${i}`);
          heap.scope((a) => heap.check(wasm.loadPiece(a.put(piece), piece.length)));
        }
        const metaLen = heap.checkLength(wasm.loadFinish());
        const meta = heap.read(wasm.metaPtr(), metaLen);
        return new Compact(wasm, store, meta);
      } catch (e) {
        wasm.loadAbort();
        wasm.delete();
        throw e;
      }
    },
  };
}

function toVector(name: string, v: unknown, dims: number): Float32Array {
  const ok = v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v);
  if (!ok) throw badInput(`${name} must be a Float32Array, Float64Array or number[]`);
  const arr = v as ArrayLike<number>;
  if (arr.length !== dims) throw badInput(`${name} must have ${dims} numbers, got ${arr.length}`);
  return Float32Array.from(arr);
}
