import type { Heap } from '../runtime/heap.js';
import { closedError, requireBytes } from '../runtime/errors.js';
import { CHUNK_BYTES, FILE_HASH_BYTES } from './sizes.js';

/** Ente's file hash computed piece by piece (core.hash.createHasher). */
export interface FileHasher {
  /** Adds the next bytes of the file (any slicing). */
  update(bytes: Uint8Array): void;
  /** The 64-byte hash; frees the hasher (later calls: CLOSED). */
  digest(): Uint8Array<ArrayBuffer>;
  /** Frees it without a hash; idempotent. */
  dispose(): void;
}

/** Ente's file hash: BLAKE2b with a 64-byte output (crypto_generichash), fed in pieces. */
export function makeFileHash(heap: Heap) {
  const { mod } = heap;
  type WasmHasher = InstanceType<typeof mod.FileHasher>;
  // Frees hashers dropped without digest()/dispose().
  const registry = new FinalizationRegistry<WasmHasher>((wasm) => wasm.delete());

  const createHasher = (): FileHasher => {
    let wasm: WasmHasher | null = new mod.FileHasher();
    const live = () => {
      if (!wasm) throw closedError('the hasher');
      return wasm;
    };
    const dispose = () => {
      if (!wasm) return;
      registry.unregister(hasher);
      wasm.delete(); // the C++ destructor zeroes the state
      wasm = null;
    };
    const hasher: FileHasher = {
      update(bytes: Uint8Array) {
        requireBytes('bytes', bytes);
        const h = live();
        // In 4 MiB pieces, so a large file never needs its full size in wasm memory.
        for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
          const piece = bytes.subarray(at, at + CHUNK_BYTES);
          heap.scope((a) => h.update(a.put(piece), piece.length));
        }
      },
      digest() {
        const h = live();
        try {
          return heap.scope((a) => {
            const out = a.alloc(FILE_HASH_BYTES);
            h.finish(out);
            return heap.read(out, FILE_HASH_BYTES);
          });
        } finally {
          dispose();
        }
      },
      dispose,
    };
    registry.register(hasher, wasm, hasher);
    return hasher;
  };

  return {
    /** A hasher to feed a file piece by piece (e.g. while it uploads). */
    createHasher,
    /** Ente's hash of a whole file in memory: BLAKE2b-512 (`crypto_generichash`, 64 bytes). */
    file(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
      const h = createHasher();
      h.update(bytes);
      return h.digest();
    },
  };
}
