// decryptStream / encryptStream through the worker, against libsodium.js as the reference:
// chunk-by-chunk output, every boundary length, tampering, truncation, trailing data, fetch()
// bodies, backpressure, cancellation and progress.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { createCoreWorker, createWorkerPool, CoreError } from '../../js/dist/index.js';
import { core, randomBytes, toHex, CHUNK } from './helpers.mjs';
import { referenceEncrypt, referenceDecrypt, piecewise, readAll, CIPHER_CHUNK } from './stream-helpers.mjs';

const w = await createCoreWorker();
after(() => w.terminate());
const key = randomBytes(32);
const sha = (b) => createHash('sha256').update(b).digest('hex');

test('decryptStream yields each 4 MiB chunk as it completes, for every boundary length and piece size', async () => {
  const lengths = [0, 1, 17, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 4097];
  const pieces = [[65536], [1, 4096, 333333], [CIPHER_CHUNK], [CIPHER_CHUNK + 1, 7], [10 * CHUNK]];
  for (const [i, len] of lengths.entries()) {
    const m = randomBytes(len);
    const { ciphertext, header } = referenceEncrypt(m, key);
    const { chunks, bytes, error } = await readAll(
      w.decryptStream(piecewise(ciphertext, pieces[i % pieces.length]), header, key),
    );
    assert.equal(error, undefined, `length ${len}: ${error}`);
    assert.equal(toHex(bytes), toHex(m), `length ${len}`);
    const expected = Math.max(1, Math.ceil(len / CHUNK));
    assert.equal(chunks.filter((c) => c.length).length, len === 0 ? 0 : expected, `length ${len}: chunk count`);
    chunks.slice(0, -1).forEach((c) => assert.equal(c.length, CHUNK, `length ${len}: full chunks before the last`));
  }
});

test("encryptStream produces Ente's layout that libsodium.js decrypts, header known up front", async () => {
  for (const len of [0, 5, CHUNK, CHUNK + 1, 3 * CHUNK - 3]) {
    const m = randomBytes(len);
    const { header, stream } = await w.encryptStream(piecewise(m, [100_000, 3]), key);
    assert.equal(header.length, 24);
    const { chunks, bytes, error } = await readAll(stream);
    assert.equal(error, undefined);
    assert.equal(bytes.length, len + Math.max(1, Math.ceil(len / CHUNK)) * 17, `length ${len}`);
    chunks.slice(0, -1).forEach((c) => assert.equal(c.length, CIPHER_CHUNK));
    assert.equal(toHex(referenceDecrypt(bytes, header, key)), toHex(m), `length ${len}`);
    assert.equal(toHex(core.stream.decrypt(bytes, header, key)), toHex(m));
  }
});

test('a tampered chunk stops the stream with AUTH_FAILED naming it; nothing after it is emitted', async () => {
  const m = randomBytes(4 * CHUNK - 1000);
  const { ciphertext, header } = referenceEncrypt(m, key);
  for (const bad of [0, 2, 3]) {
    const tampered = ciphertext.slice();
    tampered[bad * CIPHER_CHUNK + 100] ^= 0x40;
    const counter = { pieces: 0, bytes: 0 };
    const { chunks, bytes, error } = await readAll(w.decryptStream(piecewise(tampered, [262144], counter), header, key));
    assert.ok(error instanceof CoreError, String(error));
    assert.equal(error.code, 'AUTH_FAILED');
    assert.equal(error.chunkIndex, bad);
    assert.equal(chunks.length, bad, 'exactly the chunks before the bad one');
    assert.equal(toHex(bytes), toHex(m.subarray(0, bad * CHUNK)));
    assert.ok(counter.bytes < tampered.length || bad === 3, 'the source stops being read');
  }
  assert.equal(await w.openSessions(), 0, 'failed sessions are freed in the worker');
});

test('a wrong key fails on chunk 0 before any plaintext', async () => {
  const { ciphertext, header } = referenceEncrypt(randomBytes(CHUNK + 10), key);
  const { chunks, error } = await readAll(w.decryptStream(piecewise(ciphertext), header, randomBytes(32)));
  assert.equal(error?.code, 'AUTH_FAILED');
  assert.equal(error.chunkIndex, 0);
  assert.equal(chunks.length, 0);
});

test('a truncated stream errors with TRUNCATED at the end, after the chunks that did authenticate', async () => {
  const m = randomBytes(3 * CHUNK + 500);
  const { ciphertext, header } = referenceEncrypt(m, key);
  // Cut at a chunk boundary (the FINAL chunk never came) or inside the 17 bytes of overhead:
  // TRUNCATED. Cut inside a chunk's data: that shorter chunk fails its MAC, as in the core.
  const cuts = [
    [3 * CIPHER_CHUNK, 'TRUNCATED'],
    [3 * CIPHER_CHUNK + 10, 'TRUNCATED'],
    [CIPHER_CHUNK, 'TRUNCATED'],
    [5, 'TRUNCATED'],
    [2 * CIPHER_CHUNK + 77, 'AUTH_FAILED'],
  ];
  for (const [cut, code] of cuts) {
    const local = (() => {
      try {
        core.stream.decrypt(ciphertext.subarray(0, cut), header, key);
      } catch (e) {
        return e;
      }
    })();
    assert.equal(local.code, code, `core, cut at ${cut}`);
    const { chunks, bytes, error } = await readAll(w.decryptStream(piecewise(ciphertext.subarray(0, cut)), header, key));
    assert.equal(error?.code, code, `cut at ${cut}`);
    assert.equal(error.chunkIndex, local.chunkIndex);
    const whole = Math.floor(cut / CIPHER_CHUNK);
    assert.equal(chunks.length, whole, `cut at ${cut}: every complete chunk was emitted`);
    assert.equal(toHex(bytes), toHex(m.subarray(0, whole * CHUNK)));
  }
});

test('bytes after the FINAL chunk are rejected as BAD_INPUT', async () => {
  const { ciphertext, header } = referenceEncrypt(randomBytes(CHUNK), key);
  const { error } = await readAll(w.decryptStream(piecewise(Buffer.concat([ciphertext, new Uint8Array(3)])), header, key));
  assert.equal(error?.code, 'BAD_INPUT');
});

test('decrypts a fetch() body served in small pieces; SHA-256 of the plaintext matches', async () => {
  const m = randomBytes(2 * CHUNK + 123_457);
  const { ciphertext, header } = referenceEncrypt(m, key);
  const server = createServer(async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': ciphertext.length });
    for (let at = 0; at < ciphertext.length; at += 200_000) {
      if (!res.write(ciphertext.subarray(at, at + 200_000))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/file`);
    const hash = createHash('sha256');
    for await (const chunk of w.decryptStream(response.body, header, key)) hash.update(chunk);
    assert.equal(hash.digest('hex'), sha(m));
  } finally {
    server.close();
  }
});

test('backpressure: an unread stream reads at most about two chunks of its source', async () => {
  const m = randomBytes(8 * CHUNK);
  const { ciphertext, header } = referenceEncrypt(m, key);
  const counter = { pieces: 0, bytes: 0 };
  const stream = w.decryptStream(piecewise(ciphertext, [1 << 20], counter), header, key);
  const reader = stream.getReader();
  const first = await reader.read();
  assert.equal(first.value.length, CHUNK);
  await new Promise((r) => setTimeout(r, 300)); // time to run ahead, if it would
  // One chunk read, one queued (highWaterMark 1), the next one's input may be in flight.
  assert.ok(counter.bytes <= 3 * CIPHER_CHUNK + (1 << 20), `read ${counter.bytes} bytes of the source`);
  let total = first.value.length;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
  }
  assert.equal(total, m.length);
});

test('an AbortSignal cancels a stream mid-way: the reader rejects, the source is cancelled, the session freed', async () => {
  const m = randomBytes(6 * CHUNK);
  const { ciphertext, header } = referenceEncrypt(m, key);
  let cancelled = null;
  let served = 0;
  const source = new ReadableStream(
    {
      pull(c) {
        if (served >= ciphertext.length) return c.close();
        c.enqueue(ciphertext.slice(served, served + 500_000));
        served += 500_000;
      },
      cancel(reason) {
        cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  const ac = new AbortController();
  const reader = w.decryptStream(source, header, key, { signal: ac.signal }).getReader();
  assert.equal((await reader.read()).value.length, CHUNK);
  assert.equal(await w.openSessions(), 1);
  ac.abort();
  await assert.rejects(reader.read(), (e) => e.name === 'AbortError');
  assert.equal(cancelled?.name, 'AbortError');
  assert.ok(served < ciphertext.length);
  assert.equal(await w.openSessions(), 0);

  // Already aborted: fails at once, nothing opened.
  const { error } = await readAll(w.decryptStream(piecewise(ciphertext), header, key, { signal: AbortSignal.abort() }));
  assert.equal(error?.name, 'AbortError');
  assert.equal(await w.openSessions(), 0);
});

test('cancelling the reader frees the worker session and stops the source', async () => {
  const { ciphertext, header } = referenceEncrypt(randomBytes(4 * CHUNK), key);
  const counter = { pieces: 0, bytes: 0 };
  const reader = w.decryptStream(piecewise(ciphertext, [1 << 20], counter), header, key).getReader();
  await reader.read();
  await reader.cancel('scrolled away');
  const readSoFar = counter.bytes;
  assert.equal(await w.openSessions(), 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(counter.bytes, readSoFar, 'nothing more is read after cancel');
});

test('progress reports bytes in and out, ending at the totals', async () => {
  const m = randomBytes(2 * CHUNK + 9);
  const { ciphertext, header } = referenceEncrypt(m, key);
  const events = [];
  await readAll(w.decryptStream(piecewise(ciphertext, [700_000]), header, key, { onProgress: (p) => events.push(p) }));
  assert.ok(events.length >= 5);
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].bytesIn >= events[i - 1].bytesIn && events[i].bytesOut >= events[i - 1].bytesOut);
  }
  assert.deepEqual(events.at(-1), { type: 'stream', bytesIn: ciphertext.length, bytesOut: m.length });
  assert.ok(
    events.every((e) => e.bytesOut % CHUNK === 0 || e.bytesOut === m.length),
    'output only in whole chunks',
  );
});

test('streams spread over a pool run concurrently and stay correct', async () => {
  const pool = await createWorkerPool(2);
  try {
    const inputs = [randomBytes(2 * CHUNK + 1), randomBytes(CHUNK + 2), randomBytes(3)];
    const outs = await Promise.all(
      inputs.map(async (m) => {
        const { ciphertext, header } = referenceEncrypt(m, key);
        return (await readAll(pool.decryptStream(piecewise(ciphertext, [99_999]), header, key))).bytes;
      }),
    );
    outs.forEach((o, i) => assert.equal(sha(o), sha(inputs[i])));
    assert.equal(await pool.openSessions(), 0);
  } finally {
    await pool.terminate();
  }
});

test('terminating the worker mid-stream errors the stream instead of leaving it hanging', async () => {
  const own = await createCoreWorker();
  const { ciphertext, header } = referenceEncrypt(randomBytes(3 * CHUNK), key);
  const reader = own.decryptStream(piecewise(ciphertext, [1 << 20]), header, key).getReader();
  assert.equal((await reader.read()).value.length, CHUNK);
  await own.terminate();
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) break;
  }, /terminated|exited/);
});
