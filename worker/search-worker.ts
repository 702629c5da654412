// Worker entry for CLIP search: one core and one createSearch() per thread, so tokenizing,
// preprocessing, ONNX Runtime inference and the index scan stay off the caller's thread.
// Speaks the same `init` / `call` protocol as core-worker.ts (see js/src/remote/search-client.ts).
import { loadCore } from '../search/core.js';
import { createSearch, type Search } from '../search/search.js';
import { badInput } from '../runtime/errors.js';
import { SEARCH_ROUTES, describe, functionAt } from '../remote/routes.js';
import { serve } from './serve.js';
import type { SearchWorkerInit } from '../remote/search-client.js';
import type { ModelProgress } from '../search/model-store.js';

function createSearchHost() {
  let search: Search | undefined;
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  return {
    async init(options: SearchWorkerInit, onProgress?: (p: ModelProgress) => void) {
      if (search) throw badInput('the search worker is already initialised');
      const { ortUrl, wasmUrl, ...rest } = options;
      const ort = ortUrl ? await import(/* webpackIgnore: true */ /* @vite-ignore */ ortUrl) : undefined;
      const core = await loadCore(wasmUrl ? { wasmUrl } : {});
      try {
        search = await createSearch(core, { ...rest, ort, onProgress });
      } finally {
        // This thread's copy of the key; the index keeps only what it derived from it.
        if (rest.compactIndex?.key instanceof Uint8Array) rest.compactIndex.key.fill(0);
      }
      for (const name of describe(search, SEARCH_ROUTES).functions) functions.set(name, functionAt(search, name));
      return { imageSignature: search.imageSignature };
    },
    async call(name: string, args: unknown[]) {
      if (!search) throw badInput('the search worker was not initialised');
      if (name === 'size') return search.size; // a getter on the thread, a call across it
      const fn = functions.get(name);
      if (!fn) throw badInput(`unknown search call ${name}`);
      try {
        return await fn(...args);
      } finally {
        // This thread's copy of a key (save(key), load(bytes, key)).
        if (name === 'save' || name === 'load') (args[name === 'save' ? 0 : 1] as Uint8Array | undefined)?.fill?.(0);
      }
    },
  };
}

serve(createSearchHost);
