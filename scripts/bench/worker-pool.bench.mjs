// Pool throughput: 500 blob-encrypted "thumbnails" of 20-100 KiB decrypted (and encrypted) on
// the main thread with the synchronous core, against worker pools of 1, 2 and 4 threads, all in
// the same rounds (harness.mjs). Also the longest main-thread stall, which is what a scrolling
// gallery feels: the pool's point is the stall, and its throughput is shown beside it.
import { loadCore, createWorkerPool } from '../../js/dist/index.js';
import { rounds, speedup, median, table, fmt, times } from './harness.mjs';
import { availableParallelism } from 'node:os';

const FILES = 500;
const RUNS = 5;
const core = await loadCore();
const key = core.generateKey();
const sizes = Array.from({ length: FILES }, (_, i) => 20 * 1024 + ((i * 7919) % (80 * 1024)));
const thumbs = sizes.map(randomThumb);
const blobs = thumbs.map((t) => core.blob.encrypt(t, key));
const totalMiB = sizes.reduce((a, b) => a + b, 0) / 2 ** 20;

function randomThumb(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536)); // 64 KiB per call at most
  return b;
}

/** Longest gap between timer ticks while `fn` runs: how long the main thread was blocked. */
async function withStallProbe(fn) {
  let last = performance.now();
  let worst = 0;
  let on = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (on) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  on = false;
  worst = Math.max(worst, performance.now() - last);
  return { seconds, stallMs: worst };
}

/**
 * Runs the contenders ({ name: [prepare, run] }) in rounds; `prepare` makes fresh inputs (pools
 * take them by transfer), untimed. Returns per contender the median seconds and stall, and the
 * per-round speed-up against `base`.
 */
async function measure(contenders, base) {
  const stalls = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
  const t = await rounds(
    Object.fromEntries(
      Object.entries(contenders).map(([name, [prepare, run]]) => [
        name,
        {
          prepare,
          run: async (input) => {
            const r = await withStallProbe(() => run(input));
            stalls[name].push(r.stallMs);
            return { seconds: r.seconds };
          },
        },
      ]),
    ),
    { rounds: RUNS },
  );
  return Object.fromEntries(
    Object.keys(contenders).map((name) => [
      name,
      {
        seconds: t.median[name],
        stallMs: median(stalls[name].slice(1)), // [0] is the warm-up call
        speedup: speedup(t, name, base),
      },
    ]),
  );
}

const freshCiphertexts = () => blobs.map((b) => b.ciphertext.slice());
const freshPlaintexts = () => thumbs.map((t) => t.slice());
const rows = [];
const add = (name, r) =>
  rows.push([name, fmt(FILES / r.seconds, 0), fmt(totalMiB / r.seconds, 0), times(r.speedup), fmt(r.stallMs, 1)]);
const pools = {};
for (const n of [1, 2, 4]) pools[n] = await createWorkerPool(n);
const dec = await measure(
  {
    main: [freshCiphertexts, (cs) => cs.forEach((c, i) => core.blob.decrypt(c, blobs[i].header, key))],
    ...Object.fromEntries(
      [1, 2, 4].map((n) => [
        `pool${n}`,
        [freshCiphertexts, (cs) => Promise.all(cs.map((c, i) => pools[n].blob.decrypt(c, blobs[i].header, key)))],
      ]),
    ),
  },
  'main',
);
const enc = await measure(
  {
    main: [freshPlaintexts, (ts) => ts.forEach((t) => core.blob.encrypt(t, key))],
    ...Object.fromEntries(
      [1, 2, 4].map((n) => [`pool${n}`, [freshPlaintexts, (ts) => Promise.all(ts.map((t) => pools[n].blob.encrypt(t, key)))]]),
    ),
  },
  'main',
);
for (const [job, r] of [
  ['decrypt', dec],
  ['encrypt', enc],
]) {
  add(`${job}, main thread (sync core)`, r.main);
  for (const n of [1, 2, 4]) add(`${job}, pool of ${n}`, r[`pool${n}`]);
}

// Streaming: 256 MiB through decryptStream in the worker (fed 64 KiB pieces, like a fetch body)
// against the synchronous incremental decryptor on the main thread, same pieces.
const STREAM_MIB = 256;
const streamPlain = randomThumb(STREAM_MIB * 2 ** 20);
const streamEnc = core.stream.encrypt(streamPlain, key);
const PIECE = 64 * 1024;
function* pieces() {
  for (let at = 0; at < streamEnc.ciphertext.length; at += PIECE) yield streamEnc.ciphertext.slice(at, at + PIECE);
}
const streamRows = [];
const st = await measure(
  {
    main: [
      () => null,
      () => {
        const d = core.stream.createDecryptor(streamEnc.header, key);
        for (const p of pieces()) d.update(p);
        d.final();
      },
    ],
    worker: [
      () => null,
      async () => {
        for await (const chunk of pools[1].decryptStream(pieces(), streamEnc.header, key)) void chunk;
      },
    ],
  },
  'main',
);
for (const [name, r] of [
  ['main thread, sync decryptor', st.main],
  ['worker, decryptStream', st.worker],
]) {
  streamRows.push([name, fmt(STREAM_MIB / r.seconds, 0), times(r.speedup), fmt(r.stallMs, 1)]);
}
await Promise.all(Object.values(pools).map((p) => p.terminate()));

console.log('## Worker pool: 500 thumbnails (blob, 20-100 KiB)\n');
console.log(table(['job', 'files/s', 'MiB/s', 'vs main thread', 'longest main-thread stall (ms)'], rows));
console.log(`\n${FILES} files, ${fmt(totalMiB)} MiB in all; medians of ${RUNS} rounds, the main thread and the three pools`);
console.log('once each per round in rotating order after one warm-up call each ("vs main thread" is the median of the');
console.log('per-round throughput ratios; below 1.00x the pool is slower in total than the main thread). Pool inputs are');
console.log('transferred (zero-copy) and results transferred back; each pool keeps 2 jobs in flight per thread.');
console.log('The stall column is what a gallery scrolling at the same time would feel: the sync core blocks');
console.log(`the main thread for the whole batch; with a pool it only posts messages. ${availableParallelism()} cores here.`);
console.log(`\n${STREAM_MIB} MiB stream decryption, ciphertext fed in 64 KiB pieces (as a fetch body delivers it):\n`);
console.log(table(['path', 'MiB/s', 'vs main thread', 'longest main-thread stall (ms)'], streamRows));
