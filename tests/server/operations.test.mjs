// Operating the server: /healthz and /readyz, request logs that carry no secret, graceful
// shutdown (a piece in flight finishes, new requests are refused), paged listings, storage
// quotas and the usage route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { addFile, api, b64, createCollection, login, signup, startTestServer, testBytes } from './helpers.mjs';

test('/healthz and /readyz answer; readyz fails while shutting down', async () => {
  const server = await startTestServer();
  try {
    const health = await api(server.url, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await api(server.url, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { status: 'ready' });
  } finally {
    await server.close();
  }
});

test('request logs: one JSON line per request with the route pattern; no token, key, email or access token', async () => {
  const lines = [];
  const server = await startTestServer({ log: (line) => lines.push(line) });
  try {
    const { url } = server;
    const alice = await signup(url, 'alice.logged@example.org', 'Alice-Password');
    await signup(url, 'bob.logged@example.org', 'Bob-Password');
    const a = await login(url, alice.email, alice.password);
    const album = await createCollection(url, alice, a.token, 'Logged Album');
    await addFile(url, a.token, album, { bytes: testBytes(1000), thumbnail: testBytes(100), title: 't' });
    await api(url, 'GET', `/api/users/public-key?email=${encodeURIComponent('bob.logged@example.org')}`, { token: a.token });
    const link = await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: a.token });
    await api(url, 'GET', '/api/public/files', { accessToken: link.json.accessToken });
    await api(url, 'GET', '/api/nothing-here', { token: a.token });
    await new Promise((ok) => setTimeout(ok, 50)); // the last answer's 'close'
    const entries = lines.map((l) => JSON.parse(l));
    assert.ok(entries.length >= 15);
    for (const e of entries) {
      assert.deepEqual(
        Object.keys(e)
          .filter((k) => e[k] !== undefined)
          .every((k) =>
            ['time', 'method', 'route', 'status', 'ms', 'bytesIn', 'bytesOut', 'error', 'complete', 'address'].includes(k),
          ),
        true,
      );
    }
    assert.ok(entries.some((e) => e.route === '/api/srp/verify' && e.status === 200));
    assert.ok(entries.some((e) => e.route === '/api/uploads/:objectKey' && e.method === 'PATCH' && e.status === 204));
    assert.ok(entries.some((e) => e.route === 'unmatched' && e.status === 404 && e.error === 'not_found'));
    const text = lines.join('');
    const tokenBytes = (t) => Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    for (const [label, needle] of [
      ['token', a.token],
      ['token (base64)', tokenBytes(a.token).toString('base64')],
      ['email', 'alice.logged@example.org'],
      ['email (url-encoded)', 'bob.logged%40example.org'],
      ['email B', 'bob.logged@example.org'],
      ['access token', link.json.accessToken],
      ['public key', b64(alice.publicKey)],
      ['key attributes', alice.keyAttributes.encryptedKey],
      ['srp verifier', alice.signupBody.srpVerifier],
    ]) {
      assert.ok(!text.includes(needle), `${label} in the logs`);
    }
  } finally {
    await server.close();
  }
});

test('graceful shutdown: a piece in flight finishes and is stored; new requests are refused', async () => {
  const server = await startTestServer();
  const { url } = server;
  await signup(url, 'alice@example.org', 'pw');
  const { token } = await login(url, 'alice@example.org', 'pw');
  const bytes = testBytes(64 * 1024);
  const {
    json: { objectKey },
  } = await api(url, 'POST', '/api/uploads', { token, body: { size: bytes.length } });
  const u = new URL(url);
  const req = request({
    host: u.hostname,
    port: u.port,
    method: 'PATCH',
    path: `/api/uploads/${objectKey}`,
    headers: { 'x-auth-token': token, 'upload-offset': '0', 'content-length': bytes.length },
  });
  const answered = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, 1000));
  await new Promise((ok) => setTimeout(ok, 200));
  const closing = server.stop({ graceMs: 10_000 }); // keeps the data folder
  await new Promise((ok) => setTimeout(ok, 100));
  // New connections are refused while the piece is still arriving.
  await assert.rejects(fetch(`${url}/healthz`));
  req.end(bytes.subarray(1000));
  assert.equal(await answered, 204, 'the piece in flight finished');
  await closing;
  assert.equal(await server.testing.blobs.storedBytes(objectKey), bytes.length, 'its bytes were stored');
  await server.close(); // the temporary folder
});

test('listings in pages by update time: every file once, in order; the unpaged shape is the same list', async () => {
  const server = await startTestServer();
  try {
    const { url } = server;
    const alice = await signup(url, 'alice@example.org', 'pw');
    const { token } = await login(url, alice.email, 'pw');
    const album = await createCollection(url, alice, token, 'A');
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await addFile(url, token, album, { bytes: testBytes(100), thumbnail: testBytes(10), title: `${i}` })).id);
    const whole = await api(url, 'GET', `/api/collections/${album.id}/files`, { token });
    assert.equal(whole.status, 200);
    assert.deepEqual(
      whole.json.map((f) => f.id),
      ids,
    );
    const seen = [];
    let after;
    let pages = 0;
    do {
      const page = await api(url, 'GET', `/api/collections/${album.id}/files?limit=2${after ? `&after=${after}` : ''}`, {
        token,
      });
      assert.equal(page.status, 200);
      assert.ok(page.json.files.length <= 2);
      seen.push(...page.json.files);
      after = page.json.next;
      pages++;
    } while (after);
    assert.equal(pages, 3);
    assert.deepEqual(seen, whole.json);
    for (const bad of ['limit=0', 'limit=x', 'after=12', 'after=1-0']) {
      assert.equal((await api(url, 'GET', `/api/collections/${album.id}/files?${bad}`, { token })).status, 400, bad);
    }
    const link = await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token });
    const pub = await api(url, 'GET', '/api/public/files?limit=10', { accessToken: link.json.accessToken });
    assert.deepEqual(pub.json, { files: whole.json, next: null });
  } finally {
    await server.close();
  }
});

test('storage quota: uploads past it are refused 413 quota_exceeded; usage shows bytes, objects and quota', async () => {
  const server = await startTestServer({ quotaBytes: 1000 });
  try {
    const { url } = server;
    await signup(url, 'alice@example.org', 'pw');
    const { token } = await login(url, 'alice@example.org', 'pw');
    const empty = await api(url, 'GET', '/api/users/me/usage', { token });
    assert.deepEqual(empty.json, { usedBytes: 0, objects: 0, quotaBytes: 1000 });
    assert.equal((await api(url, 'POST', '/api/uploads', { token, body: { size: 600 } })).status, 201);
    const over = await api(url, 'POST', '/api/uploads', { token, body: { size: 401 } });
    assert.equal(over.status, 413);
    assert.equal(over.json.error, 'quota_exceeded');
    assert.equal((await api(url, 'POST', '/api/uploads', { token, body: { size: 400 } })).status, 201);
    const full = await api(url, 'GET', '/api/users/me/usage', { token });
    assert.deepEqual(full.json, { usedBytes: 1000, objects: 2, quotaBytes: 1000 });
    assert.equal((await api(url, 'GET', '/api/users/me/usage')).status, 401);
    // Another account has its own.
    await signup(url, 'bob@example.org', 'pw');
    const bob = (await login(url, 'bob@example.org', 'pw')).token;
    assert.equal((await api(url, 'POST', '/api/uploads', { token: bob, body: { size: 1000 } })).status, 201);
  } finally {
    await server.close();
  }
});
