// The gallery as a library people live in, through the real server (server/app.mjs) in Chromium:
// the timeline ("All photos" by the date EXIF says a photo was taken, with month and day headers,
// newest or oldest first), a photo already in the library skipped on upload, the viewer
// (PhotoSwipe: the original decrypted, arrows, Esc, the info panel with date, camera, size,
// dimensions and place), multi-select (check, shift-click, Ctrl+A, Esc), add to / move to /
// remove from albums, rename and delete an album keeping its photos, favourites and the archive,
// and the trash (delete, restore, delete for good: the server deletes the blobs). Screenshots at
// desktop size and on a 390×844 phone: test-results/library-*.png.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './server.mjs';
import { exifPhoto } from './assets.mjs';
import {
  gallerySuite,
  logIn,
  openDevice,
  originalShown,
  searchFor,
  searchReady,
  signUp,
  SLOW,
  scenario,
} from './gallery-helpers.mjs';

const A = { email: 'lib@example.com', password: 'correct horse battery' };
const env = gallerySuite('library');
const s = {};

/** A step of the scenario: skipped once one before it failed (each needs the ones before). */
const step = scenario({ onFailure: async () => s.page && screenshot(s.page, 'library-failed') });

// Four photos taken on three days in two months (EXIF), one without EXIF (the file's time).
const PHOTOS = [
  {
    name: 'eiffel.jpg',
    colour: [200, 30, 30],
    original: '2023:06:14 09:30:00',
    offset: '+02:00',
    make: 'Canon',
    model: 'Canon EOS R6',
    gps: [48.8582, 2.2945],
  },
  {
    name: 'louvre.jpg',
    colour: [30, 160, 40],
    original: '2023:06:14 18:05:00',
    offset: '+02:00',
    make: 'Canon',
    model: 'Canon EOS R6',
  },
  { name: 'market.jpg', colour: [30, 60, 200], original: '2023:06:20 11:00:00', offset: '+02:00' },
  { name: 'snow.jpg', colour: [220, 220, 230], digitized: '2022:12:25 08:00:00', offset: undefined },
];
const NO_EXIF = { name: 'scan.jpg', colour: [120, 90, 40] };
const FILE_TIME = Date.UTC(2021, 2, 3, 12, 0, 0); // the scan's lastModified: 3 March 2021
const PHONE = { width: 390, height: 844 };

const titles = (page, grid = '#grid') => page.$$eval(`${grid} figcaption .title`, (els) => els.map((e) => e.textContent));
const headers = (page) => page.$$eval('#grid .vrow.month, #grid .vrow.day', (els) => els.map((e) => e.textContent));
const tile = (name) => `#grid figure:has(figcaption .title:text-is("${name}"))`;
const tilesShown = (page, n) =>
  page.waitForFunction(
    (count) => {
      const imgs = [...document.querySelectorAll('#grid img')];
      return imgs.length === count && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    n,
    SLOW,
  );
/** `n` files uploaded (the report lists them), then the report dismissed: the grid comes back up. */
async function uploaded(page, n) {
  await page.waitForFunction(
    (count) =>
      document.getElementById('uploads').children.length === 0 &&
      document.querySelectorAll('#upload-report li[data-outcome="done"]').length === count,
    n,
    SLOW,
  );
  await page.click('#report-dismiss');
}
const blobCount = () => readdirSync(join(env.server.dataDir, 'blobs')).length;

step('sign up: the gallery opens on “All photos”, empty', async () => {
  const { page, context } = await openDevice(env.browser, `${env.server.url}/`, { timezoneId: 'Europe/Paris', locale: 'en-GB' });
  Object.assign(s, { page, context });
  await signUp(page, A);
  await page.click('#phrase-done');
  await page.waitForSelector('body[data-screen="gallery"]');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'All photos', null, SLOW);
  await page.waitForSelector('#empty');
});

step('uploads read the date taken from EXIF; the timeline groups them by month and day', async () => {
  const { page } = s;
  const files = [...PHOTOS, NO_EXIF].map((p) => ({
    name: p.name,
    mimeType: 'image/jpeg',
    buffer: exifPhoto(p),
  }));
  // The scan's file time comes from lastModified (setInputFiles has none): a File built in the page.
  await page.setInputFiles(
    '#add-input',
    files.filter((f) => f.name !== NO_EXIF.name),
  );
  await uploaded(page, PHOTOS.length);
  await tilesShown(page, PHOTOS.length);
  const scan = files.find((f) => f.name === NO_EXIF.name);
  const dt = await page.evaluateHandle(
    ({ name, b64, time }) => {
      const d = new DataTransfer();
      d.items.add(
        new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg', lastModified: time }),
      );
      return d;
    },
    { name: scan.name, b64: scan.buffer.toString('base64'), time: FILE_TIME },
  );
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
  await uploaded(page, 1);
  await tilesShown(page, PHOTOS.length + 1);
  // Newest first by date taken (not by upload order or file time).
  assert.deepEqual(await titles(page), ['market.jpg', 'louvre.jpg', 'eiffel.jpg', 'snow.jpg', 'scan.jpg']);
  const h = await headers(page);
  assert.deepEqual(
    h.filter((x) => /\d{4}$/.test(x)),
    ['June 2023', 'December 2022', 'March 2021'],
  );
  assert.equal(h.length, 3 + 4, 'a header per month and one per day (14 and 20 June, 25 December, 3 March)');
  assert.ok(h.includes('Wed 14 Jun'), h.join(' | '));
  await screenshot(page, 'library-01-timeline');
  await page.click('#order-button');
  assert.deepEqual(await titles(page), ['scan.jpg', 'snow.jpg', 'eiffel.jpg', 'louvre.jpg', 'market.jpg']);
  await page.click('#order-button');
});

step('a photo already in the library is skipped on upload, with a note', async () => {
  const { page } = s;
  const again = exifPhoto(PHOTOS[0]);
  await page.setInputFiles('#add-input', [{ name: 'eiffel copy.jpg', mimeType: 'image/jpeg', buffer: again }]);
  // The upload report says so, under "Already in your library".
  const note = '#upload-report li[data-outcome="duplicate"]';
  await page.waitForSelector(note, SLOW);
  assert.match(
    await page.textContent(note),
    /eiffel copy\.jpg\s*Already in your library as eiffel\.jpg \(in “My photos”\): skipped\./,
  );
  assert.match(await page.textContent('#upload-summary'), /^1 already in your library$/);
  assert.equal(await page.getAttribute('#grid', 'data-count'), '5', 'no sixth file');
  await screenshot(page, 'library-02-skipped');
  await page.click('#report-dismiss');
});

step('the viewer: the original full screen, the info panel, arrows and Esc', async () => {
  const { page } = s;
  await page.click(tile('eiffel.jpg'));
  await page.waitForSelector('#viewer.pswp--open', SLOW);
  // The decrypted original replaces the thumbnail (640 px wide, the thumbnail 320).
  await page.waitForFunction(
    () => {
      const img = document.querySelector('#viewer .pswp__item[aria-hidden="false"] img[data-original]');
      return img?.complete && img.naturalWidth === 640;
    },
    null,
    SLOW,
  );
  await page.keyboard.press('i');
  await page.waitForSelector('#info-panel');
  // On a wide screen the photo is fitted beside the panel, not under it.
  await page.waitForFunction(
    () => {
      const img = document.querySelector('#viewer .pswp__item[aria-hidden="false"] img[data-original]');
      const panel = document.getElementById('info-panel');
      return img && panel && img.getBoundingClientRect().right <= panel.getBoundingClientRect().left + 1;
    },
    null,
    SLOW,
  );
  const info = await page.$eval('#info-panel', (el) => el.textContent);
  assert.match(info, /eiffel\.jpg/);
  assert.match(await page.textContent('#info-date'), /2023/);
  assert.match(await page.textContent('#info-date'), /June|Jun/);
  assert.equal(await page.textContent('#info-camera'), 'Canon EOS R6');
  assert.equal(await page.textContent('#info-dimensions'), '640 × 480');
  assert.match(await page.textContent('#info-size'), /KB$/);
  assert.equal(await page.textContent('#info-place'), '48.85820° N, 2.29450° E');
  assert.equal(await page.textContent('#info-albums'), 'My photos');
  // The viewer is fixed to the screen: a screenshot of the screen, not of the whole page.
  await page.screenshot({ path: new URL('../../test-results/library-03-viewer-info.png', import.meta.url).pathname });
  // → goes to the next photo of the timeline (older: snow.jpg), whose original is decrypted too.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('info-title')?.textContent === 'snow.jpg', null, SLOW);
  assert.equal(await page.$('#info-place'), null, 'no place: snow.jpg has no GPS');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#viewer'), null, SLOW);
});

const selected = (page) => page.$$eval('#grid figure.selected figcaption .title', (els) => els.map((e) => e.textContent));
const check = (page, name, modifiers) => page.click(`${tile(name)} .check`, { modifiers });

step('multi-select: a check, shift-click for a range, Esc, Ctrl+A', async () => {
  const { page } = s;
  await check(page, 'market.jpg');
  await page.waitForSelector('#selection-bar');
  // With a selection, a click on a tile selects it (shift: the range from the last one clicked).
  await page.click(tile('eiffel.jpg'), { modifiers: ['Shift'] });
  assert.deepEqual(await selected(page), ['market.jpg', 'louvre.jpg', 'eiffel.jpg']);
  assert.equal(await page.textContent('#selection-count'), '3 selected');
  await screenshot(page, 'library-04-selected');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#selection-bar', { state: 'detached' });
  await page.keyboard.press('Control+a');
  assert.equal((await selected(page)).length, 5);
  await page.keyboard.press('Escape');
});

step('add to a new album, move, remove, rename; an album deleted keeps its photos', async () => {
  const { page } = s;
  await check(page, 'eiffel.jpg');
  await check(page, 'louvre.jpg');
  await page.click('#selection-add');
  await page.waitForSelector('#album-picker[open]');
  await page.fill('#picker-new-name', 'Paris');
  await screenshot(page, 'library-05-picker');
  await page.click('#picker-new button');
  await page.waitForFunction(
    () => /2 files added to “Paris”/.test(document.getElementById('results-status').textContent),
    null,
    SLOW,
  );
  // In both albums now: still once in the timeline.
  assert.equal(await page.$$eval('#grid figure', (f) => f.length), 5);
  await page.click('#album-list button:has-text("Paris")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Paris', null, SLOW);
  await tilesShown(page, 2);
  // Each change went into the album's signed log with it: the listing equals the log, nothing said.
  assert.equal(await page.$('#album-findings'), null);
  // Remove one from Paris (it stays in My photos).
  await check(page, 'louvre.jpg');
  await page.click('#selection-remove');
  await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 1, null, SLOW);
  // Move the market photo from My photos to Paris.
  await page.click('#album-list button:has-text("My photos")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
  await tilesShown(page, 5);
  await check(page, 'market.jpg');
  await page.click('#selection-move');
  await page.click('#album-picker button:has-text("Paris")');
  await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 4, null, SLOW);
  // A photo in no other album is not removed: it would be lost.
  await check(page, 'snow.jpg');
  await page.click('#selection-remove');
  await page.waitForFunction(() => /in no other album/.test(document.getElementById('error').textContent), null, SLOW);
  await page.keyboard.press('Escape');
  // Rename Paris, then delete it keeping its photos: market.jpg (only there) moves to My photos.
  await page.click('#album-list button:has-text("Paris")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Paris', null, SLOW);
  await tilesShown(page, 2);
  assert.equal(await page.$('#album-findings'), null, 'a remove and a move are in the log too');
  await page.click('#album-menu');
  await page.click('#album-rename');
  await page.fill('#rename-name', 'Paris 2023');
  await page.click('#rename-form button');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Paris 2023', null, SLOW);
  await screenshot(page, 'library-06-album');
  await page.click('#album-menu');
  await page.click('#album-delete');
  await screenshot(page, 'library-07-delete-album');
  await page.click('#delete-album-keep');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'All photos', null, SLOW);
  await tilesShown(page, 5);
  assert.deepEqual(await page.$$eval('#album-list button', (b) => b.map((x) => x.textContent)), ['My photos']);
  await page.click('#album-list button:has-text("My photos")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
  await tilesShown(page, 5);
  assert.equal(await page.$('#album-findings'), null);
});

step('favourites and the archive (archived photos leave “All photos”, stay in their album)', async () => {
  const { page } = s;
  await check(page, 'louvre.jpg');
  await page.click('#selection-favourite');
  await page.waitForFunction(
    () => document.getElementById('selection-favourite')?.getAttribute('aria-pressed') === 'true',
    null,
    SLOW,
  );
  await page.keyboard.press('Escape');
  await page.click('#nav-favourites');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Favourites', null, SLOW);
  await tilesShown(page, 1);
  assert.deepEqual(await titles(page), ['louvre.jpg']);
  await page.click('#nav-timeline');
  await tilesShown(page, 5);
  await check(page, 'scan.jpg');
  await page.click('#selection-archive');
  await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 4, null, SLOW);
  await page.click('#nav-archive');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Archive', null, SLOW);
  await tilesShown(page, 1);
  assert.deepEqual(await titles(page), ['scan.jpg']);
  await page.click('#album-list button:has-text("My photos")');
  await tilesShown(page, 5);
  await page.click('#nav-timeline');
  await tilesShown(page, 4);
});

step('delete to the trash, restore, delete for good: the server deletes the blobs', async () => {
  const { page } = s;
  const blobsBefore = blobCount();
  await check(page, 'snow.jpg');
  await check(page, 'market.jpg');
  await page.click('#selection-delete');
  await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 2, null, SLOW);
  assert.match(await page.textContent('#results-status'), /2 files moved to the trash \(kept 30 days\)/);
  await page.click('#nav-trash');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Trash', null, SLOW);
  await tilesShown(page, 2);
  assert.match(await page.textContent('#trash-count'), /2 files in the trash/);
  assert.deepEqual(await page.$$eval('#grid figcaption .note', (n) => n.map((x) => x.textContent)), [
    '30 days left',
    '30 days left',
  ]);
  await screenshot(page, 'library-08-trash');
  // Restore snow.jpg: back in My photos and the timeline.
  await check(page, 'snow.jpg');
  await page.click('#trash-restore');
  await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 1, null, SLOW);
  await page.click('#album-list button:has-text("My photos")');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
  await tilesShown(page, 4);
  assert.equal(await page.$('#album-findings'), null, 'the trash and the restore are in the log');
  await page.click('#nav-trash');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Trash', null, SLOW);
  await tilesShown(page, 1);
  // Delete the rest for good (a confirmation first): its two blobs (contents, thumbnail) go, and
  // the storage shown under the albums (the server's usage route) goes down.
  const usageBefore = await page.textContent('#usage-text');
  assert.match(usageBefore, /^[\d.]+ KB used of 54 GB$/); // the default quota, 50 GiB, in SI units as every size shown
  page.once('dialog', (d) => d.accept());
  await page.click('#trash-delete');
  await page.waitForFunction(() => /deleted for good/.test(document.getElementById('results-status').textContent), null, SLOW);
  await env.server.testing.sweep();
  assert.equal(blobCount(), blobsBefore - 2);
  await page.waitForFunction((before) => document.getElementById('usage-text').textContent !== before, usageBefore, SLOW);
  const kb = (t) => Number(/^([\d.]+) KB/.exec(t)[1]);
  assert.ok(kb(await page.textContent('#usage-text')) < kb(usageBefore));
  await page.click('#nav-timeline');
  await tilesShown(page, 3);
  assert.deepEqual(await titles(page), ['louvre.jpg', 'eiffel.jpg', 'snow.jpg']);
});

const notes = (page) =>
  page.$$eval('#grid figure', (figs) =>
    Object.fromEntries(figs.map((f) => [f.querySelector('.title').textContent, f.querySelector('.note')?.textContent ?? ''])),
  );

step('search: one results view that combines dates, names, albums, types and what CLIP sees', async () => {
  const { page } = s;
  await searchReady(page);
  // A year: every photo taken then (the archived scan is 2021), each with its date and album.
  assert.deepEqual((await searchFor(page, '2023')).sort(), ['eiffel.jpg', 'louvre.jpg']);
  assert.equal(await page.textContent('#album-title'), 'Search results');
  const n = await notes(page);
  assert.match(n['eiffel.jpg'], /14 Jun 2023 · My photos · 2023/);
  await tilesShown(page, 2);
  await screenshot(page, 'library-09-search');
  // A month, a name, an album's name, a type with a year.
  assert.deepEqual((await searchFor(page, 'june')).sort(), ['eiffel.jpg', 'louvre.jpg']);
  assert.deepEqual(await searchFor(page, 'louvre'), ['louvre.jpg']);
  assert.match((await notes(page))['louvre.jpg'], /name/);
  assert.deepEqual((await searchFor(page, 'My photos')).sort(), ['eiffel.jpg', 'louvre.jpg', 'scan.jpg', 'snow.jpg']);
  assert.deepEqual(await searchFor(page, 'photos 2022'), ['snow.jpg']);
  assert.deepEqual(await searchFor(page, 'videos'), []);
  assert.match(await page.textContent('#results-status'), /Nothing matches “videos”/);
  // What CLIP sees (the test models: colours): the green photo first for "green".
  const green = await searchFor(page, 'green');
  assert.equal(green[0], 'louvre.jpg', green.join());
  await page.fill('#search-input', '');
  await page.press('#search-input', 'Enter');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'All photos', null, SLOW);
});

step('similar photos: a burst re-encoded, resized and cropped is one group; the rest is not', async () => {
  const { page } = s;
  const base = { colour: [150, 40, 160], original: '2024:05:01 10:00:00', offset: '+02:00' };
  const burst = [
    { name: 'burst-1.jpg', buffer: exifPhoto(base) },
    { name: 'burst-2.jpg', buffer: exifPhoto({ ...base, quality: 55 }) }, // re-encoded
    { name: 'burst-3.jpg', buffer: exifPhoto({ ...base, size: [600, 450] }) }, // slightly cropped
  ];
  await page.setInputFiles(
    '#add-input',
    burst.map((b) => ({ ...b, mimeType: 'image/jpeg' })),
  );
  await uploaded(page, burst.length);
  await tilesShown(page, 6);
  await page.waitForFunction(() => /Search ready/.test(document.getElementById('search-status').textContent), null, SLOW);
  await page.click('#nav-similar');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Similar photos', null, SLOW);
  await page.waitForSelector('#similar-status', SLOW);
  const groups = await page.$$eval('#similar .similar-group', (gs) =>
    gs.map((g) => [...g.querySelectorAll('figcaption .title')].map((t) => t.textContent).sort()),
  );
  assert.deepEqual(groups, [['burst-1.jpg', 'burst-2.jpg', 'burst-3.jpg']]);
  assert.match(await page.textContent('#similar-status'), /1 group of similar photos \(2 you could delete\)/);
  await page.click('#similar-select');
  await page.waitForFunction(() => document.getElementById('selection-count')?.textContent === '2 selected', null, SLOW);
  await screenshot(page, 'library-10-similar');
  await page.click('#selection-delete');
  await page.waitForFunction(
    () => /2 files moved to the trash/.test(document.getElementById('results-status').textContent),
    null,
    SLOW,
  );
  await page.click('#nav-timeline');
  await tilesShown(page, 4);
});

step('on a 390×844 phone: the timeline, the viewer and the trash', async () => {
  const phone = await openDevice(env.browser, `${env.server.url}/`, {
    viewport: PHONE,
    timezoneId: 'Europe/Paris',
    locale: 'en-GB',
  });
  const { page } = phone;
  s.page = page; // the failure screenshot shows the phone
  await logIn(page, A);
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  // One column: the library's views and the albums as two rows, the rest folded, and the photos
  // start on the first screen (before any scrolling).
  await page.waitForSelector('#grid figure', SLOW);
  const top = await page.$eval('#grid figure', (f) => f.getBoundingClientRect().top);
  assert.ok(top < PHONE.height - 100, `the first photo starts ${top}px down a ${PHONE.height}px screen`);
  await page.locator('#grid').scrollIntoViewIfNeeded();
  await tilesShown(page, 4);
  // The similar view kept the newest of the burst (the last uploaded, at the same time taken).
  assert.deepEqual(await titles(page), ['burst-3.jpg', 'louvre.jpg', 'eiffel.jpg', 'snow.jpg']);
  await screenshot(page, 'library-11-phone-timeline');
  // The grid fits the phone: no tile reaches past the screen's right edge.
  assert.ok(await page.$$eval('#grid figure', (f) => f.every((x) => x.getBoundingClientRect().right <= 390)));
  await page.click(tile('eiffel.jpg'));
  await page.waitForSelector('#viewer.pswp--open', SLOW);
  await originalShown(page);
  // The viewer is fixed to the screen: a screenshot of the screen, not of the whole page.
  const screen = (name) => page.screenshot({ path: new URL(`../../test-results/${name}.png`, import.meta.url).pathname });
  await screen('library-12-phone-viewer');
  // A swipe to the left goes to the next photo (PhotoSwipe's pointer gestures).
  const box = await page.$eval('#viewer', (v) => {
    const r = v.getBoundingClientRect();
    return { x: r.width / 2, y: r.height / 2 };
  });
  await page.mouse.move(box.x + 120, box.y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 120 - i * 30, box.y);
  await page.mouse.up();
  await page.keyboard.press('i');
  await page.waitForFunction(() => document.getElementById('info-title')?.textContent === 'snow.jpg', null, SLOW);
  await screen('library-13-phone-info');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#viewer'), null, SLOW);
  await page.click('#nav-trash');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'Trash', null, SLOW);
  await tilesShown(page, 2);
  await screenshot(page, 'library-14-phone-trash');
  assert.deepEqual(page.errors, []);
  await phone.context.close();
});
