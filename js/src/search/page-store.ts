// Where a compact index keeps its encrypted pages and snapshot pieces (compact-index.ts): named
// byte arrays in memory, in a directory (Node) or in IndexedDB (browsers and workers). Every value
// is already encrypted and authenticated by the index; a store only keeps bytes under names. Names
// are short strings of [a-z0-9-].
import { importNode } from '../runtime/env.js';
import { request } from './index-store.js';

/** Named byte arrays that a compact index keeps its encrypted pages and snapshot pieces in. */
export interface PageStore {
  /** The bytes stored under `name`, or undefined. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** Several at once, in order (one transaction where the store has them). */
  getMany?(names: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Stores `bytes` under `name`, replacing what was there atomically (a reader sees the old or the
   * new bytes, never a mix). The store may keep `bytes` as it is: the index never reuses it.
   */
  put(name: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Several at once (one transaction where the store has them). */
  putMany?(entries: readonly (readonly [string, Uint8Array<ArrayBuffer>])[]): Promise<void>;
  /** Deletes `name` if it is there. */
  delete(name: string): Promise<void>;
  /** Every stored name starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
}

const NAME = /^[a-z0-9-]{1,64}$/;
function requireName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`invalid page store name: ${String(name)}`);
  return name;
}

/** Pages kept in this JavaScript heap (tests, and indexes that need not survive the session). */
export function memoryPageStore(): PageStore & {
  /** Bytes held (the sum of the stored arrays' lengths). */
  readonly bytes: number;
} {
  const map = new Map<string, Uint8Array>();
  return {
    get bytes() {
      let n = 0;
      for (const v of map.values()) n += v.byteLength;
      return n;
    },
    async get(name) {
      return map.get(requireName(name));
    },
    async put(name, bytes) {
      map.set(requireName(name), bytes);
    },
    async delete(name) {
      map.delete(requireName(name));
    },
    async list(prefix = '') {
      return [...map.keys()].filter((k) => k.startsWith(prefix));
    },
  };
}

interface NodeFsSync {
  readFileSync(path: string): Uint8Array;
}
interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
}
// Imported only when used, so bundles for the browser never see node:fs.
const nodeFs = (): Promise<NodeFs> => importNode('node:fs/promises') as Promise<NodeFs>;
const nodeFsSync = (): Promise<NodeFsSync> => importNode('node:fs') as Promise<NodeFsSync>;

/** Node: one file per name in `dir` (created if missing); writes go through a temporary file. */
export function directoryPageStore(dir: string): PageStore {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('dir must be a non-empty string');
  const path = (name: string) => `${dir}/${requireName(name)}`;
  let made: Promise<unknown> | undefined;
  const ready = async () => {
    const fs = await nodeFs();
    made ??= fs.mkdir(dir, { recursive: true });
    await made;
    return fs;
  };
  return {
    async get(name) {
      const fs = await nodeFs();
      try {
        return new Uint8Array(await fs.readFile(path(name)));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    // A search reads a few dozen pages of ~67 KB: read one after another synchronously, they take
    // a fraction of what as many promise-based reads (open, stat, read, close each on the thread
    // pool) cost.
    async getMany(names) {
      const fs = await nodeFsSync();
      return names.map((name) => {
        try {
          return new Uint8Array(fs.readFileSync(path(name)));
        } catch (e) {
          if ((e as { code?: string }).code === 'ENOENT') return undefined;
          throw e;
        }
      });
    },
    async put(name, bytes) {
      const fs = await ready();
      const tmp = `${path(name)}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, path(name));
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },
    async delete(name) {
      await (await nodeFs()).rm(path(name), { force: true });
    },
    async list(prefix = '') {
      const fs = await nodeFs();
      try {
        return (await fs.readdir(dir)).filter((n) => n.startsWith(prefix) && NAME.test(n));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return [];
        throw e;
      }
    },
  };
}

/** Where indexedDbPageStore keeps the pages. */
export interface IndexedDbPageStoreOptions {
  /** Database name (default "cipherlens-pages"). */
  database?: string;
  /** Object store name (default "pages"). */
  store?: string;
}

/** Browsers and workers: one IndexedDB object store, a record per name. */
export function indexedDbPageStore(options: IndexedDbPageStoreOptions = {}): PageStore {
  const { database = 'cipherlens-pages', store = 'pages' } = options;
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available here'));
    db ??= (() => {
      const req = indexedDB.open(database, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(store);
      return request(req).then((d) => {
        // Another tab upgrading the database closes this connection; the next call reopens it.
        d.onversionchange = () => {
          d.close();
          db = undefined;
        };
        return d;
      });
    })();
    return db;
  };
  // One transaction per call, settled by the transaction itself (a failed request aborts it).
  const run = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => T): Promise<T> => {
    const tx = (await open()).transaction(store, mode);
    const out = fn(tx.objectStore(store));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new DOMException('the IndexedDB transaction was aborted', 'AbortError'));
    });
    return out;
  };
  const toBytes = (v: unknown) => (v === undefined ? undefined : new Uint8Array(v as ArrayBuffer | Uint8Array));
  return {
    async get(name) {
      const req = await run('readonly', (s) => s.get(requireName(name)));
      return toBytes(req.result);
    },
    async getMany(names) {
      const reqs = await run('readonly', (s) => names.map((n) => s.get(requireName(n))));
      return reqs.map((r) => toBytes(r.result));
    },
    async put(name, bytes) {
      await run('readwrite', (s) => s.put(bytes, requireName(name)));
    },
    async putMany(entries) {
      await run('readwrite', (s) => {
        for (const [name, bytes] of entries) s.put(bytes, requireName(name));
      });
    },
    async delete(name) {
      await run('readwrite', (s) => s.delete(requireName(name)));
    },
    async list(prefix = '') {
      const req = await run('readonly', (s) => s.getAllKeys());
      return (req.result as IDBValidKey[]).filter((k): k is string => typeof k === 'string' && k.startsWith(prefix));
    },
  };
}
