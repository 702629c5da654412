// Real back ends for the server suite's second pass, started and stopped by the tests:
// - PostgreSQL from Debian's `postgresql` package: initdb into a temporary data directory and
//   pg_ctl on a free port, as the `postgres` user when the tests run as root (PostgreSQL
//   refuses root);
// - S3: Ceph's RADOS Gateway (Debian's `radosgw`, with `ceph-mon` and `ceph-osd`), a production
//   S3 server, on a one-monitor, one-OSD cluster in a temporary directory (memstore, no auth,
//   loopback only). It is the most real S3-compatible server Debian or npm installs here (MinIO,
//   Garage and SeaweedFS are in neither; npm has only emulators such as s3rver), and it enforces
//   what an emulator may not: the 5 MiB minimum part size (EntityTooSmall), ListParts, aborts.
// `npm run setup` installs both (scripts/setup.sh). tests/server/run-backends.mjs starts them
// once for the suite; a file run by hand with GALLERY_TEST_BACKEND=postgres-s3 starts its own.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// A run stopped by a signal still stops its servers: exiting runs each one's 'exit' handler.
let signalsHandled = false;
function stopOnSignals() {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(1));
}

/** A free TCP port on the loopback (bound and released). */
export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  throw new Error("PostgreSQL is not installed (Debian's postgresql package): run npm run setup");
}

/** The uid/gid PostgreSQL runs as: ours, or the `postgres` user's when we are root. */
function postgresUser() {
  if (process.getuid() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * A PostgreSQL server of its own: resolves to { adminUrl, newDatabase(), stop(), dataDir }.
 * newDatabase() creates an empty database and resolves to its URL.
 */
export async function startPostgres() {
  const bin = postgresBin();
  const user = postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'gallery-pg-'));
  const dataDir = join(dir, 'data');
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid);
  const run = (tool, args) => execFileSync(join(bin, tool), args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  run('initdb', ['-D', dataDir, '-U', 'gallery', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB`;
  run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const adminUrl = `postgres://gallery@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', stop);
  stopOnSignals();
  return {
    ...databasesAt(adminUrl, dataDir),
    port,
    async stop() {
      stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The status of a GET of `url` (node:http: the benches run without global fetch). */
function statusOf(url) {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
  });
}

/** Waits until `check` resolves truthy, trying every 200 ms for `ms`. */
async function until(check, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`${what} did not start within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

const CEPH_KEY = { accessKeyId: 'GALLERYTESTACCESSKEY', secretAccessKey: 'gallery-test-secret-key-not-a-secret' };

/**
 * A one-node Ceph cluster with its RADOS Gateway: resolves to { endpoint, accessKeyId,
 * secretAccessKey, newBucket(), stop() }. newBucket() names a fresh bucket (the store creates it).
 */
export async function startS3() {
  const dir = await mkdtemp(join(tmpdir(), 'gallery-ceph-'));
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = crypto.randomUUID();
  for (const d of ['run', 'log', 'mon', 'osd', 'rgw']) mkdirSync(join(dir, d));
  const conf = join(dir, 'ceph.conf');
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
ms mon client mode = crc
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms bind ipv6 = false
public addr = 127.0.0.1
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 1
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 4294967296
run dir = ${dir}/run
log file = ${dir}/log/$name.log
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
[mon.a]
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd
`,
  );
  const children = [];
  const daemon = (tool, args) => {
    const child = spawn(tool, ['-c', conf, '-f', ...args], { stdio: 'ignore', cwd: dir });
    children.push(child);
    return child;
  };
  const ceph = (tool, args) =>
    execFileSync(tool, ['-c', conf, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  stopOnSignals();
  try {
    ceph('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(dir, 'monmap')]);
    ceph('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = crypto.randomUUID();
    await until(() => ceph('ceph', ['--connect-timeout', '5', 'osd', 'new', osdUuid]), 30000, 'ceph-mon');
    ceph('ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    daemon('ceph-osd', ['-i', '0']);
    daemon('radosgw', [
      '-n',
      'client.admin',
      '--rgw-frontends',
      `beast endpoint=127.0.0.1:${rgwPort}`,
      '--rgw-data',
      join(dir, 'rgw'),
    ]);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await until(async () => (await statusOf(endpoint)) < 500, 90000, 'radosgw');
    ceph('radosgw-admin', [
      '-n',
      'client.admin',
      'user',
      'create',
      '--uid=gallery',
      '--display-name=gallery tests',
      `--access-key=${CEPH_KEY.accessKeyId}`,
      `--secret=${CEPH_KEY.secretAccessKey}`,
    ]);
    let count = 0;
    return {
      endpoint,
      ...CEPH_KEY,
      newBucket: () => `gallery-${process.pid}-${++count}`,
      async stop() {
        stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}

/** Which stores this run's servers use: GALLERY_TEST_BACKEND=postgres-s3, or SQLite and a folder. */
export const BACKEND = process.env.GALLERY_TEST_BACKEND === 'postgres-s3' ? 'postgres-s3' : 'sqlite-folder';

/** New databases on a running server named by its admin URL (run-backends.mjs's). */
function databasesAt(adminUrl, dataDir) {
  let count = 0;
  return {
    adminUrl,
    dataDir,
    async newDatabase() {
      const name = `gallery_${process.pid}_${++count}`;
      const client = new pg.Client(adminUrl);
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return adminUrl.replace(/\/[^/]*$/, `/${name}`);
    },
  };
}

let started;
/** The back ends of this process: the suite's (from the environment) or, run by hand, its own. */
export function sharedBackends() {
  started ??= (async () => {
    const postgres = process.env.GALLERY_TEST_PG
      ? databasesAt(process.env.GALLERY_TEST_PG, process.env.GALLERY_TEST_PG_DATA)
      : await startPostgres();
    let s3;
    if (process.env.GALLERY_TEST_S3) {
      let count = 0;
      s3 = { ...JSON.parse(process.env.GALLERY_TEST_S3), newBucket: () => `gallery-${process.pid}-${++count}` };
    } else s3 = await startS3();
    return { postgres, s3 };
  })();
  return started;
}

/** startGalleryServer options for a fresh set of stores of this run's back end ({} for SQLite and a folder). */
export async function backendOptions() {
  if (BACKEND !== 'postgres-s3') return {};
  const { postgres, s3 } = await sharedBackends();
  return {
    databaseUrl: await postgres.newDatabase(),
    s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket: s3.newBucket() },
  };
}

/** The environment that makes `node server/main.mjs` use the same kind of fresh stores. */
export async function backendEnv() {
  const options = await backendOptions();
  if (!options.databaseUrl) return {};
  return {
    DATABASE_URL: options.databaseUrl,
    S3_ENDPOINT: options.s3.endpoint,
    S3_BUCKET: options.s3.bucket,
    S3_ACCESS_KEY_ID: options.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: options.s3.secretAccessKey,
  };
}

/**
 * Opens the stores a server child (started with backendEnv()'s `env` over `dataDir`) uses, to
 * look inside after a crash: { integrity(), fileCount(), blobs, leftovers(), close() }, where
 * leftovers() names what uploads left behind (part files, incomplete-part objects).
 */
export async function inspectStores(env, dataDir) {
  const { openFolderBlobStore } = await import('../../server/store/blobs.mjs');
  const { readdir } = await import('node:fs/promises');
  if (!env.DATABASE_URL) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'metadata.sqlite'));
    return {
      integrity: async () => db.pragma('integrity_check', { simple: true }),
      fileCount: async () => db.prepare('SELECT count(*) AS n FROM files').get().n,
      blobs: await openFolderBlobStore(dataDir),
      leftovers: async () => readdir(join(dataDir, 'uploads')),
      close: async () => db.close(),
    };
  }
  const { openS3BlobStore } = await import('../../server/store/s3.mjs');
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const client = new pg.Client(env.DATABASE_URL);
  await client.connect();
  const blobs = await openS3BlobStore({
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  return {
    // PostgreSQL checks pages as it reads them: reading every table whole is the check.
    async integrity() {
      for (const t of ['users', 'tokens', 'collections', 'shares', 'objects', 'files', 'ml_data', 'pending']) {
        await client.query(`SELECT * FROM ${t}`);
      }
      return 'ok';
    },
    fileCount: async () => (await client.query('SELECT count(*)::int AS n FROM files')).rows[0].n,
    blobs,
    leftovers: async () =>
      ((await blobs.client.send(new ListObjectsV2Command({ Bucket: env.S3_BUCKET, Prefix: 'uploads/' }))).Contents ?? []).map(
        (o) => o.Key,
      ),
    close: () => client.end(),
  };
}

/** A fresh metadata store and blob store of this run's back end, for a test to wrap and pass to a server. */
export async function openBackendStores(dir) {
  const { openSqliteStore } = await import('../../server/store/sqlite.mjs');
  const { openFolderBlobStore } = await import('../../server/store/blobs.mjs');
  const options = await backendOptions();
  if (!options.databaseUrl) {
    return { metadataStore: openSqliteStore(join(dir, 'metadata.sqlite')), blobStore: await openFolderBlobStore(dir) };
  }
  const { openPostgresStore } = await import('../../server/store/postgres.mjs');
  const { openS3BlobStore } = await import('../../server/store/s3.mjs');
  return { metadataStore: await openPostgresStore(options.databaseUrl), blobStore: await openS3BlobStore(options.s3) };
}
