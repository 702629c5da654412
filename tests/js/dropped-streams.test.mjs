// Worker streams read partway and dropped (no cancel, no dispose) are freed once collected: each
// held a session (8 MiB of the worker's wasm memory) and a pin on its thread for good, so after
// 128 of them a 2-thread pool refused every new stream, even after garbage collection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerPool, MAX_SESSIONS_PER_WORKER } from '../../js/dist/index.js';
import { core, randomBytes } from './helpers.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const CHUNK = 4 * 1024 * 1024;

/** Collects until the pool's open sessions drop to `target` (finalizers post the closes). */
async function collectUntil(pool, target) {
  let open = await pool.openSessions();
  for (let i = 0; i < 200 && open > target; i++) {
    gc();
    await sleep(10);
    open = await pool.openSessions();
  }
  return open;
}

/** Opens `n` worker streams (decryptors read one chunk, encryptors fed a little), counts them, drops them. */
async function openAndDrop(pool, pieces, header, key, n) {
  const held = []; // held until counted, then dropped
  for (let i = 0; i < n - 4; i++) {
    const reader = pool.decryptStream(pieces(), header, key).getReader();
    const { value } = await reader.read();
    assert.equal(value.length, CHUNK);
    held.push(reader);
  }
  // And incremental encryptors never finished.
  for (let i = 0; i < 4; i++) {
    const encryptor = await pool.stream.createEncryptor(key);
    await encryptor.update(randomBytes(10));
    held.push(encryptor);
  }
  assert.equal(await pool.openSessions(), n, 'every unfinished stream holds its session');
  await assert.rejects(pool.encryptStream([randomBytes(10)], key), { name: 'CoreError', code: 'OUT_OF_MEMORY' });
  // Returning drops them: no cancel(), no dispose().
}

test('128 worker streams read partway and dropped are reclaimed, and the pool streams again', async () => {
  const pool = await createWorkerPool(2, { flavor: 'crypto' });
  try {
    const key = core.generateKey();
    // Three chunks: one read, one read ahead (the stream's high-water mark), one never asked for.
    const message = randomBytes(2 * CHUNK + 1000);
    const { ciphertext, header } = core.stream.encrypt(message, key);
    // Views of 1 MiB: copied to the worker (a view of a larger buffer), so `ciphertext` stays whole.
    const pieces = function* () {
      for (let at = 0; at < ciphertext.length; at += 1 << 20) yield ciphertext.subarray(at, at + (1 << 20));
    };
    const dropped = 2 * MAX_SESSIONS_PER_WORKER;
    // In a function of its own, so no variable of this one keeps the last stream alive.
    await openAndDrop(pool, pieces, header, key, dropped);
    assert.equal(await collectUntil(pool, 0), 0, 'collected: every session closed');
    // The pool streams again (it refused with OUT_OF_MEMORY before: every thread full).
    const plain = new Uint8Array(await new Response(pool.decryptStream(pieces(), header, key)).arrayBuffer());
    assert.equal(plain.length, message.length);
    assert.ok(plain.every((b, i) => b === message[i]));
  } finally {
    await pool.terminate();
  }
});
