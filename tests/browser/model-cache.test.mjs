// Models and the Cache API in Chromium, as a developer meets them: a model URL answered with an
// app's HTML page (an SPA fallback, Vite's dev server for a missing file) used to be cached as
// the model, and the same error came back after the real file was put in place, until site data
// was cleared. Now the page is refused before caching (ModelError NOT_A_MODEL, arriving from the
// search worker as a real ModelError with its model), and a cached copy ONNX Runtime cannot open
// is dropped, so the next load fetches the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browserSuite } from './server.mjs';

const MODEL = readFileSync(new URL('../../build/models/test_text.onnx', import.meta.url));
const state = { modelInPlace: false };
const env = browserSuite({
  // What an app's server answers for a missing file: its index page.
  '/app-models/text.onnx': async (_req, res) => {
    if (state.modelInPlace) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': MODEL.length });
      res.end(MODEL);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><div id="app"></div></body></html>');
    }
  },
  '/put-model-in-place': async (_req, res) => {
    state.modelInPlace = true;
    res.writeHead(204).end();
  },
});

test('an HTML page for a model is refused and not cached; once the file is in place it loads', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.url}/`);
    const r = await page.evaluate(async () => {
      const { createSearchWorker, ModelError } = await import('/js/dist/index.js');
      const options = {
        ortUrl: '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
        numThreads: 1,
        baseUrl: '/app-models/',
        textModel: 'text.onnx',
        imageModel: null, // the default cache: the Cache API
      };
      const cache = await caches.open('cipherlens-models');
      const cached = async () => (await cache.keys()).map((k) => new URL(k.url).pathname);
      const failure = (e) => ({ real: e instanceof ModelError, name: e.name, code: e.code, model: e.model });
      const out = {};
      out.first = await createSearchWorker(options).then(() => 'loaded', failure);
      out.cachedAfterPage = await cached();
      await fetch('/put-model-in-place');
      const search = await createSearchWorker(options);
      out.size = await search.size();
      await search.terminate();
      out.cachedAfterModel = await cached();
      // A cached copy that looks like ONNX but that ONNX Runtime cannot open (recorded with its hash).
      const url = new URL('/app-models/text.onnx', location.href).href;
      const bogus = new Uint8Array([0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
      const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bogus))]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
      await cache.put(url, new Response(bogus, { headers: { 'x-cipherlens-sha256': sha } }));
      out.bogus = await createSearchWorker(options).then(() => 'loaded', failure);
      out.cachedAfterBogus = await cached();
      const again = await createSearchWorker(options);
      out.sizeAgain = await again.size();
      await again.terminate();
      return out;
    });
    assert.deepEqual(r.first, { real: true, name: 'ModelError', code: 'NOT_A_MODEL', model: 'text.onnx' });
    assert.deepEqual(r.cachedAfterPage, [], 'the page was not cached');
    assert.equal(r.size, 0);
    assert.deepEqual(r.cachedAfterModel, ['/app-models/text.onnx']);
    assert.deepEqual(r.bogus, { real: true, name: 'ModelError', code: 'UNSUPPORTED_MODEL', model: 'text.onnx' });
    assert.deepEqual(r.cachedAfterBogus, [], 'the entry ONNX Runtime could not open was dropped');
    assert.equal(r.sizeAgain, 0);
  } finally {
    await page.close();
  }
});
