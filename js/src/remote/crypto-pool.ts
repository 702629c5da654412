// createCoreWorker / createWorkerPool of the crypto API: the crypto build in the crypto worker
// (worker/crypto-worker.ts). Nothing here reaches search, so crypto-only bundles stay small.
import { CRYPTO_BUILD, type CryptoCore } from '../crypto/core.js';
import { CORE_HOST_METHODS } from './spawn.js';
import { startPool, type CoreWorker, type PoolKind, type WorkerOptions } from './client.js';

const here = import.meta.url;

/** Worker options of the crypto API: always the crypto build. */
export type CryptoWorkerOptions = Omit<WorkerOptions, 'flavor'> & {
  /** Only 'crypto' here: the crypto entry's workers serve cipherlens-crypto.wasm. */
  flavor?: 'crypto';
};

const CRYPTO_POOL: PoolKind = {
  worker: {
    methods: CORE_HOST_METHODS,
    url: () => new URL('../worker/crypto-worker.js', here), // Node only: through a variable so bundlers do not copy it
    // Literal, for bundlers: see WorkerEntry.
    start: () => new Worker(new URL('../worker/crypto-worker.js', import.meta.url), { type: 'module', name: 'cipherlens' }),
  },
  build: () => CRYPTO_BUILD,
  defaultFlavor: 'crypto',
};

/** `n` worker threads sharing one compiled crypto module, serving the async crypto API. */
export function createWorkerPool(n: number, options: CryptoWorkerOptions = {}): Promise<CoreWorker<CryptoCore>> {
  return startPool(CRYPTO_POOL, n, options);
}

/** One worker thread serving the async crypto API, plus streams. */
export function createCoreWorker(options: CryptoWorkerOptions = {}): Promise<CoreWorker<CryptoCore>> {
  return startPool(CRYPTO_POOL, 1, options);
}
