// Runs in a Node worker_thread (see clip-models.test.mjs): loads the colour models through the
// cache directory and scores a red image against the word "red".
import { parentPort, workerData } from 'node:worker_threads';
import { createImageEncoder, createTextEncoder } from '../../js/dist/index.js';

const { modelsUrl, dir, redTokens } = workerData;
const opts = { baseUrl: modelsUrl, cache: { dir } };
const [text, image] = await Promise.all([
  createTextEncoder('test_text.onnx', opts),
  createImageEncoder('test_image_rgba.onnx', opts),
]);
const px = new Uint8Array(4 * 4 * 4);
for (let i = 0; i < 16; i++) px.set([255, 0, 0, 255], i * 4);
const a = await text.embedTokens(Int32Array.from(redTokens));
const b = await image.embedRgba(px, 4, 4);
await Promise.all([text.release(), image.release()]);
parentPort.postMessage({ score: a.reduce((s, x, i) => s + x * b[i], 0), signature: image.signature });
