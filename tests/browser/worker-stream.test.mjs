// Headless Chromium: a page starts the core worker (a module Worker), streams a file the local
// server serves encrypted through decryptStream, and checks the plaintext's SHA-256; tampered
// and truncated files fail with CoreError codes naming the chunk; the async API works there too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadCore } from '../../js/dist/index.js';
import { startServer, sendThrottled, launchChromium } from './server.mjs';
import { randomBytes, randomInt } from '../js/test-random.mjs';

const CHUNK = 4 * 1024 * 1024;
const CIPHER_CHUNK = CHUNK + 17;
const core = await loadCore();
const key = randomBytes(32);
const plaintext = randomBytes(2 * CHUNK + 777_777);
const { ciphertext, header } = core.stream.encrypt(plaintext, key);
const tampered = ciphertext.slice();
tampered[CIPHER_CHUNK + 5000] ^= 1;
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

let server;
let browser;
before(async () => {
  server = await startServer({
    '/file.enc': (req, res) => sendThrottled(res, ciphertext, 256 * 1024, 0),
    '/tampered.enc': (req, res) => sendThrottled(res, tampered, 256 * 1024, 0),
    '/truncated.enc': (req, res) => sendThrottled(res, ciphertext.subarray(0, 2 * CIPHER_CHUNK), 256 * 1024, 0),
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs in the page: decrypts `path` through a worker, returning chunk sizes and SHA-256 or the error. */
async function decryptInPage(page, path) {
  return page.evaluate(
    async ({ path, header, key }) => {
      const { createCoreWorker, CoreError } = await import('/js/dist/index.js');
      const w = await createCoreWorker();
      const fromHex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
      const sizes = [];
      const parts = [];
      try {
        const response = await fetch(path);
        for await (const chunk of w.decryptStream(response.body, fromHex(header), fromHex(key))) {
          sizes.push(chunk.length);
          parts.push(chunk);
        }
        const all = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
        return { sizes, sha: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
      } catch (e) {
        return { sizes, error: { isCoreError: e instanceof CoreError, name: e.name, code: e.code, chunkIndex: e.chunkIndex } };
      } finally {
        await w.terminate();
      }
    },
    { path, header: Buffer.from(header).toString('hex'), key: Buffer.from(key).toString('hex') },
  );
}

test('a page streams an encrypted file through the worker; SHA-256 of the plaintext matches', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/`);
  const r = await decryptInPage(page, '/file.enc');
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.deepEqual(r.sizes, [CHUNK, CHUNK, 777_777], 'one output per authenticated chunk');
  assert.equal(r.sha, sha256(plaintext));
  assert.deepEqual(errors, []);
  await page.close();
});

test('in the browser a tampered chunk fails as CoreError AUTH_FAILED with its index, a truncated file as TRUNCATED', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  const bad = await decryptInPage(page, '/tampered.enc');
  assert.deepEqual(bad.error, { isCoreError: true, name: 'CoreError', code: 'AUTH_FAILED', chunkIndex: 1 });
  assert.deepEqual(bad.sizes, [CHUNK], 'only the chunk before the tampered one');
  const cut = await decryptInPage(page, '/truncated.enc');
  assert.equal(cut.error.code, 'TRUNCATED');
  assert.equal(cut.error.isCoreError, true);
  assert.deepEqual(cut.sizes, [CHUNK, CHUNK]);
  await page.close();
});

test('in the browser the async API, the pool and transfer behave as in Node', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  const r = await page.evaluate(
    async (seed) => {
      const { createWorkerPool, loadCore } = await import('/js/dist/index.js');
      const core = await loadCore();
      const pool = await createWorkerPool(2);
      // Seeded inputs (the test's TEST_SEED stream picks the seed): mulberry32 bytes.
      const bytes = (n) =>
        Uint8Array.from({ length: n }, () => {
          seed = (seed + 0x6d2b79f5) >>> 0;
          let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
          return (t ^ (t >>> 14)) >>> 24;
        });
      try {
        const key = bytes(32);
        const thumbs = Array.from({ length: 24 }, (_, i) => bytes(20_000 + i));
        const blobs = thumbs.map((t) => core.blob.encrypt(t, key));
        const out = await Promise.all(blobs.map((b) => pool.blob.decrypt(b.ciphertext, b.header, key)));
        const same = out.every((o, i) => o.length === thumbs[i].length && o.every((x, j) => x === thumbs[i][j]));
        // Thumbnails (under 64 KiB, PAYLOAD_TRANSFER_BYTES) are copied: the caller keeps them.
        const kept = blobs.every((b) => b.ciphertext.buffer.byteLength === b.ciphertext.length);
        // From 64 KiB on a payload is transferred: the caller's buffer is detached.
        const large = core.blob.encrypt(bytes(70_000), key);
        await pool.blob.decrypt(large.ciphertext, large.header, key);
        const detached = large.ciphertext.buffer.byteLength === 0;
        const d = await pool.deriveKey('pw', new Uint8Array(16), 2, 1 << 20);
        const sameKey = d.every((x, i) => x === core.deriveKey('pw', new Uint8Array(16), 2, 1 << 20)[i]);
        return {
          same,
          kept,
          detached,
          sameKey,
          completed: pool.stats().completed,
          version: pool.sodiumVersion === core.sodiumVersion,
        };
      } finally {
        await pool.terminate();
      }
    },
    randomInt(0, 0xffffffff),
  );
  assert.deepEqual(
    { ...r, completed: undefined },
    { same: true, kept: true, detached: true, sameKey: true, version: true, completed: undefined },
  );
  assert.ok(
    r.completed.every((n) => n > 0),
    `both threads worked: ${r.completed}`,
  );
  await page.close();
});
