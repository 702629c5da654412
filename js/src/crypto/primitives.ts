import type { Heap } from '../runtime/heap.js';
import { CoreError, requireBytes } from '../runtime/errors.js';

/**
 * The libsodium primitives under Ente's formats, exposed for official test vectors and
 * differential tests. Not needed for normal use.
 */
export function makePrimitives(heap: Heap) {
  const { mod } = heap;

  const xorWith = (fn: typeof mod.chacha20IetfXorIc, nonceBytes: number) =>
    (message: Uint8Array, nonce: Uint8Array, counter: number, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('message', message);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, 32);
      return heap.scope((a) => {
        const c = a.alloc(message.length);
        fn(c, a.put(message), message.length, a.put(nonce), counter, a.put(key));
        return heap.read(c, message.length);
      });
    };

  const aeadEncryptWith = (fn: typeof mod.aeadChacha20Poly1305IetfEncrypt, nonceBytes: number) =>
    (message: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('message', message);
      requireBytes('ad', ad);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, 32);
      return heap.scope((a) => {
        const c = a.alloc(message.length + 16);
        fn(c, a.put(message), message.length, a.put(ad), ad.length, a.put(nonce), a.put(key));
        return heap.read(c, message.length + 16);
      });
    };

  const aeadDecryptWith = (fn: typeof mod.aeadChacha20Poly1305IetfDecrypt, nonceBytes: number) =>
    (ciphertext: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('ciphertext', ciphertext);
      requireBytes('ad', ad);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, 32);
      if (ciphertext.length < 16) throw new CoreError('TRUNCATED', 'ciphertext is shorter than its 16-byte tag');
      return heap.scope((a) => {
        const m = a.alloc(ciphertext.length - 16);
        const rc = fn(m, a.put(ciphertext), ciphertext.length, a.put(ad), ad.length, a.put(nonce), a.put(key));
        if (rc !== 0) throw new CoreError('AUTH_FAILED', 'AEAD ciphertext failed authentication');
        return heap.read(m, ciphertext.length - 16);
      });
    };

  return {
    chacha20IetfXor: xorWith(mod.chacha20IetfXorIc, 12),
    xchacha20Xor: xorWith(mod.xchacha20XorIc, 24),
    hchacha20(input: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('input', input, 16);
      requireBytes('key', key, 32);
      return heap.scope((a) => {
        const out = a.alloc(32);
        mod.hchacha20(out, a.put(input), a.put(key));
        return heap.read(out, 32);
      });
    },
    poly1305(message: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('message', message);
      requireBytes('key', key, 32);
      return heap.scope((a) => {
        const tag = a.alloc(16);
        mod.poly1305(tag, a.put(message), message.length, a.put(key));
        return heap.read(tag, 16);
      });
    },
    aeadChacha20Poly1305IetfEncrypt: aeadEncryptWith(mod.aeadChacha20Poly1305IetfEncrypt, 12),
    aeadChacha20Poly1305IetfDecrypt: aeadDecryptWith(mod.aeadChacha20Poly1305IetfDecrypt, 12),
    aeadXChacha20Poly1305IetfEncrypt: aeadEncryptWith(mod.aeadXChacha20Poly1305IetfEncrypt, 24),
    aeadXChacha20Poly1305IetfDecrypt: aeadDecryptWith(mod.aeadXChacha20Poly1305IetfDecrypt, 24),
    /**
     * Test-only: run code on libsodium's portable scalar reference paths instead of our wasm
     * SIMD128 ChaCha20, Poly1305 and Argon2 code, to compare both inside one build. Affects every
     * call made inside fn (secretstream, secretbox, deriveKey, ...) on this core instance;
     * results must be identical, only speed differs.
     */
    reference: {
      withScalar<T>(fn: () => T): T {
        const before = mod.scalarReference();
        mod.setScalarReference(true);
        try {
          return fn();
        } finally {
          mod.setScalarReference(before);
        }
      },
      /** Which paths run now: 'simd128' (default) or 'scalar'. */
      active: (): 'simd128' | 'scalar' => (mod.scalarReference() ? 'scalar' : 'simd128'),
    },
  };
}
