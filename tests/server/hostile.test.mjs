// Hostile requests: each gets a 4xx with the JSON error shape, never a crash or a hang, and
// the server answers normally afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, b64, login, signup, startTestServer, testClock, uploadObject } from './helpers.mjs';
import { rawRequest } from './raw-http.mjs';

const clock = testClock();
let server, url, alice, token;
before(async () => {
  server = await startTestServer({ now: clock.now, maxObjectBytes: 1024 * 1024 });
  url = server.url;
  alice = await signup(url, 'alice@example.org', 'pw');
  token = (await login(url, alice.email, 'pw')).token;
});
after(() => server?.close());

function assertError(res, status, code, what) {
  assert.equal(res.status, status, `${what}: status ${res.status} ${JSON.stringify(res.json)}`);
  assert.equal(res.json?.error, code, what);
  assert.equal(typeof res.json?.message, 'string', what);
}

async function stillAnswers() {
  const res = await api(url, 'GET', '/api/users/me', { token });
  assert.equal(res.status, 200);
}

test('malformed JSON, wrong types, missing fields: 400 bad_request', async () => {
  const cases = [
    ['POST', '/api/users', '{"email": '],
    ['POST', '/api/users', '[]'],
    ['POST', '/api/users', 'null'],
    ['POST', '/api/users', '"text"'],
    ['POST', '/api/users', ''],
    ['POST', '/api/users', { email: 42 }],
    ['POST', '/api/users', { email: 'x@y.z' }],
    [
      'POST',
      '/api/users',
      { ...alice.signupBody, email: 'new@example.org', keyAttributes: { ...alice.keyAttributes, memLimit: '64' } },
    ],
    [
      'POST',
      '/api/users',
      {
        ...alice.signupBody,
        email: 'new@example.org',
        keyAttributes: { ...alice.keyAttributes, publicKey: b64(new Uint8Array(31)) },
      },
    ],
    [
      'POST',
      '/api/users',
      { ...alice.signupBody, email: 'new@example.org', keyAttributes: { ...alice.keyAttributes, kekSalt: 'not base64!' } },
    ],
    ['POST', '/api/users', { ...alice.signupBody, email: 'new@example.org', srpSalt: 'AAAAAAAAAAAAAAAAAAAAAB==' }], // non-canonical
    ['POST', '/api/users', { ...alice.signupBody, email: 'new@example.org', srpUserID: 'not-a-uuid' }],
    ['POST', '/api/users', { ...alice.signupBody, email: 'no at sign' }],
    ['POST', '/api/srp/attributes', {}],
    ['POST', '/api/srp/session', { srpUserID: alice.signupBody.srpUserID, srpA: b64(new Uint8Array(512)) }], // A = 0
    ['POST', '/api/srp/session', { srpUserID: alice.signupBody.srpUserID, srpA: b64(new Uint8Array(513)) }],
    ['POST', '/api/srp/verify', { sessionID: '../../etc', srpM1: 'AA==' }],
    ['POST', '/api/recovery/complete', { challengeID: 'x' }],
  ];
  for (const [method, path, body] of cases) {
    assertError(await api(url, method, path, { body }), 400, 'bad_request', `${path} ${JSON.stringify(body).slice(0, 80)}`);
  }
  const authed = [
    ['POST', '/api/collections', { encryptedKey: 1 }],
    [
      'POST',
      '/api/collections',
      {
        encryptedKey: b64(new Uint8Array(48)),
        keyDecryptionNonce: b64(new Uint8Array(24)),
        encryptedName: b64(new Uint8Array(5000)),
        nameDecryptionNonce: b64(new Uint8Array(24)),
      },
    ],
    ['POST', '/api/uploads', { size: -1 }],
    ['POST', '/api/uploads', { size: 0 }],
    ['POST', '/api/uploads', { size: 1.5 }],
    ['POST', '/api/uploads', { size: '10' }],
    ['POST', '/api/uploads', {}],
    ['POST', '/api/files', { collectionID: 'one' }],
    ['POST', '/api/files/ml', { fileIDs: 'all' }],
    ['POST', '/api/files/ml', { fileIDs: [1, -2] }],
    ['POST', '/api/files/ml', { fileIDs: Array.from({ length: 201 }, (_, i) => i + 1) }],
  ];
  for (const [method, path, body] of authed) {
    assertError(
      await api(url, method, path, { token, body }),
      400,
      'bad_request',
      `${path} ${JSON.stringify(body).slice(0, 80)}`,
    );
  }
  assertError(await api(url, 'POST', '/api/uploads', { token, body: { size: 2 ** 40 } }), 413, 'too_large', 'oversized object');
  await stillAnswers();
});

test('bodies over the limit: 413 without reading them (declared or chunked)', async () => {
  // 100 MiB declared, 1 KiB sent: the answer comes without the rest.
  const declared = await rawRequest(url, {
    method: 'POST',
    path: '/api/users',
    headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) },
    sendBytes: 1024,
  });
  assertError(declared, 413, 'too_large', 'declared length');
  assert.equal(declared.headers.connection, 'close');
  // Chunked, no length: counted as it arrives.
  const chunked = await rawRequest(url, {
    method: 'POST',
    path: '/api/srp/attributes',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    body: Buffer.alloc(200 * 1024, 0x20),
  });
  assertError(chunked, 413, 'too_large', 'chunked');
  // A PATCH piece over 8 MiB + 64.
  const {
    json: { objectKey },
  } = await api(url, 'POST', '/api/uploads', { token, body: { size: 1024 * 1024 } });
  const piece = await rawRequest(url, {
    method: 'PATCH',
    path: `/api/uploads/${objectKey}`,
    headers: { 'x-auth-token': token, 'upload-offset': '0', 'content-length': String(9 * 1024 * 1024) },
    sendBytes: 10,
  });
  assertError(piece, 413, 'too_large', 'piece');
  await stillAnswers();
});

test('bad Upload-Offset values', async () => {
  const objectKey = await uploadObject(url, token, new Uint8Array(10), 5);
  const {
    json: { objectKey: fresh },
  } = await api(url, 'POST', '/api/uploads', { token, body: { size: 10 } });
  for (const offset of ['-1', 'abc', '1e3', '', '0x0', '+0', '00', '99999999999999999999', '1.0']) {
    const res = await rawRequest(url, {
      method: 'PATCH',
      path: `/api/uploads/${fresh}`,
      headers: { 'x-auth-token': token, 'upload-offset': offset },
      body: Buffer.alloc(5),
    });
    assertError(res, 400, 'bad_request', `offset '${offset}'`);
  }
  const missing = await rawRequest(url, {
    method: 'PATCH',
    path: `/api/uploads/${fresh}`,
    headers: { 'x-auth-token': token },
    body: Buffer.alloc(5),
  });
  assertError(missing, 400, 'bad_request', 'no offset');
  assertError(
    await api(url, 'PATCH', `/api/uploads/${fresh}`, { token, headers: { 'upload-offset': '5' }, raw: new Uint8Array(5) }),
    409,
    'conflict',
    'ahead',
  );
  assertError(
    await api(url, 'PATCH', `/api/uploads/${fresh}`, { token, headers: { 'upload-offset': '0' }, raw: new Uint8Array(0) }),
    400,
    'bad_request',
    'empty',
  );
  assertError(
    await api(url, 'PATCH', `/api/uploads/${objectKey}`, { token, headers: { 'upload-offset': '0' }, raw: new Uint8Array(5) }),
    409,
    'conflict',
    'complete',
  );
  await stillAnswers();
});

test('traversal and odd ids on API routes: 404', async () => {
  const paths = [
    '/api/uploads/../../etc/passwd',
    '/api/uploads/..%2f..%2fserver-secret',
    '/api/uploads/%2e%2e',
    '/api/files/..%2f1/file',
    '/api/files/0/file',
    '/api/files/-1/file',
    '/api/files/1e3/file',
    '/api/files/99999999999999999999/file',
    '/api/collections/1%2e/files',
    '/api/collections//files',
    '/api/nothing',
    '/api/',
    '/api',
    '/api/users/me/..',
    '/api/public/files/1/../../../x',
  ];
  for (const path of paths) {
    for (const method of ['GET', 'HEAD']) {
      const res = await rawRequest(url, { method, path, headers: { 'x-auth-token': token } });
      assert.equal(res.status, 404, `${method} ${path}`);
      if (method === 'GET') assert.equal(res.json?.error, 'not_found', path);
    }
  }
  assertError(await api(url, 'DELETE', '/api/users/me', { token }), 404, 'not_found', 'wrong method');
  const absolute = await rawRequest(url, { path: 'http://evil.example/api/users/me', headers: { 'x-auth-token': token } });
  assert.equal(absolute.status, 400);
  await stillAnswers();
});

test('bad, foreign and expired tokens: 401', async () => {
  const tokens = [
    '',
    'x',
    'A'.repeat(43),
    Buffer.alloc(32, 1).toString('base64url'),
    `${token}x`,
    token.slice(1),
    ' '.repeat(43),
    '../',
  ];
  for (const t of tokens) {
    const res = await rawRequest(url, { path: '/api/users/me', headers: { 'x-auth-token': t } });
    assertError(res, 401, 'unauthorized', `token '${t}'`);
  }
  assertError(await api(url, 'GET', '/api/collections'), 401, 'unauthorized', 'no token');
  for (const at of ['', 'short', 'A'.repeat(32), '../../x'.padEnd(20, 'a')]) {
    const res = await rawRequest(url, { path: '/api/public/files', headers: { 'x-auth-access-token': at } });
    assertError(res, 401, 'unauthorized', `access token '${at}'`);
  }
  const other = await login(url, alice.email, 'pw');
  clock.advance(8 * 24 * 3600 * 1000);
  assertError(await api(url, 'GET', '/api/users/me', { token: other.token }), 401, 'unauthorized', 'expired');
  token = (await login(url, alice.email, 'pw')).token;
  await stillAnswers();
});
