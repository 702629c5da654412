// The gallery server: the JSON API under /api/ (routes/*.mjs), /healthz and /readyz, and the
// built app (static.mjs), over one metadata store (SQLite in the data directory, or PostgreSQL
// when a database URL is given) and one blob store (a folder, or an S3 bucket). With PostgreSQL
// and S3 it keeps nothing in memory between requests, so several instances can share them.
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULTS, MAX_JSON_BYTES } from './config.mjs';
import { badRequest, httpErrorOf, notFound, sendError, sendJson, unavailable } from './http.mjs';
import { makeAuth } from './auth.mjs';
import { requestLogger } from './log.mjs';
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
import { usageRoutes } from './routes/usage.mjs';
import { entityRoutes } from './routes/entities.mjs';
import { makeAccess } from './routes/access.mjs';
import { albumLogRoutes } from './routes/album-log.mjs';
import { recordRoutes } from './routes/record.mjs';

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

/** The metadata store the options name: given, PostgreSQL at databaseUrl, or SQLite in dataDir. */
async function openMetadataStore(options, dataDir) {
  if (options.metadataStore) return options.metadataStore;
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./store/postgres.mjs');
    return openPostgresStore(options.databaseUrl, { poolSize: options.databasePoolSize });
  }
  return openSqliteStore(join(dataDir, DB_FILE));
}

async function openBlobStore(options, dataDir) {
  if (options.blobStore) return options.blobStore;
  if (options.s3) {
    const { openS3BlobStore } = await import('./store/s3.mjs');
    return openS3BlobStore(options.s3);
  }
  return openFolderBlobStore(dataDir);
}

/**
 * Starts the server. Options (all optional): dataDir, appDir, port, host, and the limits in
 * config.mjs's DEFAULTS (tokenTtlSeconds, maxAuthFailures, authFailureWindowMs, ...); `now`
 * replaces the clock; `databaseUrl` (postgres://…) and `s3` ({ endpoint, region, bucket,
 * accessKeyId, secretAccessKey, forcePathStyle }) choose PostgreSQL and S3; `metadataStore`
 * and `blobStore` replace the stores outright (store/metadata.mjs, store/blobs.mjs).
 * Resolves to { url, dataDir, close, testing }.
 */
export async function startGalleryServer(options = {}) {
  const config = { ...DEFAULTS, maxJsonBytes: MAX_JSON_BYTES, ...options };
  const now = options.now ?? Date.now;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = await openMetadataStore(config, dataDir);
  const blobs = await openBlobStore(config, dataDir);
  const secrets = await openSecrets(store, dataDir);
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
    srpSessions: new Pending(store, 'srp', config.srpSessionTtlMs, now),
    recoveryChallenges: new Pending(store, 'recovery', config.recoveryTtlMs, now),
    access: makeAccess({ store, auth, now }),
  };
  const routes = [
    ...accountRoutes(deps),
    ...recoveryRoutes(deps),
    ...collectionRoutes(deps),
    ...uploadRoutes(deps),
    ...fileRoutes(deps),
    ...organiseRoutes({ ...deps, sweep: () => sweepQuietly() }),
    ...publicRoutes(deps),
    ...usageRoutes(deps),
    ...albumLogRoutes(deps),
    ...recordRoutes(deps),
    ...entityRoutes(deps),
  ].map(compile);

  let draining = false;
  const ready = async () => {
    if (draining) return false;
    try {
      await store.ping();
      await blobs.ready();
      return true;
    } catch {
      return false;
    }
  };

  const handle = async (req, res, info) => {
    if (typeof req.url !== 'string' || !req.url.startsWith('/')) throw badRequest('bad request target');
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    if (path === '/healthz' || path === '/readyz') {
      info.route = path;
      if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
      return (await ready()) ? sendJson(res, 200, { status: 'ready' }) : sendError(res, unavailable('not ready'));
    }
    if (draining) {
      res.setHeader('connection', 'close');
      throw unavailable('the server is shutting down; try again');
    }
    if (path === '/api' || path.startsWith('/api/')) {
      for (const route of routes) {
        if (route.method !== req.method) continue;
        const match = route.regex.exec(path);
        if (!match) continue;
        info.route = route.pattern;
        const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
        return route.handler({ req, res, params, query });
      }
      throw notFound('no such API route');
    }
    info.route = 'static';
    if (req.method !== 'GET' && req.method !== 'HEAD') throw notFound();
    return statics.serve(req, res, path);
  };

  const log = requestLogger(config.log, config);
  let inFlight = 0;
  let idleAgain;
  const server = createServer((req, res) => {
    const info = {};
    log(req, res, info);
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) idleAgain?.();
    });
    handle(req, res, info).catch((error) => {
      const known = httpErrorOf(error);
      info.error = known?.code ?? 'server_error';
      if (!known) console.error('gallery server: internal error:', error?.stack ?? error);
      // A body left unread (refused early) is not read on: the connection closes after the answer.
      if (!req.complete) res.setHeader('connection', 'close');
      sendError(res, error);
    });
  });
  // Slow senders are bounded: headers within headersTimeoutMs, a whole request (an 8 MiB piece)
  // within requestTimeoutMs, and a piece's body may not pause for bodyIdleTimeoutMs
  // (uploads.mjs). Responses (long video downloads) are not limited.
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  // Idle keep-alive connections stay open longer than a load balancer's usual idle timeout (60 s),
  // so the balancer, not this server, closes them (no request lost to that race).
  server.keepAliveTimeout = 65 * 1000;

  // Upkeep: expired tokens, pending entries, old failures, and uploads left unclaimed (bytes
  // first, then the row, so a crash between leaves a row that the next round drops). Bytes of a
  // claimed blob whose record was never made (a crash between claim and record) go the same way.
  // Blobs no record references (deleted for good, or left by the trash's 30 days): the records
  // went first, in the transaction that queued the blobs; each blob is removed, then forgotten,
  // so a crash anywhere leaves queue entries that the next sweep (at start, hourly, after each
  // delete) finishes. One sweep at a time.
  const sweepOnce = async () => {
    await store.purgeTrash(now() - config.trashDays * 86_400_000, now());
    // Removals are kept as long as the trash keeps files: a device away longer lists in full (410).
    await store.pruneRemovals(now() - config.trashDays * 86_400_000);
    for (let keys = await store.deadObjects(); keys.length; keys = await store.deadObjects()) {
      for (const key of keys) {
        await blobs.discard(key);
        await store.forgetDeadObject(key);
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
    await store.prune(now(), config.authFailureWindowMs);
    for (const key of await store.unclaimedObjectsBefore(now() - config.unclaimedUploadTtlMs)) {
      await blobs.discard(key);
      await store.deleteUnclaimedObject(key);
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

  let closing;
  return {
    url,
    dataDir,
    appAvailable: statics.available,
    /**
     * Stops gracefully: no new connections or requests (503, readyz fails), requests in flight
     * (a piece being written) get `graceMs` to finish, then the stores close.
     */
    close({ graceMs = 0 } = {}) {
      closing ??= (async () => {
        draining = true;
        clearInterval(pruner);
        const closed = new Promise((ok) => server.close(() => ok()));
        server.closeIdleConnections?.();
        if (inFlight > 0 && graceMs > 0) {
          const idle = new Promise((ok) => {
            idleAgain = ok;
          });
          let timer;
          await Promise.race([idle, new Promise((ok) => (timer = setTimeout(ok, graceMs)))]);
          clearTimeout(timer);
        }
        server.closeAllConnections?.();
        await closed;
        await store.close();
      })();
      return closing;
    },
    /** Hooks for tests only; never reachable over HTTP. */
    testing: {
      /**
       * GET /api/users/public-key answers `publicKeyB64` for `email` (to test key pinning), or
       * an object of fields to answer instead ({ publicKey, signingPublicKey, identitySignature }).
       */
      substitutePublicKey(email, substitute) {
        const fields = typeof substitute === 'string' ? { publicKey: substitute } : substitute;
        publicKeyOverrides.set(String(email).trim().normalize('NFC').toLowerCase(), fields);
      },
      clearSubstitutedPublicKeys: () => publicKeyOverrides.clear(),
      integrityCheck: () => store.integrityCheck(),
      /** Runs the hourly upkeep now. */
      prune,
      /** Deletes the blobs queued for deletion (and the trash past its days) now. */
      sweep,
      /** The routes served: [{ method, path }] (held to contract/routes.mjs and docs/server-api.md). */
      routes: () => routes.map(({ method, pattern }) => ({ method, path: pattern })),
      store,
      blobs,
      dataDir,
    },
  };
}
