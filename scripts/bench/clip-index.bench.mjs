// Embedding index search: wasm float32 SIMD scan and int8 scan + exact re-rank, against a plain
// JS loop over Float32Arrays (dot products + a small top-k insertion), same data, same run.
// Also recall@10 of the int8 path against exact, and build/save/load costs.
import { loadCore } from '../../js/dist/index.js';
import { time, table, fmt, median } from './harness.mjs';

const N = Number(process.env.CLIP_INDEX_N ?? 100_000);
const D = 512;
const K = 10;
const core = await loadCore();

// Deterministic gaussian data (mulberry32 + Box-Muller), normalised like CLIP embeddings.
let seed = 12345;
function uniform() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
function normalise(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

const flat = new Float32Array(N * D);
for (let i = 0; i < flat.length; i++) flat[i] = gauss();
const vectors = [];  // what a plain JS app would hold: one Float32Array per file
for (let r = 0; r < N; r++) vectors.push(normalise(flat.subarray(r * D, (r + 1) * D)));
const ids = Array.from({ length: N }, (_, i) => 1_000_000 + i);

// Queries: half random, half near a stored vector (a realistic photo match).
const QUERIES = 40;
const queries = Array.from({ length: QUERIES }, (_, t) => {
  const q = Float32Array.from({ length: D }, gauss);
  if (t % 2) {
    const base = vectors[(t * 7919) % N];
    for (let i = 0; i < D; i++) q[i] = base[i] + 0.3 * q[i] / Math.sqrt(D);
  }
  return normalise(q);
});

function jsSearch(q, k) {
  const best = [];  // ascending by score, at most k
  for (let r = 0; r < vectors.length; r++) {
    const v = vectors[r];
    let s = 0;
    for (let i = 0; i < D; i++) s += v[i] * q[i];
    if (best.length < k || s > best[0].score) {
      const hit = { fileId: ids[r], score: s };
      let at = 0;
      while (at < best.length && best[at].score < s) at++;
      best.splice(at, 0, hit);
      if (best.length > k) best.shift();
    }
  }
  return best.reverse();
}

const index = core.createIndex(D);
const tBuild = performance.now();
const BATCH = 10_000;
for (let at = 0; at < N; at += BATCH) {
  const n = Math.min(BATCH, N - at);
  index.upsertMany(ids.slice(at, at + n), flat.subarray(at * D, (at + n) * D));
}
const buildS = (performance.now() - tBuild) / 1000;

// Sanity: the wasm and JS results agree before anything is timed.
for (const q of queries.slice(0, 4)) {
  const a = index.search(q, { limit: K }), b = jsSearch(q, K);
  a.forEach((h, i) => {
    // Summation order differs, so only near-equal scores may swap places.
    if (Math.abs(h.score - b[i].score) > 1e-5) throw new Error(`wasm and JS disagree at rank ${i}`);
  });
}

// Interleaved rounds: each round times every contender once on the same query, so load from
// other processes on a shared machine hits all of them alike; medians per contender.
const bytesView = Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength);
const half = Math.floor(bytesView.length / 2);
const mirror = Buffer.from(bytesView.subarray(0, half));
const contenders = {
  js: (q) => jsSearch(q, K),
  f32: (q) => index.search(q, { limit: K }),
  i8: (q) => index.search(q, { limit: K, quantized: true }),
  // The memory-bandwidth floor for reading the float32 vectors once: native memcmp
  // (Buffer.compare) over two halves of the same bytes, 4 * N * D bytes in all.
  floor: () => Buffer.compare(mirror, bytesView.subarray(0, half)),
};
const ROUNDS = 15;
const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (const fn of Object.values(contenders)) fn(queries[0]);  // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const q = queries[r % QUERIES];
  for (const [name, fn] of Object.entries(contenders)) {
    const t0 = performance.now();
    fn(q);
    samples[name].push((performance.now() - t0) / 1000);
  }
}
const tJs = median(samples.js), tF32 = median(samples.f32), tI8 = median(samples.i8), tFloor = median(samples.floor);

// Recall@10 of the int8 path against exact, per query kind.
const recall = (filter) => {
  let found = 0, total = 0;
  queries.forEach((q, t) => {
    if (!filter(t)) return;
    const exact = new Set(index.search(q, { limit: K }).map((h) => h.fileId));
    for (const h of index.search(q, { limit: K, quantized: true })) found += exact.has(h.fileId) ? 1 : 0;
    total += K;
  });
  return found / total;
};
const recallRandom = recall((t) => t % 2 === 0);
const recallNear = recall((t) => t % 2 === 1);

const key = core.generateKey();
let saved;
const tSave = await time(() => { saved = index.save(key); }, 3);
const tLoad = await time(() => core.loadIndex(saved, key).dispose(), 3);

const ms = (s) => fmt(s * 1000, 2);
console.log(`## Embedding index: ${N.toLocaleString('en')} x ${D}, top-${K}\n`);
console.log(table(['search, one query', 'time (ms)', 'vs plain JS loop'], [
  ['plain JS loop over Float32Arrays (dot + top-k insertion)', ms(tJs), '1.00x'],
  ['cipherlens float32 SIMD scan + heap', ms(tF32), fmt(tJs / tF32, 1) + 'x'],
  ['cipherlens int8 scan + exact re-rank of 100', ms(tI8), fmt(tJs / tI8, 1) + 'x'],
  ['floor: native memcmp reading the same float32 bytes once', ms(tFloor), fmt(tJs / tFloor, 1) + 'x'],
]));
console.log();
console.log(table(['measure', 'value'], [
  ['int8 recall@10 vs exact, random queries', fmt(recallRandom, 3)],
  ['int8 recall@10 vs exact, queries near a stored vector', fmt(recallNear, 3)],
  ['build (upsertMany, 10k batches)', `${fmt(buildS, 2)} s`],
  ['save (serialise + zstd + encrypt)', `${ms(tSave)} ms, ${fmt(saved.length / 2 ** 20, 1)} MiB (raw ${fmt((16 + N * (8 + 4 * D)) / 2 ** 20, 1)} MiB)`],
  ['loadIndex (decrypt + inflate + rebuild int8)', `${ms(tLoad)} ms`],
]));
console.log(`\nTargets: float32 <= 10 ms, int8 <= 4 ms, >= 10x the JS loop, recall@10 >= 0.99. Medians of ${ROUNDS} interleaved rounds;`);
console.log('random unit vectors, so scores are spread thinly and near-ties are common (harder for int8 than real CLIP data).');
console.log('The floor row is native code streaming the float32 data once: no float32 scan can beat it, so where');
console.log('it exceeds 10 ms the float32 target is beyond this machine\'s memory bandwidth (the int8 scan reads a quarter).');
index.dispose();
