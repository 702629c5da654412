// The object the search worker (worker/search-worker.ts) serves: one core and one createSearch()
// per thread, so tokenizing, preprocessing, ONNX Runtime inference and the index scan stay off
// the caller's thread. Typed by the same interface its client calls (SearchHostApi).
import { loadCore } from '../search/core.js';
import { createSearch, type Search } from '../search/search.js';
import { badInput } from '../runtime/errors.js';
import { SEARCH_ROUTES, describe, wipeArgs } from './routes.js';
import type { SearchHostApi, SearchCallName } from './search-client.js';

export function createSearchHost(): SearchHostApi {
  let search: Search | undefined;
  const live = (): Search => {
    if (!search) throw badInput('the search worker was not initialised');
    return search;
  };
  /** Runs one call; afterwards the arguments its route names as keys are zeroed (this thread's copies). */
  const run = async <A extends unknown[], R>(
    name: SearchCallName,
    args: A,
    fn: (s: Search, ...args: A) => R,
  ): Promise<Awaited<R>> => {
    try {
      return await fn(live(), ...args);
    } finally {
      wipeArgs(SEARCH_ROUTES, name, args);
    }
  };
  return {
    async init(options, onProgress) {
      if (search) throw badInput('the search worker is already initialised');
      const { ortUrl, wasmUrl, ...rest } = options;
      const ort = ortUrl ? await import(/* webpackIgnore: true */ /* @vite-ignore */ ortUrl) : undefined;
      const core = await loadCore(wasmUrl ? { wasmUrl } : {});
      let created: Search;
      try {
        created = await createSearch(core, { ...rest, ort, onProgress });
      } finally {
        // This thread's copy of the compact index's key; the index keeps only what it derived.
        if (rest.compactIndex?.key instanceof Uint8Array) rest.compactIndex.key.fill(0);
      }
      describe(created, SEARCH_ROUTES); // throws for a function without a route
      search = created;
      return { imageSignature: created.imageSignature };
    },
    size: () => live().size, // a getter on this thread, a call across it
    add: (...a) => run('add', a, (s, ...b) => s.add(...b)),
    addMany: (...a) => run('addMany', a, (s, ...b) => s.addMany(...b)),
    remove: (...a) => run('remove', a, (s, ...b) => s.remove(...b)),
    persist: (...a) => run('persist', a, (s, ...b) => s.persist(...b)),
    meta: (...a) => run('meta', a, (s, ...b) => s.meta(...b)),
    indexImage: (...a) => run('indexImage', a, (s, ...b) => s.indexImage(...b)),
    embedImage: (...a) => run('embedImage', a, (s, ...b) => s.embedImage(...b)),
    has: (...a) => run('has', a, (s, ...b) => s.has(...b)),
    hasMany: (...a) => run('hasMany', a, (s, ...b) => s.hasMany(...b)),
    openMlClips: (...a) => run('openMlClips', a, (s, ...b) => s.openMlClips(...b)),
    indexFile: (...a) => run('indexFile', a, (s, ...b) => s.indexFile(...b)),
    embedText: (...a) => run('embedText', a, (s, ...b) => s.embedText(...b)),
    query: (...a) => run('query', a, (s, ...b) => s.query(...b)),
    save: (...a) => run('save', a, (s, ...b) => s.save(...b)),
    load: (...a) => run('load', a, (s, ...b) => s.load(...b)),
    dispose: (...a) => run('dispose', a, (s, ...b) => s.dispose(...b)),
  };
}
