import type { Heap } from './heap.js';
import { CoreError, requireBytes } from './errors.js';

const PUBLIC_KEY_BYTES = 32;
const SECRET_KEY_BYTES = 32;
const SEAL_OVERHEAD = 48;

/** X25519 key pairs and sealed boxes: how Ente shares a collection key. */
export function makeBox(heap: Heap) {
  const { mod } = heap;
  return {
    keypair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
      return heap.scope((a) => {
        const pk = a.alloc(PUBLIC_KEY_BYTES);
        const sk = a.alloc(SECRET_KEY_BYTES);
        mod.boxKeypair(pk, sk);
        return { publicKey: heap.read(pk, PUBLIC_KEY_BYTES), secretKey: heap.read(sk, SECRET_KEY_BYTES) };
      });
    },

    seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
      requireBytes('message', message);
      requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
      return heap.scope((a) => {
        const c = a.alloc(message.length + SEAL_OVERHEAD);
        heap.check(mod.boxSeal(c, a.put(message), message.length, a.put(publicKey)));
        return heap.read(c, message.length + SEAL_OVERHEAD);
      });
    },

    sealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
      requireBytes('ciphertext', ciphertext);
      requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
      requireBytes('secretKey', secretKey, SECRET_KEY_BYTES);
      if (ciphertext.length < SEAL_OVERHEAD) {
        throw new CoreError('TRUNCATED', 'sealed box is shorter than its 48-byte overhead');
      }
      return heap.scope((a) => {
        const mlen = ciphertext.length - SEAL_OVERHEAD;
        const m = a.alloc(mlen);
        heap.check(mod.boxSealOpen(m, a.put(ciphertext), ciphertext.length, a.put(publicKey), a.put(secretKey)));
        return heap.read(m, mlen);
      });
    },
  };
}
