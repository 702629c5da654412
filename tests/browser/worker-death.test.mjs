// Fault, headless Chromium: a pool's module Worker reports an error mid-job (what a crashed
// worker does). Its job rejects with a clear error, the pool terminates it and starts another in
// its place, and retried jobs succeed. The page wraps the Worker class to see every thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './server.mjs';

const env = browserSuite();

test('in the browser, a pool worker that fails mid-job is terminated and replaced; retries succeed', async () => {
  const page = await env.browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${env.url}/`);
  const r = await page.evaluate(async () => {
    const workers = [];
    const terminated = new Set();
    const RealWorker = Worker;
    globalThis.Worker = class extends RealWorker {
      constructor(...args) {
        super(...args);
        workers.push(this);
      }
      terminate() {
        terminated.add(workers.indexOf(this));
        super.terminate();
      }
    };
    const { createWorkerPool } = await import('/js/dist/index.js');
    const pool = await createWorkerPool(2, { flavor: 'crypto' });
    try {
      const key = new Uint8Array(32).fill(9);
      const big = new Uint8Array(24 << 20).fill(1);
      const jobs = [pool.stream.encrypt(big.slice(), key), pool.stream.encrypt(big.slice(), key)];
      workers[0].dispatchEvent(new ErrorEvent('error', { message: 'test: crashed' }));
      const first = await Promise.allSettled(jobs);
      const retried = await Promise.allSettled(Array.from({ length: 20 }, () => pool.b64.encode(new Uint8Array([1, 2, 3]))));
      // The replacement starts in the background (the retries may all have run on the other thread).
      for (let i = 0; i < 600 && (await pool.threadStats()).length < 2; i++) await new Promise((res) => setTimeout(res, 100));
      return {
        first: first.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason.message)).sort(),
        retried: retried.map((s) => (s.status === 'fulfilled' ? s.value : s.reason.message)),
        threads: (await pool.threadStats()).length,
        spawned: workers.length,
        terminatedBeforeEnd: [...terminated],
        sessions: await pool.openSessions(),
      };
    } finally {
      await pool.terminate();
    }
  });
  assert.deepEqual(r.first, ['cipherlens: worker failed: test: crashed', 'ok']);
  assert.deepEqual(r.retried, Array(20).fill('AQID'));
  assert.equal(r.threads, 2);
  assert.equal(r.spawned, 3, 'one replacement');
  assert.deepEqual(r.terminatedBeforeEnd, [0], 'the failed worker was terminated, not left running');
  assert.equal(r.sessions, 0);
  assert.deepEqual(pageErrors, []);
  await page.close();
});
