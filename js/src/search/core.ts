import { Heap } from '../runtime/heap.js';
import { compileBuild, instantiateCore, type CoreBuild, type CoreFlavor, type LoadOptions } from '../runtime/loader.js';
import { CRYPTO_BUILD, makeCryptoCore, type CryptoCore } from '../crypto/core.js';
import { makeEmbeddingIndexApi } from './embedding-index.js';
import { makeCompactIndexApi } from './compact-index.js';
import { makeMlData } from './ml-data.js';
import { makeClip } from './clip.js';
import { makeFaces } from './faces.js';
import { makeUserEntities } from './user-entity.js';
import type { CipherlensModule } from '../wasm/cipherlens.mjs';

type IndexApi = ReturnType<typeof makeEmbeddingIndexApi>;
type CompactApi = ReturnType<typeof makeCompactIndexApi>;

/**
 * The synchronous full API (`loadCore()`): the crypto API plus CLIP's tokenizer and
 * preprocessing, the embedding indexes and Ente's ML data. Failures are CoreErrors.
 */
export interface Core extends CryptoCore {
  /** MobileCLIP's input preparation in wasm: the BPE tokenizer and image preprocessing. */
  clip: ReturnType<typeof makeClip>;
  /** A new empty embedding index of `dims` dimensions (1..65536): see docs/embedding-index.md. */
  createIndex: IndexApi['createIndex'];
  /** An index from `index.save(key)` bytes; AUTH_FAILED / TRUNCATED / BAD_INPUT on bad data. */
  loadIndex: IndexApi['loadIndex'];
  /** A new empty compact index (a million photos in one tab) keeping its pages in a PageStore. */
  createCompactIndex: CompactApi['createCompactIndex'];
  /** The compact index last saved in a PageStore (read piece by piece), or undefined. */
  openCompactIndex: CompactApi['openCompactIndex'];
  /** Ente's per-file ML data: gzip(JSON) blob-encrypted with the file key. */
  mlData: ReturnType<typeof makeMlData>;
  /** The face pipeline's steps and clustering: see docs/faces.md. */
  faces: ReturnType<typeof makeFaces>;
  /** Ente's user entities (people): per-type keys wrapped by the master key, encrypted JSON. */
  entities: ReturnType<typeof makeUserEntities>;
}

function makeCore(heap: Heap<CipherlensModule>): Core {
  const crypto = makeCryptoCore(heap);
  const { createIndex, loadIndex } = makeEmbeddingIndexApi(heap);
  const { createCompactIndex, openCompactIndex } = makeCompactIndexApi(heap);
  return {
    ...crypto,
    clip: makeClip(heap),
    faces: makeFaces(heap),
    createIndex,
    loadIndex,
    createCompactIndex,
    openCompactIndex,
    mlData: makeMlData(crypto.blob),
    entities: makeUserEntities(crypto),
  };
}

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
