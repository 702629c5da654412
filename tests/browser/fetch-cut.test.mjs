// Fault, headless Chromium: a download cut inside a 4 MiB chunk, decrypted by decryptStream in a
// module worker. A dropped connection errors the stream with fetch's TypeError; a body that ends
// early is CoreError AUTH_FAILED naming the chunk. Only whole authenticated chunks came out, the
// worker freed the session, and fetching again decrypts the whole file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadCore, CHUNK_BYTES, CIPHER_CHUNK_BYTES } from '../../js/dist/index.js';
import { browserSuite } from './server.mjs';
import { randomBytes } from '../js/test-random.mjs';

const core = await loadCore();
const key = core.generateKey();
const plaintext = randomBytes(2 * CHUNK_BYTES + 54_321); // seeded: TEST_SEED reproduces it
const { ciphertext, header } = core.stream.encrypt(plaintext, key);
const CUT = CIPHER_CHUNK_BYTES + 1_000_003; // inside the second chunk
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function send(res, bytes) {
  for (let at = 0; at < bytes.length; at += 256 * 1024) {
    if (!res.write(bytes.subarray(at, at + 256 * 1024))) await new Promise((r) => res.once('drain', r));
  }
}

let held; // the socket of a /dropped.enc download, cut by /cut
const env = browserSuite({
  '/whole.enc': async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': ciphertext.length });
    await send(res, ciphertext);
    res.end();
  },
  '/dropped.enc': async (req, res) => {
    // promises the whole file, sends part, then holds
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': ciphertext.length });
    await send(res, ciphertext.subarray(0, CUT));
    held = res.socket;
  },
  '/cut': async (req, res) => {
    // the connection goes once the page has had the first chunk
    held?.destroy();
    res.end();
  },
  '/short.enc': async (req, res) => {
    // no length promised: the body simply ends early
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    await send(res, ciphertext.subarray(0, CUT));
    res.end();
  },
});

test('in the browser, a download cut mid-chunk errors clearly, frees the session, and a retry succeeds', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const r = await page.evaluate(
    async ({ header, key }) => {
      const { createCoreWorker, CoreError } = await import('/js/dist/index.js');
      const fromHex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
      const w = await createCoreWorker({ flavor: 'crypto' });
      // A cut comes only after the first chunk came out: the stream reads its source on demand, and
      // an errored fetch body drops bytes still queued in it, so a timed cut would race the reader.
      const download = async (path, cutAfterFirstChunk = false) => {
        const sizes = [];
        const parts = [];
        try {
          for await (const chunk of w.decryptStream((await fetch(path)).body, fromHex(header), fromHex(key))) {
            sizes.push(chunk.length);
            parts.push(chunk);
            if (cutAfterFirstChunk && sizes.length === 1) await (await fetch('/cut')).arrayBuffer();
          }
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await new Blob(parts).arrayBuffer()));
          return { sizes, sha: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
        } catch (e) {
          return {
            sizes,
            error: {
              isCoreError: e instanceof CoreError,
              isTypeError: e instanceof TypeError,
              code: e.code,
              chunkIndex: e.chunkIndex,
            },
          };
        }
      };
      try {
        const dropped = await download('/dropped.enc', true);
        const droppedSessions = await w.openSessions();
        const short = await download('/short.enc');
        const shortSessions = await w.openSessions();
        const retry = await download('/whole.enc');
        return { dropped, droppedSessions, short, shortSessions, retry };
      } finally {
        await w.terminate();
      }
    },
    { header: Buffer.from(header).toString('hex'), key: Buffer.from(key).toString('hex') },
  );

  assert.equal(r.dropped.error?.isTypeError, true, `fetch's network error: ${JSON.stringify(r.dropped)}`);
  assert.deepEqual(r.dropped.sizes, [CHUNK_BYTES], 'only the authenticated first chunk');
  assert.equal(r.droppedSessions, 0);
  assert.deepEqual(r.short.error, { isCoreError: true, isTypeError: false, code: 'AUTH_FAILED', chunkIndex: 1 });
  assert.deepEqual(r.short.sizes, [CHUNK_BYTES]);
  assert.equal(r.shortSessions, 0);
  assert.equal(r.retry.error, undefined, JSON.stringify(r.retry.error));
  assert.equal(r.retry.sha, sha256(plaintext), 'the retry decrypts the whole file');
  await page.close();
});
