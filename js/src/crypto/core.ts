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

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  for (let i = haystack.indexOf(needle[0]); i !== -1; i = haystack.indexOf(needle[0], i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/** Everything that needs only the crypto module (search/core.ts builds the full core on it). */
export function makeCryptoCore(heap: Heap) {
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
    /** Diagnostics: bytes malloc'd in wasm memory now, the memory's total size, and whether
     *  a byte sequence (e.g. a key) is still anywhere in wasm memory. */
    memory: {
      heapInUse: (): number => heap.mod.heapInUse(),
      heapSize: (): number => heap.u8.length,
      contains: (needle: Uint8Array): boolean => containsBytes(heap.u8, needle),
    },
    sodiumVersion: heap.mod.sodiumVersion(),
  };
}

/** The core without CLIP search (clip, createIndex, loadIndex, mlData): see loadCryptoCore. */
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
