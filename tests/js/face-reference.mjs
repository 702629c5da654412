// Independent JavaScript references for the face pipeline's steps, written plainly from Ente's
// algorithms (its Dart mobile client for the detector's input and output, its web client for
// alignment, blur, faceID and clustering; ente-io/ente is AGPL, this package MIT, so nothing of
// its code is copied: these are fresh transcriptions of what each step computes, in the same
// order of operations). Alignment itself is Ente's own library: `similarity-transformation`
// on `ml-matrix`, the two npm packages (and versions) Ente's web client uses. Not a test.
import { Matrix, inverse } from 'ml-matrix';
import { ARCFACE_TEMPLATE } from '../../scripts/synthetic-faces.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// similarity-transformation ships an ES module without "type": "module"; Node 20 cannot import it
// from its folder, so a copy with an .mjs name is imported (it resolves ml-matrix from the repo).
const here = new URL('../../build/face-reference/', import.meta.url);
mkdirSync(here, { recursive: true });
const source = require.resolve('similarity-transformation/main.js');
writeFileSync(new URL('similarity-transformation.mjs', here), readFileSync(source));
const { getSimilarityTransformation } = await import(new URL('similarity-transformation.mjs', here).href);

export const TEMPLATE = ARCFACE_TEMPLATE;

// Dart's double.round() (half away from zero).
const dartRound = (x) => Math.sign(x) * Math.round(Math.abs(x));
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** Ente mobile's letterbox: { input, scaledWidth, scaledHeight }. */
export function letterbox(rgba, w, h) {
  const scale = Math.min(640 / w, 640 / h);
  const sw = clamp(dartRound(w * scale), 0, 640),
    sh = clamp(dartRound(h * scale), 0, 640);
  const input = new Float32Array(3 * 640 * 640);
  const plane = 640 * 640;
  for (let y = 0; y < 640; y++) {
    for (let x = 0; x < 640; x++) {
      let r = 114,
        g = 114,
        b = 114;
      if (x < sw && y < sh) {
        const fx = clamp(x / scale, 0, w - 1),
          fy = clamp(y / scale, 0, h - 1);
        const x0 = Math.floor(fx),
          x1 = Math.ceil(fx),
          y0 = Math.floor(fy),
          y1 = Math.ceil(fy);
        const dx = fx - x0,
          dy = fy - y0,
          dx1 = 1 - dx,
          dy1 = 1 - dy;
        const px = (xx, yy, c) => rgba[(yy * w + xx) * 4 + c];
        const bil = (c) =>
          dartRound(px(x0, y0, c) * dx1 * dy1 + px(x1, y0, c) * dx * dy1 + px(x0, y1, c) * dx1 * dy + px(x1, y1, c) * dx * dy);
        r = bil(0);
        g = bil(1);
        b = bil(2);
      }
      const i = y * 640 + x;
      input[i] = r / 255;
      input[plane + i] = g / 255;
      input[2 * plane + i] = b / 255;
    }
  }
  return { input, scaledWidth: sw, scaledHeight: sh };
}

/** Ente mobile's post-processing: rows to relative detections after NMS. */
export function detections(rows, sw, sh, { minScore = 0.5, iouThreshold = 0.4 } = {}) {
  const c01 = (v) => clamp(v, 0, 1);
  const out = [];
  for (let i = 0; i < rows.length; i += 16) {
    const r = rows.subarray(i, i + 16);
    if (!(r[4] >= minScore)) continue;
    if (!r.slice(0, 15).every(Number.isFinite)) continue;
    let box = [(r[0] - r[2] / 2) / 640, (r[1] - r[3] / 2) / 640, (r[0] + r[2] / 2) / 640, (r[1] + r[3] / 2) / 640].map(c01);
    let lm = [];
    for (let k = 0; k < 5; k++) lm.push(c01(r[5 + 2 * k] / 640), c01(r[6 + 2 * k] / 640));
    if (sw !== 640 || sh !== 640) {
      const sx = 640 / sw,
        sy = 640 / sh;
      box = box.map((v, k) => c01((v + 0) * (k % 2 ? sy : sx)));
      lm = lm.map((v, k) => c01((v + 0) * (k % 2 ? sy : sx)));
    }
    out.push({ score: r[4], box, lm });
  }
  out.sort((a, b) => b.score - a.score); // stable in JavaScript
  const iou = (a, b) => {
    const areaA = (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]);
    const areaB = (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]);
    const iw = Math.min(a.box[2], b.box[2]) - Math.max(a.box[0], b.box[0]);
    const ih = Math.min(a.box[3], b.box[3]) - Math.max(a.box[1], b.box[1]);
    if (iw < 0 || ih < 0) return 0;
    const inter = iw * ih;
    return inter / (areaA + areaB - inter);
  };
  for (let i = 0; i < out.length - 1; i++) {
    for (let j = i + 1; j < out.length; j++) {
      if (iou(out[i], out[j]) >= iouThreshold) {
        out.splice(j, 1);
        j--;
      }
    }
  }
  return out;
}

/** Ente web's alignment through its own library: the 3x3 affine, each entry (except 1) x 112. */
export function alignmentMatrix(landmarksPx) {
  const from = new Matrix(landmarksPx.map((p) => [p.x, p.y])).transpose();
  const to = new Matrix(TEMPLATE.map(([x, y]) => [x / 112, y / 112])).transpose();
  const t = getSimilarityTransformation(from, to);
  const rs = Matrix.mul(t.rotation, t.scale);
  const m = [
    [rs.get(0, 0), rs.get(0, 1), t.translation.get(0, 0)],
    [rs.get(1, 0), rs.get(1, 1), t.translation.get(1, 0)],
    [0, 0, 1],
  ];
  return m.map((row) => row.map((v) => (v !== 1.0 ? v * 112 : 1.0)));
}

/** Ente web's warp: 112 x 112 x 3 floats, bicubic with its guards, from a scaled 3x3 matrix. */
export function warp(rgba, w, h, m) {
  const inv = inverse(
    new Matrix([
      [m[0][0], m[0][1]],
      [m[1][0], m[1][1]],
    ]),
  );
  const [a00, a01, a10, a11] = [inv.get(0, 0), inv.get(0, 1), inv.get(1, 0), inv.get(1, 1)];
  const b0 = m[0][2],
    b1 = m[1][2];
  const px = (x, y) =>
    x < 0 || x >= w || y < 0 || y >= h
      ? [114, 114, 114]
      : [rgba[(y * w + x) * 4], rgba[(y * w + x) * 4 + 1], rgba[(y * w + x) * 4 + 2]];
  const cubic = (dx, ipp, icp, inp, iap) =>
    icp +
    0.5 * (dx * (-ipp + inp) + dx * dx * (2 * ipp - 5 * icp + 4 * inp - iap) + dx * dx * dx * (-ipp + 3 * icp - 3 * inp + iap));
  const out = new Float32Array(112 * 112 * 3);
  for (let yt = 0; yt < 112; yt++) {
    for (let xt = 0; xt < 112; xt++) {
      let fx = a00 * (xt - b0) + a01 * (yt - b1);
      let fy = a10 * (xt - b0) + a11 * (yt - b1);
      fx = clamp(fx, 0, w - 1);
      fy = clamp(fy, 0, h - 1);
      const x = Math.trunc(fx) - (fx >= 0 ? 0 : 1),
        y = Math.trunc(fy) - (fy >= 0 ? 0 : 1);
      const [pxl, nx, ax, pyl, ny, ay] = [x - 1, x + 1, x + 2, y - 1, y + 1, y + 2];
      const dx = fx - x,
        dy = fy - y;
      const icc = px(x, y);
      const rows = [
        [
          pxl < 0 || pyl < 0 ? icc : px(pxl, pyl),
          pxl < 0 ? icc : px(x, pyl),
          pyl < 0 || nx >= w ? icc : px(nx, pyl),
          ax >= w || pyl < 0 ? icc : px(ax, pyl),
        ],
        [pxl < 0 ? icc : px(pxl, y), icc, nx >= w ? icc : px(nx, y), ax >= w ? icc : px(ax, y)],
        [
          pxl < 0 || ny >= h ? icc : px(pxl, ny),
          ny >= h ? icc : px(x, ny),
          nx >= w || ny >= h ? icc : px(nx, ny),
          ax >= w || ny >= h ? icc : px(ax, ny),
        ],
        [
          pxl < 0 || ay >= h ? icc : px(pxl, ay),
          ay >= h ? icc : px(x, ay),
          nx >= w || ay >= h ? icc : px(nx, ay),
          ax >= w || ay >= h ? icc : px(ax, ay),
        ],
      ];
      for (let c = 0; c < 3; c++) {
        const v = rows.map((r) => cubic(dx, r[0][c], r[1][c], r[2][c], r[3][c]));
        const value = Math.trunc(clamp(cubic(dy, v[0], v[1], v[2], v[3]), 0, 255));
        out[(yt * 112 + xt) * 3 + c] = value / 127.5 - 1.0;
      }
    }
  }
  return out;
}

/** Ente web's faceDirection. */
export function direction(lm) {
  const [le, re, n, lmo, rmo] = lm;
  const eyeDx = Math.abs(re.x - le.x),
    eyeDy = Math.abs(re.y - le.y),
    mouthDy = Math.abs(rmo.y - lmo.y);
  const upright = Math.max(le.y, re.y) + 0.5 * eyeDy < n.y && n.y + 0.5 * mouthDy < Math.min(lmo.y, rmo.y);
  const outLeft = n.x < Math.min(le.x, re.x) && n.x < Math.min(lmo.x, rmo.x);
  const outRight = n.x > Math.max(le.x, re.x) && n.x > Math.max(lmo.x, rmo.x);
  const nearLeft = Math.abs(n.x - le.x) < 0.2 * eyeDx;
  const nearRight = Math.abs(n.x - re.x) < 0.2 * eyeDx;
  if (outLeft || (upright && nearLeft)) return 'left';
  if (outRight || (upright && nearRight)) return 'right';
  return 'straight';
}

/** Ente web's blur: grey, the kept half, reflect padding, Laplacian, variance. */
export function blur(aligned, dir) {
  const toRgb = (v) => clamp(Math.round((v + 1.0) * 127.5), 0, 255);
  const grey = Array.from({ length: 112 }, (_, y) =>
    Array.from({ length: 112 }, (_, x) => {
      const i = 3 * (y * 112 + x);
      return clamp(Math.round(0.299 * toRgb(aligned[i]) + 0.587 * toRgb(aligned[i + 1]) + 0.114 * toRgb(aligned[i + 2])), 0, 255);
    }),
  );
  const cols = 112 + 2 - 56;
  const padded = Array.from({ length: 114 }, () => new Array(cols).fill(0));
  const first = dir === 'straight' ? 28 : dir === 'left' ? 56 : 0;
  for (let i = 0; i < 112; i++) for (let j = 0; j < cols - 2; j++) padded[i + 1][j + 1] = grey[i][j + first];
  for (let j = 1; j <= cols - 2; j++) {
    padded[0][j] = padded[2][j];
    padded[113][j] = padded[111][j];
  }
  for (let i = 0; i < 114; i++) {
    padded[i][0] = padded[i][2];
    padded[i][cols - 1] = padded[i][cols - 3];
  }
  const k = [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ];
  const lap = [];
  for (let i = 0; i < 112; i++) {
    const row = [];
    for (let j = 0; j < cols - 2; j++) {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += padded[i + a][j + b] * k[a][b];
      row.push(s);
    }
    lap.push(row);
  }
  const n = 112 * (cols - 2);
  let mean = 0;
  for (const row of lap) for (const v of row) mean += v;
  mean /= n;
  let variance = 0;
  for (const row of lap) for (const v of row) variance += (v - mean) * (v - mean);
  return variance / n;
}

/** Ente web's makeFaceID from a relative box { x, y, width, height }. */
export function faceId(fileId, box) {
  const part = (v) => clamp(v, 0.0, 0.999999).toFixed(5).substring(2);
  return [`${fileId}`, part(box.x), part(box.y), part(box.x + box.width), part(box.y + box.height)].join('_');
}

const dot = (a, b) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};

/**
 * Ente web's _clusterFaces: files { fileId, time, faces } (faces as in ML data), people
 * (cgroups: { updatedAt, data: { assigned, rejectedFaceIDs } }), local clusters. Returns
 * { clusters, modified } with clusters in Ente's order; new ids from `newId`.
 */
export function clusterFaces({ files, people = [], clusters: local = [] }, { newId, batchSize = 10000, step = 7500 } = {}) {
  const badFace = (f) => f.blur < 50 || (f.blur < 200 && f.blur < 0.85) || direction(f.detection.landmarks) !== 'straight';
  const faces = files
    .flatMap((file) =>
      file.faces
        .filter((f) => f.blur > 10 && f.score > 0.8)
        .map((f) => ({ ...f, time: file.time, embedding: new Float32Array(f.embedding), isBadFace: badFace(f) })),
    )
    .sort((a, b) => b.time - a.time);
  let clusters = [];
  const rejectedFor = new Map();
  for (const g of [...people].sort((a, b) => b.updatedAt - a.updatedAt)) {
    if (g.data.rejectedFaceIDs.length === 0) {
      clusters = clusters.concat(g.data.assigned.map((c) => ({ id: c.id, faces: [...c.faces] })));
    } else {
      const rejected = new Set(g.data.rejectedFaceIDs);
      clusters = clusters.concat(g.data.assigned.map((c) => ({ id: c.id, faces: c.faces.filter((f) => !rejected.has(f)) })));
      for (const f of rejected) {
        const s = rejectedFor.get(f) ?? new Set();
        for (const { id } of g.data.assigned) s.add(id);
        rejectedFor.set(f, s);
      }
    }
  }
  clusters = clusters.concat(local.map((c) => ({ id: c.id, faces: [...c.faces] })));
  const idOf = new Map(),
    indexOf = new Map();
  clusters.forEach((c, i) => {
    for (const f of c.faces)
      if (!idOf.has(f)) {
        idOf.set(f, c.id);
        indexOf.set(f, i);
      }
  });
  const modified = new Set();
  for (let offset = 0; offset < faces.length; offset += step) {
    const batch = faces.slice(offset, offset + batchSize);
    const done = batch.filter((f) => idOf.has(f.faceID)),
      todo = batch.filter((f) => !idOf.has(f.faceID));
    if (!todo.length) continue;
    const order = done.concat(todo);
    for (let i = 0; i < order.length; i++) {
      const fi = order[i];
      if (idOf.has(fi.faceID)) continue;
      const rejected = rejectedFor.get(fi.faceID);
      let nn,
        nnSim = 0;
      for (let j = i - 1; j >= 0; j--) {
        const fj = order[j];
        const s = dot(fi.embedding, fj.embedding);
        if (s <= nnSim) continue;
        if (s < (fj.isBadFace ? 0.84 : 0.76)) continue;
        if (rejected) {
          const cj = indexOf.get(fj.faceID);
          if (cj !== undefined && rejected.has(clusters[cj].id)) continue;
        }
        nn = j;
        nnSim = s;
      }
      let ci;
      if (nn !== undefined) ci = indexOf.get(order[nn].faceID);
      else {
        ci = clusters.length;
        clusters.push({ id: newId(), faces: [] });
      }
      idOf.set(fi.faceID, clusters[ci].id);
      indexOf.set(fi.faceID, ci);
      clusters[ci].faces.push(fi.faceID);
      modified.add(clusters[ci].id);
    }
  }
  return { clusters, modified };
}
