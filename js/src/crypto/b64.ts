import type { Heap } from '../runtime/heap.js';
import { requireBytes, requireString } from '../runtime/errors.js';
import { putText, readText } from '../runtime/text.js';

// Matches cl::B64 in wasm/crypto/encoding.hpp.
const ORIGINAL = 0;
const URLSAFE_NO_PADDING = 1;

/** Base64 through libsodium's codec, so strictness matches libsodium.js exactly. */
export function makeB64(heap: Heap) {
  const { mod } = heap;

  const encodeWith =
    (variant: number) =>
    (bytes: Uint8Array): string => {
      requireBytes('bytes', bytes);
      return heap.scope((a) => {
        const out = a.alloc(mod.b64EncodedLength(bytes.length, variant) + 1);
        const len = mod.b64Encode(out, a.put(bytes), bytes.length, variant);
        return readText(heap, out, len);
      });
    };

  const decodeWith =
    (variant: number) =>
    (text: string): Uint8Array<ArrayBuffer> => {
      requireString('base64 text', text);
      return heap.scope((a) => {
        const [ptr, len] = putText(a, text);
        const out = a.alloc(Math.floor(len / 4) * 3 + 3);
        return heap.read(out, heap.checkLength(mod.b64Decode(out, ptr, len, variant)));
      });
    };

  return {
    /** Base64, standard alphabet with padding (libsodium ORIGINAL): how Ente sends keys, nonces, ciphertexts. */
    encode: encodeWith(ORIGINAL),
    /** The reverse of encode; BAD_INPUT for anything not canonical base64 of that alphabet. */
    decode: decodeWith(ORIGINAL),
    /** Base64, URL-safe alphabet without padding (libsodium URLSAFE_NO_PADDING): values in URLs. */
    encodeURLSafe: encodeWith(URLSAFE_NO_PADDING),
    /** The reverse of encodeURLSafe; BAD_INPUT for anything else. */
    decodeURLSafe: decodeWith(URLSAFE_NO_PADDING),
  };
}
