// createSearchWorker: the search API served by a worker thread (a module Worker in browsers,
// worker_threads in Node) running dist/worker/search-worker.js (built from worker/search-worker.ts).
import * as Comlink from 'comlink';
import { badInput } from '../runtime/errors.js';
import { ModelError } from '../search/model-error.js';
import { registerErrorClass } from './protocol.js';
import { spawnWorker, type SpawnOptions, type WorkerEntry } from './spawn.js';
import type { CreateSearchOptions, Search } from '../search/search.js';
import type { Async } from './client.js';
import type { ImageSignature } from '../search/clip-encoders.js';
import type { ModelProgress } from '../search/model-store.js';
import { SEARCH_ROUTES, routeOf, wireArgs, type PathsWith } from './routes.js';
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

/** Options of createSearchWorker: createSearch's, where the worker finds things, and progress. */
export interface SearchWorkerOptions extends SearchWorkerInit, SpawnOptions {
  /** Called in this thread as each model downloads in the worker. */
  onProgress?: (progress: ModelProgress) => void;
}

/** The search calls a worker serves: every function of SEARCH_ROUTES except the not-served ones. */
export type SearchCallName = Exclude<keyof typeof SEARCH_ROUTES, PathsWith<typeof SEARCH_ROUTES, 'not-served'>>;

/** What the search worker serves (remote/search-host.ts), and so what its client calls. */
export type SearchHostApi = Async<Pick<Search, SearchCallName>> & {
  init(options: SearchWorkerInit, onProgress?: (p: ModelProgress) => void): Promise<{ imageSignature: ImageSignature | null }>;
  /** Files in the index: `Search.size` is a getter on the worker's thread, a call across it. */
  size(): number;
};

const SEARCH_HOST_METHODS: readonly (keyof SearchHostApi)[] = [
  'init',
  'size',
  ...(Object.keys(SEARCH_ROUTES) as (keyof typeof SEARCH_ROUTES)[]).filter(
    (name): name is SearchCallName => routeOf(SEARCH_ROUTES, name) !== 'not-served',
  ),
];

/** The Search API, every call answered by the worker (`size` becomes a call, `dispose` ends it). */
export type SearchWorker = Async<Omit<Pick<Search, SearchCallName>, 'dispose'>> & {
  /** The pixel layout the image model takes, or null without an image model. */
  readonly imageSignature: ImageSignature | null;
  /** As Search.indexFiles: files are pulled here and sent to the worker one `indexFile` call each
   *  (at most `concurrency` at a time); decoding happens in the worker. */
  indexFiles(files: IndexFiles, options?: IndexFilesOptions): Promise<IndexFilesResult>;
  /** Files in the index. */
  size(): Promise<number>;
  /** Frees the sessions and the index, then ends the thread. */
  terminate(): Promise<void>;
};

const SEARCH_WORKER: WorkerEntry<SearchHostApi> = {
  url: () => new URL('../worker/search-worker.js', here), // Node only: through a variable so bundlers do not copy it
  // Literal, for bundlers: see WorkerEntry.
  start: () => new Worker(new URL('../worker/search-worker.js', import.meta.url), { type: 'module', name: 'cipherlens-search' }),
  methods: SEARCH_HOST_METHODS,
};

/** Starts a worker, loads the core and the models in it, and resolves once search is ready. */
export async function createSearchWorker(options: SearchWorkerOptions = {}): Promise<SearchWorker> {
  const { workerUrl, onProgress, ...init } = options;
  registerErrorClass('ModelError', ModelError); // a ModelError arrives as one, with its code and model
  const thread = await spawnWorker(SEARCH_WORKER, { workerUrl });
  const host = thread.remote;
  let ready: { imageSignature: ImageSignature | null };
  try {
    ready = await thread.guard(host.init(init, onProgress ? Comlink.proxy(onProgress) : undefined));
  } catch (e) {
    await thread.terminate();
    throw e;
  }
  /** One call to the worker: payloads by their route, rejected if the thread dies first. */
  const call = <A extends readonly unknown[], R>(name: SearchCallName, method: (...args: A) => Promise<R>, args: A) =>
    thread.guard(method(...wireArgs(routeOf(SEARCH_ROUTES, name), args)));
  let ending: Promise<void> | undefined;
  const api: Omit<SearchWorker, 'imageSignature' | 'size' | 'terminate' | 'indexFiles'> = {
    add: (...a) => call('add', host.add, a),
    addMany: (...a) => call('addMany', host.addMany, a),
    remove: (...a) => call('remove', host.remove, a),
    persist: (...a) => call('persist', host.persist, a),
    meta: (...a) => call('meta', host.meta, a),
    indexImage: (...a) => call('indexImage', host.indexImage, a),
    embedImage: (...a) => call('embedImage', host.embedImage, a),
    has: (...a) => call('has', host.has, a),
    hasMany: (...a) => call('hasMany', host.hasMany, a),
    openMlClips: (...a) => call('openMlClips', host.openMlClips, a),
    indexFile: (...a) => call('indexFile', host.indexFile, a),
    embedText: (...a) => call('embedText', host.embedText, a),
    query: (...a) => call('query', host.query, a),
    save: (...a) => call('save', host.save, a),
    load: (...a) => call('load', host.load, a),
  };
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
    size: () => thread.guard(host.size()),
    // Idempotent; every call after it rejects with CoreError CLOSED.
    terminate() {
      ending ??= (async () => {
        try {
          await thread.guard(host.dispose());
        } finally {
          await thread.terminate();
        }
      })();
      return ending;
    },
  };
}
