// Where saved index bytes live between sessions: a file under Node, IndexedDB in browsers.
// The bytes are already encrypted (index.save(key)); stores only move them.
import { importNode } from '../runtime/env.js';

/** Where encrypted index bytes live between sessions (fileIndexStore, indexedDbIndexStore). */
export interface IndexStore {
  /** The saved bytes, or undefined when nothing was saved yet. */
  read(): Promise<Uint8Array<ArrayBuffer> | undefined>;
  /**
   * Replaces the saved bytes (atomically: a reader sees the old or the new bytes, never a mix).
   * On failure it rejects with the storage's own error (Node's fs error with its `code`; in
   * IndexedDB a DOMException such as QuotaExceededError or AbortError) and the old bytes stay.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Removes the saved bytes (nothing saved: resolves all the same). */
  delete(): Promise<void>;
}

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

const nodeFs = (): Promise<NodeFs> =>
  // Imported only when used, so bundles for the browser never see node:fs.
  importNode('node:fs/promises') as Promise<NodeFs>;

/** Node: one file. Writes go to a temporary file first, then replace the file by rename. */
export function fileIndexStore(path: string): IndexStore {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  return {
    async read() {
      const fs = await nodeFs();
      try {
        return new Uint8Array(await fs.readFile(path));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(bytes) {
      const fs = await nodeFs();
      const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
      const tmp = `${path}.${suffix}.tmp`;
      try {
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, path);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },
    async delete() {
      await (await nodeFs()).rm(path, { force: true });
    },
  };
}

/** Where indexedDbIndexStore keeps the bytes. */
export interface IndexedDbStoreOptions {
  /** Database name (default "cipherlens"). */
  database?: string;
  /** Object store name (default "indexes"). */
  store?: string;
  /** Record key (default "clip"). */
  key?: string;
}

/** An IndexedDB request as a promise (also used by page-store.ts). */
export const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Browsers and workers: one record in an IndexedDB object store. */
export function indexedDbIndexStore(options: IndexedDbStoreOptions = {}): IndexStore {
  const { database = 'cipherlens', store = 'indexes', key = 'clip' } = options;
  const open = (): Promise<IDBDatabase> => {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available here'));
    const req = indexedDB.open(database, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(store);
    return request(req);
  };
  // One transaction per call; the database is closed afterwards so it never blocks upgrades.
  // Settled by the transaction alone: a failed request aborts it, and the cause is known only
  // then (tx.error is still null while the request's error event bubbles to the transaction).
  const run = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    try {
      const tx = db.transaction(store, mode);
      const req = fn(tx.objectStore(store));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = () =>
          reject(tx.error ?? req.error ?? new DOMException('the IndexedDB transaction was aborted', 'AbortError'));
      });
      return req.result;
    } finally {
      db.close();
    }
  };
  return {
    async read() {
      const value = await run('readonly', (s) => s.get(key));
      return value === undefined ? undefined : new Uint8Array(value as ArrayBuffer | Uint8Array);
    },
    async write(bytes) {
      await run('readwrite', (s) => s.put(bytes, key));
    },
    async delete() {
      await run('readwrite', (s) => s.delete(key));
    },
  };
}
