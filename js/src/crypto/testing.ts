// Hooks for the test suites and benchmarks, not part of the API: they sit under `core.testing`
// (and the module's own under its `Testing`) so nothing else reaches for them by accident.
import type { Heap } from '../runtime/heap.js';

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  for (let i = haystack.indexOf(needle[0]); i !== -1; i = haystack.indexOf(needle[0], i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

export function makeTesting(heap: Heap) {
  const { Testing } = heap.mod;
  return {
    /** Switches between the SIMD paths and libsodium's scalar reference (tests and benchmarks). */
    reference: {
      /**
       * Runs fn on libsodium's portable scalar reference paths instead of our wasm SIMD128
       * ChaCha20, Poly1305 and Argon2 code, to compare both inside one build. Affects every call
       * made inside fn (secretstream, secretbox, deriveKey, ...) on this core instance; results
       * must be identical, only speed differs.
       */
      withScalar<T>(fn: () => T): T {
        const before = Testing.scalarReference();
        Testing.setScalarReference(true);
        try {
          return fn();
        } finally {
          Testing.setScalarReference(before);
        }
      },
      /** Which paths run now: 'simd128' (default) or 'scalar'. */
      active: (): 'simd128' | 'scalar' => (Testing.scalarReference() ? 'scalar' : 'simd128'),
    },
    /** Whether a byte sequence (e.g. a key) is still anywhere in wasm memory. */
    memoryContains: (needle: Uint8Array): boolean => containsBytes(heap.u8, needle),
  };
}
