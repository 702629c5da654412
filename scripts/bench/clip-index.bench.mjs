// Embedding index search: wasm float32 SIMD scan and int8 scan + exact re-rank, against two
// plain JS loops on the same data in the same rounds: the naive one (one Float32Array per
// vector, a simple dot product, top-k in an array of objects) and a tuned one (one flat
// Float32Array, a 4-way unrolled dot product, top-k in typed arrays): what a careful JS
// developer would write. Also recall@10 of the int8 path against exact, and build/save/load costs.
import { loadCore } from '../../js/dist/index.js';
import { rounds, speedup, table, fmt, times } from './harness.mjs';

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
const vectors = []; // what a plain JS app would hold: one Float32Array per file
for (let r = 0; r < N; r++) vectors.push(normalise(flat.subarray(r * D, (r + 1) * D)));
const ids = Array.from({ length: N }, (_, i) => 1_000_000 + i);

// Queries: half random, half near a stored vector (a realistic photo match).
const QUERIES = 40;
const queries = Array.from({ length: QUERIES }, (_, t) => {
  const q = Float32Array.from({ length: D }, gauss);
  if (t % 2) {
    const base = vectors[(t * 7919) % N];
    for (let i = 0; i < D; i++) q[i] = base[i] + (0.3 * q[i]) / Math.sqrt(D);
  }
  return normalise(q);
});

function jsSearch(q, k) {
  const best = []; // ascending by score, at most k
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

/** The tuned loop: flat data, 4 independent accumulators (D is a multiple of 4), typed top-k. */
function jsSearchTuned(q, k) {
  const topScore = new Float64Array(k).fill(-Infinity); // ascending; topScore[0] is the bar to beat
  const topRow = new Int32Array(k).fill(-1);
  let bar = -Infinity;
  for (let r = 0, base = 0; r < N; r++, base += D) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let i = 0; i < D; i += 4) {
      s0 += flat[base + i] * q[i];
      s1 += flat[base + i + 1] * q[i + 1];
      s2 += flat[base + i + 2] * q[i + 2];
      s3 += flat[base + i + 3] * q[i + 3];
    }
    const s = s0 + s1 + (s2 + s3);
    if (s > bar) {
      let at = 1;
      while (at < k && topScore[at] < s) {
        topScore[at - 1] = topScore[at];
        topRow[at - 1] = topRow[at];
        at++;
      }
      topScore[at - 1] = s;
      topRow[at - 1] = r;
      bar = topScore[0];
    }
  }
  const hits = [];
  for (let i = k - 1; i >= 0; i--) if (topRow[i] >= 0) hits.push({ fileId: ids[topRow[i]], score: topScore[i] });
  return hits;
}

const index = core.createIndex(D);
const tBuild = performance.now();
const BATCH = 10_000;
for (let at = 0; at < N; at += BATCH) {
  const n = Math.min(BATCH, N - at);
  index.upsertMany(ids.slice(at, at + n), flat.subarray(at * D, (at + n) * D));
}
const buildS = (performance.now() - tBuild) / 1000;

// Sanity: the wasm and both JS results agree before anything is timed.
for (const q of queries.slice(0, 4)) {
  const a = index.search(q, { limit: K });
  for (const [name, b] of [
    ['naive', jsSearch(q, K)],
    ['tuned', jsSearchTuned(q, K)],
  ]) {
    a.forEach((h, i) => {
      // Summation order differs, so only near-equal scores may swap places.
      if (Math.abs(h.score - b[i].score) > 1e-5) throw new Error(`wasm and ${name} JS disagree at rank ${i}`);
    });
  }
}

// Rounds (harness.mjs): each round times every contender once on the same query, in rotating
// order, so load from other processes on a shared machine hits all of them alike.
const bytesView = Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength);
const half = Math.floor(bytesView.length / 2);
const mirror = Buffer.from(bytesView.subarray(0, half));
const ROUNDS = 15;
let q = queries[0];
const contenders = {
  js: () => jsSearch(q, K),
  tuned: () => jsSearchTuned(q, K),
  f32: () => index.search(q, { limit: K }),
  i8: () => index.search(q, { limit: K, quantized: true }),
  // The memory-bandwidth floor for reading the float32 vectors once: native memcmp
  // (Buffer.compare) over two halves of the same bytes, 4 * N * D bytes in all.
  floor: () => Buffer.compare(mirror, bytesView.subarray(0, half)),
};
// One query per round, the same for every contender.
const search = await rounds(contenders, {
  rounds: ROUNDS,
  warmup: 1,
  gc: false,
  beforeRound: (r) => {
    q = queries[(r + 1) % QUERIES];
  },
});
const med = search.median;

// Recall@10 of the int8 path against exact, per query kind.
const recall = (filter) => {
  let found = 0,
    total = 0;
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
let saved = index.save(key);
const io = await rounds(
  {
    save: () => {
      saved = index.save(key);
    },
    load: () => core.loadIndex(saved, key).dispose(),
  },
  { rounds: 3 },
);
const tSave = io.median.save,
  tLoad = io.median.load;

const ms = (s) => fmt(s * 1000, 2);
console.log(`## Embedding index: ${N.toLocaleString('en')} x ${D}, top-${K}\n`);
const vs = (name) => [times(speedup(search, name, 'js'), 1), times(speedup(search, name, 'tuned'), 1)];
console.log(
  table(
    ['search, one query', 'time (ms)', 'vs naive JS loop', 'vs tuned JS loop'],
    [
      ['naive JS loop: a Float32Array per vector, dot product, top-k in an array of objects', ms(med.js), ...vs('js')],
      ['tuned JS loop: one flat Float32Array, 4-way unrolled dot product, typed-array top-k', ms(med.tuned), ...vs('tuned')],
      ['cipherlens float32 SIMD scan + heap', ms(med.f32), ...vs('f32')],
      ['cipherlens int8 scan + exact re-rank of 100', ms(med.i8), ...vs('i8')],
      ['floor: native memcmp reading the same float32 bytes once', ms(med.floor), ...vs('floor')],
    ],
  ),
);
console.log();
console.log(
  table(
    ['measure', 'value'],
    [
      ['int8 recall@10 vs exact, random queries', fmt(recallRandom, 3)],
      ['int8 recall@10 vs exact, queries near a stored vector', fmt(recallNear, 3)],
      ['build (upsertMany, 10k batches)', `${fmt(buildS, 2)} s`],
      [
        'save (serialise + zstd + encrypt)',
        `${ms(tSave)} ms, ${fmt(saved.length / 2 ** 20, 1)} MiB (raw ${fmt((16 + N * (8 + 4 * D)) / 2 ** 20, 1)} MiB)`,
      ],
      ['loadIndex (decrypt + inflate + rebuild int8)', `${ms(tLoad)} ms`],
    ],
  ),
);
console.log(
  `\nTargets: float32 <= 10 ms, int8 <= 4 ms, >= 10x the naive JS loop, recall@10 >= 0.99. Medians of ${ROUNDS} rounds, one query per`,
);
console.log(
  'round, every contender on it in rotating order after one warm-up call each; ratios are medians of the per-round ratios;',
);
console.log('random unit vectors, so scores are spread thinly and near-ties are common (harder for int8 than real CLIP data).');
console.log('The floor row is native code streaming the float32 data once: no float32 scan can beat it, so where');
console.log("it exceeds 10 ms the float32 target is beyond this machine's memory bandwidth (the int8 scan reads a quarter).");
index.dispose();
