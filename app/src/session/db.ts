// The IndexedDB database of what this device keeps of an account: the wrapping key (keys), the
// unlock record for new tabs (unlock) and unfinished uploads (uploads). Everything in it but the
// non-extractable wrapping key is sealed with that key (vault.ts).
const DB_NAME = 'cipherlens-session';
const VERSION = 1;
export type Table = 'keys' | 'unlock' | 'uploads';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((ok, fail) => {
    const open = indexedDB.open(DB_NAME, VERSION);
    open.onupgradeneeded = () => {
      for (const name of ['keys', 'unlock', 'uploads']) open.result.createObjectStore(name);
    };
    open.onsuccess = () => ok(open.result);
    open.onerror = () => {
      opened = undefined;
      fail(open.error);
    };
  });
  return opened;
}

async function store(table: Table, mode: IDBTransactionMode) {
  return (await database()).transaction(table, mode).objectStore(table);
}

export const db = {
  get: async <T>(table: Table, key: string): Promise<T | undefined> => request((await store(table, 'readonly')).get(key)),
  put: async (table: Table, key: string, value: unknown) => {
    await request((await store(table, 'readwrite')).put(value, key));
  },
  delete: async (table: Table, key: string) => {
    await request((await store(table, 'readwrite')).delete(key));
  },
  /** Every [key, value] of a table. */
  entries: async <T>(table: Table): Promise<[string, T][]> => {
    const s = await store(table, 'readonly');
    const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
    return keys.map((k, i) => [String(k), values[i] as T]);
  },
};
