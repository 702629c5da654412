// The headers as a browser applies them: a page from the app folder is cross-origin isolated
// (SharedArrayBuffer, so ONNX Runtime can use threads), may call the API and load wasm, and the
// CSP blocks inline script and eval. Headless Chromium (tests/browser/server.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startGalleryServer } from '../../server/app.mjs';
import { launchChromium } from '../browser/server.mjs';
import { tempDir } from './helpers.mjs';

// The smallest valid wasm module (magic and version).
const WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const PAGE = `<!doctype html><meta charset="utf-8"><title>headers</title>
<script>window.inlineRan = true;</script>
<script type="module" src="/page.js"></script>`;
const SCRIPT = `
let evalRan = false;
try { evalRan = eval('true'); } catch { /* blocked */ }
const attrs = await fetch('/api/srp/attributes', { method: 'POST', body: JSON.stringify({ email: 'x@y.org' }) });
const wasm = await WebAssembly.instantiateStreaming(fetch('/empty.wasm'));
window.result = {
  isolated: crossOriginIsolated, sharedMemory: typeof SharedArrayBuffer === 'function',
  inlineRan: window.inlineRan === true, evalRan, api: attrs.status, wasm: wasm.instance instanceof WebAssembly.Instance,
};`;

let dir, server, browser;
before(async () => {
  dir = await tempDir('headers');
  const appDir = join(dir, 'app');
  await mkdir(appDir);
  await writeFile(join(appDir, 'index.html'), PAGE);
  await writeFile(join(appDir, 'page.js'), SCRIPT);
  await writeFile(join(appDir, 'empty.wasm'), WASM);
  server = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('pages are cross-origin isolated, reach the API and wasm, and run no inline script or eval', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.result !== undefined);
  const result = await page.evaluate(() => window.result);
  assert.equal(result.isolated, true);
  assert.equal(result.sharedMemory, true);
  assert.equal(result.api, 200);
  assert.equal(result.wasm, true);
  assert.equal(result.inlineRan, false, 'the inline script was blocked');
  assert.equal(result.evalRan, false, 'eval was blocked');
  await page.close();
});
