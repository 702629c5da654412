// End-to-end indexing of a photo library in headless Chromium: createSearchWorker(...).indexFiles
// over generated JPEGs (a 12 MP / 1 MP mix, build/bench-assets/photos, made once by
// gen-photos.py) with the MobileCLIP-S2 stand-in image graph (build/models/mobileclip). The page
// fetches each photo as a Blob and hands it over; the worker decodes (createImageBitmap, straight
// to 1024 px), preprocesses (core.clip), infers (onnxruntime-web), upserts, and checkpoints the
// encrypted index. Reports images/s, the time split, the renderer's peak RSS and the page's
// longest main-thread task, at 1 thread and (cross-origin isolated) 2.
//   node scripts/bench/mobileclip-index.bench.mjs [--count N] [--graphs float,int8,rgba] [--threads 1,2] [--write]
// --write puts the section into BENCHMARKS.md in place of its previous one (or at the end).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer, blankPage } from '../serve.mjs';
import { table, fmt } from './harness.mjs';
import { launchChromium } from '../chromium.mjs';

// bench.sh runs Node with --no-experimental-fetch; playwright-core needs fetch's Headers class.
if (typeof globalThis.Headers === 'undefined') {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: process.env.MOBILECLIP_INDEX_COUNT ?? '1000' },
    graphs: { type: 'string', default: 'float' },
    threads: { type: 'string', default: '1,2' },
    write: { type: 'boolean', default: false },
  },
});
const COUNT = Number(args.count);
if (!Number.isInteger(COUNT) || COUNT < 1) throw new Error(`--count must be a positive integer, got ${args.count}`);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PHOTOS = 'build/bench-assets/photos';
/** Every BIG_EVERY-th photo is 12 MP (gen-photos.py). */
const BIG_EVERY = 10;
const GRAPHS = {
  float: { file: 'mobileclip_s2_image.onnx', label: 'float [1,3,256,256]' },
  int8: { file: 'mobileclip_s2_image_int8.onnx', label: 'int8 1x1 convolutions' },
  rgba: { file: 'mobileclip_s2_image_rgba.onnx', label: 'RGBA, resize in graph' },
};
const TEXT_MODEL = 'mobileclip_s2_text_int8.onnx';
const CHECKPOINT_EVERY = 100;
const RSS_SAMPLE_MS = 200;
const SECTION = '## Indexing a library in the browser: indexFiles with the MobileCLIP-S2 stand-in';

if (!existsSync(`${ROOT}build/models/mobileclip/manifest.json`))
  throw new Error('build/models/mobileclip missing: run npm run build');
execFileSync('/usr/bin/python3', [`${ROOT}scripts/bench/gen-photos.py`, `${ROOT}${PHOTOS}`, String(COUNT)], { stdio: 'inherit' });
const photoBytes = Array.from({ length: COUNT }, (_, i) => readFileSync(`${ROOT}${PHOTOS}/${i + 1}.jpg`).length).reduce(
  (a, b) => a + b,
  0,
);

// ---- the renderer's memory, from /proc: every descendant of our Chromium with --type=renderer
function children() {
  const byParent = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(pid)]);
    } catch {
      /* gone */
    }
  }
  return byParent;
}
function rendererRssBytes() {
  const byParent = children();
  const stack = [...(byParent.get(process.pid) ?? [])];
  let rss = 0;
  while (stack.length) {
    const pid = stack.pop();
    stack.push(...(byParent.get(pid) ?? []));
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      rss += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
    } catch {
      /* gone */
    }
  }
  return rss;
}

const server = await startServer({
  routes: {
    '/bench-index': blankPage('indexing bench'),
  },
  onCspViolation: (r) => {
    throw new Error(`CSP violation: ${JSON.stringify(r)}`);
  },
});
const browser = await launchChromium();

async function indexRun(graph, threads) {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/bench-index`);
    const info = await page.evaluate(
      async ({ imageModel, textModel, threads }) => {
        const { createSearchWorker } = await import('/js/dist/index.js');
        window.longest = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
        }).observe({ type: 'longtask' });
        const t0 = performance.now();
        window.search = await createSearchWorker({
          ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
          numThreads: threads,
          cache: false,
          baseUrl: '/build/models/mobileclip/',
          imageModel,
          textModel,
        });
        return { crossOriginIsolated, loadMs: performance.now() - t0 };
      },
      { imageModel: GRAPHS[graph].file, textModel: TEXT_MODEL, threads },
    );
    if (threads > 1 && !info.crossOriginIsolated) throw new Error('the page is not cross-origin isolated: no threads');
    const rssLoaded = rendererRssBytes();
    let peak = rssLoaded;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rendererRssBytes());
    }, RSS_SAMPLE_MS);
    let shown = 0;
    const shower = setInterval(async () => {
      const done = await page.evaluate(() => window.done ?? 0).catch(() => shown);
      if (done >= shown + Math.max(1, Math.round(COUNT / 10))) {
        shown = done;
        process.stderr.write(`  ${graph}, ${threads} thread(s): ${done}/${COUNT}\n`);
      }
    }, 5000);
    let run;
    try {
      run = await page.evaluate(
        async ({ count, photos, checkpointEvery }) => {
          async function* files() {
            for (let fileId = 1; fileId <= count; fileId++) {
              const res = await fetch(`/${photos}/${fileId}.jpg`);
              yield { fileId, blob: await res.blob() };
            }
          }
          const key = crypto.getRandomValues(new Uint8Array(32));
          let checkpointBytes = 0;
          window.longest = 0; // from here on: the run
          const t0 = performance.now();
          const result = await window.search.indexFiles(files(), {
            key,
            checkpointEvery,
            persist: (b) => {
              checkpointBytes = b.length;
            },
            onProgress: (p) => {
              window.done = p.done;
            },
          });
          const wallMs = performance.now() - t0;
          await new Promise((r) => setTimeout(r, 100)); // let the observer deliver the last entries
          const size = await window.search.size();
          await window.search.terminate();
          return { ...result, failed: result.failed.length, wallMs, size, checkpointBytes, longest: window.longest };
        },
        { count: COUNT, photos: PHOTOS, checkpointEvery: CHECKPOINT_EVERY },
      );
    } finally {
      clearInterval(sampler);
      clearInterval(shower);
    }
    if (run.indexed !== COUNT || run.size !== COUNT) throw new Error(`indexed ${run.indexed} of ${COUNT} (failed ${run.failed})`);
    return { graph, threads, ...info, ...run, rssLoaded, peak };
  } finally {
    await page.close();
  }
}

const runs = [];
try {
  for (const graph of args.graphs.split(',')) {
    if (!GRAPHS[graph]) throw new Error(`unknown graph ${graph}: one of ${Object.keys(GRAPHS).join(', ')}`);
    for (const threads of args.threads.split(',').map(Number)) {
      process.stderr.write(`indexing ${COUNT} photos: ${graph} graph, ${threads} thread(s)\n`);
      runs.push(await indexRun(graph, threads));
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const MB = 1024 * 1024;
const per = (r, k) => fmt(r.timings[k] / r.indexed, 0);
const rows = runs.map((r) => [
  GRAPHS[r.graph].label,
  r.threads,
  COUNT,
  fmt(COUNT / (r.wallMs / 1000), 2),
  per(r, 'decode'),
  per(r, 'preprocess'),
  per(r, 'inference'),
  per(r, 'index'),
  fmt(r.wallMs / 60000, 1),
  fmt(10000 / (COUNT / (r.wallMs / 1000)) / 3600, 1),
  fmt(r.rssLoaded / MB, 0),
  fmt(r.peak / MB, 0),
  fmt(r.longest, 0),
]);
const big = Math.floor(COUNT / BIG_EVERY);
const lines = [
  SECTION,
  '',
  table(
    [
      'image graph',
      'threads',
      'photos',
      'images/s',
      'decode ms',
      'preprocess ms',
      'inference ms',
      'index ms',
      'wall min',
      '10,000 photos h',
      'renderer MB after load',
      'peak renderer MB',
      'longest main-thread task ms',
    ],
    rows,
  ),
  '',
  `${COUNT} generated photos (scripts/bench/gen-photos.py, Pillow): ${big} at 12 MP (4000x3000) and ${COUNT - big} at 1 MP`,
  `(1152x864), JPEG quality 88 with grain, ${fmt(photoBytes / MB, 0)} MB in all. Headless Chromium, cross-origin isolated page under the`,
  'strict CSP: the page fetches each photo as a Blob and passes an async generator to',
  '`createSearchWorker(...).indexFiles` (concurrency 2, encrypted checkpoint every 100 files);',
  'the worker decodes with createImageBitmap straight to 1024 px, preprocesses with `core.clip`, runs the',
  'MobileCLIP-S2 stand-in image graph (onnxruntime-web 1.30, wasm) and upserts, one photo at a time. Per-step',
  'figures are mean ms per photo; the rest of the wall time is the fetch, the hop to the worker and the checkpoints.',
  '"10,000 photos h" extrapolates the measured rate. Memory: resident set of Chromium\'s renderer processes from /proc (page, worker,',
  `both wasm heaps, decoded bitmaps), sampled every ${RSS_SAMPLE_MS} ms, after the models loaded (text model: ${TEXT_MODEL}) and at`,
  "its peak during the run. Longest task: PerformanceObserver 'longtask' on the page during the run (none over 50 ms shows as 0).",
];
const section = lines.join('\n');
console.log(section);
if (args.write) {
  const md = readFileSync(`${ROOT}BENCHMARKS.md`, 'utf8');
  const at = md.indexOf(SECTION);
  const end = at < 0 ? -1 : md.indexOf('\n## ', at + SECTION.length);
  const next = at < 0 ? `${md.trimEnd()}\n\n${section}\n` : `${md.slice(0, at)}${section}\n${end < 0 ? '' : md.slice(end)}`;
  writeFileSync(`${ROOT}BENCHMARKS.md`, next);
}
