// Every byte size the crypto API checks or allocates, defined once. The C++ core defines its own
// (wasm/crypto/*.hpp) and exports them as module constants (wasm/crypto/bindings/
// constants_bind.cpp); checkSizes compares the two whenever a module loads. The copies here exist
// because some code needs them with no module loaded: the worker clients size stream chunks and
// salts, and CHUNK_BYTES is public.
import type { CryptoModule } from '../wasm/cipherlens.mjs';

/** Symmetric keys: master, collection, file keys, key-encryption keys. */
export const KEY_BYTES = 32;
/** Argon2id salts. */
export const SALT_BYTES = 16;
/** Ente's login subkey (the SRP password). */
export const LOGIN_SUBKEY_BYTES = 16;
/** secretbox: nonce and MAC (a Poly1305 tag). */
export const NONCE_BYTES = 24;
/** secretbox: the Poly1305 MAC each ciphertext carries. */
export const MAC_BYTES = 16;
/** secretstream (blob and stream): header, and what each message adds (tag byte + MAC). */
export const HEADER_BYTES = 24;
/** secretstream: what each message adds (a tag byte and a 16-byte MAC). */
export const STREAM_OVERHEAD = 17;
/** Ente's file layout: 4 MiB plaintext chunks. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** Ente's file layout: each 4 MiB chunk is 4 MiB + 17 bytes of ciphertext. */
export const CIPHER_CHUNK_BYTES = CHUNK_BYTES + STREAM_OVERHEAD;
/** X25519 key pairs, and what a sealed box adds (ephemeral public key + MAC). */
export const PUBLIC_KEY_BYTES = 32;
/** X25519 secret keys. */
export const SECRET_KEY_BYTES = 32;
/** What a sealed box adds: its ephemeral public key and a MAC. */
export const SEAL_OVERHEAD = 48;
/** Ed25519 public keys (`sign.*`). */
export const SIGN_PUBLIC_KEY_BYTES = 32;
/** Ed25519 secret keys as libsodium keeps them: the seed, then the public key. */
export const SIGN_SECRET_KEY_BYTES = 64;
/** An Ed25519 seed (RFC 8032's private key): what `sign.seedKeypair` takes. */
export const SIGN_SEED_BYTES = 32;
/** An Ed25519 signature. */
export const SIGNATURE_BYTES = 64;
/** Ente's file hash (BLAKE2b-512). */
export const FILE_HASH_BYTES = 64;
/** A 24-word recovery phrase: words of at most 8 letters and the spaces between them. */
export const MNEMONIC_MAX_CHARS = 24 * 9;

/** The sizes the module exports, under the names it exports them by. */
export const MODULE_SIZES = {
  KEY_BYTES,
  SALT_BYTES,
  LOGIN_SUBKEY_BYTES,
  NONCE_BYTES,
  MAC_BYTES,
  HEADER_BYTES,
  STREAM_OVERHEAD,
  CHUNK_BYTES,
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  SEAL_OVERHEAD,
  SIGN_PUBLIC_KEY_BYTES,
  SIGN_SECRET_KEY_BYTES,
  SIGN_SEED_BYTES,
  SIGNATURE_BYTES,
  FILE_HASH_BYTES,
  MNEMONIC_MAX_CHARS,
} as const satisfies { [K in keyof CryptoModule]?: number };

/** Throws if the module was built with other sizes than this package (a mismatched build). */
export function checkSizes(mod: CryptoModule): void {
  for (const [name, size] of Object.entries(MODULE_SIZES)) {
    const built = mod[name as keyof typeof MODULE_SIZES];
    if (built !== size) throw new Error(`cipherlens: the wasm module has ${name} = ${built}, this package expects ${size}`);
  }
}
