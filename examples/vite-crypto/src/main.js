// A crypto-only Vite app (default configuration): the page and a worker pool on the crypto build.
// Its bundle holds no search code, no cipherlens.wasm and no ONNX Runtime files.
import { loadCryptoCore, createWorkerPool } from 'cipherlens';

const out = document.querySelector('#out');
const text = (bytes) => new TextDecoder().decode(bytes);
const bytes = (s) => new TextEncoder().encode(s);

async function run() {
  const result = {};
  const core = await loadCryptoCore();
  const key = core.generateKey();
  const { ciphertext, header } = core.blob.encrypt(bytes('a photo'), key);
  result.crypto = text(core.blob.decrypt(ciphertext, header, key));

  const pool = await createWorkerPool(2);
  const sealed = await Promise.all(['a', 'b', 'c'].map((s) => pool.blob.encrypt(bytes(s), key)));
  result.worker = (await Promise.all(sealed.map((s) => pool.blob.decrypt(s.ciphertext, s.header, key)))).map(text).join('');
  const video = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
  const encrypted = await pool.encryptStream([video.slice()], key);
  const plain = new Uint8Array(await new Response(pool.decryptStream(encrypted.stream, encrypted.header, key)).arrayBuffer());
  result.stream = plain.length === video.length && plain.every((b, i) => b === video[i]);
  await pool.terminate();
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
