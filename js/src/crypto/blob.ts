import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { HEADER_BYTES, KEY_BYTES, STREAM_OVERHEAD } from './sizes.js';

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
    encrypt(message: Uint8Array, key: Uint8Array): { ciphertext: Uint8Array<ArrayBuffer>; header: Uint8Array<ArrayBuffer> } {
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
    /** Strict: the message must be tagged FINAL. */
    decrypt: decryptWith(true),
    /** For legacy data written by clients that ignored the tag: accepts any tag. */
    decryptLegacy: decryptWith(false),
  };
}
