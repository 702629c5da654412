import { Heap } from '../runtime/heap.js';
import { instantiateCore, type LoadOptions } from '../runtime/loader.js';
import { makeCryptoCore } from '../crypto/core.js';
import { makeEmbeddingIndexApi } from './embedding-index.js';
import { makeMlData } from './ml-data.js';
import { makeClip } from './clip.js';
import type { CipherlensModule } from '../wasm/cipherlens.mjs';

function makeCore(heap: Heap<CipherlensModule>) {
  const crypto = makeCryptoCore(heap);
  const { createIndex, loadIndex } = makeEmbeddingIndexApi(heap);
  return {
    ...crypto,
    clip: makeClip(heap),
    /** Embedding index (CLIP search): see docs/embedding-index.md. */
    createIndex,
    loadIndex,
    /** Ente's per-file ML data: gzip(JSON) blob-encrypted with the file key. */
    mlData: makeMlData(crypto.blob),
  };
}

/** The synchronous core API; see the README for every call. */
export type Core = ReturnType<typeof makeCore>;

/** Loads and initialises one instance of the wasm core. */
export async function loadCore(options: LoadOptions = {}): Promise<Core> {
  const mod = await instantiateCore(options, 'full');
  const heap = new Heap(mod);
  heap.check(mod.init());
  return makeCore(heap);
}
