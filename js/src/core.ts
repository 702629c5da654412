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
import { makeClip } from './clip.js';

function makeCore(heap: Heap) {
  const keys = makeKeys(heap);
  return {
    ...keys,
    secretbox: makeSecretbox(heap),
    blob: makeBlob(heap),
    stream: makeStream(heap),
    box: makeBox(heap),
    mnemonic: makeMnemonic(heap),
    verificationId: makeVerificationId(heap),
    b64: makeB64(heap),
    primitives: makePrimitives(heap),
    clip: makeClip(heap),
    /** Diagnostics: bytes malloc'd in wasm memory now, and the memory's total size. */
    memory: {
      heapInUse: (): number => heap.mod.heapInUse(),
      heapSize: (): number => heap.u8.length,
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
