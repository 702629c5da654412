// The gallery server: the JSON API under /api/ (routes/*.mjs) and the built app (static.mjs),
// over one metadata store and one blob store in the data directory.
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULTS, MAX_JSON_BYTES } from './config.mjs';
import { badRequest, notFound, sendError } from './http.mjs';
import { makeAuth } from './auth.mjs';
import { Pending } from './pending.mjs';
import { openSecrets } from './secrets.mjs';
import { makeStatic } from './static.mjs';
import { openSqliteStore } from './store/sqlite.mjs';
import { openFolderBlobStore } from './store/blobs.mjs';
import { accountRoutes } from './routes/accounts.mjs';
import { recoveryRoutes } from './routes/recovery.mjs';
import { collectionRoutes } from './routes/collections.mjs';
import { uploadRoutes } from './routes/uploads.mjs';
import { fileRoutes } from './routes/files.mjs';
import { organiseRoutes } from './routes/organise.mjs';
import { publicRoutes } from './routes/public.mjs';
import { makeAccess } from './routes/access.mjs';

const DB_FILE = 'metadata.sqlite';
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Turns [ROUTES.fileContents, handler] into a matcher on the raw (undecoded) path. */
function compile([{ method, path: pattern }, handler]) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern, regex: new RegExp(`^${source}$`), names, handler };
}

/**
 * Starts the server. Options (all optional): dataDir, appDir, port, host, and the limits in
 * config.mjs's DEFAULTS (tokenTtlSeconds, maxAuthFailures, authFailureWindowMs, ...); `now`
 * replaces the clock; `metadataStore` and `blobStore` replace the SQLite and folder stores
 * (store/metadata.mjs, store/blobs.mjs). Resolves to { url, dataDir, close, testing }.
 */
export async function startGalleryServer(options = {}) {
  const config = { ...DEFAULTS, maxJsonBytes: MAX_JSON_BYTES, ...options };
  const now = options.now ?? Date.now;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = options.metadataStore ?? openSqliteStore(join(dataDir, DB_FILE));
  const blobs = options.blobStore ?? (await openFolderBlobStore(dataDir));
  const secrets = await openSecrets(dataDir);
  const statics = await makeStatic(resolve(config.appDir));
  const auth = makeAuth({ store, secrets, config, now });
  const publicKeyOverrides = new Map();
  const deps = {
    store,
    blobs,
    secrets,
    auth,
    config,
    now,
    publicKeyOverrides,
    srpSessions: new Pending(config.srpSessionTtlMs, now),
    recoveryChallenges: new Pending(config.recoveryTtlMs, now),
    access: makeAccess({ store, auth }),
  };
  const routes = [
    ...accountRoutes(deps),
    ...recoveryRoutes(deps),
    ...collectionRoutes(deps),
    ...uploadRoutes(deps),
    ...fileRoutes(deps),
    ...organiseRoutes({ ...deps, sweep: () => sweepQuietly() }),
    ...publicRoutes(deps),
  ].map(compile);

  const handle = async (req, res) => {
    if (typeof req.url !== 'string' || !req.url.startsWith('/')) throw badRequest('bad request target');
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    if (path === '/api' || path.startsWith('/api/')) {
      for (const route of routes) {
        if (route.method !== req.method) continue;
        const match = route.regex.exec(path);
        if (!match) continue;
        const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
        return route.handler({ req, res, params, query });
      }
      throw notFound('no such API route');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw notFound();
    return statics.serve(req, res, path);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!error?.status) console.error('gallery server: internal error:', error?.stack ?? error);
      // A body left unread (refused early) is not read on: the connection closes after the answer.
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, error);
    });
  });
  // Node's defaults bound slow senders: headers within 60 s, a whole request (an 8 MiB piece)
  // within 300 s. Responses (long video downloads) are not limited.
  // Upkeep: expired tokens, old failures, and uploads left unclaimed (bytes first, then the
  // row, so a crash between leaves a row that the next round drops).
  // Blobs no record references (deleted for good, or left by the trash's 30 days): the records
  // went first, in the transaction that queued the blobs; each blob is removed, then forgotten,
  // so a crash anywhere leaves queue entries that the next sweep (at start, hourly, after each
  // delete) finishes. One sweep at a time.
  const sweepOnce = async () => {
    store.purgeTrash(now() - config.trashDays * 86_400_000, now());
    for (let keys = store.deadObjects(); keys.length; keys = store.deadObjects()) {
      for (const key of keys) {
        await blobs.remove(key);
        store.forgetDeadObject(key);
      }
    }
  };
  let sweeping = null;
  const sweep = () => {
    // Cleared in a later tick (.finally), never before the assignment: a sweep with nothing to do
    // finishes synchronously.
    sweeping ??= sweepOnce().finally(() => {
      sweeping = null;
    });
    return sweeping;
  };
  const sweepQuietly = () => sweep().catch((e) => console.error('gallery server: deleting blobs failed:', e?.message));
  const prune = async () => {
    store.prune(now(), config.authFailureWindowMs);
    for (const key of store.unclaimedObjectsBefore(now() - config.unclaimedUploadTtlMs)) {
      await blobs.discard(key);
      store.deleteUnclaimedObject(key);
    }
    await sweep();
  };
  const pruneQuietly = () => prune().catch((e) => console.error('gallery server: upkeep failed:', e?.message));
  const pruner = setInterval(pruneQuietly, PRUNE_INTERVAL_MS);
  pruner.unref();
  await prune();

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, ok);
  });
  const { port } = server.address();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  return {
    url,
    dataDir,
    appAvailable: statics.available,
    async close() {
      clearInterval(pruner);
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(() => ok()));
      store.close();
    },
    /** Hooks for tests only; never reachable over HTTP. */
    testing: {
      /** GET /api/users/public-key answers `publicKeyB64` for `email` (to test key pinning). */
      substitutePublicKey(email, publicKeyB64) {
        publicKeyOverrides.set(String(email).trim().toLowerCase(), publicKeyB64);
      },
      clearSubstitutedPublicKeys: () => publicKeyOverrides.clear(),
      integrityCheck: () => store.integrityCheck(),
      /** Runs the hourly upkeep now. */
      prune,
      /** Deletes the blobs queued for deletion (and the trash past its days) now. */
      sweep,
      /** The routes served: [{ method, path }] (held to contract/routes.mjs and docs/server-api.md). */
      routes: () => routes.map(({ method, pattern }) => ({ method, path: pattern })),
      dataDir,
    },
  };
}
