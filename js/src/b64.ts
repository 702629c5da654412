import type { Heap } from './heap.js';
import { requireBytes, requireString } from './errors.js';

// Matches cl::B64 in wasm/core/encoding.hpp.
const ORIGINAL = 0;
const URLSAFE_NO_PADDING = 1;

/** Base64 through libsodium's codec, so strictness matches libsodium.js exactly. */
export function makeB64(heap: Heap) {
  const { mod } = heap;

  const encodeWith = (variant: number) => (bytes: Uint8Array): string => {
    requireBytes('bytes', bytes);
    return heap.scope((a) => mod.b64Encode(a.put(bytes), bytes.length, variant));
  };

  const decodeWith = (variant: number) => (text: string): Uint8Array => {
    requireString('base64 text', text);
    try {
      const len = heap.checkLength(mod.b64Decode(text, variant));
      return heap.read(mod.resultPtr(), len);
    } finally {
      mod.clearResult();
    }
  };

  return {
    /** Standard alphabet with padding (libsodium ORIGINAL): keys, nonces, ciphertexts. */
    encode: encodeWith(ORIGINAL),
    decode: decodeWith(ORIGINAL),
    /** URL-safe alphabet without padding: values in URLs. */
    encodeURLSafe: encodeWith(URLSAFE_NO_PADDING),
    decodeURLSafe: decodeWith(URLSAFE_NO_PADDING),
  };
}
