// Runs inside a module Web Worker (loaded by clip-worker.test.mjs): the whole search path in the
// browser — core tokenizer, preprocessing/downscale and index in wasm, ONNX Runtime Web on the
// generated colour models — for both image-model signatures.
import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
import { loadCore, createSearch } from '/js/dist/index.js';

function solid(w, h, rgb, noise, seed) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) px[i * 4 + c] = Math.max(0, Math.min(255, rgb[c] + Math.round((rand() * 2 - 1) * noise)));
    px[i * 4 + 3] = 255;
  }
  return px;
}

self.onmessage = async ({ data: { modelsUrl, key: keyBytes } }) => {
  try {
    const core = await loadCore();
    const gallery = [
      [1, solid(300, 200, [255, 0, 0], 0, 1), 300, 200],
      [2, solid(1600, 1200, [235, 25, 30], 50, 2), 1600, 1200],
      [3, solid(320, 240, [0, 0, 255], 20, 3), 320, 240],
      [4, solid(100, 100, [0, 255, 0], 0, 4), 100, 100],
      [5, solid(200, 500, [200, 10, 10], 30, 5), 200, 500],
    ];
    const results = {};
    for (const imageModel of ['test_image_rgba.onnx', 'test_image_float.onnx']) {
      const search = await createSearch(core, {
        ort,
        numThreads: 1,
        baseUrl: modelsUrl,
        textModel: 'test_text.onnx',
        imageModel,
      });
      for (const [id, px, w, h] of gallery) await search.indexImage(id, px, w, h);
      const key = Uint8Array.from(keyBytes); // the test's seeded key
      const saved = await search.save(key);
      search.remove(1);
      await search.load(saved, key);
      results[imageModel] = {
        signature: search.imageSignature,
        red: await search.query('Red '),
        blue: await search.query('blue'),
      };
      await search.dispose();
    }
    self.postMessage({ ok: true, results });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack}` });
  }
};
