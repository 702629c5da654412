import type { Heap } from '../runtime/heap.js';
import { requireBytes } from '../runtime/errors.js';
import { SIGNATURE_BYTES, SIGN_PUBLIC_KEY_BYTES, SIGN_SECRET_KEY_BYTES, SIGN_SEED_BYTES } from './sizes.js';

/** A signing key pair: the secret key is libsodium's 64 bytes (seed, then public key). */
export interface SigningKeyPair {
  /** 32 bytes: share it (it verifies this key pair's signatures). */
  publicKey: Uint8Array<ArrayBuffer>;
  /** 64 bytes (seed, then public key): keep it secret. */
  secretKey: Uint8Array<ArrayBuffer>;
}

/**
 * Ed25519 signatures (libsodium's crypto_sign, RFC 8032): an account's signing identity, which
 * signs the shares it grants and its album log entries. Signing is deterministic.
 */
export function makeSign(heap: Heap) {
  const { mod } = heap;
  const pair = (fill: (pk: number, sk: number) => void): SigningKeyPair =>
    heap.small(SIGN_PUBLIC_KEY_BYTES + SIGN_SECRET_KEY_BYTES, (pk) => {
      const sk = pk + SIGN_PUBLIC_KEY_BYTES;
      fill(pk, sk);
      return { publicKey: heap.read(pk, SIGN_PUBLIC_KEY_BYTES), secretKey: heap.read(sk, SIGN_SECRET_KEY_BYTES) };
    });
  return {
    /** A new random key pair (`crypto_sign_keypair`). */
    keypair(): SigningKeyPair {
      return pair((pk, sk) => mod.signKeypair(pk, sk));
    },

    /** The key pair a 32-byte seed determines (what an account stores, wrapped). */
    seedKeypair(seed: Uint8Array): SigningKeyPair {
      requireBytes('seed', seed, SIGN_SEED_BYTES);
      return heap.scope((a) => {
        const s = a.put(seed);
        return pair((pk, sk) => mod.signSeedKeypair(pk, sk, s));
      });
    },

    /** The 64-byte signature of `message` by `secretKey` (64 bytes). */
    detached(message: Uint8Array, secretKey: Uint8Array): Uint8Array<ArrayBuffer> {
      requireBytes('message', message);
      requireBytes('secretKey', secretKey, SIGN_SECRET_KEY_BYTES);
      return heap.small(SIGNATURE_BYTES + SIGN_SECRET_KEY_BYTES + message.length, (sig) => {
        const sk = sig + SIGNATURE_BYTES,
          m = sk + SIGN_SECRET_KEY_BYTES;
        const u8 = heap.u8;
        u8.set(secretKey, sk);
        u8.set(message, m);
        mod.signDetached(sig, m, message.length, sk);
        return heap.read(sig, SIGNATURE_BYTES);
      });
    },

    /**
     * Checks that `signature` is `publicKey`'s signature of `message`; returns nothing and throws
     * a CoreError AUTH_FAILED if not (a wrong key, a changed message or signature, a
     * non-canonical signature or a public key of small order).
     */
    verifyDetached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void {
      requireBytes('signature', signature, SIGNATURE_BYTES);
      requireBytes('message', message);
      requireBytes('publicKey', publicKey, SIGN_PUBLIC_KEY_BYTES);
      heap.small(SIGNATURE_BYTES + SIGN_PUBLIC_KEY_BYTES + message.length, (sig) => {
        const pk = sig + SIGNATURE_BYTES,
          m = pk + SIGN_PUBLIC_KEY_BYTES;
        const u8 = heap.u8;
        u8.set(signature, sig);
        u8.set(publicKey, pk);
        u8.set(message, m);
        heap.check(mod.signVerifyDetached(sig, m, message.length, pk));
      });
    },
  };
}
