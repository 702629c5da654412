// The library's caches on this device (docs/library-cache.md): each album's verified log fold
// (`trust.packFold` bytes, a page `album-<id>`) and its file records as opened (the library's
// file pages, `album-<id>-manifest` and `album-<id>-files-<n>`: the page store takes only
// `[a-z0-9-]` names), sealed with this account's device-local key "library-key" (local-key.ts)
// in the IndexedDB database `cipherlens-library-<userId>`. A sealed page names its format,
// account and page inside the ciphertext, so a page moved to another name or account does not
// open; any page that does not open reads as none (the library then starts that album over). Two
// tabs may both write an album's log page (each writes a fold it verified, and the next log-in
// extends whichever is there); file pages and their manifest are one generation, so only the tab
// holding the account's writer lock (the search index's Web Lock, writer-lock.ts) writes them.
import { indexedDbPageStore } from 'cipherlens/search';
import type { ClientCrypto, FileCache, LogCache } from '../../client/src/index.js';
import { localKey } from './local-key.js';

const FORMAT = 1;
const KEY_NAME = 'library-key';
const NONCE_BYTES = 24;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Sealed pages of account `userId` by name (its key is unwrapped with `masterKey` now, while unlocked). */
function sealedPages(crypto: ClientCrypto, masterKey: Uint8Array, userId: number) {
  const store = indexedDbPageStore({ database: `cipherlens-library-${userId}` });
  // Unwrapped now, while the session is unlocked (a lock wipes the master key in place).
  const key = localKey(crypto, masterKey, userId, KEY_NAME);
  key.catch(() => undefined); // reported by the read or write that needs it
  let closed = false;
  const theKey = () => (closed ? Promise.reject(new Error('the library cache is closed')) : key);
  const header = (page: string) => utf8.encode(JSON.stringify({ format: FORMAT, account: userId, page }));
  return {
    async read(page: string): Promise<Uint8Array | undefined> {
      const sealed = await store.get(page);
      if (!sealed || sealed.length <= NONCE_BYTES) return undefined;
      let plain: Uint8Array;
      try {
        plain = await crypto.secretbox.decrypt(sealed.slice(NONCE_BYTES), sealed.slice(0, NONCE_BYTES), await theKey());
      } catch {
        return undefined; // sealed with a key since replaced, or damaged
      }
      const expected = header(page);
      const length = plain.length >= 4 ? new DataView(plain.buffer, plain.byteOffset).getUint32(0) : -1;
      if (length !== expected.length || fromUtf8.decode(plain.subarray(4, 4 + length)) !== fromUtf8.decode(expected))
        return undefined;
      return plain.slice(4 + length);
    },
    async write(page: string, bytes: Uint8Array): Promise<void> {
      const head = header(page);
      const plain = new Uint8Array(4 + head.length + bytes.length);
      new DataView(plain.buffer).setUint32(0, head.length);
      plain.set(head, 4);
      plain.set(bytes, 4 + head.length);
      const k = await theKey();
      // Closed (and the key wiped) meanwhile: nothing is sealed with a wiped key.
      if (closed) throw new Error('the library cache is closed');
      const { ciphertext, nonce } = await crypto.secretbox.encrypt(plain, k);
      // File pages hold file keys (a large plaintext went to the worker whole: detached, nothing left here).
      if (plain.byteLength) plain.fill(0);
      const sealed = new Uint8Array(NONCE_BYTES + ciphertext.length);
      sealed.set(nonce, 0);
      sealed.set(ciphertext, NONCE_BYTES);
      await store.put(page, sealed);
    },
    // The gallery closed (lock, log-out): the key is wiped; later reads find nothing, writes fail.
    close() {
      closed = true;
      key.then((k) => k.fill(0)).catch(() => undefined);
    },
  };
}

/**
 * Both caches of account `userId`, over one key. `writer` resolves to whether this tab holds the
 * account's writer lock: a tab without it reads the file pages and writes none. `release` (the
 * lock's) is called when the file cache closes.
 */
export function deviceLibraryCaches(
  crypto: ClientCrypto,
  masterKey: Uint8Array,
  userId: number,
  writer: { held: Promise<boolean>; release(): void },
): { logCache: LogCache; fileCache: FileCache } {
  const pages = sealedPages(crypto, masterKey, userId);
  return {
    logCache: {
      read: (albumId) => pages.read(`album-${albumId}`),
      write: (albumId, bytes) => pages.write(`album-${albumId}`, bytes),
      close: () => pages.close(),
    },
    fileCache: {
      read: (albumId, page) => pages.read(`album-${albumId}-${page}`),
      async write(albumId, page, bytes) {
        if (!(await writer.held)) throw new Error('another tab writes the file cache');
        await pages.write(`album-${albumId}-${page}`, bytes);
      },
      close() {
        pages.close();
        writer.release();
      },
    },
  };
}
