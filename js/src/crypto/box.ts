import type { Heap } from '../runtime/heap.js';
import { CoreError, requireBytes } from '../runtime/errors.js';
import { PUBLIC_KEY_BYTES, SEAL_OVERHEAD, SECRET_KEY_BYTES } from './sizes.js';

/** X25519 key pairs and sealed boxes: how Ente shares a collection key. */
export function makeBox(heap: Heap) {
  const { mod } = heap;
  return {
    keypair(): { publicKey: Uint8Array<ArrayBuffer>; secretKey: Uint8Array<ArrayBuffer> } {
      return heap.scope((a) => {
        const pk = a.alloc(PUBLIC_KEY_BYTES);
        const sk = a.alloc(SECRET_KEY_BYTES);
        mod.boxKeypair(pk, sk);
        return { publicKey: heap.read(pk, PUBLIC_KEY_BYTES), secretKey: heap.read(sk, SECRET_KEY_BYTES) };
      });
    },

    /** The public key of `secretKey` (what keypair() returned beside it). */
    publicKey(secretKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('secretKey', secretKey, SECRET_KEY_BYTES);
      return heap.small(PUBLIC_KEY_BYTES + SECRET_KEY_BYTES, (pk) => {
        const sk = pk + PUBLIC_KEY_BYTES;
        heap.u8.set(secretKey, sk);
        mod.boxPublicKey(pk, sk);
        return heap.read(pk, PUBLIC_KEY_BYTES);
      });
    },

    seal(message: Uint8Array, publicKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('message', message);
      requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
      const clen = message.length + SEAL_OVERHEAD;
      return heap.small(PUBLIC_KEY_BYTES + message.length + clen, (pk) => {
        const m = pk + PUBLIC_KEY_BYTES,
          c = m + message.length;
        const u8 = heap.u8;
        u8.set(publicKey, pk);
        u8.set(message, m);
        heap.check(mod._cl_box_seal(c, m, message.length, pk));
        return heap.read(c, clen);
      });
    },

    sealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('ciphertext', ciphertext);
      requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
      requireBytes('secretKey', secretKey, SECRET_KEY_BYTES);
      if (ciphertext.length < SEAL_OVERHEAD) {
        throw new CoreError('TRUNCATED', 'sealed box is shorter than its 48-byte overhead');
      }
      const mlen = ciphertext.length - SEAL_OVERHEAD;
      return heap.small(PUBLIC_KEY_BYTES + SECRET_KEY_BYTES + ciphertext.length + mlen, (pk) => {
        const sk = pk + PUBLIC_KEY_BYTES,
          c = sk + SECRET_KEY_BYTES,
          m = c + ciphertext.length;
        const u8 = heap.u8;
        u8.set(publicKey, pk);
        u8.set(secretKey, sk);
        u8.set(ciphertext, c);
        heap.check(mod._cl_box_seal_open(m, c, ciphertext.length, pk, sk));
        return heap.read(m, mlen);
      });
    },
  };
}
