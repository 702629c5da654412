// Faults, each fixed at its cause (issue 26): a full disk (a real one: the data directory on a
// 3 MiB tmpfs) answers 507 and acknowledges only bytes it stored, and service comes back by
// itself when space does; a stalled PATCH is taken over by the next one and a body that stops
// arriving is dropped; the expensive routes are limited per client address; a claimed upload
// whose record was never made is collected by upkeep (in-process here; crash.test.mjs kills a
// server in that gap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { BACKEND, openBackendStores } from './backends.mjs';
import {
  api,
  b64,
  createCollection,
  login,
  placeholderRecord,
  signup,
  startTestServer,
  tempDir,
  testBytes,
  testClock,
  uploadObject,
} from './helpers.mjs';

/** Mounts a tmpfs of `bytes` at `dir`; false where mounting is not allowed (not root). */
function mountTmpfs(dir, bytes) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

test('a full disk: 507 insufficient_storage, only stored bytes acknowledged, service back when space returns', async (t) => {
  if (BACKEND !== 'sqlite-folder') return t.skip('the data directory holds blobs only with the folder store');
  const dir = await tempDir('full-disk');
  const data = join(dir, 'data');
  await mkdir(data);
  if (!mountTmpfs(data, 3 * 1024 * 1024)) {
    await rm(dir, { recursive: true, force: true });
    return t.skip('mounting a tmpfs needs root');
  }
  const server = await startTestServer({ dataDir: data });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'A');
    // Leave about 700 KB free, then upload 1.5 MB in 100 KB pieces.
    const filler = join(data, 'filler');
    const free = Number(execFileSync('df', ['--output=avail', '-B1', data], { encoding: 'utf8' }).split('\n')[1]);
    await writeFile(filler, Buffer.alloc(free - 700 * 1024));
    const bytes = testBytes(1500 * 1024);
    const piece = 100 * 1024;
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: bytes.length } });
    let acknowledged = 0;
    let refused;
    while (acknowledged < bytes.length) {
      const res = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
        token,
        headers: { 'upload-offset': String(acknowledged) },
        raw: bytes.subarray(acknowledged, acknowledged + piece),
      });
      if (res.status !== 204) {
        refused = res;
        break;
      }
      acknowledged = Number(res.headers.get('upload-offset'));
    }
    assert.ok(refused, 'the disk filled before the upload ended');
    assert.equal(refused.status, 507);
    assert.equal(refused.json.error, 'insufficient_storage');
    assert.ok(acknowledged > 0);
    // What was acknowledged is exactly what is stored, byte for byte; nothing more.
    const head = await api(server.url, 'HEAD', `/api/uploads/${objectKey}`, { token });
    assert.equal(head.headers.get('upload-offset'), String(acknowledged));
    assert.deepEqual(await readFile(join(data, 'uploads', `${objectKey}.part`)), Buffer.from(bytes.subarray(0, acknowledged)));
    // Other writes answer 507 too (not a bare 500) while the disk is full.
    const more = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': String(acknowledged) },
      raw: bytes.subarray(acknowledged, acknowledged + piece),
    });
    assert.equal(more.status, 507);

    // Space returns: the same server goes on from the stored offset, no restart (a lock the
    // full disk kept from being released answers 409 with Retry-After until it goes stale).
    await rm(filler);
    const fileKey = objectKey;
    for (let offset = acknowledged; offset < bytes.length; offset += piece) {
      let res;
      for (let tries = 0; tries < 3; tries++) {
        res = await api(server.url, 'PATCH', `/api/uploads/${fileKey}`, {
          token,
          headers: { 'upload-offset': String(offset) },
          raw: bytes.subarray(offset, offset + piece),
        });
        if (res.status !== 409 || !res.headers.get('retry-after')) break;
        await new Promise((ok) => setTimeout(ok, Number(res.headers.get('retry-after')) * 1000));
      }
      assert.equal(res.status, 204);
    }
    const thumb = await uploadObject(server.url, token, testBytes(100));
    const made = await api(server.url, 'POST', '/api/files', {
      token,
      body: placeholderRecord(album.id, fileKey, thumb),
    });
    assert.equal(made.status, 201);
    const got = await api(server.url, 'GET', `/api/files/${made.json.id}/file`, { token });
    assert.deepEqual(got.bytes, bytes);
    assert.equal(await server.testing.integrityCheck(), 'ok');
  } finally {
    await server.stop();
    execFileSync('umount', [data]);
    await rm(dir, { recursive: true, force: true });
  }
});

/** A PATCH that sends `sent` bytes of a `declared`-byte body and then waits; resolves to its outcome. */
function stalledPatch(url, token, objectKey, offset, body, sent) {
  const u = new URL(url);
  const req = request({
    host: u.hostname,
    port: u.port,
    method: 'PATCH',
    path: `/api/uploads/${objectKey}`,
    headers: { 'x-auth-token': token, 'upload-offset': String(offset), 'content-length': body.length },
  });
  const outcome = new Promise((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (e) => resolve({ error: e.code ?? e.message }));
  });
  req.write(body.subarray(0, sent));
  return { outcome, finish: () => req.end(body.subarray(sent)) };
}

test('a stalled PATCH is taken over by the next one; the stalled one then stores nothing', async () => {
  const server = await startTestServer({ uploadLockStaleMs: 300, bodyIdleTimeoutMs: 60_000 });
  try {
    await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, 'alice@example.org', 'pw');
    const bytes = testBytes(64 * 1024);
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: bytes.length } });
    const stalled = stalledPatch(server.url, token, objectKey, 0, bytes, 10 * 1024);
    await new Promise((ok) => setTimeout(ok, 100));
    const early = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': '0' },
      raw: bytes,
    });
    assert.equal(early.status, 409, 'a live holder keeps its lock');
    assert.ok(Number(early.headers.get('retry-after')) >= 1);
    await new Promise((ok) => setTimeout(ok, 600));
    const resumed = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': '0' },
      raw: bytes,
    });
    assert.equal(resumed.status, 204, 'a stalled holder is taken over');
    stalled.finish();
    const old = await stalled.outcome;
    assert.equal(old.status, 409, 'the old request finds its lock gone');
    const head = await api(server.url, 'HEAD', `/api/uploads/${objectKey}`, { token });
    assert.equal(head.headers.get('upload-offset'), String(bytes.length));
  } finally {
    await server.close();
  }
});

test('a body that stops arriving is dropped after the idle timeout and frees its upload at once', async () => {
  const server = await startTestServer({ bodyIdleTimeoutMs: 300, uploadLockStaleMs: 60_000 });
  try {
    await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, 'alice@example.org', 'pw');
    const bytes = testBytes(64 * 1024);
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: bytes.length } });
    const started = Date.now();
    const stalled = stalledPatch(server.url, token, objectKey, 0, bytes, 10 * 1024);
    const outcome = await stalled.outcome;
    assert.ok(outcome.status === 408 || outcome.error, `cut (${JSON.stringify(outcome)})`);
    assert.ok(Date.now() - started < 30_000);
    const next = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': '0' },
      raw: bytes,
    });
    assert.equal(next.status, 204, 'the lock went with the dropped request');
  } finally {
    await server.close();
  }
});

test('sign-up, SRP and recovery calls are limited per client address, in the shared database', async () => {
  const clock = testClock();
  const server = await startTestServer({ now: clock.now, addressLimit: { max: 3, windowMs: 60_000 }, trustProxy: true });
  try {
    await signup(server.url, 'alice@example.org', 'pw'); // 1
    const session = (address) =>
      api(server.url, 'POST', '/api/srp/session', {
        headers: { 'x-forwarded-for': address },
        body: { srpUserID: '5a4b0fa6-3fa5-4c4e-9b6e-6a8d1f0f3f11', srpA: b64(testBytes(256)) },
      });
    // signup above came from 127.0.0.1 (no header): another address has its own count.
    for (let i = 0; i < 3; i++) assert.equal((await session('203.0.113.7')).status, 200);
    const limited = await session('203.0.113.7');
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await session('198.51.100.2')).status, 200, 'another address is not limited');
    clock.advance(60_000);
    assert.equal((await session('203.0.113.7')).status, 200, 'the next window');
  } finally {
    await server.close();
  }
});

test('a claimed upload whose file record was never made is collected with its row after the TTL', async () => {
  const clock = testClock();
  const dir = await tempDir('orphan');
  const stores = await openBackendStores(dir);
  const metadataStore = {
    ...stores.metadataStore,
    async createFile() {
      throw new Error('the process died between the claim and the record');
    },
  };
  const server = await startTestServer({ now: clock.now, metadataStore, blobStore: stores.blobStore });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'A');
    const fileKey = await uploadObject(server.url, token, testBytes(1000));
    const thumbKey = await uploadObject(server.url, token, testBytes(100));
    const failed = await api(server.url, 'POST', '/api/files', {
      token,
      body: placeholderRecord(album.id, fileKey, thumbKey),
    });
    assert.equal(failed.status, 500);
    const { blobs } = server.testing;
    assert.equal(await blobs.isClaimed(fileKey), true, 'claimed, with no record');
    clock.advance(7 * 24 * 3600 * 1000 + 1);
    await server.testing.prune();
    assert.equal(await blobs.isClaimed(fileKey), false, 'its bytes are gone');
    assert.equal(await blobs.storedBytes(fileKey), 0);
    assert.equal(await server.testing.store.object(fileKey), undefined, 'and its row');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
