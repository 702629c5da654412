// Generates the face models the tests, the bench and the demo run (no real weights exist here):
//
//   node scripts/gen-face-models.mjs [outDir] [--force]     (default build/models/faces)
//
// Same-shape stand-ins of Ente's models, random weights, for the bench and the parity checks:
//   yolov5s_face_standin.onnx   input float32 [1,3,640,640] -> output float32 [1,25200,16]
//                               YOLOv5s-face (deepcam-cn/yolov5-face models/yolov5s.yaml: nc 1,
//                               depth 0.33, width 0.5, StemBlock, C3, SPP(3,5,7)), BatchNorms
//                               folded, SiLU as x * Sigmoid(x), the Detect head decoding boxes
//                               and landmarks inside the graph as Ente's exported file does.
//   mobilefacenet_standin.onnx  img_inputs float32 [N,112,112,3] -> embeddings float32 [N,192]
//                               MobileFaceNet as sirius-ai lays it out, BatchNorms folded, PRelu,
//                               ending in LpNormalization (unit vectors, as Ente's file).
// Small working models for generated faces (scripts/synthetic-faces.mjs), same signatures:
//   face_detector_demo.onnx     finds the faces' skin: per output cell and anchor, the skin
//                               pixels in a window around it (their count, centroid, spread and
//                               the window's border) give a box, landmarks at the drawn face's
//                               proportions and a score that is high only in the cell holding the
//                               centroid of one face whose whole skin fits the window, whose size
//                               suits the anchor and whose spread is a face's of that size.
//                               Hand-set convolutions, no training.
//   face_embedder_demo.onnx     the mean colour of the four person patches of the aligned face,
//                               divided by the face's own skin colour (so lighting cancels),
//                               centred on grey, turned into 192 values by a fixed orthonormal
//                               projection, L2-normalised: one person's faces point one way.
// Plus manifest.json (bytes, parameters, SHA-256, the generator's hash). Cached like the MobileCLIP
// stand-ins: nothing is rewritten while the generator and its inputs are unchanged.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Graph, randn, valueInfo, writeModels } from './gen-mobileclip.mjs';
import { ARCFACE_TEMPLATE, FACE, FACE_BOX } from './synthetic-faces.mjs';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');
const T = onnx.TensorProto.DataType;
const PRODUCER = 'cipherlens gen-face-models';

export const FILES = {
  detector: 'yolov5s_face_standin.onnx',
  embedder: 'mobilefacenet_standin.onnx',
  demoDetector: 'face_detector_demo.onnx',
  demoEmbedder: 'face_embedder_demo.onnx',
};
/** Parameter counts the stand-ins must reach: YOLOv5s-face's README (7.075 M) and MobileFaceNet
 *  with its BatchNorms folded (1,292,992; Ente's file holds 5.29 MB of float32). */
export const TARGET_PARAMS = { detector: 7.075e6, embedder: 1_292_992 };

// ---- YOLOv5s-face
const ANCHORS = [
  [4, 5, 8, 10, 13, 16],
  [23, 29, 43, 55, 73, 105],
  [146, 217, 231, 300, 335, 433],
];
const STRIDES = [8, 16, 32];
const HEAD_GAIN = [19, 40, 40];
const HEAD_SCORE_BIAS = [-6.6, -4.8, -3.1];

/** Conv (BatchNorm folded into its bias) + SiLU, as yolov5's Conv module exports. */
function cbs(g, x, name, cin, cout, k = 1, s = 1, gain = 2.5) {
  const W = g.w(`${name}.weight`, [cout, cin, k, k], Math.sqrt(gain / (cin * k * k)));
  const B = g.w(`${name}.bias`, [cout], 0.05);
  const p = k >> 1;
  const y = g.op('Conv', [x, W, B], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p] });
  return g.op('Mul', [y, g.op('Sigmoid', [y])]);
}

function c3(g, x, name, cin, cout, n, shortcut = true) {
  const c = cout / 2;
  let m = cbs(g, x, `${name}.cv1`, cin, c);
  for (let i = 0; i < n; i++) {
    const b = cbs(g, cbs(g, m, `${name}.m.${i}.cv1`, c, c), `${name}.m.${i}.cv2`, c, c, 3, 1, shortcut ? 1 : 3);
    m = shortcut ? g.op('Add', [m, b]) : b;
  }
  return cbs(g, g.op('Concat', [m, cbs(g, x, `${name}.cv2`, cin, c)], { axis: 1 }), `${name}.cv3`, 2 * c, cout);
}

function stem(g, x, cin, cout) {
  const s1 = cbs(g, x, 'stem.stem_1', cin, cout, 3, 2);
  const s2b = cbs(g, cbs(g, s1, 'stem.stem_2a', cout, cout / 2), 'stem.stem_2b', cout / 2, cout, 3, 2);
  const s2p = g.op('MaxPool', [s1], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });
  return cbs(g, g.op('Concat', [s2b, s2p], { axis: 1 }), 'stem.stem_3', 2 * cout, cout);
}

function spp(g, x, cin, cout) {
  const c = cin / 2;
  const y = cbs(g, x, 'spp.cv1', cin, c);
  const pools = [3, 5, 7].map((k) =>
    g.op('MaxPool', [y], { kernel_shape: [k, k], strides: [1, 1], pads: [k >> 1, k >> 1, k >> 1, k >> 1] }),
  );
  return cbs(g, g.op('Concat', [y, ...pools], { axis: 1 }), 'spp.cv2', 4 * c, cout);
}

const up = (g, x) => g.op('Resize', [x, '', g.c(T.FLOAT, [1, 1, 2, 2])], { mode: 'nearest' });

/** Detect.export_cat: sigmoid on box and scores, boxes and landmarks in 640-input pixels. */
function detect(g, x, i, cin) {
  const s = STRIDES[i],
    G = 640 / s;
  // Random SiLU layers either fade or blow up along the backbone (there is no training to settle
  // them); these weights fade, gently, and the head's gain per scale brings its logits back to a
  // spread of about 2. The score biases (set by trying generated photos) let a photo pass the 0.5
  // score on a few to a few hundred rows (median about 40), as a photo with faces might, not
  // thousands (Ente's NMS is quadratic).
  const W = g.w(`detect.m.${i}.weight`, [48, cin, 1, 1], Math.sqrt(1 / cin) * HEAD_GAIN[i]);
  const bias = randn(`detect.m.${i}.bias`, 48, 0.05);
  for (let a = 0; a < 3; a++) bias[a * 16 + 4] += HEAD_SCORE_BIAS[i];
  const y = g.op('Conv', [x, W, g.f(`detect.m.${i}.bias`, [48], bias)], { kernel_shape: [1, 1] });
  const r = g.op('Transpose', [g.op('Reshape', [y, g.i64(1, 3, 16, G, G)])], { perm: [0, 1, 3, 4, 2] });
  const slice = (a, b) => g.op('Slice', [r, g.i64(a), g.i64(b), g.i64(4)]);
  const steps = Float32Array.from({ length: G }, (_, k) => k);
  const gx = g.op('Expand', [g.f(`detect.grid_x.${i}`, [1, 1, 1, G, 1], steps), g.i64(1, 1, G, G, 1)]);
  const gy = g.op('Expand', [g.f(`detect.grid_y.${i}`, [1, 1, G, 1, 1], steps), g.i64(1, 1, G, G, 1)]);
  const grid = g.op('Concat', [gx, gy], { axis: -1 }); // [1,1,G,G,2]
  const anchors = g.f(`detect.anchor_grid.${i}`, [1, 3, 1, 1, 2], Float32Array.from(ANCHORS[i]));
  const xy = g.op('Mul', [
    g.op('Add', [g.op('Sub', [g.op('Mul', [g.op('Sigmoid', [slice(0, 2)]), g.scalar(2)]), g.scalar(0.5)]), grid]),
    g.scalar(s),
  ]);
  const wh = g.op('Mul', [g.op('Pow', [g.op('Mul', [g.op('Sigmoid', [slice(2, 4)]), g.scalar(2)]), g.scalar(2)]), anchors]);
  const conf = g.op('Sigmoid', [slice(4, 5)]);
  const cls = g.op('Sigmoid', [slice(15, 16)]);
  const lmGrid = g.op('Mul', [g.op('Concat', [grid, grid, grid, grid, grid], { axis: -1 }), g.scalar(s)]);
  const lmAnchors = g.op('Concat', [anchors, anchors, anchors, anchors, anchors], { axis: -1 });
  const lm = g.op('Add', [g.op('Mul', [slice(5, 15), lmAnchors]), lmGrid]);
  const out = g.op('Concat', [xy, wh, conf, lm, cls], { axis: -1 });
  return g.op('Reshape', [out, g.i64(1, 3 * G * G, 16)]);
}

function yoloStandin() {
  const g = new Graph();
  const x0 = stem(g, 'input', 3, 32); // 160
  const x1 = c3(g, x0, 'model.1', 32, 64, 1);
  const p3 = c3(g, cbs(g, x1, 'model.2', 64, 128, 3, 2), 'model.3', 128, 128, 3); // 80
  const p4 = c3(g, cbs(g, p3, 'model.4', 128, 256, 3, 2), 'model.5', 256, 256, 3); // 40
  const x8 = c3(g, spp(g, cbs(g, p4, 'model.6', 256, 512, 3, 2), 512, 512), 'model.8', 512, 512, 1, false); // 20
  const x9 = cbs(g, x8, 'model.9', 512, 256);
  const x12 = c3(g, g.op('Concat', [up(g, x9), p4], { axis: 1 }), 'model.12', 512, 256, 1, false);
  const x13 = cbs(g, x12, 'model.13', 256, 128);
  const x16 = c3(g, g.op('Concat', [up(g, x13), p3], { axis: 1 }), 'model.16', 256, 128, 1, false);
  const x19 = c3(g, g.op('Concat', [cbs(g, x16, 'model.17', 128, 128, 3, 2), x13], { axis: 1 }), 'model.19', 256, 256, 1, false);
  const x22 = c3(g, g.op('Concat', [cbs(g, x19, 'model.20', 256, 256, 3, 2), x9], { axis: 1 }), 'model.22', 512, 512, 1, false);
  const out = g.op('Concat', [detect(g, x16, 0, 128), detect(g, x19, 1, 256), detect(g, x22, 2, 512)], { axis: 1 });
  g.name(out, 'output');
  return {
    bytes: g.model(
      'yolov5s_face_standin',
      [valueInfo('input', T.FLOAT, [1, 3, 640, 640])],
      [valueInfo('output', T.FLOAT, [1, 25200, 16])],
      PRODUCER,
    ),
    params: g.params(),
  };
}

// ---- MobileFaceNet
function conv(g, x, name, cin, cout, { k = 1, s = 1, groups = 1, pad = k >> 1, prelu = true, gain = 2 } = {}) {
  const fanIn = (cin / groups) * k * k;
  const W = g.w(`${name}.weight`, [cout, cin / groups, k, k], Math.sqrt(gain / fanIn));
  const B = g.w(`${name}.bias`, [cout], 0.02);
  const y = g.op('Conv', [x, W, B], { group: groups, kernel_shape: [k, k], strides: [s, s], pads: [pad, pad, pad, pad] });
  if (!prelu) return y;
  return g.op('PRelu', [y, g.w(`${name}.prelu`, [cout, 1, 1], 0.02, 0.25)]);
}

function bottleneck(g, x, name, cin, e, cout, s) {
  let y = conv(g, x, `${name}.expand`, cin, e);
  y = conv(g, y, `${name}.dw`, e, e, { k: 3, s, groups: e });
  y = conv(g, y, `${name}.project`, e, cout, { prelu: false, gain: 1 });
  return s === 1 && cin === cout ? g.op('Add', [x, y]) : y;
}

function mobileFaceNetStandin() {
  const g = new Graph();
  let x = g.op('Transpose', ['img_inputs'], { perm: [0, 3, 1, 2] });
  x = conv(g, x, 'conv1', 3, 64, { k: 3, s: 2 }); // 56
  x = conv(g, x, 'conv2_dw', 64, 64, { k: 3, groups: 64 });
  x = conv(g, x, 'conv2_pw', 64, 64, { prelu: false, gain: 1 });
  // [expansion, output channels, repeats, first stride]
  const stages = [
    [128, 64, 5, 2],
    [256, 128, 1, 2],
    [256, 128, 6, 1],
    [512, 128, 1, 2],
    [256, 128, 2, 1],
  ];
  let cin = 64,
    b = 0;
  for (const [e, cout, n, s] of stages) {
    for (let i = 0; i < n; i++, b++) {
      x = bottleneck(g, x, `block.${b}`, cin, e, cout, i === 0 ? s : 1);
      cin = cout;
    }
  }
  x = conv(g, x, 'conv_sep', 128, 512); // 7 x 7
  x = conv(g, x, 'gdconv', 512, 512, { k: 7, groups: 512, pad: 0, prelu: false, gain: 1 }); // 1 x 1
  x = conv(g, x, 'linear_512', 512, 512, { prelu: false, gain: 1 });
  x = conv(g, x, 'linear_192', 512, 192, { prelu: false, gain: 1 });
  x = g.op('Reshape', [x, g.i64(-1, 192)]);
  g.name(g.op('LpNormalization', [x], { axis: 1, p: 2 }), 'embeddings');
  return {
    bytes: g.model(
      'mobilefacenet_standin',
      [valueInfo('img_inputs', T.FLOAT, ['N', 112, 112, 3])],
      [valueInfo('embeddings', T.FLOAT, ['N', 192])],
      PRODUCER,
    ),
    params: g.params(),
  };
}

// ---- the demo models, calibrated on the drawn face
const SKIN = FACE.skin.map((v) => v / 255);
/** Skin mask: 1 within 0.14 of the skin colour (RGB in 0..1), 0 beyond 0.2. */
const MASK = { radius: 0.2, gain: 2 };

/** Where the skin lies in the face box: its share of the box, its centroid from the box centre. */
export function calibrate() {
  const scale = 8;
  const { x: bx, y: by, width: bw, height: bh } = FACE_BOX;
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    syy = 0;
  const inside = (u, v) => {
    const { cx, cy, rx, ry } = FACE.oval;
    if (((u - cx) / rx) ** 2 + ((v - cy) / ry) ** 2 > 1) return false;
    if (ARCFACE_TEMPLATE.some(([x, y], k) => (u - x) ** 2 + (v - y) ** 2 <= FACE.radii[k] ** 2)) return false;
    return !FACE.patches.some(([x0, y0, x1, y1]) => u >= x0 && u < x1 && v >= y0 && v < y1);
  };
  for (let y = 0; y < bh * scale; y++) {
    for (let x = 0; x < bw * scale; x++) {
      const u = bx + (x + 0.5) / scale,
        v = by + (y + 0.5) / scale;
      if (!inside(u, v)) continue;
      n++;
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
    }
  }
  const fill = n / (bw * bh * scale * scale);
  const mx = sx / n,
    my = sy / n;
  return {
    fill,
    aspect: bw / bh,
    // centroid = box centre + (ox * width, oy * height)
    ox: (mx - (bx + bw / 2)) / bw,
    oy: (my - (by + bh / 2)) / bh,
    // the skin's spread: variance along x over width^2, along y over height^2
    vx: (sxx / n - mx * mx) / (bw * bw),
    vy: (syy / n - my * my) / (bh * bh),
    landmarks: ARCFACE_TEMPLATE.map(([u, v]) => [(u - (bx + bw / 2)) / bw, (v - (by + bh / 2)) / bh]),
  };
}

/** Face heights (640-input pixels) each anchor answers for: overlapping, so some anchor always has
 *  margin. Windows (cells) hold the whole face wherever its centroid sits in the centre cell. */
export const DEMO_ANCHORS = [
  [8, 12, 21],
  [8, 19, 34],
  [8, 30, 54],
  [16, 48, 75],
  [16, 66, 100],
  [16, 88, 132],
  [32, 116, 184],
  [32, 164, 258],
  [32, 230, 320],
];

function demoDetector(cal) {
  const g = new Graph();
  const c = (values, dims) => g.c(T.FLOAT, values, dims);
  // Skin mask [1,1,640,640]: clip(gain * (1 - |rgb - skin|^2 / r^2), 0, 1).
  const d = g.op('Sub', ['input', c(SKIN, [1, 3, 1, 1])]);
  const d2 = g.op('ReduceSum', [g.op('Mul', [d, d]), g.i64(1)], { keepdims: 1 });
  const { radius, gain } = MASK;
  const mask = g.op('Clip', [
    g.op('Add', [g.op('Mul', [d2, g.scalar(-gain / radius ** 2)]), g.scalar(gain)]),
    g.scalar(0),
    g.scalar(1),
  ]);
  const outputs = [];
  for (const s of STRIDES) {
    const G = 640 / s;
    // Per cell: skin count and its first and second moments within the cell, by one strided
    // convolution; then in photo coordinates (x = cell origin + offset).
    const k = new Float32Array(5 * s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        const at = i * s + j;
        k[at] = 1;
        k[s * s + at] = j + 0.5;
        k[2 * s * s + at] = i + 0.5;
        k[3 * s * s + at] = (j + 0.5) ** 2;
        k[4 * s * s + at] = (i + 0.5) ** 2;
      }
    const cells = g.op('Conv', [mask, g.f(`cells.${s}`, [5, 1, s, s], k)], { kernel_shape: [s, s], strides: [s, s] });
    const [cnt, mx, my, mxx, myy] = g.op('Split', [cells], { axis: 1, num_outputs: 5 }, 5);
    const origin = Float32Array.from({ length: G }, (_, i) => i * s);
    const centre = Float32Array.from({ length: G }, (_, i) => (i + 0.5) * s);
    const ox = g.f(`origin_x.${s}`, [1, 1, 1, G], origin),
      oy = g.f(`origin_y.${s}`, [1, 1, G, 1], origin);
    const global = (o, m1, m2) => {
      const first = g.op('Add', [g.op('Mul', [cnt, o]), m1]);
      // sum (o + d)^2 = o^2 cnt + 2 o sum d + sum d^2
      const second = g.op('Add', [
        g.op('Add', [g.op('Mul', [cnt, g.op('Mul', [o, o])]), g.op('Mul', [g.op('Mul', [o, g.scalar(2)]), m1])]),
        m2,
      ]);
      return [first, second];
    };
    const [gx, gxx] = global(ox, mx, mxx);
    const [gy, gyy] = global(oy, my, myy);
    const moments = g.op('Concat', [cnt, gx, gy, gxx, gyy], { axis: 1 });
    const cx0 = g.f(`centre_x.${s}`, [1, 1, 1, G], centre);
    const cy0 = g.f(`centre_y.${s}`, [1, 1, G, 1], centre);
    const anchors = [];
    for (const [, lo, hi] of DEMO_ANCHORS.filter(([st]) => st === s)) {
      // Odd, and wide enough that a face of height hi whose centroid is within 0.6 cells of the
      // centre cell (and up to 0.6 h from its edge) lies inside.
      let win = Math.ceil(1.2 + (1.1 * hi) / s);
      if (win % 2 === 0) win++;
      const box = (n, ch) => g.f(`ones.${s}.${n}.${ch}`, [ch, 1, n, n], new Float32Array(ch * n * n).fill(1));
      const pad = (n) => [n >> 1, n >> 1, n >> 1, n >> 1];
      const sums = g.op('Conv', [moments, box(win, 5)], { kernel_shape: [win, win], pads: pad(win), group: 5 });
      const [area, sx, sy, sxx, syy] = g.op('Split', [sums], { axis: 1, num_outputs: 5 }, 5);
      const outer = g.op('Conv', [cnt, box(win + 2, 1)], { kernel_shape: [win + 2, win + 2], pads: pad(win + 2) });
      const safe = g.op('Add', [area, g.scalar(1e-3)]);
      const mcx = g.op('Div', [sx, safe]),
        mcy = g.op('Div', [sy, safe]);
      // The box from the skin's spread (its variance along each axis is a known share of the box's
      // side squared): unlike its area, that holds when a small face's features blur into the skin.
      const variance = (sqq, mc) => g.op('Relu', [g.op('Sub', [g.op('Div', [sqq, safe]), g.op('Mul', [mc, mc])])]);
      const w = g.op('Sqrt', [g.op('Div', [variance(sxx, mcx), g.scalar(cal.vx)])]);
      const h = g.op('Sqrt', [g.op('Div', [variance(syy, mcy), g.scalar(cal.vy)])]);
      const bcx = g.op('Sub', [mcx, g.op('Mul', [w, g.scalar(cal.ox)])]);
      const bcy = g.op('Sub', [mcy, g.op('Mul', [h, g.scalar(cal.oy)])]);
      // Score: the centroid in this cell, the size in this anchor's range, no skin on the border.
      const fromCell = g.op('Max', [g.op('Abs', [g.op('Sub', [mcx, cx0])]), g.op('Abs', [g.op('Sub', [mcy, cy0])])]);
      const zCell = g.op('Mul', [g.op('Sub', [g.scalar(0.6), g.op('Div', [fromCell, g.scalar(s)])]), g.scalar(40)]);
      const zSize = g.op('Mul', [
        g.op('Min', [
          g.op('Div', [g.op('Sub', [h, g.scalar(lo)]), g.scalar(lo)]),
          g.op('Div', [g.op('Sub', [g.scalar(hi), h]), g.scalar(hi)]),
        ]),
        g.scalar(40),
      ]);
      const ring = g.op('Div', [g.op('Sub', [outer, area]), safe]);
      const zRing = g.op('Mul', [g.op('Sub', [g.scalar(0.03), ring]), g.scalar(200)]);
      // One face, not two in one window: its shape a face's (width to height within 25%) and the
      // skin's area what a face of that box holds (within 35%).
      const off = (ratio) => g.op('Abs', [g.op('Sub', [ratio, g.scalar(1)])]);
      const shape = off(g.op('Div', [w, g.op('Mul', [h, g.scalar(cal.aspect)])]));
      const fill = off(
        g.op('Div', [area, g.op('Add', [g.op('Mul', [g.op('Mul', [w, h]), g.scalar(cal.fill)]), g.scalar(1e-3)])]),
      );
      const zSpread = g.op('Mul', [
        g.op('Min', [g.op('Sub', [g.scalar(0.25), shape]), g.op('Sub', [g.scalar(0.35), fill])]),
        g.scalar(40),
      ]);
      const score = g.op('Sigmoid', [g.op('Min', [zCell, zSize, zRing, zSpread])]);
      const lms = cal.landmarks.flatMap(([lx, ly]) => [
        g.op('Add', [bcx, g.op('Mul', [w, g.scalar(lx)])]),
        g.op('Add', [bcy, g.op('Mul', [h, g.scalar(ly)])]),
      ]);
      anchors.push(bcx, bcy, w, h, score, ...lms, score);
    }
    // [1,48,G,G] -> [1,3,16,G,G] -> [1,3,G,G,16] -> [1,3*G*G,16], as YOLOv5's export lays it out.
    const all = g.op('Concat', anchors, { axis: 1 });
    const r = g.op('Transpose', [g.op('Reshape', [all, g.i64(1, 3, 16, G, G)])], { perm: [0, 1, 3, 4, 2] });
    outputs.push(g.op('Reshape', [r, g.i64(1, 3 * G * G, 16)]));
  }
  g.name(g.op('Concat', outputs, { axis: 1 }), 'output');
  return {
    bytes: g.model(
      'face_detector_demo',
      [valueInfo('input', T.FLOAT, [1, 3, 640, 640])],
      [valueInfo('output', T.FLOAT, [1, 25200, 16])],
      PRODUCER,
    ),
    params: g.params(),
  };
}

/** A 12 x 192 matrix with orthonormal rows (Gram-Schmidt of seeded normals): cosines survive. */
function projection(rows, cols) {
  const g = randn('embedder.projection', rows * cols);
  const out = [];
  for (let r = 0; r < rows; r++) {
    const v = Array.from(g.subarray(r * cols, (r + 1) * cols));
    for (const u of out) {
      const dot = v.reduce((a, x, i) => a + x * u[i], 0);
      for (let i = 0; i < cols; i++) v[i] -= dot * u[i];
    }
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    out.push(v.map((x) => x / n));
  }
  return Float32Array.from(out.flat());
}

/** Skin sampled between the forehead patch and the eyes; patches sampled 3 pixels inside. */
export const SKIN_SAMPLE = [42, 40, 70, 45];
const INSET = 3;

function demoEmbedder() {
  const g = new Graph();
  const pixels = g.op('Add', [g.op('Mul', ['img_inputs', g.scalar(127.5)]), g.scalar(127.5)]); // 0..255
  const mean = ([x0, y0, x1, y1]) =>
    g.op('ReduceMean', [g.op('Slice', [pixels, g.i64(y0, x0), g.i64(y1, x1), g.i64(1, 2)]), g.i64(1, 2)], { keepdims: 0 });
  const skin = g.op('Add', [mean(SKIN_SAMPLE), g.scalar(1e-3)]); // [N,3]
  const reference = g.c(
    T.FLOAT,
    FACE.skin.map((v) => v / 127.5),
    [3],
  );
  const features = FACE.patches.map(([x0, y0, x1, y1]) => {
    const patch = mean([x0 + INSET, y0 + INSET, x1 - INSET, y1 - INSET]);
    return g.op('Sub', [g.op('Mul', [g.op('Div', [patch, skin]), reference]), g.scalar(1)]);
  });
  const f = g.op('Concat', features, { axis: 1 }); // [N,12]: the person's colours, centred on grey
  const e = g.op('MatMul', [f, g.f('embedder.projection', [12, 192], projection(12, 192))]);
  g.name(g.op('LpNormalization', [e], { axis: 1, p: 2 }), 'embeddings');
  return {
    bytes: g.model(
      'face_embedder_demo',
      [valueInfo('img_inputs', T.FLOAT, ['N', 112, 112, 3])],
      [valueInfo('embeddings', T.FLOAT, ['N', 192])],
      PRODUCER,
    ),
    params: g.params(),
  };
}

// ---- main: cached by the hash of this file and what it imports
function generatorHash() {
  const h = createHash('sha256');
  for (const f of ['gen-face-models.mjs', 'gen-mobileclip.mjs', 'synthetic-faces.mjs', '../tests/js/seeded-random.mjs'])
    h.update(readFileSync(fileURLToPath(new URL(f, import.meta.url))));
  return h.update(`onnx-proto ${require('onnx-proto/package.json').version}`).digest('hex');
}

export async function main(argv = process.argv.slice(2)) {
  const calibration = calibrate();
  return await writeModels({
    outDir: argv.find((a) => !a.startsWith('--')) ?? 'build/models/faces',
    hash: generatorHash(),
    label: 'face models',
    force: argv.includes('--force'),
    extra: { targets: TARGET_PARAMS, calibration },
    builders: {
      [FILES.detector]: yoloStandin,
      [FILES.embedder]: mobileFaceNetStandin,
      [FILES.demoDetector]: () => demoDetector(calibration),
      [FILES.demoEmbedder]: demoEmbedder,
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
