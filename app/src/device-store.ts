// Where this device keeps the last account record it saw, per account (client/src/account/
// record.ts): IndexedDB, holding only what the client sealed under the account's master key. A
// server that later serves this device an older record, or none, is caught with it.
import type { DeviceStore, SealedRecord } from '../../client/src/index.js';

const DB_NAME = 'cipherlens-gallery';
const TABLE = 'records';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

async function table(mode: IDBTransactionMode) {
  const open = indexedDB.open(DB_NAME, 2);
  open.onupgradeneeded = () => {
    // Version 1 kept per-device pins; they live in the account record now.
    if (open.result.objectStoreNames.contains('pins')) open.result.deleteObjectStore('pins');
    if (!open.result.objectStoreNames.contains(TABLE)) open.result.createObjectStore(TABLE);
  };
  const db = await request(open);
  return db.transaction(TABLE, mode).objectStore(TABLE);
}

export const indexedDbRecords: DeviceStore = {
  load: async (key) => (await request((await table('readonly')).get(key))) as SealedRecord | undefined,
  save: async (key, sealed) => {
    await request((await table('readwrite')).put(sealed, key));
  },
};
