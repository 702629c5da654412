import { Heap } from '../runtime/heap.js';
import { instantiateCore, type CoreBuild, type LoadOptions } from '../runtime/loader.js';
import type { CryptoModule } from '../wasm/cipherlens.mjs';
import { makeKeys } from './keys.js';
import { makeSecretbox } from './secretbox.js';
import { makeBlob } from './blob.js';
import { makeStream } from './stream.js';
import { makeBox } from './box.js';
import { makeSign } from './sign.js';
import { makeMnemonic, makeVerificationId } from './mnemonic.js';
import { makeB64 } from './b64.js';
import { makePrimitives } from './primitives.js';
import { makeFileHash } from './file-hash.js';
import { checkSizes } from './sizes.js';
import { makeTesting } from './testing.js';

/**
 * The synchronous crypto API (`loadCryptoCore()`, and the crypto half of `loadCore()`). Every call
 * takes and returns Uint8Arrays; failures are CoreErrors (code AUTH_FAILED, TRUNCATED, BAD_INPUT,
 * OUT_OF_MEMORY or CLOSED). Named here so an editor's hover shows each member's documentation.
 */
export interface CryptoCore extends ReturnType<typeof makeKeys> {
  /** XSalsa20-Poly1305 with a random nonce: how Ente wraps keys (master key, secret key, collection keys). */
  secretbox: ReturnType<typeof makeSecretbox>;
  /** One secretstream message tagged FINAL: Ente's file metadata, thumbnails and ML data. */
  blob: ReturnType<typeof makeBlob>;
  /** Secretstream in Ente's file layout: 4 MiB plaintext chunks (4 MiB + 17 bytes encrypted), the last tagged FINAL. */
  stream: ReturnType<typeof makeStream>;
  /** X25519 key pairs and sealed boxes: how Ente shares a collection key with another account. */
  box: ReturnType<typeof makeBox>;
  /**
   * Ed25519 signatures (RFC 8032): an account's signing identity, which signs what it shares and
   * its album log entries.
   */
  sign: ReturnType<typeof makeSign>;
  /** BIP39 English phrases: Ente's 24-word recovery key. */
  mnemonic: ReturnType<typeof makeMnemonic>;
  /**
   * Ente's verification ID of a 32-byte public key: the 24-word BIP39 phrase of its SHA-256,
   * for two people to compare out of band before sharing.
   */
  verificationId: ReturnType<typeof makeVerificationId>;
  /** Base64 through libsodium's codec (strict, as libsodium.js). */
  b64: ReturnType<typeof makeB64>;
  /** libsodium's primitives under Ente's formats, for official test vectors; not needed otherwise. */
  primitives: ReturnType<typeof makePrimitives>;
  /** Ente's file hash (BLAKE2b-512), whole or incremental. */
  hash: ReturnType<typeof makeFileHash>;
  /** Diagnostics of this core's wasm memory (the leak tests use them). */
  memory: MemoryStats;
  /** Hooks for the tests and benchmarks, not part of the API: the scalar switch, memoryContains. */
  testing: ReturnType<typeof makeTesting>;
  /** The version of libsodium the core was built from (Debian's sources). */
  sodiumVersion: string;
}

/** Diagnostics of a core's wasm memory. */
export interface MemoryStats {
  /** Bytes malloc'd in this core's wasm memory now. */
  heapInUse(): number;
  /** The size of this core's wasm memory (it grows, and is never given back). */
  heapSize(): number;
}

/** Everything that needs only the crypto module (search/core.ts builds the full core on it). */
export function makeCryptoCore(heap: Heap): CryptoCore {
  checkSizes(heap.mod);
  return {
    ...makeKeys(heap),
    secretbox: makeSecretbox(heap),
    blob: makeBlob(heap),
    stream: makeStream(heap),
    box: makeBox(heap),
    sign: makeSign(heap),
    mnemonic: makeMnemonic(heap),
    verificationId: makeVerificationId(heap),
    b64: makeB64(heap),
    primitives: makePrimitives(heap),
    hash: makeFileHash(heap),
    memory: {
      heapInUse: (): number => heap.mod.heapInUse(),
      heapSize: (): number => heap.u8.length,
    },
    testing: makeTesting(heap),
    sodiumVersion: heap.mod.sodiumVersion(),
  };
}

/** The crypto build: cipherlens-crypto.wasm and its glue. */
export const CRYPTO_BUILD: CoreBuild<CryptoModule> = {
  flavor: 'crypto',
  url: new URL('../wasm/cipherlens-crypto.wasm', import.meta.url),
  glue: async () => (await import('../wasm/cipherlens-crypto.mjs')).default,
};

/** Loads the smaller crypto build (cipherlens-crypto.wasm): everything but CLIP search. */
export async function loadCryptoCore(options: LoadOptions = {}): Promise<CryptoCore> {
  const mod = await instantiateCore(options, CRYPTO_BUILD);
  const heap = new Heap(mod);
  heap.check(mod.init());
  return makeCryptoCore(heap);
}
