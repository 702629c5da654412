// cipherlens bundled by esbuild: CLIP search in a worker with ONNX Runtime on two threads (the
// page must be cross-origin isolated for more than one). build.mjs bundles the worker entry and
// copies the .wasm files; this page says where they are. Models are self-hosted under models/.
import { createSearchWorker } from 'cipherlens/search';

const out = document.querySelector('#out');
const solid = (r, g, b) => new Uint8Array(64 * 64 * 4).map((_, i) => [r, g, b, 255][i % 4]);

async function run() {
  const search = await createSearchWorker({
    workerUrl: new URL('./search-worker.js', import.meta.url),
    wasmUrl: new URL('./cipherlens.wasm', import.meta.url).href,
    baseUrl: '/models/',
    textModel: 'text.onnx',
    imageModel: 'image.onnx',
    numThreads: 2,
  });
  await search.indexImage(1, solid(255, 0, 0), 64, 64);
  await search.indexImage(2, solid(0, 0, 255), 64, 64);
  const hits = await search.query('red');
  await search.terminate();
  return { isolated: crossOriginIsolated, search: hits[0]?.fileId };
}

run().then(
  (result) => {
    out.textContent = JSON.stringify(result);
    out.dataset.done = 'ok';
  },
  (e) => {
    out.textContent = `${e?.name}: ${e?.message}\n${e?.stack}`;
    out.dataset.done = 'error';
  },
);
