import { Heap } from '../runtime/heap.js';
import { instantiateCore, type CoreBuild, type LoadOptions } from '../runtime/loader.js';
import type { CryptoModule } from '../wasm/cipherlens.mjs';
import { makeKeys } from './keys.js';
import { makeSecretbox } from './secretbox.js';
import { makeBlob } from './blob.js';
import { makeStream } from './stream.js';
import { makeBox } from './box.js';
import { makeMnemonic, makeVerificationId } from './mnemonic.js';
import { makeB64 } from './b64.js';
import { makePrimitives } from './primitives.js';
import { makeFileHash } from './file-hash.js';
import { checkSizes } from './sizes.js';
import { makeTesting } from './testing.js';

/** Everything that needs only the crypto module (search/core.ts builds the full core on it). */
export function makeCryptoCore(heap: Heap) {
  checkSizes(heap.mod);
  return {
    ...makeKeys(heap),
    secretbox: makeSecretbox(heap),
    blob: makeBlob(heap),
    stream: makeStream(heap),
    box: makeBox(heap),
    mnemonic: makeMnemonic(heap),
    verificationId: makeVerificationId(heap),
    b64: makeB64(heap),
    primitives: makePrimitives(heap),
    /** Ente's file hash (BLAKE2b-512), whole or incremental. */
    hash: makeFileHash(heap),
    /** Diagnostics: bytes malloc'd in wasm memory now, and the memory's total size. */
    memory: {
      heapInUse: (): number => heap.mod.heapInUse(),
      heapSize: (): number => heap.u8.length,
    },
    /** Hooks for the tests and benchmarks, not part of the API (crypto/testing.ts). */
    testing: makeTesting(heap),
    sodiumVersion: heap.mod.sodiumVersion(),
  };
}

/** The core without CLIP search (clip, the indexes, mlData): see loadCryptoCore. */
export type CryptoCore = ReturnType<typeof makeCryptoCore>;

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
