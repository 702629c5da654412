// What uploading costs, counted in requests (tests/browser/gallery.test.mjs has the flows):
// adding 26 photos to an open album downloads each thumbnail at most once (the grid gains tiles
// in place, and thumbnails come from a bounded cache, seeded by the upload itself), and a 10 MiB
// photo goes up in one PATCH per 4 MiB + 17 ciphertext chunk, each at a chunk's offset.
// GALLERY_APP_DIR=<a build of the app> runs the same counts against another build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_BYTES } from '../../js/dist/crypto.js';
import { UPLOAD_PIECE_BYTES } from '../../contract/limits.mjs';
import { screenshot } from './server.mjs';
import { colourPhoto, noisePhoto } from './assets.mjs';
import { gallerySuite, openDevice, searchReady, signUp, SLOW, thumbnailsShown } from './gallery-helpers.mjs';

const ADDED = 26;
const COLOURS = [
  'red',
  'green',
  'blue',
  'yellow',
  'purple',
  'orange',
  'white',
  'black',
  'cyan',
  'magenta',
  'gray',
  'pink',
  'brown',
];

const env = gallerySuite('uploads');

/** Every request the page makes to the API: method, path, Upload-Offset. */
function apiLog(page) {
  const log = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/'))
      log.push({ method: r.method(), path: url.pathname, offset: r.headers()['upload-offset'] });
  });
  return log;
}

const thumbnailDownloads = (log) => {
  const perFile = new Map();
  for (const { method, path } of log) {
    const m = method === 'GET' && /^\/api\/files\/(\d+)\/thumbnail$/.exec(path);
    if (m) perFile.set(m[1], (perFile.get(m[1]) ?? 0) + 1);
  }
  return perFile;
};

/** Scrolls the grid to its end, a screen at a time, so every tile comes into view once. */
async function scrollThrough(page) {
  await page.evaluate(async () => {
    for (let y = 0; y <= document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
}

test('26 photos added to an open album: each thumbnail downloaded at most once, tiles kept in place', SLOW, async () => {
  const { page, context } = await openDevice(env.browser, `${env.server.url}/`);
  const log = apiLog(page);
  await page.waitForSelector('body[data-screen="login"]');
  await signUp(page, { email: 'uploader@example.com', password: 'correct horse battery' });
  await page.click('#phrase-done');
  // The gallery opens on every photo by date; the album is one click away. Oldest first, so the
  // files added come after the first one (newest first would put them before it).
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent === 'All photos', null, SLOW);
  await page.click('#album-list button:has-text("My photos")');
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent === 'My photos', null, SLOW);
  await page.click('#order-button');
  await searchReady(page);

  await page.setInputFiles('#add-input', [{ name: 'first.jpg', mimeType: 'image/jpeg', buffer: colourPhoto('teal') }]);
  await thumbnailsShown(page, 1);
  await page.$eval('#grid figure', (tile) => {
    tile.dataset.mark = 'the first tile';
  });

  const photos = Array.from({ length: ADDED }, (_, i) => ({
    name: `added-${String(i).padStart(2, '0')}.jpg`,
    mimeType: 'image/jpeg',
    // 26 different photos: a photo already in the library would be skipped (its content hash).
    buffer: i < COLOURS.length ? colourPhoto(COLOURS[i]) : colourPhoto(`0x${(0x102030 + i * 0x050301).toString(16)}`),
  }));
  await page.setInputFiles('#add-input', photos);
  await page.waitForFunction(() => document.getElementById('uploads').children.length === 0, null, SLOW);
  await page.click('#report-dismiss'); // the upload report (27 uploaded) goes; the grid comes up
  await page.waitForFunction((n) => document.querySelectorAll('#grid figure').length === n, ADDED + 1, SLOW);
  await scrollThrough(page);
  await thumbnailsShown(page, ADDED + 1);
  await screenshot(page, 'gallery-uploads-27');
  assert.equal(await page.$$eval('#grid figure[data-mark="the first tile"]', (t) => t.length), 1, 'the grid was not rebuilt');

  // Away to another album and back: the tiles are new, their thumbnails still cached.
  await page.fill('#album-name', 'Elsewhere');
  await page.click('#album-form button');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Elsewhere', null, SLOW);
  await page.click('#album-list button:has-text("My photos")');
  await scrollThrough(page);
  await thumbnailsShown(page, ADDED + 1);

  const downloads = thumbnailDownloads(log);
  const most = Math.max(0, ...downloads.values());
  console.log(
    `# thumbnail downloads: ${[...downloads.values()].reduce((a, b) => a + b, 0)} for ${ADDED + 1} files (most for one file: ${most})`,
  );
  assert.ok(most <= 1, `a thumbnail was downloaded ${most} times`);
  await context.close();
});

test('a 10 MiB photo uploads in one PATCH per ciphertext chunk', SLOW, async () => {
  const { page, context } = await openDevice(env.browser, `${env.server.url}/`);
  const log = apiLog(page);
  await page.fill('#login-email', 'uploader@example.com');
  await page.fill('#login-password', 'correct horse battery');
  await page.click('#login-form button');
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent !== '', null, SLOW);
  const photo = noisePhoto();
  await page.setInputFiles('#add-input', [{ name: 'noise.png', mimeType: 'image/png', buffer: photo }]);
  await page.waitForFunction(
    () => [...document.querySelectorAll('#grid .title')].some((t) => t.textContent === 'noise.png'),
    null,
    SLOW,
  );

  const byObject = new Map();
  for (const { method, path, offset } of log) {
    if (method === 'PATCH') byObject.set(path, [...(byObject.get(path) ?? []), Number(offset)]);
  }
  const chunks = Math.ceil(photo.length / CHUNK_BYTES);
  const offsets = [...byObject.values()].sort((a, b) => b.length - a.length)[0];
  console.log(`# ${photo.length} bytes (${chunks} chunks): PATCHes at ${offsets.join(', ')}`);
  assert.equal(chunks, 3);
  assert.deepEqual(
    offsets,
    Array.from({ length: chunks }, (_, i) => i * UPLOAD_PIECE_BYTES),
  );
  assert.equal(byObject.size, 2, 'the contents and the thumbnail');
  await context.close();
});
