import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { HEADER_BYTES, KEY_BYTES, STREAM_OVERHEAD } from './sizes.js';

/** Secretstream output: the ciphertext and the 24-byte header needed to decrypt it (Ente's `decryptionHeader`). */
export interface SealedStream {
  /** The ciphertext: each message (a blob's one, a stream's 4 MiB chunks) plus 17 bytes. */
  ciphertext: Uint8Array<ArrayBuffer>;
  /** The secretstream header: store it beside the ciphertext. */
  header: Uint8Array<ArrayBuffer>;
}

/** One secretstream message tagged FINAL: Ente's metadata, thumbnails and ML data. */
export function makeBlob(heap: Heap) {
  const { mod } = heap;

  const decryptWith =
    (strict: boolean) =>
    (ciphertext: Uint8Array, header: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('ciphertext', ciphertext);
      requireBytes('header', header, HEADER_BYTES);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        // Shorter than its overhead: TRUNCATED from the core (the one check), nothing read back.
        const mlen = Math.max(0, ciphertext.length - STREAM_OVERHEAD);
        const m = a.alloc(mlen);
        heap.check(mod.blobDecrypt(m, a.put(ciphertext), ciphertext.length, a.put(header), a.put(key), strict));
        return heap.read(m, mlen);
      });
    };

  return {
    /** Encrypts `message` as one secretstream message tagged FINAL, with a 32-byte `key` (Ente's `encryptBlob`). */
    encrypt(message: Uint8Array, key: Uint8Array): SealedStream {
      requireBytes('message', message);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const clen = message.length + STREAM_OVERHEAD;
        const c = a.alloc(clen);
        const header = a.alloc(HEADER_BYTES);
        heap.check(mod.blobEncrypt(c, header, a.put(message), message.length, a.put(key)));
        return { ciphertext: heap.read(c, clen), header: heap.read(header, HEADER_BYTES) };
      });
    },
    /**
     * Decrypts a blob; strict: the message must be tagged FINAL. Errors: AUTH_FAILED (wrong key
     * or tampered), TRUNCATED (shorter than 17 bytes), BAD_INPUT (not tagged FINAL, bad lengths).
     */
    decrypt: decryptWith(true),
    /** As decrypt, accepting any tag: for old data written by clients that ignored it. */
    decryptLegacy: decryptWith(false),
  };
}
