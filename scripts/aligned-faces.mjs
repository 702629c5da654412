// Aligned faces from generated photos (synthetic-faces.mjs), the embedder's input for tests and
// benches. Kept beside, not in, synthetic-faces.mjs: that file's hash keys the generated face
// models (gen-face-models.mjs), and this helper changes nothing they are built from.
import { ALIGNED_FACE_FLOATS } from '../js/dist/index.js';
import { people, photo } from './synthetic-faces.mjs';

/**
 * `n` faces of `n` different people (the cast drawn from `seed`), each aligned by the core from a
 * 400 x 400 photo of its own: n * 112 * 112 * 3 floats, ready for MobileFaceNet.
 */
export function alignedFaces(core, n, seed) {
  const out = new Float32Array(n * ALIGNED_FACE_FLOATS);
  const cast = people(n, seed);
  for (let i = 0; i < n; i++) {
    const p = photo({ width: 400, height: 400, faces: [i], cast, seed: seed * 10 + i });
    const f = p.faces[0];
    const det = { score: 1, box: f.box, landmarks: f.landmarks.map((l) => ({ x: l.x / p.width, y: l.y / p.height })) };
    out.set(core.faces.align(p.rgba, p.width, p.height, det).face, i * ALIGNED_FACE_FLOATS);
  }
  return out;
}
