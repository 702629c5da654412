import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { PUBLIC_KEY_BYTES, SEAL_OVERHEAD, SECRET_KEY_BYTES } from './sizes.js';

/** An X25519 key pair (Ente's account key pair). */
export interface KeyPair {
  /** 32 bytes: share it (Ente stores it in the clear). */
  publicKey: Uint8Array<ArrayBuffer>;
  /** 32 bytes: keep it secret (Ente stores it wrapped by the master key). */
  secretKey: Uint8Array<ArrayBuffer>;
}

/** X25519 key pairs and sealed boxes: how Ente shares a collection key. */
export function makeBox(heap: Heap) {
  const { mod } = heap;
  return {
    /** A new random key pair (`crypto_box_keypair`). */
    keypair(): KeyPair {
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

    /**
     * Seals `message` (e.g. a collection key) to a public key (`crypto_box_seal`): only the key
     * pair's owner opens it. BAD_INPUT for a public key of the wrong length or not on the curve.
     */
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

    /**
     * Opens a sealed box with the recipient's key pair. Errors: AUTH_FAILED (another key pair or
     * tampered), TRUNCATED (shorter than its 48 bytes of overhead), BAD_INPUT (key lengths).
     */
    sealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('ciphertext', ciphertext);
      requireBytes('publicKey', publicKey, PUBLIC_KEY_BYTES);
      requireBytes('secretKey', secretKey, SECRET_KEY_BYTES);
      // Shorter than its overhead: TRUNCATED from the core (the one check), nothing read back.
      const mlen = Math.max(0, ciphertext.length - SEAL_OVERHEAD);
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
