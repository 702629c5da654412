// Use after terminate()/dispose()/final(): one CoreError code, CLOSED, from every kind of object,
// in the thread and across it; terminate() and dispose() are idempotent (a second call resolves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as all from '../../js/dist/index.js';
import * as crypto from '../../js/dist/crypto.js';
import { MODEL_DIR } from './clip-helpers.mjs';

const closed = (e) => {
  assert.equal(e?.name, 'CoreError', `${e?.name}: ${e?.message}`);
  assert.ok(e instanceof all.CoreError);
  assert.equal(e.code, 'CLOSED');
  assert.match(e.message, /was closed/);
  return true;
};
const key = new Uint8Array(32).fill(7);

const WORKERS = {
  'core worker': () => all.createCoreWorker(),
  'crypto-flavor core worker': () => all.createCoreWorker({ flavor: 'crypto' }),
  pool: () => all.createWorkerPool(2),
  'crypto entry pool': () => crypto.createWorkerPool(2),
};

for (const [kind, start] of Object.entries(WORKERS)) {
  test(`${kind}: terminate() twice resolves; calls, key derivation and streams after it reject with CLOSED`, async () => {
    const worker = await start();
    await worker.generateKey();
    await worker.terminate();
    await worker.terminate(); // idempotent
    await assert.rejects(worker.generateKey(), closed);
    await assert.rejects(worker.blob.encrypt(new Uint8Array(4), key), closed);
    await assert.rejects(worker.with({}).deriveInteractiveKey('pw'), closed);
    await assert.rejects(worker.stream.createEncryptor(key), closed);
    await assert.rejects(worker.encryptStream([new Uint8Array(4)], key), closed);
    await assert.rejects(new Response(worker.decryptStream([new Uint8Array(40)], new Uint8Array(24), key)).arrayBuffer(), closed);
    await assert.rejects(worker.openSessions(), closed);
  });
}

test('search worker: terminate() twice resolves; calls after it reject with CLOSED', async () => {
  const search = await all.createSearchWorker({
    textModel: new URL('test_text.onnx', MODEL_DIR).href,
    imageModel: null,
    numThreads: 1,
  });
  assert.equal(await search.size(), 0);
  await search.terminate();
  await search.terminate(); // was: "worker exited (code 1)"
  await assert.rejects(search.query('red'), closed);
  await assert.rejects(search.size(), closed);
  await assert.rejects(search.add(1, new Float32Array(512).fill(1)), closed);
});

test('createSearch in the thread: dispose() twice resolves; calls after it reject with CLOSED', async () => {
  const core = await all.loadCore();
  const search = await all.createSearch(core, { textModel: new URL('test_text.onnx', MODEL_DIR).href, imageModel: null });
  await search.dispose();
  await search.dispose();
  await assert.rejects(search.query('red'), closed);
  await assert.rejects(search.embedText('red'), closed);
  assert.throws(() => search.size, closed);
  assert.throws(() => search.has(1), closed);
});

test('streams, hashers and indexes used after they finished or were disposed: CLOSED', async () => {
  const core = await all.loadCore();
  const enc = core.stream.createEncryptor(key);
  enc.final();
  assert.throws(() => enc.update(new Uint8Array(1)), closed);
  assert.throws(() => enc.final(), closed);
  enc.dispose(); // idempotent
  const dec = core.stream.createDecryptor(new Uint8Array(24), key);
  dec.dispose();
  assert.throws(() => dec.update(new Uint8Array(1)), closed);
  const hasher = core.hash.createHasher();
  hasher.digest();
  assert.throws(() => hasher.digest(), closed);
  const index = core.createIndex(4);
  index.dispose();
  assert.throws(() => index.search(new Float32Array(4).fill(1)), closed);
  // The worker's stream objects too.
  const worker = await all.createCoreWorker({ flavor: 'crypto' });
  try {
    const remote = await worker.stream.createEncryptor(key);
    await remote.final();
    await assert.rejects(remote.update(new Uint8Array(1)), closed);
  } finally {
    await worker.terminate();
  }
});
