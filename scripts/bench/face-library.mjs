// Synthetic face data for faces.bench.mjs, in Node and in the page (served as is): `faceFiles(n,
// people, seed)` gives n faces over files of 1 to 3, each a unit vector near its person's
// direction, spread across Ente's clustering thresholds, 30% of them blurred enough to count as
// lower-quality faces, as ML data would hold them.
import { ARCFACE_TEMPLATE, random } from '../synthetic-faces.mjs';

function unit(v) {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/** { files: [{ fileId, time, faces }] }: n faces of `people` people, as clusterFaces takes them. */
export function faceFiles(n, people, seed = 1) {
  const r = random(seed);
  const centres = Array.from({ length: people }, () => unit(Float32Array.from({ length: 192 }, () => r() - 0.5)));
  const landmarks = ARCFACE_TEMPLATE.map(([x, y]) => ({ x: x / 800, y: y / 600 }));
  const files = [];
  for (let made = 0, fileId = 1; made < n; fileId++) {
    const faces = [];
    for (let k = Math.min(n - made, 1 + Math.floor(r() * 3)); k > 0; k--, made++) {
      const c = centres[Math.floor(r() * people)];
      const spread = 0.45 * (0.6 + r() * 0.8) * Math.sqrt(3 / 192);
      const e = unit(Float32Array.from(c, (x) => x + spread * (2 * r() - 1)));
      faces.push({
        faceID: `${fileId}_${made}`,
        detection: { box: { x: 0.1, y: 0.1, width: 0.1, height: 0.13 }, landmarks },
        score: 0.81 + r() * 0.19,
        blur: r() < 0.3 ? 11 + r() * 38 : 50 + r() * 2000, // 30% lower-quality (blur < 50)
        embedding: Array.from(e),
      });
    }
    files.push({ fileId, time: Math.floor(r() * n), faces });
  }
  return files;
}
