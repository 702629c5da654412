import { Heap } from '../runtime/heap.js';
import { compileBuild, instantiateCore, type CoreBuild, type CoreFlavor, type LoadOptions } from '../runtime/loader.js';
import { CRYPTO_BUILD, makeCryptoCore } from '../crypto/core.js';
import { makeEmbeddingIndexApi } from './embedding-index.js';
import { makeCompactIndexApi } from './compact-index.js';
import { makeMlData } from './ml-data.js';
import { makeClip } from './clip.js';
import type { CipherlensModule } from '../wasm/cipherlens.mjs';

function makeCore(heap: Heap<CipherlensModule>) {
  const crypto = makeCryptoCore(heap);
  const { createIndex, loadIndex } = makeEmbeddingIndexApi(heap);
  const { createCompactIndex, openCompactIndex } = makeCompactIndexApi(heap);
  return {
    ...crypto,
    clip: makeClip(heap),
    /** Embedding index (CLIP search): see docs/embedding-index.md. */
    createIndex,
    loadIndex,
    /** Compact index (a million photos in one tab): see docs/embedding-index.md. */
    createCompactIndex,
    openCompactIndex,
    /** Ente's per-file ML data: gzip(JSON) blob-encrypted with the file key. */
    mlData: makeMlData(crypto.blob),
  };
}

/** The synchronous core API; see the README for every call. */
export type Core = ReturnType<typeof makeCore>;

/** The full build: cipherlens.wasm (crypto and CLIP search) and its glue. */
export const FULL_BUILD: CoreBuild<CipherlensModule> = {
  flavor: 'full',
  url: new URL('../wasm/cipherlens.wasm', import.meta.url),
  glue: async () => (await import('../wasm/cipherlens.mjs')).default,
};

/** The build of a flavor. */
export const buildOf = (flavor: CoreFlavor): CoreBuild => (flavor === 'crypto' ? CRYPTO_BUILD : FULL_BUILD);

/** Compiles a build of the core (once per flavor for its default URL), e.g. to share among workers. */
export function compileCore(options: LoadOptions = {}, flavor: CoreFlavor = 'full'): Promise<WebAssembly.Module> {
  return compileBuild(options, buildOf(flavor));
}

/** Loads and initialises one instance of the wasm core. */
export async function loadCore(options: LoadOptions = {}): Promise<Core> {
  const mod = await instantiateCore(options, FULL_BUILD);
  const heap = new Heap(mod);
  heap.check(mod.init());
  return makeCore(heap);
}
