// Run by gallery-grid.bench.mjs in a child process of its own (bench.sh turns off fetch, which
// playwright and the API helpers need).
// The gallery's grid with 500 photos: the longest main-thread task (PerformanceObserver
// 'longtask', tasks over 50 ms) while the page logs in and decrypts every thumbnail as it scrolls
// into view. The files are made through the API beforehand (with their ML data, so the login
// indexes nothing), the page runs in headless Chromium against the real server. A measurement
// for BENCHMARKS.md, never a test assertion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from '../../server/app.mjs';
import { colourPhoto } from '../../tests/browser/assets.mjs';
import { addFile, api, b64, core, createCollection, login, signup } from '../../tests/server/helpers.mjs';
import { median } from './harness.mjs';
import { launchChromium } from '../chromium.mjs';

const FILES = 500;
const ROUNDS = 3;
const DIMS = 512; // the test models' embedding size
const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'gray'];
const APP_DIR = fileURLToPath(new URL('../../build/app/', import.meta.url));
const SLOW = { timeout: 600_000 };

function embedding(i) {
  const v = Array.from({ length: DIMS }, (_, k) => Math.sin(i * 7.1 + k * 0.37));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const dataDir = mkdtempSync(join(tmpdir(), 'gallery-bench-'));
const server = await startGalleryServer({ dataDir, port: 0, appDir: APP_DIR });
// The browser suites' flags (tests/browser/server.mjs, which is not imported: it registers test hooks).
const browser = await launchChromium();
try {
  const account = await signup(server.url, 'bench@example.com', 'bench password');
  const { token } = await login(server.url, account.email, account.password);
  const album = await createCollection(server.url, account, token, 'Five hundred');
  const thumbnails = COLOURS.map((c) => new Uint8Array(colourPhoto(c)));
  for (let i = 0; i < FILES; i++) {
    const f = await addFile(server.url, token, album, {
      bytes: core.randomBytes(2048),
      thumbnail: thumbnails[i % COLOURS.length],
      title: `photo-${i}.jpg`,
    });
    const ml = core.blob.encrypt(
      gzipSync(JSON.stringify({ clip: { version: 1, client: 'bench', embedding: embedding(i) } })),
      f.fileKey,
    );
    const res = await api(server.url, 'PUT', `/api/files/${f.id}/ml`, {
      token,
      body: { encryptedData: b64(ml.ciphertext), decryptionHeader: b64(ml.header) },
    });
    if (res.status !== 204) throw new Error(`ml ${res.status}`);
  }

  const longest = [];
  const longestScrolling = [];
  const counts = [];
  const seconds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    await context.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) =>
        window.longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])),
      ).observe({ type: 'longtask', buffered: true });
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('#login-email', account.email);
    await page.fill('#login-password', account.password);
    await page.click('#login-form button');
    await page.waitForFunction((n) => document.querySelectorAll('#grid figure').length === n, FILES, SLOW);
    const t0 = await page.evaluate(() => performance.now());
    // Scroll through the grid a screen at a time until every thumbnail has been decrypted and shown.
    await page.evaluate(async () => {
      const loaded = () => [...document.querySelectorAll('#grid img')].filter((i) => i.naturalWidth > 0).length;
      const all = document.querySelectorAll('#grid img').length;
      while (loaded() < all) {
        window.scrollBy(0, window.innerHeight);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    });
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => document.getElementById('search-status').textContent.startsWith('Search ready'), null, SLOW);
    const tasks = await page.evaluate(() => window.longTasks);
    const inScroll = tasks.filter(([at]) => at >= t0 && at <= t1).map(([, d]) => d);
    longest.push(Math.max(0, ...tasks.map(([, d]) => d)));
    longestScrolling.push(Math.max(0, ...inScroll));
    counts.push(tasks.length);
    seconds.push((t1 - t0) / 1000);
    await context.close();
  }
  console.log(`## Gallery: ${FILES} thumbnails, longest main-thread task (Chromium)\n`);
  console.log('| measure | median | rounds |');
  console.log('|---|---|---|');
  console.log(
    `| longest main-thread task, login to every thumbnail shown | ${median(longest).toFixed(0)} ms | ${longest.map((x) => x.toFixed(0)).join(', ')} |`,
  );
  console.log(
    `| longest main-thread task while scrolling through the grid | ${median(longestScrolling).toFixed(0)} ms | ${longestScrolling.map((x) => x.toFixed(0)).join(', ')} |`,
  );
  console.log(`| long tasks (over 50 ms), login to every thumbnail shown | ${median(counts)} | ${counts.join(', ')} |`);
  console.log(
    `| scrolling through the grid until all ${FILES} thumbnails show | ${median(seconds).toFixed(1)} s | ${seconds.map((x) => x.toFixed(1)).join(', ')} |`,
  );
  console.log(
    `\nThe gallery (build/app) against its server in-process, headless Chromium, ${ROUNDS} rounds each in a` +
      ' fresh browser context: log in (SRP, keys opened in the worker pool), then scroll a screen at a time;' +
      ' thumbnails are fetched and blob-decrypted in the pool as they come into view, and search loads its' +
      " index from the files' ML data. Long tasks are PerformanceObserver 'longtask' entries of the page (0 ms: none" +
      " over 50 ms). SRP's 4096-bit arithmetic runs in a worker of its own (app/src/srp/worker.ts), not on the page" +
      " as in Ente's web client.",
  );
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
