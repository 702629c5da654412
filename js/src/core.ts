import { Heap } from './heap.js';
import { instantiateCore, type LoadOptions } from './loader.js';
import { makeKeys } from './keys.js';
import { makeSecretbox } from './secretbox.js';
import { makeBlob } from './blob.js';
import { makeStream } from './stream.js';
import { makeBox } from './box.js';
import { makeMnemonic, makeVerificationId } from './mnemonic.js';
import { makeB64 } from './b64.js';
import { makePrimitives } from './primitives.js';
import { makeEmbeddingIndexApi } from './embedding-index.js';
import { makeMlData } from './ml-data.js';

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  for (let i = haystack.indexOf(needle[0]); i !== -1; i = haystack.indexOf(needle[0], i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}
import { makeClip } from './clip.js';
import { makeFileHash } from './file-hash.js';

function makeCore(heap: Heap) {
  const keys = makeKeys(heap);
  const blob = makeBlob(heap);
  const { createIndex, loadIndex } = makeEmbeddingIndexApi(heap);
  return {
    ...keys,
    secretbox: makeSecretbox(heap),
    blob,
    stream: makeStream(heap),
    box: makeBox(heap),
    mnemonic: makeMnemonic(heap),
    verificationId: makeVerificationId(heap),
    b64: makeB64(heap),
    primitives: makePrimitives(heap),
    /** Ente's file hash (BLAKE2b-512), whole or incremental. */
    hash: makeFileHash(heap),
    clip: makeClip(heap),
    /** Embedding index (CLIP search): see docs/embedding-index.md. */
    createIndex,
    loadIndex,
    /** Ente's per-file ML data: gzip(JSON) blob-encrypted with the file key. */
    mlData: makeMlData(blob),
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

/** The synchronous core API; see the README for every call. */
export type Core = ReturnType<typeof makeCore>;

/** Loads and initialises one instance of the wasm core. */
export async function loadCore(options: LoadOptions = {}): Promise<Core> {
  const mod = await instantiateCore(options);
  const heap = new Heap(mod);
  heap.check(mod.init());
  return makeCore(heap);
}
