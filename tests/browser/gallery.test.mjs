// The web demo as a person uses it: create a vault, keep the recovery phrase, see the encrypted
// sample photos, search them, open one, lock, fail with a wrong password, unlock, recover with the phrase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot } from './server.mjs';

const SLOW = { timeout: 180_000 };

/** Runs a search from the header box; returns the captions of the results, best first. */
async function searchFor(page, text) {
  await page.fill('#search-input', text);
  await page.press('#search-input', 'Enter');
  await page.waitForFunction((t) => document.getElementById('search-status').textContent.includes(`“${t.trim()}”`), text, SLOW);
  return page.$$eval('#grid figcaption', (els) => els.map((e) => e.firstChild.textContent));
}

async function loadedThumbnails(page) {
  return page.$$eval('#grid img', (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
}

test('gallery: create, view, lock, wrong password, unlock, recover', async () => {
  const env = await openBrowser();
  try {
    const page = await env.browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const wasm = [];  // .wasm files fetched, in order (the worker's requests included)
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop()); });
    await page.goto(`${env.url}/`);
    await page.waitForSelector('body[data-screen="create"]');
    await screenshot(page, 'gallery-1-create');
    // Until a vault is open, only the crypto build (a fifth of the full one) has been downloaded.
    assert.deepEqual(wasm, ['cipherlens-crypto.wasm']);

    await page.fill('#create-password', 'correct horse battery');
    await page.fill('#create-confirm', 'correct horse battery');
    await page.click('#create-form button');
    await page.waitForSelector('#busy:not([hidden])');
    assert.match(await page.textContent('#busy-label'), /Argon2id, 256 MiB, 16 passes/);
    await screenshot(page, 'gallery-2-deriving');

    await page.waitForSelector('body[data-screen="phrase"]', SLOW);
    const words = await page.$$eval('#phrase-words li', (els) => els.map((e) => e.textContent));
    assert.equal(words.length, 24);
    await screenshot(page, 'gallery-3-phrase');

    await page.click('#phrase-done');
    await page.waitForFunction(() => document.querySelectorAll('#grid img').length === 8 &&
      [...document.querySelectorAll('#grid img')].every((i) => i.complete && i.naturalWidth > 0), null, SLOW);
    assert.equal(await loadedThumbnails(page), 8);
    assert.equal((await page.textContent('#verification-id')).split(' ').length, 24);
    await screenshot(page, 'gallery-4-grid');

    // On-device search with the generated colour models: the photo's colours decide.
    assert.equal((await searchFor(page, 'green'))[0], 'Green forest');
    assert.equal((await searchFor(page, 'ORANGE '))[0], 'Orange autumn');
    await screenshot(page, 'gallery-4b-search');
    await searchFor(page, 'zzzz');
    assert.equal(await page.textContent('#search-status'), 'Nothing matches “zzzz”');
    await page.fill('#search-input', '');
    await page.press('#search-input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 8);

    await page.click('#grid figure:nth-child(2)');
    await page.waitForFunction(() => document.getElementById('viewer').open &&
      document.getElementById('viewer-image').naturalWidth === 960, null, SLOW);
    assert.match(await page.textContent('#viewer-title'), /Red tulips · 960×720/);
    await screenshot(page, 'gallery-5-viewer');
    await page.click('#viewer button');

    await page.click('#lock-button');
    await page.waitForSelector('body[data-screen="unlock"]');
    assert.equal(await page.$$eval('#grid img', (imgs) => imgs.length), 0);
    await page.fill('#unlock-password', 'wrong password');
    await page.click('#unlock-form button');
    await page.waitForSelector('#error:not([hidden])', SLOW);
    assert.equal(await page.textContent('#error'), 'Wrong password');
    await screenshot(page, 'gallery-6-wrong-password');

    await page.fill('#unlock-password', 'correct horse battery');
    await page.click('#unlock-form button');
    await page.waitForFunction(() => [...document.querySelectorAll('#grid img')].filter((i) => i.naturalWidth > 0).length === 8, null, SLOW);
    await screenshot(page, 'gallery-7-unlocked');
    // The search index was saved encrypted and reloads with the vault.
    assert.equal((await searchFor(page, 'green'))[0], 'Green forest');

    await page.click('#lock-button');
    await page.click('#show-recover');
    await page.fill('#recover-phrase', words.join('  '));
    await page.fill('#recover-password', 'a brand new password');
    await page.click('#recover-form button');
    await page.waitForFunction(() => [...document.querySelectorAll('#grid img')].filter((i) => i.naturalWidth > 0).length === 8, null, SLOW);

    await page.click('#lock-button');
    await page.fill('#unlock-password', 'a brand new password');
    await page.click('#unlock-form button');
    await page.waitForSelector('body[data-screen="gallery"]', SLOW);
    await page.waitForFunction(() => [...document.querySelectorAll('#grid img')].filter((i) => i.naturalWidth > 0).length === 8, null, SLOW);
    assert.deepEqual(errors, []);
  } finally {
    await env.close();
  }
});
