// The gallery server under a mixed load, on SQLite + a blob folder and on PostgreSQL + S3
// (Ceph's RADOS Gateway; both started here as the tests start them, tests/server/backends.mjs):
// log-ins (SRP), listings (paged), uploads in pieces with their file records, ranged downloads
// and ML data, from 1, 4, 16 and 64 concurrent clients. The server is `node server/main.mjs` in
// a child process, so its CPU and RSS are its own. Then a crash loop: SIGKILL under an upload
// load, restart, resume; every acknowledged piece is checked to be there afterwards and every
// finished file is downloaded and compared.
//   SERVER_BENCH_SECONDS (default 8) per level, SERVER_BENCH_KILLS (default 8) per back end.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { freePort, startPostgres, startS3 } from '../../tests/server/backends.mjs';
import SRPModule from 'fast-srp-hap';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import { fmt, table } from './harness.mjs';

const SECONDS = Number(process.env.SERVER_BENCH_SECONDS ?? 8);
const KILLS = Number(process.env.SERVER_BENCH_KILLS ?? 8);
const LEVELS = [1, 4, 16, 64];
/** SERVER_BENCH_PARTS=load or =crash runs one part (while working on it). */
const PARTS = (process.env.SERVER_BENCH_PARTS ?? 'load,crash').split(',');
const ACCOUNTS = 16;
const MAIN = fileURLToPath(new URL('../../server/main.mjs', import.meta.url));
const PIECE = 256 * 1024;
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const core = await loadCryptoCore();
const { SRP } = SRPModule;

/**
 * An account the server accepts: a real key pair (the token is sealed to it) and SRP verifier;
 * the wrapped keys are random bytes of the right sizes (the server cannot tell, and no
 * Argon2 is needed to log in: the bench knows the login subkey).
 */
function makeAccount(email) {
  const { publicKey, secretKey } = core.box.keypair();
  const loginSubKey = randomBytes(16);
  const srpUserID = randomUUID();
  const srpSalt = randomBytes(16);
  const r = (n) => b64(randomBytes(n));
  const keyAttributes = {
    kekSalt: r(16),
    encryptedKey: r(48),
    keyDecryptionNonce: r(24),
    publicKey: b64(publicKey),
    encryptedSecretKey: r(48),
    secretKeyDecryptionNonce: r(24),
    memLimit: 64 * 1024 * 1024,
    opsLimit: 2,
    masterKeyEncryptedWithRecoveryKey: r(48),
    masterKeyDecryptionNonce: r(24),
    recoveryKeyEncryptedWithMasterKey: r(48),
    recoveryKeyDecryptionNonce: r(24),
  };
  const srpVerifier = b64(SRP.computeVerifier(SRP.params['4096'], srpSalt, Buffer.from(srpUserID), loginSubKey));
  return {
    email,
    publicKey,
    secretKey,
    loginSubKey,
    signupBody: { email, keyAttributes, srpUserID, srpSalt: b64(srpSalt), srpVerifier },
  };
}
const openToken = (sealed, publicKey, secretKey) =>
  Buffer.from(core.box.sealOpen(Buffer.from(sealed, 'base64'), publicKey, secretKey)).toString('base64url');

/** One HTTP call over kept-alive connections: { status, headers (a Map-like get), bytes }. */
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
function fetchish(url, { method, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: body ? { ...headers, 'content-length': body.length } : headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: { get: (n) => res.headers[n] ?? null }, bytes: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---- the server child ----
async function startServer(dir, env, port = 0) {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      APP_DIR: join(dir, 'app'),
      LOG_REQUESTS: '0',
      TRUST_PROXY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const seen = (d) => {
      out += d;
      const m = /gallery server: (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  return { child, url };
}
const killed = (child) =>
  new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', ok);
    child.kill('SIGKILL');
  });
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

// ---- the client side ----
const srpWorker = new Worker(new URL('./srp-client-worker.mjs', import.meta.url));
srpWorker.unref();
let srpIds = 0;
const srpWaiting = new Map();
srpWorker.on('message', ({ id, value, error }) => {
  const w = srpWaiting.get(id);
  srpWaiting.delete(id);
  error ? w.reject(new Error(error)) : w.resolve(Buffer.from(value));
});
/** A step of log-in `id` in the worker (its client is kept there between the two steps). */
const srp = (id, message) =>
  new Promise((resolve, reject) => {
    srpWaiting.set(id, { resolve, reject });
    srpWorker.postMessage({ id, ...message });
  });

/** Records every call: route -> latencies; bytes; unexpected answers. */
function recorder() {
  const routes = new Map();
  const r = { routes, bytes: 0, errors: 0, requests: 0, errorSamples: [] };
  r.call = async (url, method, path, route, { token, address, body, raw, headers = {}, expect = [200, 201, 204, 206] } = {}) => {
    const h = { ...headers, 'x-forwarded-for': address };
    if (token) h['x-auth-token'] = token;
    let payload = raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const t0 = performance.now();
    let status;
    let bytes;
    let result;
    try {
      const res = await fetchish(url + path, {
        method,
        headers: h,
        body: payload === undefined ? undefined : Buffer.from(payload),
      });
      bytes = res.bytes;
      status = res.status;
      result = { status, headers: res.headers, bytes, json: () => JSON.parse(Buffer.from(bytes).toString()) };
    } catch (e) {
      status = 0;
      result = { status: 0, error: e };
    }
    const ms = performance.now() - t0;
    r.requests++;
    r.bytes += (payload?.length ?? 0) + (bytes?.length ?? 0);
    if (!routes.has(route)) routes.set(route, []);
    routes.get(route).push(ms);
    if (!expect.includes(status)) {
      r.errors++;
      if (r.errorSamples.length < 5) r.errorSamples.push(`${method} ${route} ${status}`);
    }
    return result;
  };
  return r;
}

async function loginAs(rec, url, account, address) {
  const attrs = (
    await rec.call(url, 'POST', '/api/srp/attributes', 'POST /api/srp/attributes', { address, body: { email: account.email } })
  ).json();
  const identity = Buffer.from(attrs.srpUserID);
  const id = ++srpIds;
  const A = await srp(id, {
    step: 'A',
    salt: Buffer.from(attrs.srpSalt, 'base64'),
    identity,
    password: Buffer.from(account.loginSubKey),
  });
  const session = (
    await rec.call(url, 'POST', '/api/srp/session', 'POST /api/srp/session', {
      address,
      body: { srpUserID: attrs.srpUserID, srpA: b64(A) },
    })
  ).json();
  const M1 = await srp(id, { step: 'M1', B: Buffer.from(session.srpB, 'base64') });
  const verify = await rec.call(url, 'POST', '/api/srp/verify', 'POST /api/srp/verify', {
    address,
    body: { sessionID: session.sessionID, srpM1: b64(M1) },
  });
  return openToken(verify.json().encryptedToken, account.publicKey, account.secretKey);
}

async function upload(rec, url, token, address, bytes) {
  const created = await rec.call(url, 'POST', '/api/uploads', 'POST /api/uploads', {
    token,
    address,
    body: { size: bytes.length },
  });
  const { objectKey } = created.json();
  for (let offset = 0; offset < bytes.length; offset += PIECE) {
    await rec.call(url, 'PATCH', `/api/uploads/${objectKey}`, 'PATCH /api/uploads/:objectKey', {
      token,
      address,
      headers: { 'upload-offset': String(offset) },
      raw: bytes.subarray(offset, offset + PIECE),
    });
  }
  return objectKey;
}

const fileBody = (collectionID, fileObject, thumbObject) => ({
  collectionID,
  encryptedKey: b64(randomBytes(48)),
  keyDecryptionNonce: b64(randomBytes(24)),
  file: { objectKey: fileObject, decryptionHeader: b64(randomBytes(24)) },
  thumbnail: { objectKey: thumbObject, decryptionHeader: b64(randomBytes(24)) },
  metadata: { encryptedData: b64(randomBytes(200)), decryptionHeader: b64(randomBytes(24)) },
});

async function addFile(rec, url, token, address, album, size = 2 * PIECE) {
  const fileObject = await upload(rec, url, token, address, randomBytes(size));
  const thumbObject = await upload(rec, url, token, address, randomBytes(16 * 1024));
  const made = await rec.call(url, 'POST', '/api/files', 'POST /api/files', {
    token,
    address,
    body: fileBody(album, fileObject, thumbObject),
  });
  return made.json().id;
}

/** Accounts with an album of seed files (with ML data) each; returns [{ account, token, album, files }]. */
async function seed(url) {
  const rec = recorder();
  const out = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = makeAccount(`bench${i}@example.org`);
    const address = `203.0.113.${i + 1}`;
    await rec.call(url, 'POST', '/api/users', 'signup', { address, body: account.signupBody });
    const token = await loginAs(rec, url, account, address);
    const album = (
      await rec.call(url, 'POST', '/api/collections', 'collection', {
        token,
        address,
        body: {
          encryptedKey: b64(randomBytes(48)),
          keyDecryptionNonce: b64(randomBytes(24)),
          encryptedName: b64(randomBytes(40)),
          nameDecryptionNonce: b64(randomBytes(24)),
        },
      })
    ).json().id;
    const files = [];
    for (let f = 0; f < 8; f++) files.push(await addFile(rec, url, token, address, album));
    for (const id of files) {
      await rec.call(url, 'PUT', `/api/files/${id}/ml`, 'ml', {
        token,
        address,
        body: { encryptedData: b64(randomBytes(3000)), decryptionHeader: b64(randomBytes(24)) },
      });
    }
    out.push({ account, token, album, files });
  }
  if (rec.errors) throw new Error(`seeding failed: ${rec.errorSamples.join(', ')}`);
  return out;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** One client's mixed work until `deadline`. */
async function client(rec, url, who, n, deadline) {
  const address = `198.51.100.${(n % 250) + 1}`;
  while (performance.now() < deadline) {
    const r = Math.random();
    if (r < 0.03) {
      who.token = await loginAs(rec, url, who.account, address);
    } else if (r < 0.33) {
      await rec.call(url, 'GET', '/api/collections', 'GET /api/collections', { token: who.token, address });
      await rec.call(url, 'GET', `/api/collections/${who.album}/files?limit=500`, 'GET /api/collections/:id/files', {
        token: who.token,
        address,
      });
    } else if (r < 0.63) {
      const start = Math.floor(Math.random() * PIECE);
      await rec.call(url, 'GET', `/api/files/${pick(who.files)}/file`, 'GET /api/files/:id/file (Range)', {
        token: who.token,
        address,
        headers: { range: `bytes=${start}-${start + PIECE - 1}` },
      });
    } else if (r < 0.8) {
      await addFile(rec, url, who.token, address, who.album);
    } else {
      await rec.call(url, 'PUT', `/api/files/${pick(who.files)}/ml`, 'PUT /api/files/:id/ml', {
        token: who.token,
        address,
        body: { encryptedData: b64(randomBytes(3000)), decryptionHeader: b64(randomBytes(24)) },
      });
      await rec.call(url, 'POST', '/api/files/ml', 'POST /api/files/ml', {
        token: who.token,
        address,
        body: { fileIDs: who.files },
      });
    }
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function loadLevels(label, env) {
  const dir = await mkdtemp(join(tmpdir(), 'gallery-bench-'));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), '<!doctype html>');
  const server = await startServer(dir, env);
  const rows = [];
  const perRoute = [];
  try {
    const people = await seed(server.url);
    for (const level of LEVELS) {
      const rec = recorder();
      const cpu0 = cpuSeconds(server.child.pid);
      let rss = rssMiB(server.child.pid);
      const sampler = setInterval(() => (rss = Math.max(rss, rssMiB(server.child.pid))), 250);
      const t0 = performance.now();
      const deadline = t0 + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: level }, (_, n) => client(rec, server.url, { ...people[n % ACCOUNTS] }, n, deadline)),
      );
      const wall = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      const cpu = cpuSeconds(server.child.pid) - cpu0;
      const all = [...rec.routes.values()].flat();
      rows.push({
        level,
        rps: rec.requests / wall,
        mbps: rec.bytes / wall / 1e6,
        p50: pct(all, 50),
        p99: pct(all, 99),
        errors: rec.errors,
        cpu: (100 * cpu) / wall,
        rss,
        samples: rec.errorSamples,
      });
      for (const [route, ms] of [...rec.routes].sort())
        perRoute.push([label, level, route, ms.length, fmt(pct(ms, 50)), fmt(pct(ms, 99))]);
      process.stderr.write(
        `${label} x${level}: ${fmt(rec.requests / wall)} req/s, errors ${rec.errors} ${rec.errorSamples.join(' ')}\n`,
      );
    }
  } finally {
    await killed(server.child);
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, perRoute };
}

/** SIGKILL under an upload load, restart on the same stores and port, resume; then verify. */
async function crashLoop(label, env) {
  const dir = await mkdtemp(join(tmpdir(), 'gallery-bench-crash-'));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), '<!doctype html>');
  const port = await freePort();
  let server = await startServer(dir, env, port);
  const url = server.url;
  const rec = recorder();
  const stats = { kills: 0, uploads: 0, resumed: 0, lostBytes: 0, acknowledged: 0, files: [], mismatched: 0, unmade: 0 };
  try {
    const [who] = await seed(url);
    let stop = false;
    const worker = async (n) => {
      const address = `192.0.2.${n + 1}`;
      while (!stop) {
        const bytes = randomBytes(8 * PIECE);
        let objectKey;
        let acked = 0;
        const retrying = async (fn) => {
          const give = performance.now() + 120_000;
          while (performance.now() < give) {
            const res = await fn();
            if (res.status && res.status < 500 && res.status !== 409) return res;
            if (res.status === 409 && !res.headers?.get('retry-after')) return res;
            await new Promise((ok) => setTimeout(ok, 200));
          }
          throw new Error('the server did not come back within 120 s');
        };
        objectKey = (
          await retrying(() =>
            rec.call(url, 'POST', '/api/uploads', 'crash POST uploads', {
              token: who.token,
              address,
              body: { size: bytes.length },
              expect: [201, 0],
            }),
          )
        ).json().objectKey;
        stats.uploads++;
        while (acked < bytes.length) {
          const res = await rec.call(url, 'PATCH', `/api/uploads/${objectKey}`, 'crash PATCH', {
            token: who.token,
            address,
            headers: { 'upload-offset': String(acked) },
            raw: bytes.subarray(acked, acked + PIECE),
            expect: [204, 0, 409, 503],
          });
          if (res.status === 204) {
            acked = Number(res.headers.get('upload-offset'));
            stats.acknowledged += PIECE;
            continue;
          }
          // Cut off (killed) or refused: ask where the upload stands, as the gallery does.
          stats.resumed++;
          const head = await retrying(() =>
            rec.call(url, 'HEAD', `/api/uploads/${objectKey}`, 'crash HEAD', { token: who.token, address, expect: [200, 0] }),
          );
          const stored = Number(head.headers.get('upload-offset'));
          if (stored < acked) stats.lostBytes += acked - stored;
          acked = stored;
          if (res.status === 409) await new Promise((ok) => setTimeout(ok, 500));
        }
        const thumb = randomBytes(1000);
        const thumbKey = (
          await retrying(() =>
            rec.call(url, 'POST', '/api/uploads', 'crash POST uploads', {
              token: who.token,
              address,
              body: { size: thumb.length },
              expect: [201, 0],
            }),
          )
        ).json().objectKey;
        await retrying(() =>
          rec.call(url, 'PATCH', `/api/uploads/${thumbKey}`, 'crash PATCH', {
            token: who.token,
            address,
            headers: { 'upload-offset': '0' },
            raw: thumb,
            expect: [204, 0, 409],
          }),
        );
        const made = await retrying(() =>
          rec.call(url, 'POST', '/api/files', 'crash POST files', {
            token: who.token,
            address,
            body: fileBody(who.album, objectKey, thumbKey),
            expect: [201, 0, 409],
          }),
        );
        if (made.status === 201) stats.files.push({ id: made.json().id, bytes });
        else stats.unmade++;
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    try {
      for (let k = 0; k < KILLS; k++) {
        await new Promise((ok) => setTimeout(ok, 500 + Math.random() * 1500));
        await killed(server.child);
        stats.kills++;
        server = await startServer(dir, env, port);
        process.stderr.write(`${label}: kill ${k + 1}, restarted\n`);
      }
    } finally {
      stop = true;
    }
    await Promise.all(workers);
    for (const f of stats.files) {
      const got = await rec.call(url, 'GET', `/api/files/${f.id}/file`, 'crash GET', {
        token: who.token,
        address: '192.0.2.200',
      });
      if (!Buffer.from(got.bytes).equals(f.bytes)) stats.mismatched++;
    }
  } finally {
    await killed(server.child);
    await rm(dir, { recursive: true, force: true });
  }
  return [
    label,
    stats.kills,
    stats.uploads,
    stats.files.length,
    stats.unmade,
    stats.resumed,
    fmt(stats.acknowledged / 1e6),
    stats.lostBytes,
    stats.mismatched,
  ];
}

// ---- run ----
const t0 = Date.now();
const [postgres, s3] = await Promise.all([startPostgres(), startS3()]);
const remote = async () => ({
  DATABASE_URL: await postgres.newDatabase(),
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: s3.newBucket(),
  S3_ACCESS_KEY_ID: s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
});
const results = [];
const crashes = [];
try {
  if (PARTS.includes('load')) {
    results.push(['SQLite + folder', await loadLevels('SQLite + folder', {})]);
    results.push(['PostgreSQL + S3 (RGW)', await loadLevels('PostgreSQL + S3 (RGW)', await remote())]);
  }
  if (PARTS.includes('crash')) {
    crashes.push(await crashLoop('SQLite + folder', {}));
    crashes.push(await crashLoop('PostgreSQL + S3 (RGW)', await remote()));
  }
} finally {
  await Promise.all([postgres.stop(), s3.stop()]);
}

const saturation = (rows) => {
  for (let i = 1; i < rows.length; i++)
    if (rows[i].rps < rows[i - 1].rps * 1.1) return `saturated at ${rows[i - 1].level} clients`;
  return `still growing at ${rows.at(-1).level} clients`;
};
console.log('## Gallery server: mixed load on SQLite + folder and PostgreSQL + S3');
console.log();
console.log(
  `\`node server/main.mjs\` in a child process; the load generator in the bench process (SRP client steps in a worker thread), ${SECONDS} s per level. ` +
    'Mix per client: 3% log-ins (attributes, session, verify), 30% listings (collections + a 500-file page), 30% ranged 256 KiB downloads, ' +
    '17% uploads (a 512 KiB object in two 256 KiB pieces + a 16 KiB thumbnail + the file record), 20% ML data (a put and a 16-file query). ' +
    'PostgreSQL 15 and Ceph RADOS Gateway 16 (memstore OSD) run on the same 2 cores, started as the tests start them. Server CPU is % of one core.',
);
console.log();
const rowsOut = [];
for (const [label, { rows }] of results) {
  for (const r of rows)
    rowsOut.push([label, r.level, fmt(r.rps), fmt(r.mbps), fmt(r.p50), fmt(r.p99), r.errors, fmt(r.cpu, 0), fmt(r.rss, 0)]);
}
console.log(
  table(['stores', 'clients', 'requests/s', 'MB/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU %', 'server RSS MiB'], rowsOut),
);
console.log();
console.log(
  `Saturates (requests/s grows under 10% with 4x the clients): ${results.map(([label, { rows }]) => `${label} at ${saturation(rows)}`).join('; ')}.`,
);
console.log();
console.log('### Per route');
console.log();
console.log(
  table(
    ['stores', 'clients', 'route', 'requests', 'p50 ms', 'p99 ms'],
    results.flatMap(([, { perRoute }]) => perRoute),
  ),
);
console.log();
console.log('### Crash loop: SIGKILL under upload load, restart, resume');
console.log();
console.log(
  `8 clients each uploading 2 MiB objects in 256 KiB pieces (a cut piece resumes from HEAD's offset), the server SIGKILLed ${KILLS} times at random 0.5-2 s intervals and restarted on the same stores; afterwards every finished file is downloaded and compared.`,
);
console.log();
console.log(
  table(
    [
      'stores',
      'kills',
      'uploads begun',
      'files made',
      'records refused',
      'resumes',
      'acknowledged MB',
      'acknowledged bytes lost',
      'files differing',
    ],
    crashes,
  ),
);
console.log();
console.log(`One run of each (${fmt((Date.now() - t0) / 1000, 0)} s in all), on a machine shared with other work.`);
process.exit(0); // the kept-alive client connections would hold the process open
