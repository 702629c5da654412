// What Node users hit first: model files given as paths and file: URLs, and bytes reused after a
// transfer (terminate() of every worker kind: worker-terminate.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  loadModelBytes,
  createTextEncoder,
  createCoreWorker,
  loadCryptoCore,
  CoreError,
  PAYLOAD_TRANSFER_BYTES,
} from '../../js/dist/index.js';
import { createCoreWorker as createCryptoWorker } from '../../js/dist/crypto.js';
import { MODEL_DIR, modelBytes } from './clip-helpers.mjs';

const TEXT = fileURLToPath(new URL('test_text.onnx', MODEL_DIR));

test('models from a relative path, an absolute path and a file: URL, verified like downloads', async () => {
  const expected = modelBytes('test_text.onnx');
  const rel = `./${relative(process.cwd(), TEXT)}`;
  for (const url of [rel, TEXT, pathToFileURL(TEXT)]) {
    assert.deepEqual(await loadModelBytes({ url, size: expected.length }), expected, String(url));
  }
  await assert.rejects(loadModelBytes({ url: TEXT, size: expected.length + 1 }), { code: 'SIZE_MISMATCH' });
  await assert.rejects(loadModelBytes({ url: `${TEXT}.missing` }), { code: 'FETCH_FAILED' });
  // A string source that is a path is a location, not a name under baseUrl.
  const encoder = await createTextEncoder(rel, { numThreads: 1 });
  await encoder.release();
});

test('bytes reused after a worker call transferred them: a CoreError that says so', async () => {
  const core = await loadCryptoCore();
  const key = core.generateKey();
  for (const worker of [await createCoreWorker({ flavor: 'crypto' }), await createCryptoWorker()]) {
    try {
      const message = new Uint8Array(PAYLOAD_TRANSFER_BYTES); // large enough to be transferred
      message.set(new TextEncoder().encode('photo'));
      const sealed = await worker.blob.encrypt(message, key); // transfers message
      assert.equal(message.length, 0);
      await assert.rejects(
        worker.blob.encrypt(message, key),
        (e) => e instanceof CoreError && e.code === 'BAD_INPUT' && /transferred/.test(e.message),
      );
      const encryptor = await worker.stream.createEncryptor(key);
      const chunk = new Uint8Array(PAYLOAD_TRANSFER_BYTES);
      await encryptor.update(chunk);
      await assert.rejects(encryptor.update(chunk), (e) => e instanceof CoreError && /transferred/.test(e.message));
      await encryptor.dispose();
      // The same array in the calling thread's core.
      assert.throws(
        () => core.blob.encrypt(message, key),
        (e) => e instanceof CoreError && /transferred/.test(e.message),
      );
      assert.equal(new TextDecoder().decode(core.blob.decrypt(sealed.ciphertext, sealed.header, key).subarray(0, 5)), 'photo');
    } finally {
      await worker.terminate();
    }
  }
});
