// CLIP image preprocessing and downscale against Pillow (Debian python3-pil), and the SIMD path
// against the scalar reference path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { core, catchCoreError } from './helpers.mjs';
import { loadCore } from '../../js/dist/index.js';
import { rng } from './seeded-random.mjs';
import { seedFor, randomInt } from './test-random.mjs';

const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../python/clip_pillow_reference.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cipherlens-clip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Images that stress a resampler: noise, 1-pixel checkerboards (aliasing), smooth gradients,
// hard edges; alpha random so a path that used it would show.
const PATTERNS = {
  noise: (x, y, c, r) => Math.floor(r() * 256),
  checker: (x, y, c) => ((x + y + c) & 1 ? 255 : 0),
  gradient: (x, y, c, r, w, h) =>
    Math.round((c === 0 ? x / Math.max(1, w - 1) : c === 1 ? y / Math.max(1, h - 1) : (x + y) / Math.max(1, w + h - 2)) * 255),
  edges: (x, y, c) => ((x >> 3) % 3 === c || (y >> 4) % 2 ? 250 : 5),
};

function makeImage(w, h, pattern, seed) {
  const r = rng(seedFor(seed));
  const f = PATTERNS[pattern];
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      rgba[i] = f(x, y, 0, r, w, h);
      rgba[i + 1] = f(x, y, 1, r, w, h);
      rgba[i + 2] = f(x, y, 2, r, w, h);
      rgba[i + 3] = Math.floor(r() * 256);
    }
  }
  return rgba;
}

/** Runs the Pillow script once for all jobs; returns [bytes, [w, h]] per job. */
function pillow(jobs) {
  const list = jobs.map((j, i) => {
    const input = join(dir, `in-${i}.rgba`);
    writeFileSync(input, j.rgba);
    return { kind: j.kind, input, output: join(dir, `out-${i}.raw`), width: j.width, height: j.height, maxSide: j.maxSide };
  });
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(list), encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(run.status, 0, `Pillow reference failed: ${run.stderr}`);
  const sizes = JSON.parse(run.stdout);
  return list.map((j, i) => [new Uint8Array(readFileSync(j.output)), sizes[i]]);
}

// [width, height, pattern]: upscales, odd sizes, 1-pixel lines, exact fits, large downscales.
const CASES = [
  [1, 1, 'noise'],
  [1, 7, 'noise'],
  [7, 1, 'gradient'],
  [2, 3, 'checker'],
  [10, 7, 'noise'],
  [100, 50, 'edges'],
  [255, 255, 'checker'],
  [256, 256, 'noise'],
  [256, 400, 'noise'],
  [400, 256, 'edges'],
  [257, 255, 'checker'],
  [1, 40, 'noise'],
  [300, 1, 'gradient'],
  [3, 1000, 'noise'],
  [511, 333, 'checker'],
  [999, 1001, 'noise'],
  [1023, 17, 'edges'],
  [17, 1023, 'checker'],
  [2000, 1500, 'noise'],
  [1500, 4000, 'checker'],
  [4000, 3000, 'noise'],
  [2600, 2600, 'gradient'],
];

/** Index of the first element where a and b differ (compared as a[i] === map(b[i])), or -1. */
function firstDifference(a, b, map = (x) => x) {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== map(b[i])) return i;
  return -1;
}

test('preprocess equals Pillow BILINEAR resize + centre crop, element for element (SIMD and scalar paths)', () => {
  const jobs = CASES.map(([w, h, p], i) => ({ kind: 'preprocess', width: w, height: h, rgba: makeImage(w, h, p, i + 1) }));
  const refs = pillow(jobs);
  jobs.forEach((job, n) => {
    const [ref] = refs[n];
    assert.equal(ref.length, 256 * 256 * 3);
    // Same fixed-point arithmetic and pass order as Pillow: every byte is Pillow's, divided by 255
    // in float32. Pillow's bytes are interleaved RGB; ours are planes.
    const want = new Float32Array(3 * 65536);
    for (let i = 0; i < 65536; i++) for (let c = 0; c < 3; c++) want[c * 65536 + i] = ref[i * 3 + c] / 255;
    for (const scalar of [false, true]) {
      const out = core.clip.preprocess(job.rgba, job.width, job.height, { scalar });
      const at = firstDifference(out, want);
      assert.equal(
        at,
        -1,
        `${job.width}x${job.height} ${CASES[n][2]} scalar=${scalar}: element ${at} is ${out[at]}, Pillow ${want[at]}`,
      );
    }
  });
});

test('preprocess SIMD path equals the scalar path on 150 random sizes', {
  skip: !core.clip.simd && 'no SIMD in this build',
}, () => {
  const r = rng(seedFor(2024));
  for (let n = 0; n < 150; n++) {
    const w = 1 + Math.floor(r() ** 2 * 900),
      h = 1 + Math.floor(r() ** 2 * 900);
    const rgba = makeImage(w, h, n % 2 ? 'noise' : 'checker', n);
    const a = core.clip.preprocess(rgba, w, h);
    const b = core.clip.preprocess(rgba, w, h, { scalar: true });
    assert.ok(
      a.every((v, i) => v === b[i]),
      `${w}x${h} differs`,
    );
  }
});

test('downscale bounds the longest side and equals Pillow per band, byte for byte (alpha not premultiplied)', () => {
  const specs = [
    [4000, 3000, 1024],
    [1500, 4000, 1000],
    [333, 1023, 100],
    [1000, 1, 37],
    [1, 999, 10],
    [777, 555, 256],
  ];
  for (let i = 0; i < 6; i++) {
    // and random ones: any size up to 1500 x 1500, any smaller bound
    const w = randomInt(2, 1500),
      h = randomInt(2, 1500);
    specs.push([w, h, randomInt(1, Math.max(w, h) - 1)]);
  }
  const patterns = Object.keys(PATTERNS);
  const jobs = specs.map(([w, h, maxSide], i) => ({
    kind: 'downscale',
    width: w,
    height: h,
    maxSide,
    rgba: makeImage(w, h, patterns[i % 4], 50 + i),
  }));
  const refs = pillow(jobs);
  jobs.forEach((job, n) => {
    const [ref, [rw, rh]] = refs[n];
    for (const scalar of [false, true]) {
      const out = core.clip.downscale(job.rgba, job.width, job.height, job.maxSide, { scalar });
      assert.deepEqual([out.width, out.height], [rw, rh]);
      assert.equal(Math.max(out.width, out.height), job.maxSide);
      const at = firstDifference(out.rgba, ref);
      assert.equal(
        at,
        -1,
        `${job.width}x${job.height} -> ${rw}x${rh} scalar=${scalar}: byte ${at} is ${out.rgba[at]}, Pillow ${ref[at]}`,
      );
    }
  });
});

test('downscale leaves images within the bound unchanged (as a copy)', () => {
  const rgba = makeImage(640, 480, 'noise', 9);
  const out = core.clip.downscale(rgba, 640, 480, 640);
  assert.deepEqual([out.width, out.height], [640, 480]);
  assert.deepEqual(out.rgba, rgba);
  assert.notEqual(out.rgba.buffer, rgba.buffer);
  assert.equal(core.clip.downscale(rgba, 640, 480).width, 640); // default bound 1024
});

test('preprocess accepts Uint8ClampedArray (canvas ImageData) and ignores alpha', () => {
  const rgba = makeImage(300, 200, 'gradient', 3);
  const clamped = new Uint8ClampedArray(rgba);
  const opaque = rgba.slice();
  for (let i = 3; i < opaque.length; i += 4) opaque[i] = 255;
  const a = core.clip.preprocess(rgba, 300, 200);
  assert.deepEqual(core.clip.preprocess(clamped, 300, 200), a);
  assert.deepEqual(core.clip.preprocess(opaque, 300, 200), a);
});

test('a 12-megapixel photo crosses into wasm in row batches, not whole (memory never shrinks)', async () => {
  const fresh = await loadCore();
  const before = fresh.memory.heapSize();
  const photo = makeImage(4000, 3000, 'gradient', 5); // 48 MB of RGBA
  const a = fresh.clip.preprocess(photo, 4000, 3000);
  fresh.clip.downscale(photo, 4000, 3000, 512);
  const grown = fresh.memory.heapSize() - before;
  assert.ok(grown < 16 * 1024 * 1024, `wasm memory grew by ${grown} bytes`);
  assert.deepEqual(a, core.clip.preprocess(photo, 4000, 3000));
});

test('bad images give BAD_INPUT with a message naming the problem', () => {
  const rgba = new Uint8Array(4 * 4 * 4);
  const bad = [
    [() => core.clip.preprocess(rgba, 4, 5), /rgba must be width \* height \* 4 = 80 bytes, got 64/],
    [() => core.clip.preprocess(rgba.subarray(1), 4, 4), /= 64 bytes, got 63/],
    [() => core.clip.preprocess(rgba, 0, 16), /width must be a positive integer, got 0/],
    [() => core.clip.preprocess(rgba, 16, 0), /height must be a positive integer, got 0/],
    [() => core.clip.preprocess(new Uint8Array(0), 0, 0), /width must be a positive integer/],
    [() => core.clip.preprocess(rgba, 4.5, 4), /width .* got 4\.5/],
    [() => core.clip.preprocess([...rgba], 4, 4), /rgba must be a Uint8Array or Uint8ClampedArray/],
    // The side's bound is the core's own check (one owner): 65536.
    [() => core.clip.preprocess(new Uint8Array(70000 * 4), 70000, 1), /at most 65536 pixels a side/],
    [() => core.clip.downscale(new Uint8Array(70000 * 4), 70000, 1, 64), /at most 65536 pixels a side/],
    [() => core.clip.downscale(rgba, 4, 4, 0), /maxSide must be a positive integer, got 0/],
    [() => core.clip.downscale(rgba, 8, 2, 2.5), /maxSide .* got 2\.5/],
    [() => core.clip.downscale(new Float32Array(64), 4, 4, 2), /rgba must be a Uint8Array or Uint8ClampedArray/],
  ];
  for (const [fn, message] of bad) {
    const e = catchCoreError(fn);
    assert.equal(e.code, 'BAD_INPUT');
    assert.match(e.message, message);
  }
});
