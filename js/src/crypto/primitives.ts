import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { KEY_BYTES, MAC_BYTES, NONCE_BYTES } from './sizes.js';

// Each primitive's own sizes: ChaCha20 keys are the 32-byte keys, Poly1305 tags the 16-byte MACs.
const IETF_NONCE_BYTES = 12;
const HCHACHA20_INPUT_BYTES = 16;

/**
 * The libsodium primitives under Ente's formats, exposed for official test vectors and
 * differential tests. Not needed for normal use.
 */
export function makePrimitives(heap: Heap) {
  const { mod } = heap;

  const xorWith =
    (fn: typeof mod.chacha20IetfXorIc, nonceBytes: number) =>
    (message: Uint8Array, nonce: Uint8Array, counter: number, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('message', message);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const c = a.alloc(message.length);
        fn(c, a.put(message), message.length, a.put(nonce), counter, a.put(key));
        return heap.read(c, message.length);
      });
    };

  const aeadEncryptWith =
    (fn: typeof mod.aeadChacha20Poly1305IetfEncrypt, nonceBytes: number) =>
    (message: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('message', message);
      requireBytes('ad', ad);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const c = a.alloc(message.length + MAC_BYTES);
        fn(c, a.put(message), message.length, a.put(ad), ad.length, a.put(nonce), a.put(key));
        return heap.read(c, message.length + MAC_BYTES);
      });
    };

  const aeadDecryptWith =
    (fn: typeof mod.aeadChacha20Poly1305IetfDecrypt, nonceBytes: number) =>
    (ciphertext: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> => {
      requireBytes('ciphertext', ciphertext);
      requireBytes('ad', ad);
      requireBytes('nonce', nonce, nonceBytes);
      requireBytes('key', key, KEY_BYTES);
      // The core reports a ciphertext shorter than its tag (TRUNCATED) or a bad tag (AUTH_FAILED).
      const mlen = Math.max(0, ciphertext.length - MAC_BYTES);
      return heap.scope((a) => {
        const m = a.alloc(mlen);
        heap.check(fn(m, a.put(ciphertext), ciphertext.length, a.put(ad), ad.length, a.put(nonce), a.put(key)));
        return heap.read(m, mlen);
      });
    };

  return {
    /** ChaCha20 (IETF, 12-byte nonce) keystream XOR from block `counter` (`crypto_stream_chacha20_ietf_xor_ic`). */
    chacha20IetfXor: xorWith(mod.chacha20IetfXorIc, IETF_NONCE_BYTES),
    /** XChaCha20 (24-byte nonce) keystream XOR from block `counter` (`crypto_stream_xchacha20_xor_ic`). */
    xchacha20Xor: xorWith(mod.xchacha20XorIc, NONCE_BYTES),
    /** HChaCha20 of a 16-byte input and a 32-byte key: 32 bytes (`crypto_core_hchacha20`). */
    hchacha20(input: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('input', input, HCHACHA20_INPUT_BYTES);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const out = a.alloc(KEY_BYTES);
        mod.hchacha20(out, a.put(input), a.put(key));
        return heap.read(out, KEY_BYTES);
      });
    },
    /** The 16-byte Poly1305 tag of `message` under a one-time 32-byte key (`crypto_onetimeauth_poly1305`). */
    poly1305(message: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('message', message);
      requireBytes('key', key, KEY_BYTES);
      return heap.scope((a) => {
        const tag = a.alloc(MAC_BYTES);
        mod.poly1305(tag, a.put(message), message.length, a.put(key));
        return heap.read(tag, MAC_BYTES);
      });
    },
    /** ChaCha20-Poly1305 (IETF) with additional data: ciphertext plus a 16-byte tag. */
    aeadChacha20Poly1305IetfEncrypt: aeadEncryptWith(mod.aeadChacha20Poly1305IetfEncrypt, IETF_NONCE_BYTES),
    /** Opens aeadChacha20Poly1305IetfEncrypt's output: AUTH_FAILED on a bad tag, TRUNCATED below 16 bytes. */
    aeadChacha20Poly1305IetfDecrypt: aeadDecryptWith(mod.aeadChacha20Poly1305IetfDecrypt, IETF_NONCE_BYTES),
    /** XChaCha20-Poly1305 (IETF, 24-byte nonce) with additional data: ciphertext plus a 16-byte tag. */
    aeadXChacha20Poly1305IetfEncrypt: aeadEncryptWith(mod.aeadXChacha20Poly1305IetfEncrypt, NONCE_BYTES),
    /** Opens aeadXChacha20Poly1305IetfEncrypt's output: AUTH_FAILED on a bad tag, TRUNCATED below 16 bytes. */
    aeadXChacha20Poly1305IetfDecrypt: aeadDecryptWith(mod.aeadXChacha20Poly1305IetfDecrypt, NONCE_BYTES),
  };
}
