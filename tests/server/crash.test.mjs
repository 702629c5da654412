// Crash safety: the server (node server/main.mjs, a child process) is killed with SIGKILL in
// the middle of a piece; restarted on the same data directory, the database opens cleanly,
// HEAD reports the bytes acknowledged before the kill, nothing half-written is visible, and the
// upload resumes and completes into a file that decrypts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backendEnv, inspectStores } from './backends.mjs';
import { kill, startChild } from './child.mjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from '../../server/app.mjs';
import { BACKEND } from './backends.mjs';
import {
  api,
  b64,
  core,
  createCollection,
  decryptListed,
  login,
  signup,
  tempDir,
  testClock,
  APP_INDEX,
  testBytes,
  uploadObject,
} from './helpers.mjs';

const PIECE = 64 * 1024;

test('SIGKILL mid-upload: restart, resume from the stored offset, complete, decrypt', async () => {
  const dir = await tempDir('crash');
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), APP_INDEX);
  const stores = await backendEnv(); // {} for SQLite and a folder, else PostgreSQL and S3
  let server = await startChild(dir, stores);
  let look;
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'Album');
    const fileKey = core.generateKey();
    const plain = testBytes(5 * PIECE);
    const { ciphertext, header } = core.stream.encrypt(plain, fileKey);
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: ciphertext.length } });
    // As a client should: a 409 with Retry-After (the killed server's lock on the upload, until
    // it goes stale) is tried again after that long.
    const patch = async (offset, bytes) => {
      for (;;) {
        const res = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
          token,
          headers: { 'upload-offset': String(offset) },
          raw: bytes,
        });
        const wait = res.status === 409 && res.headers.get('retry-after');
        if (!wait) return res;
        await new Promise((ok) => setTimeout(ok, Number(wait) * 1000));
      }
    };
    assert.equal((await patch(0, ciphertext.subarray(0, PIECE))).status, 204);
    assert.equal((await patch(PIECE, ciphertext.subarray(PIECE, 2 * PIECE))).status, 204);

    // A third piece: half its body sent, then the server is killed.
    const half = await new Promise((resolve, reject) => {
      const u = new URL(server.url);
      const req = request({
        host: u.hostname,
        port: u.port,
        method: 'PATCH',
        path: `/api/uploads/${objectKey}`,
        headers: { 'x-auth-token': token, 'upload-offset': String(2 * PIECE), 'content-length': PIECE },
      });
      req.on('error', () => resolve('connection cut'));
      req.on('response', (res) => reject(new Error(`answered ${res.statusCode} before the body`)));
      req.write(ciphertext.subarray(2 * PIECE, 2 * PIECE + PIECE / 2), () => kill(server.child).catch(reject));
    });
    assert.equal(half, 'connection cut');

    // The database opens cleanly straight after the kill.
    look = await inspectStores(stores, join(dir, 'data'));
    assert.equal(await look.integrity(), 'ok');
    assert.equal(await look.fileCount(), 0);
    assert.equal(await look.blobs.isClaimed(objectKey), false, 'nothing claimed');

    server = await startChild(dir, stores);
    const head = await api(server.url, 'HEAD', `/api/uploads/${objectKey}`, { token });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(2 * PIECE), 'what was acknowledged, nothing of the cut piece');
    const files = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token });
    assert.deepEqual(files.json, []);

    for (let offset = 2 * PIECE; offset < ciphertext.length; offset += PIECE) {
      assert.equal((await patch(offset, ciphertext.subarray(offset, offset + PIECE))).status, 204);
    }
    const thumb = core.blob.encrypt(testBytes(100), fileKey);
    const {
      json: { objectKey: thumbKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: thumb.ciphertext.length } });
    await api(server.url, 'PATCH', `/api/uploads/${thumbKey}`, {
      token,
      headers: { 'upload-offset': '0' },
      raw: thumb.ciphertext,
    });
    const wrapped = core.secretbox.encrypt(fileKey, album.key);
    const meta = core.blob.encrypt(new TextEncoder().encode('{}'), fileKey);
    const made = await api(server.url, 'POST', '/api/files', {
      token,
      body: {
        collectionID: album.id,
        encryptedKey: b64(wrapped.ciphertext),
        keyDecryptionNonce: b64(wrapped.nonce),
        file: { objectKey, decryptionHeader: b64(header) },
        thumbnail: { objectKey: thumbKey, decryptionHeader: b64(thumb.header) },
        metadata: { encryptedData: b64(meta.ciphertext), decryptionHeader: b64(meta.header) },
      },
    });
    assert.equal(made.status, 201);
    const listed = (await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token })).json[0];
    const got = await api(server.url, 'GET', `/api/files/${made.json.id}/file`, { token });
    assert.deepEqual(decryptListed(listed, album.key, got.bytes), plain);
    assert.deepEqual(await look.leftovers(), [], 'claimed uploads left nothing behind');
  } finally {
    await look?.close();
    if (server.child.exitCode === null) await kill(server.child);
    await rm(dir, { recursive: true, force: true });
  }
});

test('SIGKILL between the claim and the file record: the orphaned bytes are collected with their row', async (t) => {
  if (BACKEND !== 'sqlite-folder')
    return t.skip("the kill hooks the folder store's rename (faults.test.mjs covers the gap in-process on S3)");
  const dir = await tempDir('claim-gap');
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), APP_INDEX);
  const preload = fileURLToPath(new URL('./fixtures/die-after-claim.mjs', import.meta.url));
  const server = await startChild(dir, {}, { nodeArgs: ['--import', preload] });
  let restarted;
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'Album');
    const fileKey = await uploadObject(server.url, token, testBytes(3000));
    const thumbKey = await uploadObject(server.url, token, testBytes(100));
    await assert.rejects(
      api(server.url, 'POST', '/api/files', {
        token,
        body: {
          collectionID: album.id,
          encryptedKey: b64(new Uint8Array(48)),
          keyDecryptionNonce: b64(new Uint8Array(24)),
          file: { objectKey: fileKey, decryptionHeader: b64(new Uint8Array(24)) },
          thumbnail: { objectKey: thumbKey, decryptionHeader: b64(new Uint8Array(24)) },
          metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
        },
      }),
      'the server died mid-request',
    );
    const running = () => server.child.exitCode === null && server.child.signalCode === null;
    await new Promise((ok) => (running() ? server.child.once('exit', ok) : ok()));
    const blob = join(dir, 'data', 'blobs', fileKey);
    assert.ok(existsSync(blob), 'claimed into blobs/ with no record: an orphan');

    // The client never retries. A week later, upkeep removes the bytes and the row.
    const clock = testClock();
    restarted = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir: join(dir, 'app'), now: clock.now });
    assert.equal(await restarted.testing.integrityCheck(), 'ok');
    assert.ok(existsSync(blob), 'kept until its TTL passes (a retry may still claim it)');
    clock.advance(7 * 24 * 3600 * 1000 + 1);
    await restarted.testing.prune();
    assert.equal(existsSync(blob), false, 'the orphan is gone');
    assert.equal(await restarted.testing.store.object(fileKey), undefined);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) await kill(server.child);
    await restarted?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
