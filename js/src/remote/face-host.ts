// The object the face worker (worker/face-worker.ts) serves: one core and one face indexer per
// thread, so decoding, the models and the clustering batches stay off the caller's thread.
// `call('clusterFaces', ...)` also takes a progress callback (face-client.ts).
import { loadCore, type Core } from '../search/core.js';
import { createFaceIndexer, type FaceIndexer } from '../search/face-index.js';
import { clusterFaces, type ClusterFacesInput, type ClusteringProgress } from '../search/face-cluster.js';
import { badInput } from '../runtime/errors.js';
import { FACE_ROUTES, describe, functionAt } from './routes.js';
import type { FaceHost, FaceWorkerClusterOptions, FaceWorkerInit } from './face-client.js';
import type { ModelProgress } from '../search/model-store.js';

export function createFaceHost(): FaceHost {
  let core: Core | undefined;
  let indexer: FaceIndexer | undefined;
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  return {
    async init(options: FaceWorkerInit, onProgress?: (p: ModelProgress) => void) {
      if (core) throw badInput('the face worker is already initialised');
      const { ortUrl, wasmUrl, detectorModel, embedderModel, ...rest } = options;
      core = await loadCore(wasmUrl ? { wasmUrl } : {});
      if (detectorModel === null || embedderModel === null) return { indexing: false };
      const ort = ortUrl ? await import(/* webpackIgnore: true */ /* @vite-ignore */ ortUrl) : undefined;
      indexer = await createFaceIndexer(core, { ...rest, detectorModel, embedderModel, ort, onProgress });
      for (const name of describe(indexer, FACE_ROUTES).functions) functions.set(name, functionAt(indexer, name));
      return { indexing: true };
    },
    async call(name: string, args: unknown[], onProgress?: (p: ClusteringProgress) => void) {
      if (!core) throw badInput('the face worker was not initialised');
      if (name === 'clusterFaces') {
        const [input, options] = args as [ClusterFacesInput, FaceWorkerClusterOptions];
        return clusterFaces(core, input, { ...options, onProgress });
      }
      if (name === 'dispose') return indexer?.dispose();
      const fn = functions.get(name);
      if (!fn) throw badInput(indexer ? `unknown face call ${name}` : 'this face worker has no models');
      return fn(...args);
    },
  };
}
