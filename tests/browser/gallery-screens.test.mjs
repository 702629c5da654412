// Every screen and dialog of the gallery, at desktop size, on a 390×844 phone and on an 820×1180
// tablet (a few in dark mode), as screenshots (test-results/screens-<size>-*.png) to look at; each
// page must show no error, break no CSP rule (the helpers' devices fail the suite on a violation)
// and be no wider than the screen. The flows and their assertions are gallery.test.mjs's; this
// file is about what people see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import { screenshot } from './server.mjs';
import { colourPhoto } from './assets.mjs';
import {
  closeViewer,
  deviceKept,
  gallerySuite,
  logIn,
  openDevice,
  originalShown,
  searchFor,
  searchReady,
  showSideMore,
  signUp,
  SLOW,
  thumbnailsShown,
} from './gallery-helpers.mjs';

const SIZES = { desktop: { width: 1200, height: 850 }, phone: { width: 390, height: 844 }, tablet: { width: 820, height: 1180 } };
const SHADES = {
  desktop: { red: 'red', green: 'green', blue: 'blue' },
  phone: { red: '0xe01010', green: '0x107010', blue: '0x1010e0' },
  tablet: { red: '0xc82020', green: '0x208820', blue: '0x2020c8' },
};
const A = { email: 'ada@example.com', password: 'correct horse battery' };
const B = { email: 'ben@example.com', password: 'tr0ub4dor & 3' };

const env = gallerySuite('screens');
/** On a phone the grid comes below the albums: scrolled to, so its tiles load (the grid is virtualised). */
const inView = (page, grid = '#grid') => page.locator(grid).scrollIntoViewIfNeeded();

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`every screen at ${size} size (${viewport.width}×${viewport.height})`, { timeout: 300_000 }, async () => {
    const shot = async (page, name) => {
      await screenshot(page, `screens-${size}-${name}`);
      // Nothing is wider than the screen (a phone never scrolls sideways).
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `${name}: the page is ${wide}px wider than the ${viewport.width}px screen`);
    };
    const first = size === 'desktop';
    const { page, context } = await openDevice(env.browser, `${env.server.url}/`, { viewport });
    await page.waitForSelector('body[data-screen="login"]');
    await shot(page, '01-login');
    if (first) {
      // B exists to share with; A signs up on camera.
      const b = await openDevice(env.browser, `${env.server.url}/`, { viewport });
      await signUp(b.page, B);
      await b.context.close();
      await page.click('#show-signup');
      await page.fill('#signup-email', A.email);
      await shot(page, '02-signup');
      await page.click('.show-login');
      await signUp(page, A, { screenshotWhileDeriving: `screens-${size}-03-deriving` });
      await shot(page, '04-phrase');
      await page.click('#phrase-done');
    } else {
      // The sign-up screens at this size: C signs up on camera, then A logs in.
      const C = { email: `cy-${size}@example.com`, password: 'signs up on a smaller screen' };
      const c = await openDevice(env.browser, `${env.server.url}/`, { viewport });
      await c.page.waitForSelector('body[data-screen="login"]');
      await c.page.click('#show-signup');
      await c.page.fill('#signup-email', C.email);
      await shot(c.page, '02-signup');
      await c.page.click('.show-login');
      await signUp(c.page, C, { screenshotWhileDeriving: `screens-${size}-03-deriving` });
      await shot(c.page, '04-phrase');
      assert.deepEqual(c.page.errors, []);
      await c.context.close();
      await logIn(page, A);
    }
    await page.waitForSelector('body[data-screen="gallery"]', SLOW);
    await page.waitForFunction(() => document.getElementById('album-title').textContent !== '', null, SLOW);
    await searchReady(page);
    const album = `Trip ${size}`;
    await showSideMore(page);
    await page.fill('#album-name', album);
    await page.click('#album-form button');
    await page.waitForFunction((t) => document.getElementById('album-title').textContent === t, album, SLOW);
    await shot(page, '05-empty-album');

    await page.setInputFiles(
      '#add-input',
      // Each size's photos are other shades, which would be skipped as already in the library
      // (a shade too close encodes to the same JPEG bytes).
      Object.entries(SHADES[size]).map(([name, c]) => ({ name: `${name}.jpg`, mimeType: 'image/jpeg', buffer: colourPhoto(c) })),
    );
    await page.waitForSelector('#uploads li', SLOW);
    await shot(page, '06-uploading');
    await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 3, null, SLOW);
    await inView(page);
    await thumbnailsShown(page, 3);
    await page.waitForFunction(() => document.getElementById('uploads').children.length === 0, null, SLOW);
    await searchReady(page);
    await shot(page, '07-grid');
    await searchFor(page, 'red');
    await shot(page, '08-search');
    await page.fill('#search-input', '');
    await page.press('#search-input', 'Enter');
    // Back on every photo by date; the album again for what follows.
    await page.waitForFunction(() => document.getElementById('album-title').textContent === 'All photos', null, SLOW);
    await page.click(`#album-list button:has-text("${album}")`);
    await page.waitForFunction((t) => document.getElementById('album-title').textContent === t, album, SLOW);
    await page.waitForFunction(() => document.querySelectorAll('#grid figure').length === 3, null, SLOW);
    await inView(page);
    await thumbnailsShown(page, 3);

    await page.click('#grid figure:has-text("green.jpg") button.open');
    await originalShown(page);
    // The viewer is fixed to the screen: a screenshot of the screen, not of the whole page.
    await page.screenshot({ path: new URL(`../../test-results/screens-${size}-09-viewer.png`, import.meta.url).pathname });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#viewer'), null, SLOW);

    await page.click('#share-button');
    await page.fill('#share-email', B.email);
    await page.click('#share-form button');
    await page.waitForSelector('#share-verify:not([hidden])', SLOW);
    await shot(page, '10-share-verify');
    await page.click('#share-confirm');
    await page.waitForSelector('#share-done:not([hidden])', SLOW);
    await shot(page, '11-shared');
    await page.click('#share-dialog form[method="dialog"] button');
    // An honest server: the album's listing equals its log (the uploads' entries were read back
    // while the gallery loaded its albums, never twice), so nothing is said.
    await page.waitForFunction(
      () => /version \d/.test(document.querySelector('.fingerprint summary')?.textContent ?? ''),
      null,
      SLOW,
    );
    assert.equal(await page.$('#album-findings'), null);

    await page.click('#link-button');
    await page.waitForSelector('#link-dialog[open]');
    const link = await page.inputValue('#link-url');
    await shot(page, '12-link');
    await page.click('#link-dialog form[method="dialog"] button');

    // The server lies about B's key: the share dialog warns.
    const { publicKey } = (await loadCryptoCore()).box.keypair();
    env.server.testing.substitutePublicKey(B.email, Buffer.from(publicKey).toString('base64'));
    await page.click('#share-button');
    await page.fill('#share-email', B.email);
    await page.click('#share-form button');
    await page.waitForSelector('#share-error:not([hidden])', SLOW);
    await shot(page, '13-key-changed');
    await page.click('#share-dialog form[method="dialog"] button');
    env.server.testing.clearSubstitutedPublicKeys();

    const visitor = await openDevice(env.browser, link, { viewport });
    await visitor.page.waitForSelector('body[data-screen="public"]');
    await inView(visitor.page, '#public-grid');
    await thumbnailsShown(visitor.page, 3, '#public-grid');
    await shot(visitor.page, '14-public');
    assert.deepEqual(visitor.page.errors, []);
    await visitor.context.close();

    // Locked, then unlocked with this device's key; the gallery and the viewer in dark mode.
    await deviceKept(page);
    await page.click('#app-lock-button');
    await page.waitForSelector('body[data-screen="unlock"]');
    await shot(page, '17-unlock');
    await page.fill('#unlock-password', A.password);
    await page.click('#unlock-button');
    await page.waitForSelector('body[data-screen="gallery"]', SLOW);
    await page.waitForFunction((t) => document.getElementById('album-title').textContent === t, 'All photos', SLOW);
    await page.emulateMedia({ colorScheme: 'dark' });
    // The timeline in dark mode, its thumbnails shown.
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('#grid img')];
        return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      null,
      SLOW,
    );
    await shot(page, '17b-dark-timeline');
    await page.click(`#album-list button:has-text("${album}")`);
    await thumbnailsShown(page, 3);
    await searchReady(page); // search comes back after an unlock
    await page.setInputFiles('#add-input', [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a note') }]);
    await page.waitForSelector('#upload-report li[data-outcome="unsupported"]', SLOW);
    await shot(page, '18-dark-report');
    await page.click('#grid figure:has-text("red.jpg") button.open');
    await originalShown(page);
    await page.keyboard.press('i'); // with its info panel
    await page.waitForSelector('#viewer.pswp--info .info-panel');
    await page.screenshot({ path: new URL(`../../test-results/screens-${size}-19-dark-viewer.png`, import.meta.url).pathname });
    await closeViewer(page);
    // The server ends the session: the dialog, then log-in.
    await page.route('**/api/collections', (r) => r.fulfill({ status: 401, contentType: 'application/json', body: '{}' }));
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.waitForSelector('#session-ended[open]', SLOW);
    await shot(page, '20-dark-session-ended');
    await page.unroute('**/api/collections');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#session-ended-ok');
    await page.waitForSelector('body[data-screen="login"]');
    await logIn(page, { ...A, password: 'not the password' });
    await page.waitForSelector('#error:not([hidden])', SLOW);
    await shot(page, '15-wrong-password');
    await page.click('#show-recover');
    await page.fill('#recover-email', A.email);
    await shot(page, '16-recover');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
