// The pool: jobs spread over threads, one compiled module shared, aborts drop queued jobs and
// kill running key derivations, key derivation runs in a throw-away thread with progress, and
// terminate rejects what is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkerPool, createCoreWorker, compileCore, CoreError } from '../../js/dist/index.js';
import { core, sodium, randomBytes, toHex } from './helpers.mjs';

const key = randomBytes(32);

test('a pool spreads independent jobs over its threads and every result is right', async () => {
  const pool = await createWorkerPool(3);
  try {
    assert.equal(pool.size, 3);
    const thumbs = Array.from({ length: 90 }, (_, i) => randomBytes(20_000 + i * 500));
    const blobs = thumbs.map((t) => core.blob.encrypt(t, key));
    const out = await Promise.all(blobs.map((b) => pool.blob.decrypt(b.ciphertext, b.header, key)));
    out.forEach((o, i) => assert.equal(toHex(o), toHex(thumbs[i])));
    const { completed } = pool.stats();
    assert.equal(
      completed.reduce((a, b) => a + b, 0),
      90,
    );
    // Every thread is handed 2 jobs before any gets a third, so each ran at least 2; how many
    // more depends on how fast each thread happens to be (one that started slowly may run few).
    assert.ok(
      completed.every((n) => n >= 2),
      `jobs per thread: ${completed}`,
    );
  } finally {
    await pool.terminate();
  }
});

test('threads instantiate the precompiled module they are given (no second compile, no fetch)', async () => {
  const wasmModule = await compileCore();
  const w = await createCoreWorker({ wasmModule, wasmUrl: 'file:///nonexistent/cipherlens.wasm' });
  try {
    assert.equal(await w.b64.encode(new Uint8Array([255])), '/w==');
  } finally {
    await w.terminate();
  }
});

test('aborting queued jobs drops them before they run; the rest complete', async () => {
  const w = await createCoreWorker();
  try {
    const blobs = Array.from({ length: 40 }, () => core.blob.encrypt(randomBytes(50_000), key));
    const ac = new AbortController();
    const jobs = blobs.map((b, i) => (i < 4 ? w : w.with({ signal: ac.signal })).blob.decrypt(b.ciphertext, b.header, key));
    ac.abort();
    const results = await Promise.allSettled(jobs);
    const aborted = results.filter((r) => r.status === 'rejected');
    assert.ok(aborted.length >= 30, `${aborted.length} aborted`);
    assert.ok(aborted.every((r) => r.reason.name === 'AbortError'));
    assert.ok(results.slice(0, 4).every((r) => r.status === 'fulfilled'));
    // Dropped jobs never reached the worker.
    assert.ok(w.stats().completed[0] <= 40 - aborted.length + 2, `completed ${w.stats().completed}`);
    await assert.rejects(w.with({ signal: AbortSignal.abort() }).generateKey(), (e) => e.name === 'AbortError');
  } finally {
    await w.terminate();
  }
});

test('key derivation runs in a throw-away thread: progress before/after with the params, main heap untouched', async () => {
  const w = await createCoreWorker();
  try {
    const heapBefore = await w.memory.heapSize();
    const events = [];
    const t0 = performance.now();
    const d = await w.with({ onProgress: (p) => events.push(p) }).deriveInteractiveKey('correct horse');
    const wallSeconds = (performance.now() - t0) / 1000;
    assert.deepEqual(
      events.map((e) => [e.type, e.phase, e.attempt, e.opsLimit, e.memLimit]),
      [
        ['kdf', 'before', 1, 2, 64 << 20],
        ['kdf', 'after', 1, 2, 64 << 20],
      ],
    );
    assert.equal(events[1].ok, true);
    // The reported duration is the derivation's, inside the call's own wall-clock time.
    assert.ok(
      events[1].seconds > 0 && events[1].seconds <= wallSeconds,
      `${events[1].seconds} s reported, ${wallSeconds} s elapsed`,
    );
    assert.equal(
      toHex(d.key),
      toHex(sodium.crypto_pwhash(32, 'correct horse', d.salt, 2, 64 << 20, sodium.crypto_pwhash_ALG_ARGON2ID13)),
    );
    // 64 MiB of Argon2 ran elsewhere: the serving thread's wasm memory did not grow.
    assert.equal(await w.memory.heapSize(), heapBefore);

    const failed = [];
    await assert.rejects(
      w.with({ onProgress: (p) => failed.push(p) }).deriveKey('pw', new Uint8Array(16), 0, 1 << 20),
      (e) => e instanceof CoreError && e.code === 'BAD_INPUT',
    );
    assert.deepEqual(
      failed.map((e) => [e.phase, e.ok, e.error]),
      [
        ['before', undefined, undefined],
        ['after', false, 'BAD_INPUT'],
      ],
    );
  } finally {
    await w.terminate();
  }
});

test('sensitive derivation: 256 MiB x 16 in a throw-away thread, reproducible from its salt and params', async () => {
  const w = await createCoreWorker();
  try {
    const events = [];
    const d = await w.with({ onProgress: (p) => events.push(p) }).deriveSensitiveKey('pässwörd');
    assert.deepEqual([d.opsLimit, d.memLimit], [16, 256 << 20]);
    assert.deepEqual(
      events.map((e) => [e.phase, e.opsLimit, e.memLimit]),
      [
        ['before', 16, 256 << 20],
        ['after', 16, 256 << 20],
      ],
    );
    // The login path re-derives with the stored params: interactive-size memory is enough to check the key here.
    assert.equal(toHex(d.key), toHex(core.deriveKey('pässwörd', d.salt, d.opsLimit, d.memLimit)));
    assert.equal(await w.memory.heapSize(), 16 << 20);
  } finally {
    await w.terminate();
  }
});

test('aborting a running key derivation kills its thread at once', async () => {
  const w = await createCoreWorker();
  try {
    const ac = new AbortController();
    const events = [];
    const job = w
      .with({ signal: ac.signal, onProgress: (p) => events.push(p) })
      .deriveKey('pw', new Uint8Array(16), 16, 256 << 20); // the largest work the Argon2 bounds allow
    while (!events.length) await new Promise((r) => setTimeout(r, 10)); // Argon2 has started
    ac.abort();
    await assert.rejects(job, (e) => e.name === 'AbortError');
    assert.equal(events.length, 1, 'no "after": the derivation never finished');
    assert.equal(toHex(await w.b64.decode('AAEC')), '000102', 'the serving thread is unaffected');
    assert.equal(w.stats().kdfWorkers, 0, 'the derivation thread is gone');

    // Aborted while its thread is still starting: it rejects once that thread is up and terminated.
    const early = new AbortController();
    const pending = w.with({ signal: early.signal }).deriveInteractiveKey('pw');
    early.abort();
    await assert.rejects(pending, (e) => e.name === 'AbortError');
    assert.equal(w.stats().kdfWorkers, 0);
  } finally {
    await w.terminate();
  }
});

test('terminate rejects queued work and the pool refuses new work', async () => {
  const w = await createCoreWorker();
  const blobs = Array.from({ length: 10 }, () => core.blob.encrypt(randomBytes(100_000), key));
  const settled = Promise.allSettled(blobs.map((b) => w.blob.decrypt(b.ciphertext, b.header, key)));
  await w.terminate();
  const results = await settled;
  assert.ok(results.some((r) => r.status === 'rejected'));
  await assert.rejects(w.generateKey(), /terminated/);
});
