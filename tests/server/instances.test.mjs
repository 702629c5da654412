// Stateless instances: two server processes (`node server/main.mjs`) on one set of stores
// (PostgreSQL and one S3 bucket in the back-end pass; one SQLite file and folder otherwise),
// each client's requests alternating between them: a log-in begun on one and finished on the
// other, recovery likewise, an upload's pieces split across both, then one killed with SIGKILL
// mid-piece and the upload finished on the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backendEnv } from './backends.mjs';
import { cutPieceAndKill, kill, patchRetrying, startChild } from './child.mjs';
import {
  api,
  APP_INDEX,
  core,
  createCollection,
  decryptListed,
  login,
  recordUpload,
  recover,
  signup,
  tempDir,
  testBytes,
} from './helpers.mjs';

const PIECE = 64 * 1024;

const patch = (url, token, objectKey, offset, bytes) => patchRetrying(api, url, token, objectKey, offset, bytes);

test('two instances on shared stores: log-in, recovery and an upload across both; one killed mid-piece', async () => {
  const dir = await tempDir('instances');
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), APP_INDEX);
  const stores = await backendEnv();
  const a = await startChild(dir, stores);
  const b = await startChild(dir, stores);
  const alive = (s) => s.child.exitCode === null && s.child.signalCode === null;
  try {
    const alice = await signup(a.url, 'alice@example.org', 'pw');
    // attributes on A, the SRP session on B, its verification on A (and the other way round).
    const first = await login([a.url, b.url], alice.email, 'pw');
    assert.equal(first.status, 200);
    const second = await login([b.url, a.url], alice.email, 'pw');
    assert.equal(second.status, 200);
    const token = second.token;
    for (const s of [a, b]) assert.equal((await api(s.url, 'GET', '/api/users/me', { token: first.token })).status, 200);
    // A wrong password counts on the shared failure record, whichever instance saw it.
    assert.equal((await login([a.url, b.url], alice.email, 'wrong')).status, 401);
    // Recovery begun on B, completed on A; the sessions before it end on both.
    const recovered = await recover([b.url, a.url], alice.email, alice.recoveryKey, 'pw2');
    assert.equal(recovered.status, 200);
    for (const s of [a, b]) assert.equal((await api(s.url, 'GET', '/api/users/me', { token })).status, 401);
    const { token: t } = await login([a.url, b.url], alice.email, 'pw2');

    // Made-up answers for an unknown email are the same on both (one shared secret).
    const madeUp = await Promise.all([a, b].map((s) => api(s.url, 'POST', '/api/srp/attributes', { body: { email: 'x@y.z' } })));
    assert.deepEqual(madeUp[0].json, madeUp[1].json);

    const album = await createCollection(b.url, alice, t, 'Album');
    const fileKey = core.generateKey();
    const plain = testBytes(6 * PIECE);
    const { ciphertext, header } = core.stream.encrypt(plain, fileKey);
    const {
      json: { objectKey },
    } = await api(a.url, 'POST', '/api/uploads', { token: t, body: { size: ciphertext.length } });
    // Pieces alternate: A, B, A.
    let offset = 0;
    for (const s of [a, b, a]) {
      assert.equal((await patch(s.url, t, objectKey, offset, ciphertext.subarray(offset, offset + PIECE))).status, 204);
      offset += PIECE;
    }
    // The fourth piece goes to B, half sent, and B is killed.
    await cutPieceAndKill(b, t, objectKey, offset, ciphertext.subarray(offset, offset + PIECE));
    // A carries on from what was acknowledged.
    const head = await api(a.url, 'HEAD', `/api/uploads/${objectKey}`, { token: t });
    assert.equal(head.headers.get('upload-offset'), String(offset));
    for (; offset < ciphertext.length; offset += PIECE) {
      assert.equal((await patch(a.url, t, objectKey, offset, ciphertext.subarray(offset, offset + PIECE))).status, 204);
    }
    const made = await recordUpload(a.url, t, album, fileKey, objectKey, header);
    assert.equal(made.status, 201);
    // B comes back and serves what A stored.
    const b2 = await startChild(dir, stores);
    try {
      const listed = (await api(b2.url, 'GET', `/api/collections/${album.id}/files`, { token: t })).json[0];
      const got = await api(b2.url, 'GET', `/api/files/${made.json.id}/file`, { token: t });
      assert.deepEqual(decryptListed(listed, album.key, got.bytes), plain);
    } finally {
      await kill(b2.child);
    }
  } finally {
    for (const s of [a, b]) if (alive(s)) await kill(s.child);
    await rm(dir, { recursive: true, force: true });
  }
});
