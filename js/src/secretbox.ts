import type { Heap } from './heap.js';
import { CoreError, requireBytes } from './errors.js';
import { KEY_BYTES } from './keys.js';

export const NONCE_BYTES = 24;
const MAC_BYTES = 16;

/** XSalsa20-Poly1305 with a random nonce: how Ente wraps keys. */
export function makeSecretbox(heap: Heap) {
  const { mod } = heap;
  return {
    encrypt(message: Uint8Array, key: Uint8Array): { ciphertext: Uint8Array; nonce: Uint8Array } {
      requireBytes('message', message);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const c = a.alloc(message.length + MAC_BYTES);
        const nonce = a.alloc(NONCE_BYTES);
        mod.secretboxEncrypt(c, nonce, a.put(message), message.length, a.put(key));
        return { ciphertext: heap.read(c, message.length + MAC_BYTES), nonce: heap.read(nonce, NONCE_BYTES) };
      });
    },

    decrypt(ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
      requireBytes('ciphertext', ciphertext);
      requireBytes('nonce', nonce, NONCE_BYTES);
      requireBytes('key', key, KEY_BYTES);
      if (ciphertext.length < MAC_BYTES) {
        throw new CoreError('TRUNCATED', 'secretbox ciphertext is shorter than its 16-byte MAC');
      }
      return heap.scope((a) => {
        const m = a.alloc(ciphertext.length - MAC_BYTES);
        heap.check(mod.secretboxDecrypt(m, a.put(ciphertext), ciphertext.length, a.put(nonce), a.put(key)));
        return heap.read(m, ciphertext.length - MAC_BYTES);
      });
    },
  };
}
