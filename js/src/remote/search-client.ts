// createSearchWorker: the search API served by a worker thread (a module Worker in browsers,
// worker_threads in Node) running dist/worker/search-worker.js (built from worker/search-worker.ts).
import * as Comlink from 'comlink';
import { badInput } from '../runtime/errors.js';
import { spawnWorker, type SpawnOptions, type WorkerEntry } from './spawn.js';
import type { CreateSearchOptions, Search } from '../search/search.js';
import type { Async } from './client.js';
import type { ImageSignature } from '../search/clip-encoders.js';
import type { ModelProgress } from '../search/model-store.js';
import { SEARCH_ROUTES, routeOf, wireArgs, type Route } from './routes.js';
import { runIndexFiles, type IndexFiles, type IndexFilesOptions, type IndexFilesResult } from '../search/index-files.js';

const here = import.meta.url;

/** What crosses to the worker: the search options that can be cloned, plus where to find things. */
export interface SearchWorkerInit extends Omit<CreateSearchOptions, 'ort' | 'fetch' | 'signal' | 'onProgress' | 'decodeImage'> {
  /** URL of an onnxruntime-web ES module for the worker to import (needed in browsers without a
   *  bundler, e.g. '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs'). Default: 'onnxruntime-web/wasm'. */
  ortUrl?: string;
  /** Where the worker loads the core's .wasm from (default: beside the package). */
  wasmUrl?: string;
}

export interface SearchWorkerOptions extends SearchWorkerInit, SpawnOptions {
  onProgress?: (progress: ModelProgress) => void;
}

/** The Search API, every call answered by the worker (`size` becomes a call, `dispose` ends it). */
export type SearchWorker = Async<
  Pick<
    Search,
    | 'add'
    | 'addMany'
    | 'remove'
    | 'persist'
    | 'meta'
    | 'indexImage'
    | 'embedImage'
    | 'has'
    | 'indexFile'
    | 'embedText'
    | 'query'
    | 'save'
    | 'load'
  >
> & {
  readonly imageSignature: ImageSignature | null;
  /** As Search.indexFiles: files are pulled here and sent to the worker one `indexFile` call each
   *  (at most `concurrency` at a time); decoding happens in the worker. */
  indexFiles(files: IndexFiles, options?: IndexFilesOptions): Promise<IndexFilesResult>;
  size(): Promise<number>;
  /** Frees the sessions and the index, then ends the thread. */
  terminate(): Promise<void>;
};

type SearchHost = {
  init(options: SearchWorkerInit, onProgress?: (p: ModelProgress) => void): Promise<{ imageSignature: ImageSignature | null }>;
  call(name: string, args: unknown[]): Promise<unknown>;
};

const SEARCH_WORKER: WorkerEntry = {
  url: () => new URL('../worker/search-worker.js', here), // Node only: through a variable so bundlers do not copy it
  // Literal, for bundlers: see WorkerEntry.
  start: () => new Worker(new URL('../worker/search-worker.js', import.meta.url), { type: 'module', name: 'cipherlens-search' }),
};

/** Starts a worker, loads the core and the models in it, and resolves once search is ready. */
export async function createSearchWorker(options: SearchWorkerOptions = {}): Promise<SearchWorker> {
  const { workerUrl, onProgress, ...init } = options;
  const thread = await spawnWorker(SEARCH_WORKER, { workerUrl });
  const host = thread.remote as unknown as Comlink.Remote<SearchHost>;
  let ready: { imageSignature: ImageSignature | null };
  try {
    ready = await thread.guard(host.init(init, onProgress ? Comlink.proxy(onProgress) : undefined) as Promise<typeof ready>);
  } catch (e) {
    await thread.terminate();
    throw e;
  }
  const call = <T>(name: string, ...args: unknown[]) =>
    thread.guard(host.call(name, wireArgs(routeOf(SEARCH_ROUTES, name), args)) as Promise<T>);
  const served = Object.fromEntries(
    Object.entries(SEARCH_ROUTES as Record<string, Route>)
      .filter(([name, route]) => route !== 'not-served' && name !== 'dispose') // dispose: by terminate()
      .map(([name]) => [name, (...args: unknown[]) => call(name, ...args)]),
  );
  const api = served as Omit<SearchWorker, 'imageSignature' | 'size' | 'terminate' | 'indexFiles'>;
  return {
    ...api,
    imageSignature: ready.imageSignature,
    indexFiles: async (files, indexOptions = {}) => {
      if (ready.imageSignature === null) throw badInput('this search has no image model');
      return runIndexFiles(files, indexOptions, {
        has: api.has,
        indexFile: api.indexFile,
        save: api.save,
      });
    },
    size: () => call<number>('size'),
    async terminate() {
      try {
        await call('dispose');
      } finally {
        await thread.terminate();
      }
    },
  };
}
