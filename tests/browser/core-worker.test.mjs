// The core loads in a Web Worker in headless Chromium and every round trip passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot } from './server.mjs';

test('the demo page runs the core in a worker and all checks pass', async () => {
  const env = await openBrowser();
  try {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${env.url}/tests/browser/core-check/`);
    await page.waitForSelector('body[data-status]', { timeout: 120_000 });
    await screenshot(page, 'core-check');
    const failures = await page.$$eval('li.fail', (els) => els.map((e) => e.textContent));
    assert.deepEqual(failures, []);
    assert.equal(await page.getAttribute('body', 'data-status'), 'ok');
    assert.equal(await page.$$eval('li.ok', (els) => els.length), 7);
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
