// cipherlens in a Vite app (default configuration): crypto in the page, a worker, a stream, and
// CLIP search in a worker. Models are self-hosted under public/models/ (see README.md), so the
// page runs under a strict Content-Security-Policy with connect-src 'self'.
import { loadCryptoCore, createCoreWorker } from 'cipherlens';
import { createSearchWorker } from 'cipherlens/search';

const out = document.querySelector('#out');
const text = (bytes) => new TextDecoder().decode(bytes);
const bytes = (s) => new TextEncoder().encode(s);
const solid = (r, g, b) => new Uint8Array(64 * 64 * 4).map((_, i) => [r, g, b, 255][i % 4]);

async function run() {
  const result = {};
  const core = await loadCryptoCore();
  const key = core.generateKey();
  const { ciphertext, header } = core.blob.encrypt(bytes('a photo'), key);
  result.crypto = text(core.blob.decrypt(ciphertext, header, key));
  // Bytes returned are ArrayBuffer-backed: straight into a Blob or crypto.subtle.
  result.blobBytes = new Blob([ciphertext]).size;

  const worker = await createCoreWorker();
  const sealed = await worker.blob.encrypt(bytes('in a worker'), key);
  result.worker = text(await worker.blob.decrypt(sealed.ciphertext, sealed.header, key));

  const video = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
  const encrypted = await worker.encryptStream([video.slice()], key);
  const plain = new Uint8Array(await new Response(worker.decryptStream(encrypted.stream, encrypted.header, key)).arrayBuffer());
  result.stream = plain.length === video.length && plain.every((b, i) => b === video[i]);
  await worker.terminate();

  const search = await createSearchWorker({
    baseUrl: '/models/',
    textModel: 'text.onnx',
    imageModel: 'image.onnx',
    numThreads: 2, // ONNX Runtime threads: used when the page is cross-origin isolated (COOP + COEP)
  });
  await search.indexImage(1, solid(255, 0, 0), 64, 64);
  await search.indexImage(2, solid(0, 0, 255), 64, 64);
  result.search = (await search.query('red'))[0]?.fileId;
  await search.terminate();
  result.isolated = crossOriginIsolated;
  return result;
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
