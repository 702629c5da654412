// This account's device-local keys: random 32-byte keys made the first time and kept
// secretbox-wrapped under the master key in IndexedDB (one database per account, a record per
// key name). The local search index and the library's log cache each seal with one of them.
import { indexedDbPageStore } from 'cipherlens/search';
import type { ClientCrypto } from '../../client/src/index.js';

const NONCE_BYTES = 24;

/**
 * The device-local key `name` of account `userId`. A wrapped key that no longer opens (e.g. from
 * another account's master key) is replaced: what it sealed then does not open and starts anew.
 */
export async function localKey(crypto: ClientCrypto, masterKey: Uint8Array, userId: number, name: string): Promise<Uint8Array> {
  if (masterKey.every((b) => b === 0)) throw new Error('the account is locked');
  const store = indexedDbPageStore({ database: `cipherlens-index-key-${userId}` });
  const wrapped = await store.get(name);
  if (wrapped && wrapped.length > NONCE_BYTES) {
    try {
      return await crypto.secretbox.decrypt(wrapped.slice(NONCE_BYTES), wrapped.slice(0, NONCE_BYTES), masterKey);
    } catch {
      // Replaced below.
    }
  }
  const key = await crypto.generateKey();
  const { ciphertext, nonce } = await crypto.secretbox.encrypt(key.slice(), masterKey);
  const bytes = new Uint8Array(NONCE_BYTES + ciphertext.length);
  bytes.set(nonce, 0);
  bytes.set(ciphertext, NONCE_BYTES);
  await store.put(name, bytes);
  return key;
}
