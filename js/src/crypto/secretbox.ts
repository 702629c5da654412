import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { KEY_BYTES, MAC_BYTES, NONCE_BYTES } from './sizes.js';

/** A secretbox: the ciphertext and the random nonce it was made with (Ente's `encryptedKey` + `keyDecryptionNonce`). */
export interface SecretboxSealed {
  /** The message plus its 16-byte MAC. */
  ciphertext: Uint8Array<ArrayBuffer>;
  /** The random 24-byte nonce: store it beside the ciphertext. */
  nonce: Uint8Array<ArrayBuffer>;
}

/** XSalsa20-Poly1305 with a random nonce: how Ente wraps keys. */
export function makeSecretbox(heap: Heap) {
  const { mod } = heap;
  return {
    /** Encrypts `message` with a 32-byte `key` and a random nonce (`crypto_secretbox_easy`). */
    encrypt(message: Uint8Array, key: Uint8Array): SecretboxSealed {
      requireBytes('message', message);
      requireBytes('key', key, KEY_BYTES);
      // One heap block for key, nonce, message and ciphertext (the kept small block for the
      // 32-byte keys Ente wraps): per-allocation cost dominated the call.
      const clen = message.length + MAC_BYTES;
      return heap.small(KEY_BYTES + NONCE_BYTES + message.length + clen, (base) => {
        const nonce = base + KEY_BYTES,
          m = nonce + NONCE_BYTES,
          c = m + message.length;
        const u8 = heap.u8;
        u8.set(key, base);
        u8.set(message, m);
        mod._cl_secretbox_encrypt(c, nonce, m, message.length, base);
        return { ciphertext: heap.read(c, clen), nonce: heap.read(nonce, NONCE_BYTES) };
      });
    },

    /**
     * Opens a secretbox. Errors: AUTH_FAILED (wrong key or tampered), TRUNCATED (shorter than its
     * MAC), BAD_INPUT (a nonce or key of the wrong length).
     */
    decrypt(ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('ciphertext', ciphertext);
      requireBytes('nonce', nonce, NONCE_BYTES);
      requireBytes('key', key, KEY_BYTES);
      // Shorter than its MAC: TRUNCATED from the core (the one check), nothing read back.
      const mlen = Math.max(0, ciphertext.length - MAC_BYTES);
      return heap.small(KEY_BYTES + NONCE_BYTES + ciphertext.length + mlen, (base) => {
        const nonce_ = base + KEY_BYTES,
          c = nonce_ + NONCE_BYTES,
          m = c + ciphertext.length;
        const u8 = heap.u8;
        u8.set(key, base);
        u8.set(nonce, nonce_);
        u8.set(ciphertext, c);
        heap.check(mod._cl_secretbox_decrypt(m, c, ciphertext.length, nonce_, base));
        return heap.read(m, mlen);
      });
    },
  };
}
