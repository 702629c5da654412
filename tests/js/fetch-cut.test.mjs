// Fault: a download cut inside a 4 MiB chunk, fetched from a local server on 127.0.0.1 and
// decrypted by a worker's decryptStream. A dropped connection errors the stream with fetch's own
// error; a body that just ends early is a CoreError naming the chunk. Either way only whole,
// authenticated chunks came out, the worker's session is freed, and fetching again succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createCoreWorker, loadCore, CHUNK_BYTES, CIPHER_CHUNK_BYTES } from '../../js/dist/index.js';
import { randomBytes } from './test-random.mjs';

const core = await loadCore();
const key = core.generateKey();
const plaintext = randomBytes(2 * CHUNK_BYTES + 54_321); // seeded: TEST_SEED reproduces it
const { ciphertext, header } = core.stream.encrypt(plaintext, key);
const CUT = CIPHER_CHUNK_BYTES + 1_000_003; // inside the second chunk

let server;
let base;
let held; // the socket of a /dropped download, cut by /cut
before(async () => {
  server = createServer(async (req, res) => {
    const send = async (bytes) => {
      for (let at = 0; at < bytes.length; at += 256 * 1024) {
        if (!res.write(bytes.subarray(at, at + 256 * 1024))) await new Promise((r) => res.once('drain', r));
      }
    };
    if (req.url === '/whole') {
      res.writeHead(200, { 'content-length': ciphertext.length });
      await send(ciphertext);
      res.end();
    } else if (req.url === '/dropped') {
      // promises the whole file, sends part, then holds
      res.writeHead(200, { 'content-length': ciphertext.length });
      await send(ciphertext.subarray(0, CUT));
      held = res.socket;
    } else if (req.url === '/cut') {
      // the connection goes once the client has had the first chunk
      held?.destroy();
      res.end();
    } else if (req.url === '/short') {
      // no length promised: the body simply ends early
      res.writeHead(200);
      await send(ciphertext.subarray(0, CUT));
      res.end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => server.close(r)));

/** Decrypts `path` through `w`; returns the chunk sizes delivered and the error, if any. */
async function download(w, path, afterFirstChunk = async () => {}) {
  const sizes = [];
  const parts = [];
  try {
    const response = await fetch(base + path);
    for await (const chunk of w.decryptStream(response.body, header, key)) {
      sizes.push(chunk.length);
      parts.push(chunk);
      if (sizes.length === 1) await afterFirstChunk();
    }
    return { sizes, bytes: Buffer.concat(parts) };
  } catch (error) {
    return { sizes, bytes: Buffer.concat(parts), error };
  }
}

test("a connection dropped mid-chunk errors the stream with fetch's error; only the whole chunk before it came out; a retry succeeds", async () => {
  const w = await createCoreWorker({ flavor: 'crypto' });
  try {
    // Cut only after the first chunk came out: the stream reads its source on demand, and an
    // errored fetch body drops bytes still queued in it, so a timed cut would race the reader.
    const cut = await download(w, '/dropped', () => fetch(`${base}/cut`).then((r) => r.arrayBuffer()));
    assert.ok(cut.error instanceof TypeError, `fetch's network error, got ${cut.error}`);
    assert.deepEqual(cut.sizes, [CHUNK_BYTES], 'the authenticated first chunk, nothing of the second');
    assert.ok(cut.bytes.equals(plaintext.subarray(0, CHUNK_BYTES)));
    assert.equal(await w.openSessions(), 0, 'the worker freed the session');

    const retry = await download(w, '/whole');
    assert.equal(retry.error, undefined);
    assert.ok(retry.bytes.equals(plaintext), 'the retry decrypts the whole file');
  } finally {
    await w.terminate();
  }
});

test('a body that ends mid-chunk is a CoreError naming that chunk; a retry succeeds', async () => {
  const w = await createCoreWorker({ flavor: 'crypto' });
  try {
    const cut = await download(w, '/short');
    assert.equal(cut.error?.name, 'CoreError', String(cut.error));
    assert.equal(cut.error.code, 'AUTH_FAILED', 'a partial chunk fails its MAC (docs/worker.md)');
    assert.equal(cut.error.chunkIndex, 1);
    assert.deepEqual(cut.sizes, [CHUNK_BYTES]);
    assert.equal(await w.openSessions(), 0);

    const retry = await download(w, '/whole');
    assert.equal(retry.error, undefined);
    assert.ok(retry.bytes.equals(plaintext));
  } finally {
    await w.terminate();
  }
});
