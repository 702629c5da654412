// Runs inside a module Web Worker (loaded by clip-worker.test.mjs): ONNX Runtime Web's wasm build
// with its own wasm files, models fetched over http and kept in the Cache API.
import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
import { createImageEncoder, createTextEncoder } from '/js/dist/index.js';

self.onmessage = async ({ data }) => {
  try {
    const { modelsUrl, models, redTokens } = data;
    const progress = [];
    const opts = { ort, numThreads: 1, baseUrl: modelsUrl, onProgress: (p) => progress.push(p) };
    const load = () => Promise.all([createTextEncoder(models.text, opts), createImageEncoder(models.rgba, opts)]);
    const [text, image] = await load();
    const red = await text.embedTokens(Int32Array.from(redTokens));
    const px = new Uint8Array(5 * 3 * 4);
    for (let i = 0; i < 15; i++) px.set([255, 0, 0, 255], i * 4);
    const redImage = await image.embedRgba(px, 5, 3);
    for (let i = 0; i < 15; i++) px.set([0, 0, 255, 255], i * 4);
    const blueImage = await image.embedRgba(px, 5, 3);
    const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
    await Promise.all([text.release(), image.release()]);
    const firstLoad = progress.splice(0);
    const [text2, image2] = await load(); // now from the Cache API
    const again = await text2.embedTokens(Int32Array.from(redTokens));
    const cache = await caches.open('cipherlens-models');
    const cachedUrls = (await cache.keys()).map((r) => r.url).sort();
    self.postMessage({
      ok: true,
      wasmPaths: ort.env.wasm.wasmPaths,
      signature: image.signature,
      redVsRedImage: dot(red, redImage),
      redVsBlueImage: dot(red, blueImage),
      sameAfterCache: dot(red, again),
      firstLoad,
      secondLoad: progress,
      cachedUrls,
      isWorker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope,
    });
    await Promise.all([text2.release(), image2.release()]);
  } catch (e) {
    self.postMessage({ ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack}` });
  }
};
