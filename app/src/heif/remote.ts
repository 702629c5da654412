// The page's side of the HEIF worker (worker.ts): one worker per use, ended afterwards, so
// libheif's wasm memory (tens of MB for a 12 MP photo) is returned at once.
import { transfer, wrap } from 'comlink';
import type { HeifWorkerApi } from './worker.js';

export interface DecodedHeif {
  bitmap: ImageBitmap;
  width: number;
  height: number;
  alpha: boolean;
}

/** Decodes the HEIF image in `file` in a worker started from `base` (heif-worker.js beside the app). */
export async function decodeHeif(base: URL, file: Blob): Promise<DecodedHeif> {
  const worker = new Worker(new URL('heif-worker.js', base));
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const remote = wrap<HeifWorkerApi>(worker);
    return await remote.decode(transfer(bytes, [bytes.buffer]), new URL('heif/libheif.wasm', base).href);
  } finally {
    worker.terminate();
  }
}
