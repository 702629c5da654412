// Uploads that keep every file, as people meet them: a batch with a HEIC photo (made by Debian's
// heif-enc, with transparency), a PNG with transparency, a corrupt JPEG, an empty file, a text file,
// a file larger than the server takes and a photo whose upload fails once; the report lists each
// outcome and stays until dismissed, the failed one is retried; thumbnails keep transparency and
// the HEIC opens in the viewer; the corrupt JPEG is kept with a placeholder. Then a large photo cut
// off mid-upload: closing the tab warns first, the reloaded page lists it, a different file of the
// same name and size does not resume it, and the same file resumes from the server's offset,
// sending only what the server lacked.
import assert from 'node:assert/strict';
import { screenshot } from './server.mjs';
import { colourPhoto, heicPhoto, noisePhoto, transparentPng } from './assets.mjs';
import {
  closeViewer,
  gallerySuite,
  openDevice,
  originalShown,
  signUp,
  SLOW,
  thumbnailsShown,
  scenario,
} from './gallery-helpers.mjs';

const MiB = 1024 * 1024;
const PIECE = 4 * MiB + 17;
// The server takes objects up to 12 MiB here: the 10 MiB photo fits, a 13 MiB file does not.
const env = gallerySuite('upload-report', { maxObjectBytes: 12 * MiB });
const A = { email: 'uma@example.com', password: 'uploads never lost' };

const step = scenario({ timeout: 300_000 });

let page;
let context;

const file = (name, mimeType, buffer) => ({ name, mimeType, buffer });
const corruptJpeg = () => {
  const good = colourPhoto('orange');
  const bad = Buffer.from(good.subarray(0, 600)); // the header and a little of the scan
  bad.fill(0x5a, 200); // then garbage
  return bad;
};

/** The RGBA of the tile image of `title` at (x, y) as fractions of its size (drawn as shown). */
const tilePixel = (title, fx, fy) =>
  page.evaluate(
    async ([t, x, y]) => {
      const fig = [...document.querySelectorAll('#grid figure')].find((f) => f.textContent.includes(t));
      const bitmap = await createImageBitmap(fig.querySelector('img')); // drawn as decoded, not refetched
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      return [...g.getImageData(Math.floor(bitmap.width * x), Math.floor(bitmap.height * y), 1, 1).data];
    },
    [title, fx, fy],
  );
const near = (got, want, what) =>
  assert.ok(
    got.every((v, i) => Math.abs(v - want[i]) <= 24),
    `${what}: ${got} ≈ ${want}`,
  );

/** The page as it is, also on a 390×844 phone: a screenshot, and nothing wider than the screen. */
async function onPhone(name) {
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-phone`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(desktop);
  assert.ok(wide <= 0, `${name}: the page is ${wide}px wider than the phone's screen`);
}

step('sign up', async () => {
  ({ page, context } = await openDevice(env.browser, `${env.server.url}/`));
  await page.waitForSelector('body[data-screen="login"]');
  await signUp(page, A);
  await page.click('#phrase-done');
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent !== '', null, SLOW);
});

step('a mixed batch: every file ends in the report, which stays until dismissed', async () => {
  // The first file's record is refused once (a dropped connection): it fails, then is retried.
  let cut = false;
  await page.route('**/api/files', (route) => {
    if (cut || route.request().method() !== 'POST') return route.continue();
    cut = true;
    return route.abort('connectionreset');
  });
  await page.setInputFiles('#add-input', [
    file('red.jpg', 'image/jpeg', colourPhoto('red')),
    file('IMG_0001.HEIC', '', heicPhoto()),
    file('clear.png', 'image/png', transparentPng()),
    file('broken.jpg', 'image/jpeg', corruptJpeg()),
    file('empty.jpg', 'image/jpeg', Buffer.alloc(0)),
    file('notes.txt', 'text/plain', Buffer.from('not a photo')),
    file('huge.jpg', 'image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(13 * MiB)])),
  ]);
  await page.waitForFunction(
    () => document.getElementById('uploads').children.length === 0 && document.querySelectorAll('#upload-report li').length === 7,
    null,
    SLOW,
  );
  await page.unroute('**/api/files');
  const outcomes = Object.fromEntries(
    await page.$$eval('#upload-report li', (lis) => lis.map((li) => [li.querySelector('.name').textContent, li.dataset.outcome])),
  );
  assert.deepEqual(outcomes, {
    'red.jpg': 'failed',
    'IMG_0001.HEIC': 'done',
    'clear.png': 'done',
    'broken.jpg': 'done',
    'empty.jpg': 'empty',
    'notes.txt': 'unsupported',
    'huge.jpg': 'too-large',
  });
  assert.match(await page.textContent('#upload-report li[data-outcome="done"]:has-text("broken.jpg")'), /placeholder/);
  await thumbnailsShown(page, 3);
  await screenshot(page, 'uploads-01-report');
  await onPhone('uploads-01-report');

  await page.click('#upload-report li:has-text("red.jpg") .retry');
  await page.waitForFunction(
    () =>
      document.querySelector('#upload-report li[data-outcome="done"] .name')?.parentElement &&
      document.querySelectorAll('#upload-report li[data-outcome="failed"]').length === 0 &&
      document.querySelectorAll('#upload-report li[data-outcome="done"]').length === 4,
    null,
    SLOW,
  );
  await thumbnailsShown(page, 4);
  assert.match(await page.textContent('#upload-summary'), /1 too large · 1 not a photo or video · 1 empty · 4 uploaded/);
  await page.waitForTimeout(1000);
  assert.ok(await page.isVisible('#upload-report'), 'the report stays until dismissed');
  assert.deepEqual(page.errors, []);
});

step('thumbnails keep transparency; the HEIC is decoded, the corrupt JPEG has a placeholder', async () => {
  near(await tilePixel('IMG_0001.HEIC', 0.25, 0.25), [255, 0, 0, 255], 'HEIC top left: red');
  near(await tilePixel('IMG_0001.HEIC', 0.75, 0.25), [0, 200, 0, 255], 'HEIC top right: green');
  assert.equal((await tilePixel('IMG_0001.HEIC', 0.5, 0.8))[3], 0, 'HEIC bottom: transparent');
  near(await tilePixel('clear.png', 0.25, 0.25), [255, 0, 0, 255], 'PNG top left: red');
  assert.equal((await tilePixel('clear.png', 0.75, 0.8))[3], 0, 'PNG bottom: transparent');
  near(await tilePixel('broken.jpg', 0.05, 0.05), [0xc9, 0xce, 0xd8, 255], 'the placeholder');
});

step('the HEIC opens in the viewer', async () => {
  await page.click('#grid figure:has-text("IMG_0001.HEIC") button.open');
  await originalShown(page, 64);
  await page.screenshot({ path: new URL('../../test-results/uploads-02-heic-viewer.png', import.meta.url).pathname });
  await closeViewer(page);
  await page.click('#report-dismiss');
  await page.waitForSelector('#upload-report', { state: 'detached' });
});

step('a photo cut off by a reload resumes from the server offset when picked again', async () => {
  const photo = noisePhoto();
  const size = photo.length + Math.ceil(photo.length / (4 * MiB)) * 17;
  // The second piece never arrives: the page is reloaded while it hangs.
  let pieces = 0;
  await page.route('**/api/uploads/*', (route) => {
    if (route.request().method() === 'PATCH' && ++pieces > 1) return; // held until the page goes
    return route.continue();
  });
  await page.click('#album-title'); // a gesture: browsers only ask before leaving pages one used
  await page.setInputFiles('#add-input', [file('noise.png', 'image/png', photo)]);
  await page.waitForFunction(() => document.querySelector('#uploads progress')?.value > 0, null, SLOW);
  let asked;
  page.once('dialog', (d) => {
    asked = d.type();
    d.accept();
  });
  await page.reload();
  assert.equal(asked, 'beforeunload', 'leaving with an upload running asks first');
  await page.unroute('**/api/uploads/*');
  await page.waitForSelector('#unfinished li', SLOW);
  assert.match(await page.textContent('#unfinished li'), /noise\.png\s+\d+% sent/);
  await screenshot(page, 'uploads-03-unfinished');
  await onPhone('uploads-03-unfinished');

  const patches = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH')
      patches.push({ url: r.url(), offset: Number(r.headers()['upload-offset']), bytes: r.postDataBuffer()?.length ?? 0 });
  });
  // Same name and size, other bytes: not the same file, so it starts from 0 (and the entry stays).
  const impostor = Buffer.from(photo);
  impostor[impostor.length - 100] ^= 0xff;
  await page.setInputFiles('#add-input', [file('noise.png', 'image/png', impostor)]);
  await page.waitForSelector('#upload-report li[data-outcome="done"]', SLOW);
  assert.equal(patches[0].offset, 0, 'another file is not resumed');
  assert.ok(await page.isVisible('#unfinished li'));
  await page.click('#report-dismiss');

  patches.length = 0;
  await page.setInputFiles('#add-input', [file('noise.png', 'image/png', photo)]);
  await page.waitForSelector('#upload-report li[data-outcome="done"]', SLOW);
  assert.match(await page.textContent('#upload-report li[data-outcome="done"]'), /resumed/);
  assert.equal(patches[0].offset, PIECE, 'resumed at the server offset');
  const sent = patches.filter((p) => p.url === patches[0].url).reduce((n, p) => n + p.bytes, 0); // not the thumbnail's
  assert.equal(sent, size - PIECE, 'only what the server lacked was sent');
  await page.waitForSelector('#unfinished', { state: 'detached' });
  // The resumed file decrypts (every chunk authenticated) and decodes to the original's size.
  const tiles = await page.$$('#grid figure:has-text("noise.png") button.open');
  assert.equal(tiles.length, 2);
  for (const tile of tiles) {
    await tile.click();
    await originalShown(page, 1960);
    await closeViewer(page);
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});
