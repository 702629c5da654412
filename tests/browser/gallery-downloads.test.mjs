// Downloads through the real server in Chromium: one original (decrypted in the worker pool and
// handed to the download service worker chunk by chunk: a 12 MB video never becomes one Blob),
// several files as a ZIP built as it is written (client-zip; read back by Python's zipfile, an
// independent reader), the same without a service worker (into a file the File System Access
// API gives, here the origin's private file system), a public link's page offering its album as
// a ZIP, and the whole flow on a 390×844 phone. Screenshots: test-results/downloads-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { screenshot } from './server.mjs';
import { colourPhoto, noiseVideo } from './assets.mjs';
import { gallerySuite, logIn, openDevice, originalShown, signUp, SLOW, scenario } from './gallery-helpers.mjs';

const A = { email: 'dl@example.com', password: 'correct horse battery' };
const env = gallerySuite('downloads');
const s = {};
const PHONE = { width: 390, height: 844 };

/** A step of the scenario: skipped once one before it failed (each needs the ones before). */
const step = scenario({ onFailure: async () => s.page && screenshot(s.page, 'downloads-failed') });

const FILES = {
  'red.jpg': colourPhoto('red'),
  'blue.jpg': colourPhoto('blue'),
  'noise.webm': noiseVideo(),
};
const tile = (name, grid = '#grid') => `${grid} figure:has(figcaption .title:text-is("${name}"))`;
const tilesShown = (page, n, grid = '#grid') =>
  page.waitForFunction(
    ([sel, count]) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)];
      return imgs.length === count && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [grid, n],
    SLOW,
  );

/** Every Blob of 8 MiB or more the page makes (a whole video in memory would be one). */
const watchBlobs = (context) =>
  context.addInitScript(() => {
    window.bigBlobs = [];
    const NativeBlob = Blob;
    window.Blob = class extends NativeBlob {
      constructor(parts, options) {
        super(parts, options);
        if (this.size >= 8 * 1024 * 1024) window.bigBlobs.push(this.size);
      }
    };
  });

/** The names and bytes of a ZIP, read by Python's zipfile. */
function unzip(path) {
  const out = execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import sys, zipfile, json, base64\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))',
      path,
    ],
    { maxBuffer: 256 << 20 },
  );
  return Object.fromEntries(Object.entries(JSON.parse(out)).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

async function saved(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download', SLOW), click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

step('sign up and upload two photos and a 12 MB video', async () => {
  const device = await openDevice(env.browser, `${env.server.url}/`);
  Object.assign(s, device);
  await watchBlobs(device.context);
  await s.page.reload();
  await s.page.waitForSelector('body[data-screen="login"]');
  await signUp(s.page, A);
  await s.page.click('#phrase-done');
  await s.page.waitForSelector('body[data-screen="gallery"]');
  await s.page.setInputFiles(
    '#add-input',
    Object.entries(FILES).map(([name, buffer]) => ({
      name,
      mimeType: name.endsWith('.webm') ? 'video/webm' : 'image/jpeg',
      buffer,
    })),
  );
  await tilesShown(s.page, 3);
  await s.page.waitForFunction(() => document.getElementById('uploads').children.length === 0, null, SLOW);
});

step('one original: the video streams through the service worker, never whole in a Blob', async () => {
  const { page } = s;
  assert.ok(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active !== null)));
  await page.evaluate(() => {
    window.bigBlobs.length = 0;
  });
  await page.click(`${tile('noise.webm')} .check`);
  const { name, bytes } = await saved(page, () => page.click('#selection-download'));
  assert.equal(name, 'noise.webm');
  assert.ok(bytes.equals(FILES['noise.webm']), 'the download is the original, byte for byte');
  assert.deepEqual(await page.evaluate(() => window.bigBlobs), [], 'no Blob of 8 MiB or more was made');
  await page.keyboard.press('Escape');
  // From the viewer's button too.
  await page.click(tile('red.jpg'));
  await page.waitForSelector('#viewer.pswp--open', SLOW);
  const fromViewer = await saved(page, () => page.click('#viewer .pswp__button--download-button'));
  assert.equal(fromViewer.name, 'red.jpg');
  assert.ok(fromViewer.bytes.equals(FILES['red.jpg']));
  // Chromium spends an Esc on stopping a frame that is still loading (the download's, until the
  // service worker has handed over the last byte): pressed again, as a person would, it closes.
  for (let tries = 0; await page.$('#viewer'); tries++) {
    assert.ok(tries < 10, 'Esc closes the viewer');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#viewer'), null, { timeout: 5000 }).catch(() => {});
  }
});

step('several files: one ZIP, built as it is written, that an independent reader opens', async () => {
  const { page } = s;
  await page.keyboard.press('Control+a');
  await page.waitForFunction(() => document.getElementById('selection-count')?.textContent === '3 selected');
  await screenshot(page, 'downloads-01-selection');
  const { name, bytes } = await saved(page, () => page.click('#selection-download'));
  assert.equal(name, 'photos.zip');
  const path = `${await import('node:os').then((os) => os.tmpdir())}/downloads-${process.pid}.zip`;
  (await import('node:fs')).writeFileSync(path, bytes);
  const entries = unzip(path);
  assert.deepEqual(Object.keys(entries).sort(), Object.keys(FILES).sort());
  for (const [n, b] of Object.entries(FILES)) assert.ok(entries[n].equals(b), `${n} in the ZIP is the original`);
  assert.deepEqual(await page.evaluate(() => window.bigBlobs), [], 'the ZIP was never whole in a Blob');
  await page.keyboard.press('Escape');
});

step('without a service worker: into a file the File System Access API gives', async () => {
  const device = await openDevice(env.browser, `${env.server.url}/`, { serviceWorkers: 'block' });
  // The picker is the person's; here it hands a file of the origin's private file system.
  await device.context.addInitScript(() => {
    window.showSaveFilePicker = async ({ suggestedName }) =>
      (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });
  });
  await device.page.reload();
  await logIn(device.page, A);
  await device.page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await tilesShown(device.page, 3);
  await device.page.click(`${tile('noise.webm')} .check`);
  await device.page.click('#selection-download');
  // The file fills as the download decrypts; read it back once it is whole and the download over.
  await device.page.evaluate(async (size) => {
    for (;;) {
      try {
        const file = await (await (await navigator.storage.getDirectory()).getFileHandle('noise.webm')).getFile();
        if (file.size === size && !document.body.dataset.busy) return;
      } catch {
        // not made yet
      }
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }, FILES['noise.webm'].length);
  const b64 = await device.page.evaluate(async () => {
    const file = await (await (await navigator.storage.getDirectory()).getFileHandle('noise.webm')).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  assert.ok(Buffer.from(b64, 'base64').equals(FILES['noise.webm']));
  await device.context.close();
});

step('a public link offers its album as a ZIP; on a phone, too', async () => {
  const { page } = s;
  await page.click('#album-list button:has-text("My photos")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
  await page.click('#link-button');
  await page.waitForSelector('#link-dialog[open]');
  const link = await page.inputValue('#link-url');
  await page.click('#link-dialog form[method="dialog"] button');
  const visitor = await openDevice(env.browser, link, { viewport: PHONE });
  await visitor.page.waitForSelector('body[data-screen="public"]');
  await tilesShown(visitor.page, 3, '#public-grid');
  await screenshot(visitor.page, 'downloads-02-public-phone');
  const { name, bytes } = await saved(visitor.page, () => visitor.page.click('#public-download'));
  assert.equal(name, 'My photos.zip');
  assert.ok(bytes.length > FILES['noise.webm'].length);
  // One photo from the viewer, on the phone.
  await visitor.page.click(tile('blue.jpg', '#public-grid'));
  await visitor.page.waitForSelector('#viewer.pswp--open', SLOW);
  await originalShown(visitor.page);
  await visitor.page.screenshot({
    path: new URL('../../test-results/downloads-03-public-viewer-phone.png', import.meta.url).pathname,
  });
  const one = await saved(visitor.page, () => visitor.page.click('#viewer .pswp__button--download-button'));
  assert.ok(one.bytes.equals(FILES['blue.jpg']));
  assert.deepEqual(visitor.page.errors, []);
  s.visitor = visitor;
});

step("the owner turns the link's downloads off: its page offers none, on a phone too", async () => {
  const { page, visitor } = s;
  await page.click('#link-button');
  await page.waitForSelector('#link-dialog[open]');
  assert.equal(await page.isChecked('#link-download'), true, 'a new link offers downloads');
  // The link's settings are an entry of the album's signed log, written with the change.
  await page.uncheck('#link-download');
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/public-link') && r.request().method() === 'POST' && r.status() === 200, SLOW),
    page.click('#link-update'),
  ]);
  await page.waitForFunction(() => /No downloads/.test(document.getElementById('link-state').textContent), null, SLOW);
  await screenshot(page, 'downloads-04-link-options');
  await page.click('#link-dialog form[method="dialog"] button');
  // The owner sees the choice again when the dialog opens next.
  await page.click('#link-button');
  await page.waitForSelector('#link-dialog[open]');
  assert.equal(await page.isChecked('#link-download'), false);
  await page.click('#link-dialog form[method="dialog"] button');
  await visitor.page.reload(); // the same link, opened again
  await visitor.page.waitForSelector('body[data-screen="public"]');
  await tilesShown(visitor.page, 3, '#public-grid');
  assert.equal(await visitor.page.$('#public-download'), null, 'no ZIP button');
  await visitor.page.click(tile('blue.jpg', '#public-grid'));
  await visitor.page.waitForSelector('#viewer.pswp--open', SLOW);
  assert.equal(await visitor.page.$('#viewer .pswp__button--download-button'), null, "no download in the link's viewer");
  await visitor.page.screenshot({
    path: new URL('../../test-results/downloads-05-public-no-downloads-phone.png', import.meta.url).pathname,
  });
  assert.deepEqual(visitor.page.errors, []);
  await visitor.context.close();
});
