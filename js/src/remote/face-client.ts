// createFaceWorker: face indexing and clustering served by a worker thread (a module Worker in
// browsers, worker_threads in Node) running dist/worker/face-worker.js (worker/face-worker.ts).
import * as Comlink from 'comlink';
import { badInput } from '../runtime/errors.js';
import { ModelError } from '../search/model-error.js';
import { registerErrorClass } from './protocol.js';
import { spawnWorker, type SpawnOptions, type WorkerEntry } from './spawn.js';
import type { Async } from './client.js';
import type { CreateFaceIndexerOptions, FaceIndexer } from '../search/face-index.js';
import type { ClusterFacesInput, ClusterFacesOptions, ClusterFacesResult, ClusteringProgress } from '../search/face-cluster.js';
import type { ModelProgress } from '../search/model-store.js';
import type { ModelSource } from '../search/onnx-session.js';
import { FACE_ROUTES, routeOf, wireArgs, type Route } from './routes.js';
import {
  asIndexTimings,
  runIndexFiles,
  type IndexFiles,
  type IndexFilesOptions,
  type IndexFilesResult,
} from '../search/index-files.js';

const here = import.meta.url;

/** What crosses to the worker: the indexer options that can be cloned, plus where things are. */
export interface FaceWorkerInit
  extends Omit<
    CreateFaceIndexerOptions,
    'ort' | 'fetch' | 'signal' | 'onProgress' | 'decodeImage' | 'detectorModel' | 'embedderModel'
  > {
  /** `null` (with embedderModel null): no models, clustering only (a device that reads faces
   *  from ML data). Default: Ente's YOLOv5s-face. */
  detectorModel?: ModelSource | null;
  /** `null` (with detectorModel null): no models. Default: Ente's MobileFaceNet. */
  embedderModel?: ModelSource | null;
  /** An onnxruntime-web ES module for the worker to import (browsers without a bundler). */
  ortUrl?: string;
  /** Where the worker loads the core's .wasm from (default: beside the package). */
  wasmUrl?: string;
}

/** Options of createFaceWorker. */
export interface FaceWorkerOptions extends FaceWorkerInit, SpawnOptions {
  /** The models' download and load progress. */
  onProgress?: (progress: ModelProgress) => void;
}

/** Clustering options that can cross to the worker (its progress is called back here). */
export type FaceWorkerClusterOptions = Omit<ClusterFacesOptions, 'signal' | 'newClusterId'>;

/** Face indexing and clustering in a worker thread (createFaceWorker). */
export type FaceWorker = Async<Pick<FaceIndexer, 'indexImage' | 'indexFile'>> & {
  /** Whether the worker has models (false: clustering only). */
  readonly indexing: boolean;
  /** As FaceIndexer.indexFiles: files are pulled here and sent one `indexFile` call each. */
  indexFiles(files: IndexFiles, options?: IndexFilesOptions): Promise<IndexFilesResult>;
  /** clusterFaces in the worker (the core and its SIMD kernel there), progress called back here. */
  clusterFaces(input: ClusterFacesInput, options?: FaceWorkerClusterOptions): Promise<ClusterFacesResult>;
  /** Frees the sessions, then ends the thread. */
  terminate(): Promise<void>;
};

/** What the face worker serves (remote/face-host.ts implements it). */
export type FaceHost = {
  init(options: FaceWorkerInit, onProgress?: (p: ModelProgress) => void): Promise<{ indexing: boolean }>;
  /** A FACE_ROUTES function, or 'clusterFaces' with its progress callback (a comlink proxy). */
  call(name: string, args: unknown[], onProgress?: (p: ClusteringProgress) => void): Promise<unknown>;
};

const FACE_WORKER: WorkerEntry<FaceHost> = {
  url: () => new URL('../worker/face-worker.js', here), // Node only: through a variable so bundlers do not copy it
  // Literal, for bundlers: see WorkerEntry.
  start: () => new Worker(new URL('../worker/face-worker.js', import.meta.url), { type: 'module', name: 'cipherlens-faces' }),
  methods: ['init', 'call'],
};

/** Starts a worker, loads the core and the face models in it, and resolves once it is ready. */
export async function createFaceWorker(options: FaceWorkerOptions = {}): Promise<FaceWorker> {
  const { workerUrl, onProgress, ...init } = options;
  registerErrorClass('ModelError', ModelError); // a ModelError arrives as one, with its code and model
  const thread = await spawnWorker(FACE_WORKER, { workerUrl });
  const host = thread.remote;
  let ready: { indexing: boolean };
  try {
    ready = await thread.guard(host.init(init, onProgress ? Comlink.proxy(onProgress) : undefined) as Promise<typeof ready>);
  } catch (e) {
    await thread.terminate();
    throw e;
  }
  const call = <T>(name: string, ...args: unknown[]) =>
    thread.guard(host.call(name, wireArgs(routeOf(FACE_ROUTES, name), args)) as Promise<T>);
  const served = Object.fromEntries(
    Object.entries(FACE_ROUTES as Record<string, Route>)
      .filter(([name, route]) => route !== 'not-served' && name !== 'dispose') // dispose: by terminate()
      .map(([name]) => [name, (...args: unknown[]) => call(name, ...args)]),
  ) as Pick<FaceWorker, 'indexImage' | 'indexFile'>;
  return {
    ...served,
    indexing: ready.indexing,
    indexFiles: async (files, indexOptions = {}) => {
      if (!ready.indexing) throw badInput('this face worker has no models');
      if (indexOptions.persist) throw badInput('face indexing has no index to checkpoint: store each faceIndex as it comes');
      return runIndexFiles(files, indexOptions, {
        has: () => false,
        indexFile: async (fileId, image) => {
          const { faceIndex, timings } = await served.indexFile(fileId, image);
          return { timings: asIndexTimings(timings), faceIndex };
        },
        save: () => Promise.reject(badInput('no index')),
      });
    },
    clusterFaces: (input, clusterOptions = {}) => {
      const { onProgress: progress, ...rest } = clusterOptions;
      const callback = progress ? Comlink.proxy(progress) : undefined;
      return thread.guard(host.call('clusterFaces', [input, rest], callback) as Promise<ClusterFacesResult>);
    },
    async terminate() {
      try {
        await call('dispose');
      } finally {
        await thread.terminate();
      }
    },
  };
}
