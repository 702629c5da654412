// IndexedDB persistence for the demo vault: the account's key attributes and encrypted files.
// Everything stored here is ciphertext or public (salts, nonces, limits, public key).
const DB_NAME = 'cipherlens-demo';

function request(req) {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

export async function openStore() {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('account');
    db.createObjectStore('files', { keyPath: 'id', autoIncrement: true });
  };
  const db = await request(open);
  const tx = (store, mode = 'readonly') => db.transaction(store, mode).objectStore(store);
  return {
    getAccount: () => request(tx('account').get('me')),
    getSearchIndex: () => request(tx('account').get('search-index')),
    putSearchIndex: (bytes) => request(tx('account', 'readwrite').put(bytes, 'search-index')),
    putAccount: (attrs) => request(tx('account', 'readwrite').put(attrs, 'me')),
    addFile: (file) => request(tx('files', 'readwrite').add(file)),
    getFile: (id) => request(tx('files').get(id)),
    listFiles: () => request(tx('files').getAll()),
    clear: async () => {
      await request(tx('account', 'readwrite').clear());
      await request(tx('files', 'readwrite').clear());
    },
  };
}
