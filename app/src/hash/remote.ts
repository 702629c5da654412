// The page's side of the hash worker (worker.ts): Ente's BLAKE2b file hash of picked files,
// computed off the main thread from the File itself, as base64 (how Ente's metadata holds it).
import { wrap } from 'comlink';
import { toB64 } from '../../../client/src/index.js';
import type { HashWorkerApi } from './worker.js';

export interface FileHashing {
  /** base64 of the BLAKE2b-512 of `file`'s bytes. */
  hash(file: Blob): Promise<string>;
  end(): void;
}

/** A hash worker started from `base` (hash-worker.js and the crypto wasm beside the app). */
export function startHashing(base: URL): FileHashing {
  const worker = new Worker(new URL('hash-worker.js', base), { type: 'module' });
  const remote = wrap<HashWorkerApi>(worker);
  const wasmUrl = new URL('cipherlens-crypto.wasm', base).href;
  return {
    hash: async (file) => toB64(await remote.hash(file, wasmUrl)),
    end: () => worker.terminate(),
  };
}
