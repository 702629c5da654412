// The gallery app: every byte of crypto runs in cipherlens' worker pool (the small crypto build
// until search is first needed), SRP in a worker of its own; this thread draws (Preact views over
// one store), fetches, and keeps keys only while an account is open.
import { render } from 'preact';
import { createWorkerPool } from 'cipherlens';
import { HEADERS, parsePublicLink } from '../../client/src/index.js';
import { openPublic } from './actions/public.js';
import { refreshAlbums } from './actions/gallery.js';
import { prepareDownloads } from './download/save.js';
import { startSession, watchingFetch } from './actions/session.js';
import { warnBeforeLeaving } from './actions/upload.js';
import { AppContext, type Ctx } from './context.js';
import { workerSrp } from './srp/remote.js';
import { initialState } from './state.js';
import { createStore, StoreContext, type Store } from './store.js';
import { applyTheme, savedTheme } from './theme.js';
import { App } from './views/App.js';

const POOL_THREADS = 2;

async function start() {
  const base = new URL('.', location.href);
  const theme = savedTheme();
  applyTheme(theme);
  const core = await createWorkerPool(POOL_THREADS, {
    workerUrl: new URL('crypto-worker.js', base).href,
    wasmUrl: new URL('cipherlens-crypto.wasm', base).href,
  });
  const store = createStore({ ...initialState(), theme });
  const ctx: Ctx = {
    core,
    base,
    client: {
      crypto: core,
      srp: workerSrp(new URL('srp-worker.js', base)),
      // A signed-in request answered 401: the session ended (the dialog says so).
      fetch: watchingFetch(() => ctx, HEADERS.authToken),
    },
    store,
    live: {},
  };
  render(
    <StoreContext.Provider value={store as Store<never>}>
      <AppContext.Provider value={ctx}>
        <App />
      </AppContext.Provider>
    </StoreContext.Provider>,
    document.getElementById('app')!,
  );
  // Albums shared with this account since it logged in show up when the page gets the focus back
  // (and a session ended meanwhile is noticed: that request is answered 401).
  window.addEventListener('focus', () => refreshAlbums(ctx));
  void prepareDownloads(base); // registered early: it must be active by the first download
  warnBeforeLeaving(ctx);
  const link = parsePublicLink(new URL(location.href));
  if (link) await openPublic(ctx, link);
  else await startSession(ctx);
}

start();
