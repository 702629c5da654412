// Crash safety: the server (node server/main.mjs, a child process) is killed with SIGKILL in
// the middle of a piece; restarted on the same data directory, the database opens cleanly,
// HEAD reports the bytes acknowledged before the kill, nothing half-written is visible, and the
// upload resumes and completes into a file that decrypts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from '../../server/app.mjs';
import { BACKEND, backendEnv, inspectStores } from './backends.mjs';
import { cutPieceAndKill, kill, patchRetrying, startChild } from './child.mjs';
import {
  api,
  core,
  createCollection,
  decryptListed,
  login,
  placeholderRecord,
  recordUpload,
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
    const patch = (offset, bytes) => patchRetrying(api, server.url, token, objectKey, offset, bytes);
    assert.equal((await patch(0, ciphertext.subarray(0, PIECE))).status, 204);
    assert.equal((await patch(PIECE, ciphertext.subarray(PIECE, 2 * PIECE))).status, 204);

    // A third piece: half its body sent, then the server is killed.
    assert.equal(
      await cutPieceAndKill(server, token, objectKey, 2 * PIECE, ciphertext.subarray(2 * PIECE, 3 * PIECE)),
      'connection cut',
    );

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
    const made = await recordUpload(server.url, token, album, fileKey, objectKey, header);
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
      api(server.url, 'POST', '/api/files', { token, body: placeholderRecord(album.id, fileKey, thumbKey) }),
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
