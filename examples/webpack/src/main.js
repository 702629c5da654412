// cipherlens bundled by webpack 5 (default configuration): crypto in the page and CLIP search in
// a worker with ONNX Runtime on two threads (the page must be cross-origin isolated for more
// than one). webpack emits the worker and the .wasm files itself. Models are self-hosted under
// models/ (a strict Content-Security-Policy allows fetches from the page's origin only).
import { loadCryptoCore } from 'cipherlens';
import { createSearchWorker } from 'cipherlens/search';

const out = document.querySelector('#out');
const solid = (r, g, b) => new Uint8Array(64 * 64 * 4).map((_, i) => [r, g, b, 255][i % 4]);

async function run() {
  const core = await loadCryptoCore();
  const key = core.generateKey();
  const { ciphertext, header } = core.blob.encrypt(new TextEncoder().encode('a photo'), key);
  const crypto = new TextDecoder().decode(core.blob.decrypt(ciphertext, header, key));

  const search = await createSearchWorker({
    baseUrl: '/models/',
    textModel: 'text.onnx',
    imageModel: 'image.onnx',
    numThreads: 2,
  });
  await search.indexImage(1, solid(255, 0, 0), 64, 64);
  await search.indexImage(2, solid(0, 0, 255), 64, 64);
  const hits = await search.query('red');
  await search.terminate();
  return { crypto, isolated: crossOriginIsolated, search: hits[0]?.fileId };
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
