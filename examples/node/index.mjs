// The Node quick start: a key, a file encrypted and decrypted, the same in a worker thread, a
// 9 MiB stream through Ente's chunked format, and, given a folder of models, CLIP search.
//   node index.mjs [models-folder]    (text.onnx and image.onnx in it)
import { loadCryptoCore, createCoreWorker } from 'cipherlens';

const text = (bytes) => new TextDecoder().decode(bytes);
const bytes = (s) => new TextEncoder().encode(s);

// 1. In this thread: the crypto build (no search code loaded).
const core = await loadCryptoCore();
const key = core.generateKey();
const { ciphertext, header } = core.blob.encrypt(bytes('a photo'), key);
console.log('blob:', text(core.blob.decrypt(ciphertext, header, key)));

// 2. In a worker thread: the same API, every call a promise. Payloads are transferred, so the
//    bytes passed in are empty afterwards; keep a copy (bytes.slice()) if you need them.
const worker = await createCoreWorker();
const sealed = await worker.blob.encrypt(bytes('in a worker'), key);
console.log('worker:', text(await worker.blob.decrypt(sealed.ciphertext, sealed.header, key)));

// 3. A stream: 9 MiB in, Ente's 4 MiB chunks out, and back.
const video = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
const encrypted = await worker.encryptStream([video.slice()], key);
const plain = new Uint8Array(await new Response(worker.decryptStream(encrypted.stream, encrypted.header, key)).arrayBuffer());
console.log('stream:', plain.length === video.length && plain.every((b, i) => b === video[i]) ? 'round trip ok' : 'MISMATCH');
await worker.terminate();

// 4. Search (optional): the full build and ONNX Runtime Web (npm i onnxruntime-web), in a worker.
const models = process.argv[2];
if (models) {
  const { createSearchWorker } = await import('cipherlens/search');
  const search = await createSearchWorker({
    baseUrl: `${models}/`,
    textModel: 'text.onnx',
    imageModel: 'image.onnx',
    numThreads: 1,
  });
  const solid = (r, g, b) => new Uint8Array(64 * 64 * 4).map((_, i) => [r, g, b, 255][i % 4]);
  await search.indexImage(1, solid(255, 0, 0), 64, 64);
  await search.indexImage(2, solid(0, 0, 255), 64, 64);
  const [best] = await search.query('red');
  console.log('search: best match for "red" is photo', best?.fileId);
  await search.terminate();
}
