// Fault: a worker thread dies mid-job (killed from outside, as a crash or the system would). Its
// own jobs and streams reject with a clear error, nothing else fails, a new thread takes its
// place so a retry succeeds, and a key-derivation thread killed mid-Argon2 leaves nothing behind.
// A search worker holds its index in memory: killed, it fails every call at once (never hangs),
// and a new one picks up the index saved before.
// The test sees every thread the package starts by wrapping worker_threads' Worker class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import workerThreads from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createWorkerPool,
  createCoreWorker,
  createSearchWorker,
  fileIndexStore,
  loadCore,
  CHUNK_BYTES,
} from '../../js/dist/index.js';
import { startModelServer } from './clip-helpers.mjs';

const spawned = [];
let refuseSpawn = false;
const RealWorker = workerThreads.Worker;
workerThreads.Worker = class extends RealWorker {
  constructor(...args) {
    if (refuseSpawn) throw new Error('test: no more threads');
    super(...args);
    spawned.push(this);
  }
};
syncBuiltinESMExports(); // the package imports node:worker_threads when it spawns: it gets this class

const core = await loadCore();
const died = (e) => e instanceof Error && /^cipherlens: worker exited/.test(e.message);
const same = (a, b) => Buffer.from(a).equals(Buffer.from(b));

test('a pool thread killed mid-job fails only its own job; a new thread replaces it and a retry succeeds', async () => {
  const pool = await createWorkerPool(2);
  try {
    const [a, b] = spawned.slice(-2);
    const key = core.generateKey();
    const big = new Uint8Array(24 << 20).fill(7);
    // One job per thread (each gets the least busy one), then one thread is killed under its job.
    const jobs = [pool.stream.encrypt(big.slice(), key), pool.stream.encrypt(big.slice(), key)];
    await a.terminate();
    const results = await Promise.allSettled(jobs);
    assert.equal(results.filter((r) => r.status === 'rejected' && died(r.reason)).length, 1, "the killed thread's job");
    const done = results.find((r) => r.status === 'fulfilled').value;
    assert.ok(same(core.stream.decrypt(done.ciphertext, done.header, key), big), "the other thread's job is right");

    // Retry: nothing goes to the dead thread any more.
    const retried = await Promise.allSettled(Array.from({ length: 20 }, () => pool.secretbox.encrypt(new Uint8Array(32), key)));
    assert.deepEqual(
      retried.map((r) => r.status),
      Array(20).fill('fulfilled'),
    );
    const again = await pool.stream.encrypt(big.slice(), key);
    assert.ok(same(core.stream.decrypt(again.ciphertext, again.header, key), big));
    // The replacement starts in the background (the retries may all have run on the other thread).
    for (let i = 0; i < 600 && (await pool.threadStats()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await pool.threadStats()).length, 2, 'back to two threads');
    assert.ok(spawned.includes(b) && spawned.length >= 3, 'a replacement was started');
    assert.equal(await pool.openSessions(), 0);
  } finally {
    await pool.terminate();
  }
});

test('a worker killed mid-stream errors the stream; the same worker object then streams again', async () => {
  const w = await createCoreWorker();
  try {
    const thread = spawned.at(-1);
    const key = core.generateKey();
    const plaintext = new Uint8Array(2 * CHUNK_BYTES + 1000).fill(3);
    const { ciphertext, header } = core.stream.encrypt(plaintext, key);
    const third = Math.ceil(ciphertext.length / 3);
    const parts = () => [0, 1, 2].map((i) => ciphertext.slice(i * third, (i + 1) * third));

    const reader = w.decryptStream(parts(), header, key).getReader();
    const first = await reader.read();
    assert.equal(first.value.length, CHUNK_BYTES, 'the first chunk came through');
    await thread.terminate(); // with the session open and the next chunk asked for
    // The chunk already in flight may still arrive; then the stream errors, never just ends.
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) throw new Error('the stream ended as if complete');
    }, died);

    const enc = await w.stream.createEncryptor(key); // on the replacement
    assert.equal(enc.header.length, 24);
    await enc.dispose();
    const out = [];
    for await (const chunk of w.decryptStream(parts(), header, key)) out.push(chunk);
    assert.ok(same(Buffer.concat(out), plaintext), 'the retry decrypts everything');
    assert.equal(await w.openSessions(), 0);
    assert.equal(w.size, 1);
  } finally {
    await w.terminate();
  }
});

test('a key-derivation thread killed mid-Argon2 rejects, leaves no thread, and the retry derives the key', async () => {
  const w = await createCoreWorker({ flavor: 'crypto' });
  try {
    const before = spawned.length;
    let started;
    const running = new Promise((r) => {
      started = r;
    });
    const salt = new Uint8Array(16).fill(1);
    const job = w.with({ onProgress: (p) => p.phase === 'before' && started() }).deriveKey('pw', salt, 3, 32 << 20);
    await running;
    assert.equal(spawned.length, before + 1, 'its own thread');
    await spawned.at(-1).terminate();
    await assert.rejects(job, died);
    assert.equal(w.stats().kdfWorkers, 0);
    assert.ok(same(await w.deriveKey('pw', salt, 1, 8 << 20), core.deriveKey('pw', salt, 1, 8 << 20)));
    assert.equal(w.stats().kdfWorkers, 0);
  } finally {
    await w.terminate();
  }
});

test('if no replacement can start, waiting jobs reject with that error instead of hanging', async () => {
  const w = await createCoreWorker({ flavor: 'crypto' });
  try {
    const job = w.b64.encode(new Uint8Array(1 << 20));
    refuseSpawn = true;
    await spawned.at(-1).terminate();
    await assert.rejects(job, died);
    await assert.rejects(w.b64.encode(new Uint8Array([1])), /test: no more threads/);
    await assert.rejects(w.stream.createEncryptor(core.generateKey()), /test: no more threads/);
  } finally {
    refuseSpawn = false;
    await w.terminate();
  }
});

test('a search worker killed mid-query fails its calls at once; a new one loads the index saved before', async (t) => {
  const server = await startModelServer();
  const dir = mkdtempSync(join(tmpdir(), 'cipherlens-death-'));
  t.after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });
  const options = { textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx', baseUrl: server.modelsUrl, cache: false };
  const store = fileIndexStore(join(dir, 'clip.index'));
  const key = core.generateKey();
  const embedding = (seed) => Float32Array.from({ length: 512 }, (_, i) => Math.sin(seed * 512 + i));

  const search = await createSearchWorker(options);
  for (let id = 1; id <= 5; id++) await search.add(id, embedding(id));
  await store.write(await search.save(key));
  await search.add(6, embedding(6)); // not saved yet when the thread dies
  const query = search.query('red', { minScore: -1 });
  await spawned.at(-1).terminate();
  await assert.rejects(query, died);
  await assert.rejects(search.size(), died, 'later calls fail at once');
  await search.terminate().catch(() => {});

  const again = await createSearchWorker(options);
  try {
    await again.load(await store.read(), key);
    assert.equal(await again.size(), 5, 'the saved index');
    assert.equal((await again.query('red', { minScore: -1 })).length, 5);
  } finally {
    await again.terminate();
  }
});
