// search.indexFiles in headless Chromium under the strict CSP: the page hands encoded photos
// (JPEG, PNG, WebP made by the browser's own encoders, plus a 12 MP JPEG and two bad files) to
// createSearchWorker; the worker decodes them with createImageBitmap (the large one straight to
// maxImageSide), embeds them with the colour models, checkpoints, and the checkpoint loads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './server.mjs';
import { randomBytes } from '../js/test-random.mjs';

const env = browserSuite();

test('worker: indexFiles decodes with createImageBitmap, skips bad files, checkpoints and resumes', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.url}/`);
    const result = await page.evaluate(
      async (keyBytes) => {
        const { createSearchWorker } = await import('/js/dist/index.js');
        const encode = async (w, h, css, type) => {
          const canvas = new OffscreenCanvas(w, h);
          const g = canvas.getContext('2d');
          g.fillStyle = css;
          g.fillRect(0, 0, w, h);
          return canvas.convertToBlob({ type, quality: 0.9 });
        };
        const bytes = async (blob) => new Uint8Array(await blob.arrayBuffer());
        const big = await encode(4000, 3000, 'rgb(230,20,20)', 'image/jpeg'); // 12 MP
        const cut = await bytes(await encode(640, 480, 'rgb(20,20,230)', 'image/jpeg'));
        const files = [
          { fileId: 1, blob: big },
          { fileId: 2, bytes: await bytes(await encode(300, 200, 'rgb(20,20,230)', 'image/png')) },
          { fileId: 3, blob: await encode(200, 200, 'rgb(220,30,10)', 'image/webp') },
          { fileId: 4, bytes: new Uint8Array(4000).fill(0x5a) },
          { fileId: 5, bytes: cut.slice(0, cut.length >> 1) },
          { fileId: 6, bytes: await bytes(await encode(64, 48, 'rgb(240,10,40)', 'image/jpeg')) },
        ];
        const common = {
          ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
          numThreads: 1,
          baseUrl: '/build/models/',
          cache: false,
          textModel: 'test_text.onnx',
          imageModel: 'test_image_rgba.onnx',
        };
        const key = Uint8Array.from(keyBytes);
        const search = await createSearchWorker(common);
        const checkpoints = [];
        const progress = [];
        const run = await search.indexFiles(files, {
          key,
          persist: (b) => checkpoints.push(b),
          checkpointEvery: 2,
          onProgress: (p) => progress.push(p),
        });
        const decodedBig = (await search.indexFile(10, big)).decoded;
        const red = await search.query('red');
        await search.terminate();
        // A new tab: the checkpoint back, the same files again: all skipped.
        const again = await createSearchWorker(common);
        await again.load(checkpoints.at(-1), key);
        const resumed = await again.indexFiles(files);
        const redAgain = await again.query('red');
        await again.terminate();
        return {
          indexed: run.indexed,
          failed: run.failed.map((f) => [f.fileId, f.error.name, f.error.code, f.error.message]),
          done: progress.map((p) => p.done),
          statuses: progress.map((p) => p.status),
          checkpoints: checkpoints.length,
          decodedBig,
          red: red.map((h) => h.fileId).sort((a, b) => a - b),
          redAgain: redAgain.map((h) => h.fileId).sort((a, b) => a - b),
          resumed: { indexed: resumed.indexed, skipped: resumed.skipped, failed: resumed.failed.map((f) => f.fileId) },
          timings: run.timings,
        };
      },
      Array.from(randomBytes(32)),
    );
    assert.equal(result.indexed, 4, JSON.stringify(result.failed));
    assert.deepEqual(
      result.failed.map((f) => f.slice(0, 3)),
      [
        [4, 'CoreError', 'BAD_INPUT'],
        [5, 'CoreError', 'BAD_INPUT'],
      ],
    );
    assert.match(result.failed[0][3], /not an image/);
    assert.deepEqual(result.done, [1, 2, 3, 4, 5, 6]);
    assert.equal(result.checkpoints, 2);
    // The 12 MP JPEG came out of the decoder at the 1024 longest side, not 4000x3000.
    // (Chromium derives the height from the width given, rounding up.)
    assert.equal(result.decodedBig.width, 1024);
    assert.ok(Math.abs(result.decodedBig.height - 768) <= 1, JSON.stringify(result.decodedBig));
    assert.deepEqual(result.red, [1, 3, 6, 10]);
    assert.deepEqual(result.redAgain, [1, 3, 6]);
    // The bad files are not in the index, so they are tried (and fail) again; the rest are skipped.
    assert.deepEqual(result.resumed, { indexed: 0, skipped: 4, failed: [4, 5] });
    assert.ok(result.timings.decode > 0 && result.timings.inference > 0);
  } finally {
    await page.close();
  }
});
