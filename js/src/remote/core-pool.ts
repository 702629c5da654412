// createCoreWorker / createWorkerPool of the full API: either build, in the core worker
// (worker/core-worker.ts), which can load search and so is only referenced from here.
import type { CryptoCore } from '../crypto/core.js';
import { buildOf } from '../search/core.js';
import { CORE_HOST_METHODS } from './spawn.js';
import { startPool, type CoreWorker, type PoolKind, type WorkerOptions } from './client.js';

const here = import.meta.url;

const CORE_POOL: PoolKind = {
  worker: {
    methods: CORE_HOST_METHODS,
    url: () => new URL('../worker/core-worker.js', here), // Node only: through a variable so bundlers do not copy it
    // Literal, for bundlers: see WorkerEntry.
    start: () => new Worker(new URL('../worker/core-worker.js', import.meta.url), { type: 'module', name: 'cipherlens' }),
  },
  build: buildOf,
  defaultFlavor: 'full',
};

/** Worker options asking for the crypto build: the workers then serve the crypto API only. */
export interface CryptoFlavorOptions extends WorkerOptions {
  /** The smaller build without CLIP search (cipherlens-crypto.wasm). */
  flavor: 'crypto';
}

/** `n` worker threads sharing one compiled module, serving the async core API. */
export function createWorkerPool(n: number, options: CryptoFlavorOptions): Promise<CoreWorker<CryptoCore>>;
export function createWorkerPool(n: number, options?: WorkerOptions): Promise<CoreWorker>;
export function createWorkerPool(n: number, options: WorkerOptions = {}): Promise<CoreWorker<CryptoCore>> {
  return startPool(CORE_POOL, n, options);
}

/** One worker thread serving the async core API, plus streams. */
export function createCoreWorker(options: CryptoFlavorOptions): Promise<CoreWorker<CryptoCore>>;
export function createCoreWorker(options?: WorkerOptions): Promise<CoreWorker>;
export function createCoreWorker(options: WorkerOptions = {}): Promise<CoreWorker<CryptoCore>> {
  return startPool(CORE_POOL, 1, options);
}
