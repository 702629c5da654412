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
