// The library's log cache on this device (docs/library-cache.md): each album's verified log fold
// (`trust.packFold` bytes) sealed with this account's device-local key "library-key"
// (local-key.ts) in the IndexedDB database `cipherlens-library-<userId>`, a record per album. A
// sealed page names its format, account and album inside the ciphertext, so a page moved to
// another album or account does not open; any page that does not open reads as none (the
// library then reads that album's log from its first entry). Two tabs may both write an album's
// page: each writes a fold it verified, and the next log-in extends whichever is there.
import { indexedDbPageStore } from 'cipherlens/search';
import type { ClientCrypto, LogCache } from '../../client/src/index.js';
import { localKey } from './local-key.js';

const FORMAT = 1;
const KEY_NAME = 'library-key';
const NONCE_BYTES = 24;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** The sealed log cache of account `userId` (its key is unwrapped with `masterKey` on first use). */
export function deviceLogCache(crypto: ClientCrypto, masterKey: Uint8Array, userId: number): LogCache {
  const store = indexedDbPageStore({ database: `cipherlens-library-${userId}` });
  // Unwrapped now, while the session is unlocked (a lock wipes the master key in place).
  const key = localKey(crypto, masterKey, userId, KEY_NAME);
  key.catch(() => undefined); // reported by the read or write that needs it
  let closed = false;
  const theKey = () => (closed ? Promise.reject(new Error('the log cache is closed')) : key);
  const header = (albumId: number) => utf8.encode(JSON.stringify({ format: FORMAT, account: userId, page: `album-${albumId}` }));
  return {
    async read(albumId) {
      const sealed = await store.get(`album-${albumId}`);
      if (!sealed || sealed.length <= NONCE_BYTES) return undefined;
      let plain: Uint8Array;
      try {
        plain = await crypto.secretbox.decrypt(sealed.slice(NONCE_BYTES), sealed.slice(0, NONCE_BYTES), await theKey());
      } catch {
        return undefined; // sealed with a key since replaced, or damaged
      }
      const expected = header(albumId);
      const length = plain.length >= 4 ? new DataView(plain.buffer, plain.byteOffset).getUint32(0) : -1;
      if (length !== expected.length || fromUtf8.decode(plain.subarray(4, 4 + length)) !== fromUtf8.decode(expected))
        return undefined;
      return plain.slice(4 + length);
    },
    async write(albumId, bytes) {
      const head = header(albumId);
      const plain = new Uint8Array(4 + head.length + bytes.length);
      new DataView(plain.buffer).setUint32(0, head.length);
      plain.set(head, 4);
      plain.set(bytes, 4 + head.length);
      const k = await theKey();
      // Closed (and the key wiped) meanwhile: nothing is sealed with a wiped key.
      if (closed) throw new Error('the log cache is closed');
      const { ciphertext, nonce } = await crypto.secretbox.encrypt(plain, k);
      const sealed = new Uint8Array(NONCE_BYTES + ciphertext.length);
      sealed.set(nonce, 0);
      sealed.set(ciphertext, NONCE_BYTES);
      await store.put(`album-${albumId}`, sealed);
    },
    // The gallery closed (lock, log-out): the key is wiped; later reads find nothing, writes fail.
    close() {
      closed = true;
      key.then((k) => k.fill(0)).catch(() => undefined);
    },
  };
}
