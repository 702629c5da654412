// What every action works with: the worker pool, the client's options, the store, and the live
// objects of the signed-in account or open public link (which hold keys, so they are not state).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CoreWorker, CryptoCore } from 'cipherlens';
import type { ClientOptions, Library, RecordKeeper, Session, Sharing } from '../../client/src/index.js';
import type { GallerySearch } from './search.js';
import type { GalleryPeople } from './people.js';
import type { AppState } from './state.js';
import type { Store } from './store.js';
import type { ThumbnailCache } from './thumbnails.js';
import type { GalleryFile } from '../../client/src/index.js';

export interface Live {
  session?: Session;
  /** The account record: pinned contacts and the album heads seen. */
  keeper?: RecordKeeper;
  library?: Library;
  sharing?: Sharing;
  search?: GallerySearch;
  /** Resolves once search has loaded its index (uploads wait for it before indexing). */
  searchReady?: Promise<void>;
  people?: GalleryPeople;
  /** Resolves once the people are listed (uploads wait for it before finding faces). */
  peopleReady?: Promise<void>;
  thumbnails?: ThumbnailCache<GalleryFile>;
  /** The ML data writes in flight (see mlWrites): search and people take turns. */
  mlWrites?: Promise<unknown>;
}

/**
 * Runs `fn` after the ML data writes started before it. Search (the CLIP entry) and people (the
 * face entry) each read a file's ML data and store it back whole (one entry holds both), so two
 * at once would lose one of them: openPeople's first sync could meet the photos an upload was
 * still indexing for search.
 */
export function mlWrites<T>(live: Live, fn: () => Promise<T>): Promise<T> {
  const run = (live.mlWrites ?? Promise.resolve()).then(fn, fn);
  live.mlWrites = run.catch(() => undefined);
  return run;
}

/** Forgets the live objects (the caller closed them); flows still awaiting see them gone. */
export function clearLive(live: Live): void {
  for (const key of Object.keys(live) as (keyof Live)[]) delete live[key];
}

export interface Ctx {
  core: CoreWorker<CryptoCore>;
  /** Where the app is served (its workers, wasm and models sit beside index.html). */
  base: URL;
  client: ClientOptions;
  store: Store<AppState>;
  /** The same object for the page's life: fields set at login, cleared at lock (clearLive). */
  readonly live: Live;
}

export const AppContext = createContext<Ctx | null>(null);

export function useCtx(): Ctx {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('no app context');
  return ctx;
}
