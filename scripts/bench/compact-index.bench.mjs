// The compact index at library scale (COMPACT_INDEX_N, default 1,000,000 x 512), on a seeded
// mixture of Gaussians on the sphere and on random vectors: wasm memory, build, top-10 search
// (exact re-rank from the pages on disk; without re-rank; the alternatives: every int8 copy scored,
// 1-bit codes), recall@10 against exact search, snapshot save/open; side by side with today's
// float32 + int8 index (how many photos it holds before OUT_OF_MEMORY, and both at 100,000) and a
// plain JavaScript float32 scan (what Ente's web client does).
import { mkdirSync, rmSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCore, directoryPageStore } from '../../js/dist/index.js';
import { median, table, fmt } from './harness.mjs';
import { rng } from '../../tests/js/seeded-random.mjs';

const N = Number(process.env.COMPACT_INDEX_N ?? 1_000_000);
const D = 512;
const K = 10;
const QUERIES = Number(process.env.COMPACT_INDEX_QUERIES ?? 40);
const SIDE_N = Math.min(N, 100_000);
const MiB = 2 ** 20;
// Where the pages go (emptied afterwards); tests run a short slice of this bench in a folder of theirs.
const DIR = process.env.COMPACT_INDEX_DIR
  ? `${process.env.COMPACT_INDEX_DIR.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../../build/bench-pages/', import.meta.url));
const load = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const loads = [load()];

function gaussians(seed) {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}
function normaliseRows(data, n) {
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += data[r * D + j] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < D; j++) data[r * D + j] *= inv;
  }
  return data;
}
/** N unit vectors: Gaussian, or a mixture of 1000 Gaussians (centre + noise of the same norm, so
 *  photos of one cluster have cosine ~0.5 with each other, like similar photos in CLIP). */
function dataset(kind, n) {
  const g = gaussians(kind === 'random' ? 101 : 202);
  const data = new Float32Array(n * D);
  if (kind === 'random') {
    for (let i = 0; i < data.length; i++) data[i] = g();
  } else {
    const clusters = 1000;
    const centres = Float32Array.from({ length: clusters * D }, g);
    const pick = rng(303);
    for (let r = 0; r < n; r++) {
      const c = Math.floor(pick() * clusters) * D;
      for (let j = 0; j < D; j++) data[r * D + j] = centres[c + j] + g();
    }
    dataset.centres = centres;
  }
  return normaliseRows(data, n);
}
/** Half the queries near a stored photo (a photo search that should find it), half from the
 *  data's distribution (Gaussian, or a cluster centre + noise). */
function queries(kind, data, n) {
  const g = gaussians(kind === 'random' ? 404 : 505);
  const pick = rng(606);
  return Array.from({ length: QUERIES }, (_, t) => {
    const q = new Float32Array(D);
    if (t % 2) {
      const r = Math.floor(pick() * n);
      for (let j = 0; j < D; j++) q[j] = data[r * D + j] + (0.5 * g()) / Math.sqrt(D);
    } else if (kind === 'random') {
      for (let j = 0; j < D; j++) q[j] = g();
    } else {
      const c = Math.floor(pick() * 1000) * D;
      for (let j = 0; j < D; j++) q[j] = dataset.centres[c + j] + g();
    }
    return q;
  });
}

/** Exact top-k: a tuned plain-JS float32 scan (4 accumulators, typed top-k): the reference, and
 *  the peer (Ente's web client scores every embedding in JavaScript). */
function jsExact(data, n, q, k = K) {
  let qq = 0;
  for (let j = 0; j < D; j++) qq += q[j] * q[j];
  const inv = 1 / Math.sqrt(qq);
  const top = new Float64Array(k).fill(-Infinity);
  const row = new Int32Array(k).fill(-1);
  for (let r = 0, base = 0; r < n; r++, base += D) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let j = 0; j < D; j += 4) {
      s0 += data[base + j] * q[j];
      s1 += data[base + j + 1] * q[j + 1];
      s2 += data[base + j + 2] * q[j + 2];
      s3 += data[base + j + 3] * q[j + 3];
    }
    const s = (s0 + s1 + (s2 + s3)) * inv;
    if (s > top[0]) {
      let at = 1;
      while (at < k && top[at] < s) {
        top[at - 1] = top[at];
        row[at - 1] = row[at];
        at++;
      }
      top[at - 1] = s;
      row[at - 1] = r;
    }
  }
  return Array.from(row).reverse();
}

const idOf = (r) => 1_000_000_000 + r;
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const ms = (x) => fmt(x, 2);

async function buildCompact(data, n, codeBits, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const core = await loadCore(); // its own heap: its size is this index's
  const base = core.memory.heapInUse();
  const store = directoryPageStore(dir);
  const key = core.generateKey();
  const index = core.createCompactIndex(D, { store, key, codeBits });
  const t0 = performance.now();
  const BATCH = 10_000;
  for (let at = 0; at < n; at += BATCH) {
    const end = Math.min(n, at + BATCH);
    const ids = Array.from({ length: end - at }, (_, i) => idOf(at + i));
    await index.upsertMany(ids, data.subarray(at * D, end * D));
  }
  const buildS = (performance.now() - t0) / 1000;
  return { core, store, key, index, buildS, base, heap: core.memory.heapSize(), inUse: core.memory.heapInUse() };
}

function dirBytes(dir, prefix) {
  let b = 0;
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) b += statSync(`${dir}/${f}`).size;
  return b;
}

async function timeSearch(index, qs, truth, options) {
  const times = [];
  const cpu = [];
  let found = 0,
    scored = 0;
  for (let i = 0; i < qs.length; i++) {
    await index.search(qs[i], { limit: K, ...options }); // warm (pages into the OS cache, JIT)
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const hits = await index.search(qs[i], { limit: K, ...options });
    times.push(performance.now() - t0);
    // CPU time of this process (user + system: the page reads are system calls): what the search
    // costs however busy the machine is, where wall time also counts the waits for a core.
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    scored += index.lastScored;
    const want = new Set(truth[i].map(idOf));
    for (const h of hits) found += want.has(h.fileId) ? 1 : 0;
  }
  return { med: median(times), p90: p90(times), cpu: median(cpu), recall: found / (qs.length * K), scored: scored / qs.length };
}

const rows = [];
const persistence = [];
const side = [];
let oldLimit = null;

for (const kind of ['clustered', 'random']) {
  const data = dataset(kind, N);
  const qs = queries(kind, data, N);
  const tj = [];
  const truth = qs.map((q) => {
    const t0 = performance.now();
    const r = jsExact(data, N, q);
    tj.push(performance.now() - t0);
    return r;
  });
  const dir2 = `${DIR}${kind}-2bit`;
  const c = await buildCompact(data, N, 2, dir2);
  loads.push(load());
  const perPhoto = (c.inUse - c.base) / N;
  const main = await timeSearch(c.index, qs, truth, {});
  const approx = await timeSearch(c.index, qs, truth, { exact: false });
  const all = await timeSearch(c.index, qs.slice(0, 10), truth.slice(0, 10), { prune: false });
  const mem = (x) => fmt(x / MiB, 0);
  rows.push(
    [
      `compact index (default), ${kind}`,
      '2-bit codes + int8, exact re-rank of 32 from the pages',
      mem(c.heap),
      fmt(perPhoto, 0),
      fmt(c.buildS, 1),
      ms(main.med),
      ms(main.p90),
      ms(main.cpu),
      fmt(main.recall, 3),
      fmt(main.scored, 0),
    ],
    [
      `compact index without re-rank, ${kind}`,
      'the same, int8 scores, no page read',
      mem(c.heap),
      fmt(perPhoto, 0),
      '',
      ms(approx.med),
      ms(approx.p90),
      ms(approx.cpu),
      fmt(approx.recall, 3),
      fmt(approx.scored, 0),
    ],
    [
      `alternative: every int8 copy scored, ${kind}`,
      'compact index, no pruning by the codes',
      mem(c.heap),
      fmt(perPhoto, 0),
      '',
      ms(all.med),
      ms(all.p90),
      ms(all.cpu),
      fmt(all.recall, 3),
      fmt(all.scored, 0),
    ],
    [
      `plain JS float32 scan, ${kind}`,
      "exact; Ente web's way: every embedding in the JS heap",
      `${mem(N * D * 4)} (JS)`,
      fmt(D * 4, 0),
      '',
      ms(median(tj)),
      ms(p90(tj)),
      '',
      '1.000',
      '',
    ],
  );
  // Snapshot: save, then open in a fresh core.
  let t0 = performance.now();
  await c.index.save({ meta: new TextEncoder().encode('cursor') });
  const saveS = (performance.now() - t0) / 1000;
  const snapBytes = dirBytes(dir2, 'snap-');
  const pageBytes = dirBytes(dir2, 'page-');
  const pieces = readdirSync(dir2).filter((f) => f.startsWith('snap-')).length;
  c.index.dispose();
  const reader = await loadCore();
  t0 = performance.now();
  const opened = await reader.openCompactIndex({ store: c.store, key: c.key });
  const openS = (performance.now() - t0) / 1000;
  const check = await timeSearch(opened, qs.slice(0, 10), truth.slice(0, 10), {});
  persistence.push([
    kind,
    fmt(saveS, 1),
    `${pieces} pieces, ${mem(snapBytes)} MiB`,
    `${mem(pageBytes)} MiB (${fmt(pageBytes / N, 0)} B/photo)`,
    fmt(openS, 1),
    mem(reader.memory.heapSize()),
    fmt(check.recall, 3),
  ]);
  opened.dispose();
  if (kind === 'random') {
    // The 1-bit alternative (less memory, more int8 copies scored).
    const c1 = await buildCompact(data, N, 1, `${DIR}${kind}-1bit`);
    const one = await timeSearch(c1.index, qs, truth, {});
    rows.push([
      `alternative: 1-bit codes, ${kind}`,
      'compact index, codeBits 1',
      mem(c1.heap),
      fmt((c1.inUse - c1.base) / N, 0),
      fmt(c1.buildS, 1),
      ms(one.med),
      ms(one.p90),
      ms(one.cpu),
      fmt(one.recall, 3),
      fmt(one.scored, 0),
    ]);
    c1.index.dispose();
    rmSync(`${DIR}${kind}-1bit`, { recursive: true, force: true });
    // Today's float32 + int8 index: how many photos fit before OUT_OF_MEMORY, and both indexes
    // side by side at SIDE_N.
    const oldCore = await loadCore();
    const old = oldCore.createIndex(D);
    let fitted = 0;
    try {
      for (let at = 0; at < N; at += 10_000) {
        const end = Math.min(N, at + 10_000);
        old.upsertMany(
          Array.from({ length: end - at }, (_, i) => idOf(at + i)),
          data.subarray(at * D, end * D),
        );
        fitted = end;
      }
    } catch (e) {
      oldLimit = { fitted, error: `${e.name} ${e.code}`, heap: oldCore.memory.heapSize() };
    }
    if (!oldLimit) oldLimit = { fitted, error: 'none', heap: oldCore.memory.heapSize() };
    old.dispose();
    const sideOld = oldCore.createIndex(D);
    sideOld.upsertMany(
      Array.from({ length: SIDE_N }, (_, i) => idOf(i)),
      data.subarray(0, SIDE_N * D),
    );
    const sideQs = queries(kind, data, SIDE_N).slice(0, 20);
    const sideTruth = sideQs.map((q) => jsExact(data, SIDE_N, q));
    const sc = await buildCompact(data, SIDE_N, 2, `${DIR}side`);
    const timeOld = (quantized) => {
      const t = [];
      let found = 0;
      sideQs.forEach((q, i) => {
        sideOld.search(q, { limit: K, quantized });
        const t1 = performance.now();
        const hits = sideOld.search(q, { limit: K, quantized });
        t.push(performance.now() - t1);
        const want = new Set(sideTruth[i].map(idOf));
        for (const h of hits) found += want.has(h.fileId) ? 1 : 0;
      });
      return { med: median(t), recall: found / (sideQs.length * K) };
    };
    const of32 = timeOld(false),
      oi8 = timeOld(true);
    const sNew = await timeSearch(sc.index, sideQs, sideTruth, {});
    const oldBytes = oldCore.memory.heapInUse();
    side.push(
      [`today's index, float32 scan`, mem(oldBytes), fmt(oldBytes / SIDE_N, 0), ms(of32.med), fmt(of32.recall, 3)],
      [`today's index, int8 scan + exact re-rank`, mem(oldBytes), fmt(oldBytes / SIDE_N, 0), ms(oi8.med), fmt(oi8.recall, 3)],
      [
        'compact index (default)',
        mem(sc.inUse - sc.base),
        fmt((sc.inUse - sc.base) / SIDE_N, 0),
        ms(sNew.med),
        fmt(sNew.recall, 3),
      ],
    );
    sideOld.dispose();
    sc.index.dispose();
    rmSync(`${DIR}side`, { recursive: true, force: true });
  }
  rmSync(dir2, { recursive: true, force: true });
  loads.push(load());
}

const Nt = N.toLocaleString('en');
console.log(`## Compact embedding index: ${Nt} x ${D}, top-${K}\n`);
console.log(
  table(
    [
      'index, data',
      'what',
      'wasm memory (MiB)',
      'bytes / photo',
      'build (s)',
      'search ms (median)',
      'p90',
      'CPU ms (median)',
      'recall@10',
      'int8 copies scored / query',
    ],
    rows,
  ),
);
console.log();
console.log(
  table(
    [
      'data',
      'save (s)',
      'snapshot',
      'pages (outside wasm memory)',
      'open (s)',
      'wasm memory after open (MiB)',
      'recall@10 after open',
    ],
    persistence,
  ),
);
console.log();
console.log(`### Side by side at ${SIDE_N.toLocaleString('en')} (random)\n`);
console.log(table(['index', 'wasm heap in use (MiB)', 'bytes / photo', 'search ms (median)', 'recall@10'], side));
console.log();
console.log(
  `Today's float32 + int8 index at ${Nt} (random, batches of 10,000): ${
    oldLimit.error === 'none'
      ? `held all ${oldLimit.fitted.toLocaleString('en')} (wasm memory ${fmt(oldLimit.heap / MiB, 0)} MiB).`
      : `${oldLimit.error} after ${oldLimit.fitted.toLocaleString('en')} photos (wasm memory ${fmt(oldLimit.heap / MiB, 0)} MiB; it used to abort the module there).`
  }`,
);
console.log();
console.log(
  `Node ${process.version}, one thread. ${QUERIES} queries per data set (half near a stored photo, half from the data's distribution), one untimed`,
);
console.log(
  "warm-up search each, then timed; recall@10 against an exact float64-normalised JS scan. Wasm memory: the core instance's memory size",
);
console.log(
  '(each index in a fresh core), bytes / photo: its heap in use over the photos. Pages: a directoryPageStore on local disk (page cache warm',
);
console.log(
  `after the warm-up); a browser reads them from IndexedDB or OPFS instead. Load average during the run: ${loads.map((x) => fmt(x, 1)).join(', ')}.`,
);
console.log(
  "CPU ms: this process's user + system time per search (the page reads are system calls), what a search costs when it has a core",
);
console.log('to itself; on a busy machine the wall time also counts the waits for one.');
