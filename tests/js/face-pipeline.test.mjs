// The core's face steps (core.faces) against independent references (face-reference.mjs): the
// letterbox and the detector's post-processing against Ente's mobile arithmetic, bit for bit;
// alignment against Ente's own library (similarity-transformation on ml-matrix); the warp,
// direction and blur against Ente's web arithmetic; faceID against its JavaScript expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, catchCoreError, randomBytes, random, randomInt } from './helpers.mjs';
import * as ref from './face-reference.mjs';
import { FACE_INPUT_FLOATS, ALIGNED_FACE_FLOATS } from '../../js/dist/index.js';

/** Landmarks of a face at (x, y) with eye distance `size`, turned by `angle`, in pixels. */
function landmarksAt(x, y, size, angle = 0, jitter = 0) {
  const c = Math.cos(angle),
    s = Math.sin(angle);
  return ref.TEMPLATE.map(([u, v]) => {
    const du = ((u - 56) / 35) * size + (random() - 0.5) * jitter,
      dv = ((v - 70) / 35) * size + (random() - 0.5) * jitter;
    return { x: x + c * du - s * dv, y: y + s * du + c * dv };
  });
}

test('letterbox: the detector input equals Ente mobile arithmetic bit for bit, grey 114 around the photo', () => {
  for (const [w, h] of [
    [1, 1],
    [3, 2],
    [640, 640],
    [641, 639],
    [1000, 333],
    [333, 1000],
    [1920, 1080],
    [4000, 3000],
  ]) {
    const rgba = randomBytes(w * h * 4);
    const got = core.faces.letterbox(rgba, w, h);
    const want = ref.letterbox(rgba, w, h);
    assert.equal(got.input.length, FACE_INPUT_FLOATS);
    assert.deepEqual([got.scaledWidth, got.scaledHeight], [want.scaledWidth, want.scaledHeight], `${w}x${h}`);
    assert.ok(Buffer.from(got.input.buffer).equals(Buffer.from(want.input.buffer)), `${w}x${h}: bytes differ`);
  }
  assert.equal(catchCoreError(() => core.faces.letterbox(new Uint8Array(12), 2, 2)).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.faces.letterbox(new Uint8Array(0), 0, 0)).code, 'BAD_INPUT');
});

test('detections: the score threshold, the letterbox undone and NMS as Ente mobile does them', () => {
  // Rows with clusters of overlapping boxes around a few faces, many near the thresholds.
  for (let round = 0; round < 20; round++) {
    const rows = new Float32Array(25200 * 16);
    for (let i = 0; i < 25200; i++) rows[i * 16 + 4] = random() * 0.49; // below the threshold
    const faces = randomInt(0, 6);
    for (let f = 0; f < faces; f++) {
      const cx = random() * 640,
        cy = random() * 640,
        size = 10 + random() * 200;
      for (let k = 0; k < randomInt(1, 30); k++) {
        const i = randomInt(0, 25199) * 16;
        rows[i] = cx + (random() - 0.5) * size * 0.6;
        rows[i + 1] = cy + (random() - 0.5) * size * 0.6;
        rows[i + 2] = size * (0.6 + random() * 0.8);
        rows[i + 3] = size * (0.6 + random() * 0.8);
        rows[i + 4] = random() < 0.1 ? 0.5 : 0.45 + random() * 0.55;
        for (let j = 5; j < 15; j++) rows[i + j] = (j % 2 ? cx : cy) + (random() - 0.5) * size * 1.5;
      }
    }
    const scaled = random() < 0.3 ? [640, 640] : [640, randomInt(1, 640)];
    if (random() < 0.5) scaled.reverse();
    const got = core.faces.detections(rows, ...scaled);
    const want = ref.detections(rows, ...scaled);
    assert.equal(got.length, want.length);
    got.forEach((d, i) => {
      const w = want[i];
      assert.equal(d.score, w.score);
      assert.deepEqual(
        [d.box.x, d.box.y, d.box.x + d.box.width, d.box.y + d.box.height].map(Math.fround),
        w.box.map(Math.fround),
      );
      assert.equal(d.box.x, w.box[0]);
      assert.equal(d.box.width, w.box[2] - w.box[0]);
      assert.deepEqual(
        d.landmarks.flatMap((p) => [p.x, p.y]),
        w.lm,
      );
    });
  }
  assert.equal(catchCoreError(() => core.faces.detections(new Float32Array(17), 640, 640)).code, 'BAD_INPUT');
});

test("alignment: the matrix equals Ente's library's (similarity-transformation, ml-matrix)", () => {
  for (let i = 0; i < 300; i++) {
    const lm = landmarksAt(random() * 2000, random() * 1500, 5 + random() * 400, (random() - 0.5) * 2.5, random() * 20);
    const got = core.faces.alignment(lm);
    const want = ref.alignmentMatrix(lm);
    const flat = [want[0][0], want[0][1], want[0][2], want[1][0], want[1][1], want[1][2]];
    got.forEach((v, k) => assert.ok(Math.abs(v - flat[k]) <= 1e-9 * (1 + Math.abs(flat[k])), `entry ${k}: ${v} vs ${flat[k]}`));
  }
  // Landmarks that determine nothing (all at one point, or not finite) are refused.
  const same = Array.from({ length: 5 }, () => ({ x: 3, y: 4 }));
  assert.equal(catchCoreError(() => core.faces.alignment(same)).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.faces.alignment([...same.slice(1), { x: Number.NaN, y: 1 }])).code, 'BAD_INPUT');
});

test("warp: the aligned face equals Ente's bicubic warp of the same alignment", () => {
  let differ = 0,
    values = 0;
  for (let i = 0; i < 12; i++) {
    const w = randomInt(20, 700),
      h = randomInt(20, 700);
    const rgba = randomBytes(w * h * 4);
    // Faces inside, across the edges and partly outside the photo.
    const lm = landmarksAt(random() * w, random() * h, 8 + random() * Math.min(w, h) * 0.5, (random() - 0.5) * 1.5);
    const rel = lm.map((p) => ({ x: p.x / w, y: p.y / h }));
    const got = core.faces.align(rgba, w, h, { score: 1, box: { x: 0, y: 0, width: 1, height: 1 }, landmarks: rel });
    assert.equal(got.face.length, ALIGNED_FACE_FLOATS);
    // The reference runs on the same landmarks in pixels (relative * size, as Ente's mobile client).
    const want = ref.warp(rgba, w, h, ref.alignmentMatrix(rel.map((p) => ({ x: p.x * w, y: p.y * h }))));
    for (let k = 0; k < want.length; k++) {
      values++;
      if (got.face[k] === want[k]) continue;
      // A truncation can fall the other way when the two matrices differ in the last bit.
      differ++;
      assert.ok(Math.abs(got.face[k] - want[k]) < 1 / 127.5 + 1e-6, `value ${k}: ${got.face[k]} vs ${want[k]}`);
    }
    // Blur and direction of the same face, against Ente's.
    const dir = ref.direction(rel);
    assert.equal(core.faces.direction(rel), dir);
    assert.equal(core.faces.blur(got.face, rel), ref.blur(got.face, dir));
    assert.equal(got.blur, ref.blur(got.face, dir));
  }
  assert.ok(differ <= values * 1e-4, `${differ} of ${values} values differ by one step`);
});

test('direction: straight, left and right as Ente reads them', () => {
  let seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const lm = ref.TEMPLATE.map(([x, y]) => ({ x: x + (random() - 0.5) * 60, y: y + (random() - 0.5) * 60 }));
    const d = core.faces.direction(lm);
    assert.equal(d, ref.direction(lm));
    seen.add(d);
  }
  assert.deepEqual([...seen].sort(), ['left', 'right', 'straight']);
  seen = undefined;
});

test("faceID: Ente's string for random boxes, exact halves and the edges", () => {
  const boxes = [];
  for (let i = 0; i < 20000; i++) {
    const x = random() * 1.2 - 0.1,
      y = random() * 1.2 - 0.1;
    boxes.push({ x, y, width: random() * 0.5, height: random() * 0.5 });
  }
  // Values whose decimal expansion is exactly halfway at the 6th digit (k / 2^6 and friends).
  for (let k = 0; k < 64; k++) boxes.push({ x: k / 64, y: (2 * k + 1) / 128, width: 1 / 4096, height: 3 / 1024 });
  boxes.push({ x: 0.999995, y: 0.9999951, width: 0, height: 0.00001 });
  boxes.push({ x: -0, y: 1e-300, width: 5e-6, height: 4.999999e-6 });
  for (const box of boxes) {
    const fileId = randomInt(0, 2 ** 31) * 2 ** 21 + randomInt(0, 2 ** 21 - 1);
    assert.equal(core.faces.faceId(fileId, box), ref.faceId(fileId, box));
  }
  assert.equal(catchCoreError(() => core.faces.faceId(-1, boxes[0])).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.faces.faceId(1, { x: Number.NaN, y: 0, width: 0, height: 0 })).code, 'BAD_INPUT');
});

test('a photo handle aligns many faces from one copy of the pixels, and is freed', () => {
  const w = 300,
    h = 200;
  const rgba = randomBytes(w * h * 4);
  const before = core.memory.heapInUse();
  const photo = core.faces.openPhoto(rgba, w, h);
  const lb = photo.letterbox();
  assert.deepEqual(lb, core.faces.letterbox(rgba, w, h));
  for (let i = 0; i < 5; i++) {
    const rel = landmarksAt(random() * w, random() * h, 30).map((p) => ({ x: p.x / w, y: p.y / h }));
    const det = { score: 0.9, box: { x: 0, y: 0, width: 0.1, height: 0.1 }, landmarks: rel };
    assert.deepEqual(photo.align(det), core.faces.align(rgba, w, h, det));
  }
  // A face whose landmarks coincide cannot be aligned: no face, no error (as Ente skips it).
  const flat = {
    score: 0.9,
    box: { x: 0, y: 0, width: 0, height: 0 },
    landmarks: Array.from({ length: 5 }, () => ({ x: 0.5, y: 0.5 })),
  };
  assert.equal(photo.align(flat), undefined);
  photo.dispose();
  photo.dispose();
  assert.equal(core.memory.heapInUse(), before);
  assert.equal(catchCoreError(() => photo.letterbox()).code, 'BAD_INPUT');
});

test('pixels, aligned faces and embeddings are zeroed in wasm memory once a call or handle is done', () => {
  const w = 200,
    h = 150;
  const rgba = randomBytes(w * h * 4);
  const row = rgba.slice(4 * w * 70, 4 * w * 70 + 64); // 16 pixels of one row
  const rel = landmarksAt(100, 75, 40).map((p) => ({ x: p.x / w, y: p.y / h }));
  const det = { score: 0.9, box: { x: 0, y: 0, width: 0.1, height: 0.1 }, landmarks: rel };
  const photo = core.faces.openPhoto(rgba, w, h);
  assert.equal(core.testing.memoryContains(row), true, 'the photo is in wasm memory while open');
  photo.letterbox();
  const aligned = photo.align(det);
  photo.dispose();
  assert.equal(core.testing.memoryContains(row), false, 'pixels left in wasm memory');
  const faceBytes = new Uint8Array(aligned.face.buffer, 4 * 3 * 112 * 56, 64);
  assert.equal(core.testing.memoryContains(faceBytes), false, 'the aligned face left in wasm memory');
  core.faces.blur(aligned.face, rel);
  assert.equal(core.testing.memoryContains(faceBytes), false, 'the aligned face left by blur');

  const embeddings = Float32Array.from({ length: 3 * 192 }, () => random() - 0.5);
  const c = core.faces.clusterer({
    embeddings,
    dims: 192,
    bad: new Uint8Array(3),
    clusters: new Int32Array(3).fill(-1),
    existing: 0,
  });
  c.run(0);
  c.dispose();
  assert.equal(
    core.testing.memoryContains(new Uint8Array(embeddings.buffer, 192 * 4, 64)),
    false,
    'an embedding left in wasm memory',
  );
});
