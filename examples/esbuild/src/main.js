// cipherlens bundled by esbuild, crypto only: esbuild neither emits workers nor assets found
// through `new URL('…', import.meta.url)`, so build.mjs bundles the worker entry and copies the
// .wasm, and this page says where they are.
import { loadCryptoCore, createCoreWorker } from 'cipherlens';

const wasmUrl = new URL('./cipherlens-crypto.wasm', import.meta.url);
const workerUrl = new URL('./crypto-worker.js', import.meta.url);
const out = document.querySelector('#out');
const text = (bytes) => new TextDecoder().decode(bytes);
const bytes = (s) => new TextEncoder().encode(s);

async function run() {
  const result = {};
  const core = await loadCryptoCore({ wasmUrl });
  const key = core.generateKey();
  const { ciphertext, header } = core.blob.encrypt(bytes('a photo'), key);
  result.crypto = text(core.blob.decrypt(ciphertext, header, key));

  const worker = await createCoreWorker({ wasmUrl, workerUrl });
  const sealed = await worker.blob.encrypt(bytes('in a worker'), key);
  result.worker = text(await worker.blob.decrypt(sealed.ciphertext, sealed.header, key));
  const video = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
  const encrypted = await worker.encryptStream([video.slice()], key);
  const plain = new Uint8Array(await new Response(worker.decryptStream(encrypted.stream, encrypted.header, key)).arrayBuffer());
  result.stream = plain.length === video.length && plain.every((b, i) => b === video[i]);
  await worker.terminate();
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
