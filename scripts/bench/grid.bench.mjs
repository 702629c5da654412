// The gallery grid at 100,000 files against 1,000 (the app's VirtualGrid in headless Chromium,
// grid/page.tsx): the longest main-thread task while scrolling (PerformanceObserver 'longtask':
// a screen per frame for 2,000 screens (back to the top at the bottom), then 100 jumps to random places), the JS heap after
// the first render and after scrolling (garbage collected first, CDP), the elements in the page,
// and the first render. A measurement for BENCHMARKS.md, never a test assertion.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CSP, TYPES } from '../../server/static.mjs';
import { colourPhoto } from '../../tests/browser/assets.mjs';
import { launchChromium } from '../chromium.mjs';
import { median, table } from './harness.mjs';

// bench.sh runs Node with --no-experimental-fetch; playwright-core needs fetch's Headers class.
if (typeof globalThis.Headers === 'undefined') {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIZES = [1_000, 100_000];
const ROUNDS = Number(process.env.GRID_BENCH_ROUNDS ?? 3);
const SCREENS = Number(process.env.GRID_BENCH_SCREENS ?? 2000);
const JUMPS = 100;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'gray'];

const dir = mkdtempSync(join(tmpdir(), 'grid-bench-'));
await build({
  entryPoints: [`${ROOT}scripts/bench/grid/page.tsx`],
  bundle: true,
  format: 'esm',
  minify: !process.env.GRID_BENCH_PROFILE,
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(dir, 'page.js'),
  logLevel: 'error',
});
for (const css of ['style.css', 'gallery.css', 'library.css']) copyFileSync(`${ROOT}app/${css}`, join(dir, css));
COLOURS.forEach((c, i) => writeFileSync(join(dir, `thumb-${i}.jpg`), colourPhoto(c)));
writeFileSync(
  join(dir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><title>grid bench</title><link rel="stylesheet" href="style.css"><link rel="stylesheet" href="gallery.css"><link rel="stylesheet" href="library.css"><div id="root"></div><script type="module" src="page.js"></script>',
);
const server = createServer((req, res) => {
  const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
  try {
    const body = readFileSync(join(dir, name.replace(/[^\w.-]/g, '')));
    res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'image/jpeg', 'content-security-policy': CSP });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launchChromium();

const MB = 1024 * 1024;
const results = {};
try {
  for (const n of SIZES) {
    const r = (results[n] = {
      longest: [],
      longTasks: [],
      heapLoaded: [],
      heapScrolled: [],
      elements: [],
      renderMs: [],
      rows: 0,
    });
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
      await context.addInitScript(() => {
        window.longTasks = [];
        new PerformanceObserver((list) =>
          window.longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])),
        ).observe({
          type: 'longtask',
          buffered: true,
        });
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize / MB;
      };
      await page.goto(`${url}?n=${n}`);
      await page.waitForFunction(() => [...document.querySelectorAll('#grid img')].some((i) => i.naturalWidth > 0), null, {
        timeout: 120_000,
      });
      r.renderMs.push(await page.evaluate(() => window.bench.renderMs));
      r.heapLoaded.push(await heap());
      if (process.env.GRID_BENCH_PROFILE) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
      const t0 = await page.evaluate(() => performance.now());
      await page.evaluate(
        async ([screens, jumps]) => {
          const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
          // The same number of screens at every size: at the bottom, back to the top.
          for (let i = 0; i < screens; i++) {
            if (window.scrollY + innerHeight >= document.body.scrollHeight - 1) window.scrollTo(0, 0);
            else window.scrollBy(0, innerHeight);
            await frame();
          }
          let seed = 7;
          for (let i = 0; i < jumps; i++) {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            window.scrollTo(0, (seed / 2147483648) * document.body.scrollHeight);
            await frame();
            await frame();
          }
        },
        [SCREENS, JUMPS],
      );
      // Let the thumbnails of the last place load, then read everything.
      await page.waitForTimeout(500);
      const t1 = await page.evaluate(() => performance.now());
      if (process.env.GRID_BENCH_PROFILE) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(`${process.env.GRID_BENCH_PROFILE}-${n}.cpuprofile`, JSON.stringify(profile));
      }
      const tasks = await page.evaluate(() => window.longTasks);
      const during = tasks.filter(([at]) => at >= t0 && at <= t1).map(([, d]) => d);
      r.longest.push(Math.max(0, ...during));
      r.longTasks.push(during.length);
      r.heapScrolled.push(await heap());
      r.elements.push(await page.evaluate(() => document.getElementsByTagName('*').length));
      r.rows = await page.evaluate(() => Number(document.getElementById('grid').style.height.replace('px', '')));
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

const m = (xs, digits = 0) => median(xs).toFixed(digits);
console.log('## Gallery grid: 100,000 files (Chromium)');
console.log();
console.log(
  table(
    [
      'files',
      'grid height',
      'first render',
      'longest task while scrolling',
      'long tasks (> 50 ms)',
      'JS heap after render',
      'JS heap after scrolling',
      'elements in the page',
    ],
    SIZES.map((n) => {
      const r = results[n];
      return [
        n.toLocaleString('en'),
        `${(r.rows / 1000).toFixed(0)}k px`,
        `${m(r.renderMs)} ms`,
        `${m(r.longest)} ms`,
        m(r.longTasks),
        `${m(r.heapLoaded, 1)} MB`,
        `${m(r.heapScrolled, 1)} MB`,
        m(r.elements),
      ];
    }),
  ),
);
console.log();
console.log(
  `The app's VirtualGrid (app/src/views/VirtualGrid.tsx, TanStack virtual-core over the window) by date with month and day headers, about 27 files a day (100,000: ten years), in headless Chromium at 1200×850 through scripts/bench/grid/page.tsx; ${ROUNDS} rounds each in a fresh context, medians. Scrolling: a screen per animation frame for ${SCREENS.toLocaleString('en')} screens (from the bottom back to the top), then ${JUMPS} jumps to random places; thumbnails through the app's ThumbnailCache from eight served JPEGs (the app decrypts them in the worker pool, off this thread). Long tasks: PerformanceObserver 'longtask' entries while scrolling (0 ms: none over 50 ms). The heap is measured after a forced garbage collection (CDP); it holds the ${SIZES.at(-1).toLocaleString('en')} file objects themselves, which the app keeps anyway. Measured while other work shared the machine's 2 cores (load average ${loadavg()[0].toFixed(1)} at the end): long tasks count contention too.`,
);
