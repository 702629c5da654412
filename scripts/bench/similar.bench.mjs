// The similar-photos view (app/src/similar.ts): grouping time for 10,000 embeddings, LSH against
// the exact all-pairs comparison, with their groups compared; then the threshold, measured on
// generated near-duplicates (gen-near-duplicates.py: resized, re-encoded, slightly cropped, a
// burst shot) embedded by the MobileCLIP-S2 image encoder stand-in through onnxruntime-node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-node';
import { fmt, median, rounds, table, times } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const N = 10_000;
const DIMS = 512; // MobileCLIP-S2's embedding size
const SCENES = Number(process.env.SIMILAR_BENCH_SCENES ?? 40);
const VARIANTS = ['original', 'resized', 'reencoded', 'cropped', 'burst'];
const SIDE = 256;

const tmp = mkdtempSync(join(tmpdir(), 'similar-bench-'));
try {
  // similar.ts as the app ships it, bundled for Node.
  const bundle = join(tmp, 'similar.mjs');
  await build({
    entryPoints: [`${ROOT}app/src/similar.ts`],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: bundle,
    logLevel: 'error',
  });
  const { similarGroups, SIMILAR_THRESHOLD } = await import(pathToFileURL(bundle).href);

  // ---- 1. grouping time: 10,000 embeddings shaped like a library's ----
  // Photos' CLIP embeddings share a common direction (unrelated photos score about 0.5 with each
  // other), and a library has bursts: here 8,000 single photos and 500 groups of 4 near-duplicates
  // (cosine 0.93 to 0.99 with their group's first), seeded.
  let seed = 0x1234;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const unit = (v) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const common = unit(Array.from({ length: DIMS }, gauss));
  const around = (centre, spread) => unit(centre.map((c) => c + (spread * gauss()) / Math.sqrt(DIMS)));
  const vectors = new Float32Array(N * DIMS);
  const truth = []; // the bursts' indexes
  for (let i = 0; i < N; ) {
    if (i < 8000) vectors.set(around(common, 1), DIMS * i++);
    else {
      const first = around(common, 1);
      const group = [];
      for (let k = 0; k < 4; k++, i++) {
        vectors.set(k ? around(first, 0.1 + 0.25 * rand()) : first, DIMS * i);
        group.push(i);
      }
      truth.push(group);
    }
  }
  const out = {};
  const result = await rounds(
    {
      lsh: () => {
        out.lsh = similarGroups(vectors, DIMS, SIMILAR_THRESHOLD);
      },
      exact: () => {
        out.exact = similarGroups(vectors, DIMS, SIMILAR_THRESHOLD, true);
      },
    },
    { rounds: 3, warmup: 0 },
  );
  const key = (groups) => new Set(groups.map((g) => g.join(',')));
  const exactGroups = key(out.exact);
  const same = [...key(out.lsh)].filter((g) => exactGroups.has(g)).length;
  const bursts = key(truth);
  const found = [...exactGroups].filter((g) => bursts.has(g)).length;
  const speed = median(result.samples.exact.map((t, r) => t / result.samples.lsh[r]));

  // ---- 2. the threshold: cosines of near-duplicates and of different photos ----
  const pixels = join(tmp, 'near-duplicates.bin');
  execFileSync('/usr/bin/python3', [`${ROOT}scripts/bench/gen-near-duplicates.py`, pixels, String(SCENES)]);
  const bytes = readFileSync(pixels);
  const plane = 3 * SIDE * SIDE;
  const session = await ort.InferenceSession.create(`${ROOT}build/models/mobileclip/mobileclip_s2_image.onnx`, {
    intraOpNumThreads: 1,
  });
  const embeddings = [];
  const t0 = performance.now();
  for (let i = 0; i < bytes.length / plane; i++) {
    const input = new Float32Array(plane);
    for (let k = 0; k < plane; k++) input[k] = bytes[i * plane + k] / 255;
    const answer = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, SIDE, SIDE]) });
    embeddings.push(unit([...answer[session.outputNames[0]].data]));
  }
  const inferMs = (performance.now() - t0) / embeddings.length;
  const cos = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0);
  const byVariant = Object.fromEntries(VARIANTS.slice(1).map((v) => [v, []]));
  const different = [];
  for (let s = 0; s < SCENES; s++) {
    const original = embeddings[s * VARIANTS.length];
    VARIANTS.slice(1).forEach((v, k) => byVariant[v].push(cos(original, embeddings[s * VARIANTS.length + k + 1])));
    for (let t = s + 1; t < SCENES; t++) different.push(cos(original, embeddings[t * VARIANTS.length]));
  }
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  const duplicates = Object.values(byVariant).flat();
  const kept = (xs) => xs.filter((c) => c >= SIMILAR_THRESHOLD).length / xs.length;

  console.log('## Similar photos (near-duplicate groups)');
  console.log();
  console.log(
    `${N.toLocaleString('en')} CLIP embeddings of ${DIMS} floats (8,000 single photos, 500 bursts of 4), grouped at cosine ≥ ${SIMILAR_THRESHOLD} by app/src/similar.ts in Node: random-hyperplane LSH (20 tables of 10 bits over mean-centred embeddings) against every pair compared (50 million dot products); medians of 3 rounds.`,
  );
  console.log();
  console.log(
    table(
      ['grouping', 'ms', 'groups', 'same groups as exact'],
      [
        ['LSH (the app)', fmt(result.median.lsh * 1000, 0), String(out.lsh.length), `${same} of ${out.exact.length}`],
        ['exact, all pairs', fmt(result.median.exact * 1000, 0), String(out.exact.length), '—'],
        ['ratio', times(speed), '', ''],
      ],
    ),
  );
  console.log();
  console.log(`The exact groups are the 500 bursts: ${found} of 500 found whole.`);
  console.log();
  console.log(
    `Threshold: ${SCENES} generated scenes (gen-near-duplicates.py) and 4 near-duplicates of each, embedded by the MobileCLIP-S2 image encoder **stand-in** (random weights, real architecture: the real weights cannot be fetched here) in onnxruntime-node, ${fmt(inferMs, 0)} ms per image; cosine with the scene's original:`,
  );
  console.log();
  console.log(
    table(
      ['pairs', 'n', 'min', '5th pct', 'median', 'max', `≥ ${SIMILAR_THRESHOLD}`],
      [
        ...Object.entries(byVariant).map(([v, xs]) => [
          v,
          String(xs.length),
          fmt(Math.min(...xs), 3),
          fmt(pct(xs, 0.05), 3),
          fmt(median(xs), 3),
          fmt(Math.max(...xs), 3),
          `${fmt(100 * kept(xs), 0)}%`,
        ]),
        [
          'different scenes',
          String(different.length),
          fmt(Math.min(...different), 3),
          fmt(pct(different, 0.05), 3),
          fmt(median(different), 3),
          fmt(Math.max(...different), 3),
          `${fmt(100 * kept(different), 1)}%`,
        ],
      ],
    ),
  );
  console.log();
  console.log(
    `Near-duplicates at or above the threshold: ${fmt(100 * kept(duplicates), 0)}%; pairs of different scenes: ${fmt(100 * kept(different), 1)}%. A stand-in's weights are random, so these figures show how the measurement is made and where the stand-in puts the pairs; with the real MobileCLIP weights the same script gives the threshold to ship.`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
