// Where this device keeps each account's pinned contact keys (client/src/sharing): IndexedDB,
// holding only what the client encrypted under the account's master key.
import type { PinStore } from '../../client/src/index.js';

const DB_NAME = 'cipherlens-gallery';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

async function pinTable(mode: IDBTransactionMode) {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('pins');
  const db = await request(open);
  return db.transaction('pins', mode).objectStore('pins');
}

export const indexedDbPins: PinStore = {
  load: async (accountId) => request((await pinTable('readonly')).get(accountId)),
  save: async (accountId, sealed) => {
    await request((await pinTable('readwrite')).put(sealed, accountId));
  },
};
