// Simple generated "faces" and photos of them, for the small face models the tests and the demo
// run (scripts/gen-face-models.mjs builds them to find and tell apart exactly these faces).
//
// A face is drawn in the 112-pixel frame MobileFaceNet's aligned input uses: a skin-coloured oval
// with dark discs at the five ArcFace template points (eyes, nose, mouth corners) and four
// patches (forehead, cheeks, chin) in the colours of its person. A photo places faces upright at
// any size and position over a background of shapes that are never skin-coloured, so the
// detector's "skin" is the faces' alone. The same code draws the test photos and calibrates the
// models (where the skin's centroid sits in the face box, how much of the box it fills).

import { rng } from '../tests/js/seeded-random.mjs';

/** Ente's ArcFace template: left eye, right eye, nose, left and right mouth corner (112 px). */
export const ARCFACE_TEMPLATE = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** The face in its 112-pixel frame. Its box (what the detector reports) is the oval's. */
export const FACE = {
  skin: [224, 172, 140],
  feature: [40, 28, 24],
  oval: { cx: 56, cy: 64, rx: 42, ry: 54 },
  radii: [5, 5, 4, 4, 4], // of the discs at the template points
  // Where each person's colours go (x0, y0, x1, y1), inside the oval, clear of the features.
  patches: [
    [36, 20, 76, 38], // forehead
    [20, 58, 33, 80], // left cheek
    [79, 58, 92, 80], // right cheek
    [46, 100, 66, 112], // chin
  ],
};

/** The face box in the frame: the oval's bounding box. */
export const FACE_BOX = {
  x: FACE.oval.cx - FACE.oval.rx,
  y: FACE.oval.cy - FACE.oval.ry,
  width: 2 * FACE.oval.rx,
  height: 2 * FACE.oval.ry,
};

/** Deterministic uniform numbers in [0, 1) from a seed (the tests' mulberry32). */
export const random = rng;

const dist2 = (a, b) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** Colours a background may use: far from the skin colour. */
function backgroundColour(r) {
  for (;;) {
    const c = [r() * 255, r() * 255, r() * 255].map(Math.round);
    if (dist2(c, FACE.skin) > 110 ** 2) return c;
  }
}

/** A person's four patch colours, as 12 values centred on grey (what the embedder compares). */
export const identityVector = (colours) => colours.flat().map((v) => v / 127.5 - 1);

function cosine(a, b) {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) (ab += a[i] * b[i]), (aa += a[i] * a[i]), (bb += b[i] * b[i]);
  return ab / Math.sqrt(aa * bb);
}

/**
 * `count` people, each four patch colours: far from the skin and the features' colour, and no two
 * people alike (their identity vectors' cosine below 0.4), so the embedder can tell them apart.
 */
export function people(count, seed = 1) {
  const r = random(seed);
  const out = [];
  while (out.length < count) {
    const colours = FACE.patches.map(() => {
      for (;;) {
        const c = [r(), r(), r()].map((v) => Math.round(30 + v * 195));
        if (dist2(c, FACE.skin) > 100 ** 2 && dist2(c, FACE.feature) > 60 ** 2) return c;
      }
    });
    const v = identityVector(colours);
    if (out.every((p) => cosine(identityVector(p), v) < 0.4)) out.push(colours);
  }
  return out;
}

/** The colour of frame point (u, v) of a face with these patch colours, or null outside it. */
function faceColour(u, v, colours) {
  const { cx, cy, rx, ry } = FACE.oval;
  if (((u - cx) / rx) ** 2 + ((v - cy) / ry) ** 2 > 1) return null;
  for (let k = 0; k < 5; k++) {
    const [x, y] = ARCFACE_TEMPLATE[k];
    if ((u - x) ** 2 + (v - y) ** 2 <= FACE.radii[k] ** 2) return FACE.feature;
  }
  for (let k = 0; k < FACE.patches.length; k++) {
    const [x0, y0, x1, y1] = FACE.patches[k];
    if (u >= x0 && u < x1 && v >= y0 && v < y1) return colours[k];
  }
  return FACE.skin;
}

/**
 * Draws a face into RGBA pixels, its box at (x, y) with height `size` (width in proportion),
 * antialiased by 4 x 4 samples a pixel. Returns where it is: box and landmarks, in pixels.
 */
export function drawFace(rgba, width, height, { x, y, size, colours, light = 1 }) {
  const scale = size / FACE_BOX.height;
  const ox = x - FACE_BOX.x * scale,
    oy = y - FACE_BOX.y * scale; // the frame's origin in the photo
  const x0 = Math.max(0, Math.floor(x)),
    x1 = Math.min(width, Math.ceil(x + FACE_BOX.width * scale));
  const y0 = Math.max(0, Math.floor(y)),
    y1 = Math.min(height, Math.ceil(y + size));
  const S = 4;
  for (let py = y0; py < y1; py++) {
    for (let px = x0; px < x1; px++) {
      let r = 0,
        g = 0,
        b = 0,
        n = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = faceColour((px + (sx + 0.5) / S - ox) / scale, (py + (sy + 0.5) / S - oy) / scale, colours);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          n++;
        }
      }
      if (n === 0) continue;
      const i = (py * width + px) * 4;
      const a = n / (S * S);
      rgba[i] = Math.min(255, Math.round(rgba[i] * (1 - a) + (r / n) * light * a));
      rgba[i + 1] = Math.min(255, Math.round(rgba[i + 1] * (1 - a) + (g / n) * light * a));
      rgba[i + 2] = Math.min(255, Math.round(rgba[i + 2] * (1 - a) + (b / n) * light * a));
    }
  }
  return {
    box: { x, y, width: FACE_BOX.width * scale, height: size },
    landmarks: ARCFACE_TEMPLATE.map(([u, v]) => ({ x: ox + u * scale, y: oy + v * scale })),
  };
}

/**
 * A photo: a background of gradient and shapes (never skin-coloured), then faces of the given
 * people, each in a slot of its own so no two are close. `faces`: person indexes (into `cast`).
 * Returns { rgba, width, height, faces: [{ person, box, landmarks }] } (pixels).
 */
export function photo({ width, height, faces = [], cast, seed = 1, minSize = 0.2, maxSize = 0.45 }) {
  const r = random(seed);
  const rgba = new Uint8Array(width * height * 4);
  // Two ends of a gradient, every colour between them far from the skin too.
  let top, bottom;
  do {
    top = backgroundColour(r);
    bottom = backgroundColour(r);
  } while (
    Array.from({ length: 11 }, (_, k) => top.map((c, i) => c + ((bottom[i] - c) * k) / 10)).some(
      (c) => dist2(c, FACE.skin) <= 110 ** 2,
    )
  );
  for (let y = 0; y < height; y++) {
    const t = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(top[c] * (1 - t) + bottom[c] * t);
      rgba[i + 3] = 255;
    }
  }
  for (let k = 0, shapes = 3 + Math.floor(r() * 6); k < shapes; k++) {
    const c = backgroundColour(r);
    const cx = r() * width,
      cy = r() * height,
      rad = (0.05 + r() * 0.2) * Math.min(width, height);
    for (let y = Math.max(0, Math.floor(cy - rad)); y < Math.min(height, cy + rad); y++) {
      for (let x = Math.max(0, Math.floor(cx - rad)); x < Math.min(width, cx + rad); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 > rad * rad) continue;
        const i = (y * width + x) * 4;
        for (let ch = 0; ch < 3; ch++) rgba[i + ch] = c[ch];
      }
    }
  }
  // One slot per face, side by side, each face near its slot's middle and at most 0.55 slots
  // tall: far enough apart that the demo detector's window around one face holds no other.
  const placed = [];
  const slot = width / Math.max(1, faces.length);
  faces.forEach((person, k) => {
    const aspect = FACE_BOX.width / FACE_BOX.height;
    const size = Math.min(height * (minSize + r() * (maxSize - minSize)), slot * 0.55);
    const w = size * aspect;
    const x = k * slot + (slot - w) * (0.4 + 0.2 * r());
    const y = (height - size) * (0.1 + 0.8 * r());
    const light = 0.9 + 0.2 * r();
    const where = drawFace(rgba, width, height, { x, y, size, colours: cast[person], light });
    placed.push({ person, ...where });
  });
  return { rgba, width, height, faces: placed };
}
