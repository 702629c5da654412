// Faces: Ente's two models as same-shape stand-ins (build/models/faces: YOLOv5s-face, MobileFaceNet;
// random weights, real architecture and size) in a Chromium module worker (onnxruntime-web, wasm)
// against onnxruntime-node on the same files and threads, with Ente's parity thresholds; face
// indexing end to end on generated photos in the Chromium worker (createFaceWorker().indexFiles);
// clustering at 10,000 and 100,000 faces (the core's SIMD path, its exact reference path, and
// Ente's own algorithm in JavaScript).
//   node scripts/bench/faces.bench.mjs [--count 1000] [--threads 1,2] [--sections models,index,cluster] [--write]
// --threads: the stand-ins' thread counts end to end. Each section is printed (and with --write put
// into BENCHMARKS.md in place of its previous one, or at the end) as soon as it is measured.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as ortNode from 'onnxruntime-node';
import jpeg from 'jpeg-js';
import { startServer } from '../serve.mjs';
import { launchChromium } from '../chromium.mjs';
import { median, table, fmt } from './harness.mjs';
import { cosine } from '../../tests/js/cosine.mjs';
import { loadCore, clusterFaces } from '../../js/dist/index.js';
import { people, photo } from '../synthetic-faces.mjs';
import { alignedFaces } from '../aligned-faces.mjs';
import { faceFiles } from './face-library.mjs';
import * as ente from '../../tests/js/face-reference.mjs';

// bench.sh runs Node with --no-experimental-fetch; playwright-core needs fetch's Headers class.
if (typeof globalThis.Headers === 'undefined') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: process.env.FACES_BENCH_COUNT ?? '1000' },
    threads: { type: 'string', default: '1,2' },
    sections: { type: 'string', default: 'models,index,cluster' },
    write: { type: 'boolean', default: false },
  },
});
const COUNT = Number(args.count);
const SECTIONS = new Set(args.sections.split(','));
const ROUNDS = Number(process.env.FACES_BENCH_ROUNDS ?? 5);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODELS = `${ROOT}build/models/faces/`;
const FILES = {
  detector: 'yolov5s_face_standin.onnx',
  embedder: 'mobilefacenet_standin.onnx',
  demoDetector: 'face_detector_demo.onnx',
  demoEmbedder: 'face_embedder_demo.onnx',
};
if (!existsSync(`${MODELS}manifest.json`)) throw new Error('build/models/faces missing: run npm run build');
const NATIVE = 'onnxruntime-node (native)';
const WEB = 'onnxruntime-web, Chromium worker (wasm)';
const core = await loadCore();

const server = await startServer({
  routes: {
    '/bench-faces': async (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end('<!doctype html><meta charset="utf-8"><title>faces bench</title>');
    },
  },
  onCspViolation: (r) => {
    throw new Error(`CSP violation: ${JSON.stringify(r)}`);
  },
});
const browser = await launchChromium();
const newPage = async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench-faces`);
  return page;
};

// ---- inputs: a letterboxed photo with faces, aligned faces (1 and a batch of 8)
const sample = photo({ width: 1600, height: 1200, faces: [0, 1, 2], cast: people(3, 7), seed: 7 });
const detectorInput = core.faces.letterbox(sample.rgba, sample.width, sample.height);
const alignedBatch = (n) => ({ type: 'float32', data: alignedFaces(core, n, 9), dims: [n, 112, 112, 3] });
const INPUTS = {
  photo: { type: 'float32', data: detectorInput.input, dims: [1, 3, 640, 640] },
  face1: alignedBatch(1),
  face8: alignedBatch(8),
};
const RUNS = {
  detector: [['photo', 1]],
  embedder: [
    ['face1', 5],
    ['face8', 2],
  ],
};

// ---- runners over the same models: { name, load(model), run(model, input, runs) -> { times, output } }
async function chromiumRunner(threads) {
  const page = await newPage();
  await page.evaluate(() => {
    window.worker = new Worker('/scripts/bench/mobileclip-worker.mjs', { type: 'module' });
    let next = 0;
    window.call = (msg) =>
      new Promise((resolve) => {
        const id = next++;
        const on = (e) => {
          if (e.data.id !== id) return;
          window.worker.removeEventListener('message', on);
          resolve(e.data);
        };
        window.worker.addEventListener('message', on);
        window.worker.postMessage({ id, msg });
      });
  });
  const call = async (msg) => {
    const res = await page.evaluate((m) => window.call(m), msg);
    if (!res.ok) throw new Error(res.error);
    return res.value;
  };
  const info = await call({ cmd: 'init', threads });
  if (threads > 1 && !info.crossOriginIsolated) throw new Error('the page is not cross-origin isolated: no threads');
  for (const [name, input] of Object.entries(INPUTS))
    await call({ cmd: 'input', name, input: { ...input, data: Array.from(input.data) } });
  return {
    name: WEB,
    load: (model) => call({ cmd: 'load', key: model, source: `/build/models/faces/${FILES[model]}`, options: {} }),
    run: (model, input, runs) => call({ cmd: 'run', key: model, input, runs, reuse: true }),
    close: () => page.close(),
  };
}

function nativeRunner(threads) {
  const sessions = new Map();
  return {
    name: NATIVE,
    async load(model) {
      sessions.set(
        model,
        await ortNode.InferenceSession.create(MODELS + FILES[model], { intraOpNumThreads: threads, interOpNumThreads: 1 }),
      );
    },
    async run(model, input, runs) {
      const s = sessions.get(model);
      const { type, data, dims } = INPUTS[input];
      const tensor = new ortNode.Tensor(type, data, dims);
      const times = [];
      let output;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        output = (await s.run({ [s.inputNames[0]]: tensor }))[s.outputNames[0]];
        times.push(performance.now() - t0);
      }
      return { times, output: Array.from(output.data) };
    },
    close: async () => {
      for (const s of sessions.values()) await s.release();
    },
  };
}

const boxIou = (a, b) => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const i = Math.max(0, w) * Math.max(0, h);
  const union = a.width * a.height + b.width * b.height - i;
  // Boxes of no area (clamped to an edge) match only themselves.
  return union > 0 ? i / union : Number(a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);
};

async function modelsSection() {
  const rows = [];
  for (const threads of [1, 2]) {
    process.stderr.write(`faces bench: the models, ${threads} thread(s)\n`);
    const runners = [nativeRunner(threads), await chromiumRunner(threads)];
    const times = new Map(); // runner|input -> ms per run
    const outputs = new Map();
    try {
      for (const r of runners) for (const model of ['detector', 'embedder']) await r.load(model);
      for (const r of runners)
        for (const model of ['detector', 'embedder']) for (const [input] of RUNS[model]) await r.run(model, input, 1); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const r of round % 2 ? [...runners].reverse() : runners) {
          for (const model of ['detector', 'embedder']) {
            for (const [input, runs] of RUNS[model]) {
              const { times: t, output } = await r.run(model, input, runs);
              const k = `${r.name}|${input}`;
              times.set(k, [...(times.get(k) ?? []), ...t]);
              outputs.set(k, output);
            }
          }
        }
      }
    } finally {
      for (const r of runners) await r.close();
    }
    // Parity with Ente's thresholds: boxes after the core's post-processing, embeddings by cosine.
    const detections = (name) =>
      core.faces.detections(
        Float32Array.from(outputs.get(`${name}|photo`)),
        detectorInput.scaledWidth,
        detectorInput.scaledHeight,
      );
    const native = detections(NATIVE);
    const web = detections(WEB);
    const ious = native.map((n) => Math.max(0, ...web.map((w) => boxIou(n.box, w.box))));
    let worstCos = 0;
    for (const input of ['face1', 'face8']) {
      const a = outputs.get(`${NATIVE}|${input}`),
        b = outputs.get(`${WEB}|${input}`);
      for (let i = 0; i < a.length; i += 192) worstCos = Math.max(worstCos, 1 - cosine(a.slice(i, i + 192), b.slice(i, i + 192)));
    }
    const ms = (name, input) => median(times.get(`${name}|${input}`));
    // A ratio: the median over rounds of native / this runtime within the round (as harness.mjs).
    const runsOf = (input) => RUNS.detector.concat(RUNS.embedder).find(([i]) => i === input)[1];
    const round = (name, input, r) => median(times.get(`${name}|${input}`).slice(r * runsOf(input), (r + 1) * runsOf(input)));
    const ratio = (name, input) =>
      median(Array.from({ length: ROUNDS }, (_, r) => round(NATIVE, input, r) / round(name, input, r)));
    for (const name of [WEB, NATIVE]) {
      rows.push([
        `${name}, ${threads} thread${threads > 1 ? 's' : ''}`,
        fmt(ms(name, 'photo'), 0),
        `${fmt(ratio(name, 'photo'), 2)}x`,
        fmt(ms(name, 'face1'), 1),
        fmt(ms(name, 'face8') / 8, 1),
        `${fmt(ratio(name, 'face8'), 2)}x`,
        name === WEB
          ? `${web.length}/${native.length} boxes, min IoU ${fmt(Math.min(...ious), 4)}; cosine distance ${worstCos.toExponential(1)}`
          : '(reference)',
      ]);
    }
  }
  return [
    "## Faces: Ente's models (same-shape stand-ins) in the Chromium worker and in onnxruntime-node",
    '',
    table(
      [
        'runtime',
        'detector ms / photo',
        'vs native',
        'embedder ms / face (1 face)',
        'ms / face (batch of 8)',
        'vs native (batch)',
        'parity with native',
      ],
      rows,
    ),
    '',
    'The YOLOv5s-face stand-in (float32 [1,3,640,640] -> [1,25200,16], 7.07 M parameters, the Detect head decoding in the graph) and the',
    'MobileFaceNet stand-in ([N,112,112,3] -> [N,192], 1.29 M parameters, PRelu, L2-normalised), random weights',
    '(scripts/gen-face-models.mjs), on the same inputs: a generated 1600x1200 photo letterboxed by the core, faces aligned by',
    'the core. onnxruntime-web 1.30 in a module worker of a cross-origin isolated page in headless Chromium, against onnxruntime-node',
    `1.30 (CPU) in this process with the same intra-op threads; ${ROUNDS} interleaved rounds, medians (a ratio: the median over rounds of`,
    "the ratio within a round). Parity, Ente's comparator: boxes",
    "matched at IoU >= 0.80 after the core's post-processing (score >= 0.5, NMS) and embeddings within cosine distance 0.015.",
  ].join('\n');
}

// ---- end to end: generated photos through createFaceWorker().indexFiles in Chromium
const PHOTOS = 'build/bench-assets/face-photos';
function facePhotos(count) {
  mkdirSync(`${ROOT}${PHOTOS}`, { recursive: true });
  const cast = people(40, 3);
  let drawn = 0;
  for (let id = 1; id <= count; id++) {
    const n = 1 + (id % 3);
    drawn += n;
    const path = `${ROOT}${PHOTOS}/${id}.jpg`;
    if (existsSync(path)) continue;
    const p = photo({
      width: 1600,
      height: 1200,
      faces: Array.from({ length: n }, (_, k) => (id * 7 + k) % cast.length),
      cast,
      seed: id,
      minSize: 0.1,
      maxSize: 0.35,
    });
    writeFileSync(`${path}.tmp`, jpeg.encode({ data: p.rgba, width: p.width, height: p.height }, 88).data);
    renameSync(`${path}.tmp`, path);
  }
  return drawn;
}

async function indexRun(label, models, threads, count) {
  const page = await newPage();
  page.on('console', (m) => {
    if (m.text().startsWith('faces bench:')) process.stderr.write(`${m.text()} (${label}, ${threads} thread(s))\n`);
  });
  try {
    return await page
      .evaluate(
        async ({ models, threads, count, photos }) => {
          const { createFaceWorker } = await import('/js/dist/index.js');
          const t0 = performance.now();
          const w = await createFaceWorker({
            ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
            numThreads: threads,
            cache: false,
            baseUrl: '/build/models/faces/',
            ...models,
          });
          const loadMs = performance.now() - t0;
          async function* files() {
            for (let fileId = 1; fileId <= count; fileId++)
              yield { fileId, blob: await (await fetch(`/${photos}/${fileId}.jpg`)).blob() };
          }
          let faces = 0;
          const t1 = performance.now();
          let done = 0;
          const result = await w.indexFiles(files(), {
            onProgress: (p) => {
              faces += p.faceIndex?.faces.length ?? 0;
              // Progress on stderr (the page's console is forwarded): a run takes minutes to an hour on a shared machine.
              if (++done % 50 === 0)
                console.log(`faces bench: ${done}/${count} photos, ${((performance.now() - t1) / 1000).toFixed(0)} s`);
            },
          });
          const wallMs = performance.now() - t1;
          await w.terminate();
          return {
            loadMs,
            wallMs,
            faces,
            indexed: result.indexed,
            failed: result.failed.length,
            timings: result.timings,
            crossOriginIsolated,
          };
        },
        { models, threads, count, photos: PHOTOS },
      )
      .then((r) => ({ label, threads, ...r }));
  } finally {
    await page.close();
  }
}

async function indexSection() {
  process.stderr.write(`faces bench: ${COUNT} generated photos\n`);
  const drawn = facePhotos(COUNT);
  const demo = { detectorModel: FILES.demoDetector, embedderModel: FILES.demoEmbedder };
  const runs = [await indexRun('demo models (find the drawn faces)', demo, 1, COUNT)];
  for (const threads of args.threads.split(',').map(Number)) {
    process.stderr.write(`faces bench: the stand-ins end to end, ${threads} thread(s)\n`);
    runs.push(
      await indexRun(
        "stand-ins (real models' cost)",
        { detectorModel: FILES.detector, embedderModel: FILES.embedder },
        threads,
        COUNT,
      ),
    );
  }
  const rows = runs.map((r) => {
    const s = r.wallMs / 1000;
    const per = (k) => fmt(r.timings[k] / r.indexed, 0);
    return [
      r.label,
      r.threads,
      `${r.indexed}${r.failed ? ` (${r.failed} failed)` : ''}`,
      r.faces,
      fmt(r.indexed / s, 2),
      fmt(r.faces / s, 2),
      per('decode'),
      per('preprocess'),
      per('inference'),
      fmt(s / 60, 1),
    ];
  });
  const standIns = runs.filter((r) => r.label.startsWith('stand-ins'));
  const standInFaces = standIns.map((r) => fmt(r.faces / r.indexed, 1)).join(', ');
  return [
    '## Faces indexed end to end: generated photos in the Chromium worker',
    '',
    table(
      [
        'models',
        'threads',
        'photos',
        'faces found',
        'photos/s',
        'faces/s',
        'decode ms',
        'letterbox + align ms',
        'detector + embedder ms',
        'wall min',
      ],
      rows,
    ),
    '',
    `${COUNT} generated JPEGs (1600x1200, quality 88; scripts/synthetic-faces.mjs) holding ${drawn} drawn faces of 40 people. The page fetches each`,
    'as a Blob for `createFaceWorker(...).indexFiles`; the worker decodes (createImageBitmap), letterboxes, detects, post-processes and',
    "aligns (the core), embeds (onnxruntime-web, wasm) and returns each photo's face index, one photo at a time. Per-step figures are mean",
    'ms per photo. The demo models find exactly the drawn faces (their own cost is small: the rows show the pipeline around the models);',
    `the stand-ins cost what Ente's models cost, and their random weights "find" what their random scores pass (${standInFaces} a photo`,
    'here, each aligned and embedded: their faces/s measures that cost, not faces a real photo holds). onnxruntime-web runs with',
    "the threads column's thread count, on 2 cores that other work shares (the load average below).",
  ].join('\n');
}

// ---- clustering
async function timeIt(fn) {
  globalThis.gc?.();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function chromiumCluster(n, people, seed) {
  const page = await newPage();
  try {
    return await page.evaluate(
      async ({ n, people, seed }) => {
        const { createFaceWorker } = await import('/js/dist/index.js');
        const { faceFiles } = await import('/scripts/bench/face-library.mjs');
        const files = faceFiles(n, people, seed);
        const w = await createFaceWorker({ detectorModel: null, embedderModel: null });
        try {
          const t0 = performance.now();
          const r = await w.clusterFaces({ files });
          return { ms: performance.now() - t0, clusters: r.clusters.length };
        } finally {
          await w.terminate();
        }
      },
      { n, people, seed },
    );
  } finally {
    await page.close();
  }
}

async function clusterSection() {
  const rows = [];
  for (const n of [10_000, 100_000]) {
    const people = n / 50;
    process.stderr.write(`faces bench: clustering ${n} faces\n`);
    const files = faceFiles(n, people, n);
    const rounds = n === 10_000 ? 3 : 1;
    const ms = { fast: [], scalar: [], ente: [], chromium: [] };
    let clusters;
    let exact;
    for (let r = 0; r < rounds; r++) {
      ms.fast.push(await timeIt(async () => (clusters = (await clusterFaces(core, { files })).clusters.length)));
      ms.scalar.push(await timeIt(() => clusterFaces(core, { files }, { scalar: true })));
      if (n === 10_000) ms.ente.push(await timeIt(() => ente.clusterFaces({ files }, { newId: () => 'cluster' })));
      ms.chromium.push((await chromiumCluster(n, people, n)).ms);
    }
    // How much exact work the fast path kept: its exact similarities over all pairs compared.
    {
      const flat = files.flatMap((f) => f.faces);
      const c = core.faces.clusterer({
        embeddings: Float32Array.from(flat.flatMap((f) => f.embedding)),
        dims: 192,
        bad: new Uint8Array(flat.length),
        clusters: new Int32Array(flat.length).fill(-1),
        existing: 0,
      });
      for (let b = 0; b < c.batches; b++) c.run(b);
      exact = c.exactCount;
      c.dispose();
    }
    const m = (k) => (ms[k].length ? median(ms[k]) : undefined);
    const cell = (k) => (m(k) === undefined ? 'not run' : fmt(m(k) / 1000, 2));
    rows.push([
      n.toLocaleString('en'),
      clusters,
      cell('fast'),
      cell('chromium'),
      cell('scalar'),
      cell('ente'),
      `${fmt(m('scalar') / m('fast'), 1)}x${m('ente') ? `, ${fmt(m('ente') / m('fast'), 1)}x` : ''}`,
      `${fmt(exact / 1e6, 2)} M`,
    ]);
  }
  return [
    '## Face clustering: 10,000 and 100,000 faces',
    '',
    table(
      [
        'faces',
        'clusters',
        'core, SIMD path s (Node)',
        'core, SIMD path s (Chromium worker)',
        'core, exact reference path s',
        "Ente's algorithm in JS s",
        'SIMD path vs reference, vs Ente JS',
        'exact similarities computed',
      ],
      rows,
    ),
    '',
    "Ente's linear incremental clustering (batches of 10,000 faces every 7,500) on synthetic faces (scripts/bench/face-library.mjs: one person",
    'per 50 faces, similarities spread across the 0.76 / 0.84 thresholds, 30% of the faces lower-quality), all eligible, in random order of',
    "time (so at 100,000 a batch holds few faces of each person, and many stay alone, as in Ente's), none clustered before.",
    "`clusterFaces` with the core's SIMD path (int16 dot products, i32x4.dot_i16x8_s, for the candidates; exact double",
    'similarities only where the error bound leaves a decision open: the clusters are exactly those of the reference path), in Node and',
    'through `createFaceWorker().clusterFaces` in Chromium (the faces cloned into the worker included); the same with every similarity',
    "computed exactly (the core's reference path); and face-reference.mjs, a plain transcription of Ente's web client's loop, at 10,000",
    '(at 100,000 it is about 13 times its 10,000 figure: each batch costs about as much as a first batch). Medians of 3 runs at 10,000, one at 100,000.',
  ].join('\n');
}

/** A section, with the machine's load when it started and ended (other work shares the 2 cores). */
async function measured(section) {
  const before = loadavg()[0];
  const text = `${await section()}\nLoad average (1 min) ${before.toFixed(1)} when this section started, ${loadavg()[0].toFixed(1)} when it ended.`;
  console.log(`${text}\n`);
  if (args.write) {
    const md = readFileSync(`${ROOT}BENCHMARKS.md`, 'utf8');
    const title = text.slice(0, text.indexOf('\n'));
    const at = md.indexOf(title);
    const end = at < 0 ? -1 : md.indexOf('\n## ', at + title.length);
    writeFileSync(
      `${ROOT}BENCHMARKS.md`,
      at < 0 ? `${md.trimEnd()}\n\n${text}\n` : `${md.slice(0, at)}${text}\n${end < 0 ? '' : md.slice(end)}`,
    );
  }
}

try {
  if (SECTIONS.has('models')) await measured(modelsSection);
  if (SECTIONS.has('index')) await measured(indexSection);
  if (SECTIONS.has('cluster')) await measured(clusterSection);
} finally {
  await browser.close();
  await server.close();
}
