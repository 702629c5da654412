// Keyboards, themes, text size and the accessibility audit. Keyboard only (Tab, typing, Enter,
// Space, Escape; each control reached shows a visible focus ring): sign up, upload a photo, open
// it, select it, open the album picker, trash and restore it, rename the album, share it. axe-core (served to the page as a file of its own origin: the strict CSP
// allows no injected script) audits every screen and dialog in light and dark mode: no serious
// or critical violation. Text follows the browser's font size.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadCryptoCore } from '../../js/dist/crypto.js';
import * as client from '../../build/client/index.mjs';
import { screenshot } from './server.mjs';
import { colourPhoto } from './assets.mjs';
import {
  closeViewer,
  deviceKept,
  gallerySuite,
  openDevice,
  originalShown,
  SLOW,
  thumbnailsShown,
  scenario,
  searchReady,
} from './gallery-helpers.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const A = { email: 'kim@example.com', password: 'keyboard only please' };
const B = { email: 'lee@example.com', password: 'the other account' };
const env = gallerySuite('a11y');

const step = scenario({ timeout: 300_000 });

let page;
let context;
const audited = [];

/**
 * Presses Tab (Shift+Tab with `back`) until `selector` has the focus (at most `max` times); it
 * must show a focus ring.
 */
async function tabTo(selector, max = 40, { back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const ring = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el?.matches(sel)) return null;
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth) };
    }, selector);
    if (ring) {
      assert.ok(ring.style !== 'none' && ring.width >= 2, `${selector} shows its focus (${ring.style} ${ring.width}px)`);
      return;
    }
  }
  assert.fail(`${selector} is not reached with Tab`);
}

/** axe-core over the page as it is, in light and dark mode: no serious or critical violation. */
async function audit(name) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: '/__tests__/axe.js' });
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], `${name}, ${colorScheme}`);
    audited.push(`${name} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

after(() => console.log(`# audited: ${audited.join(', ')}`));

step('set up: B exists to share with; the page serves axe-core from its own origin', async () => {
  const core = await loadCryptoCore();
  await client.signUp({ baseUrl: env.server.url, crypto: core, srp: client.localSrp, kdf: 'interactive' }, B.email, B.password);
  ({ page, context } = await openDevice(env.browser, `${env.server.url}/`));
  await context.route('**/__tests__/axe.js', (route) => route.fulfill({ path: AXE, contentType: 'text/javascript' }));
  await page.waitForSelector('body[data-screen="login"]');
  // The audit finds what it should: an image without a text alternative (critical).
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('img'), { id: 'no-alt', src: 'data:,' })));
  await assert.rejects(audit('log-in with a planted fault'), /image-alt \(critical\): #no-alt/);
  await page.evaluate(() => document.getElementById('no-alt').remove());
  await audit('log-in');
});

step('keyboard only: sign up', async () => {
  await tabTo('#show-signup');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-screen="signup"]');
  await audit('sign-up');
  await tabTo('#signup-email');
  await page.keyboard.type(A.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(A.password);
  await page.keyboard.press('Tab');
  await page.keyboard.type(A.password);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Argon2id/.test(document.getElementById('busy-label').textContent), null, SLOW);
  await audit('deriving');
  await page.waitForSelector('body[data-screen="phrase"]', SLOW);
  await audit('recovery phrase');
  await tabTo('#phrase-done');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('album-title')?.textContent !== '', null, SLOW);
  await audit('empty timeline');
});

step('keyboard only: upload a photo and open it', async () => {
  await searchReady(page); // the page settled (search loaded its models and index)
  // Listening turns Chromium's file-chooser interception on, but that command reaches the renderer
  // by another path than key events: pressed at once, Enter could open the chooser before it was
  // intercepted (seen under load: the chooser opened and Playwright never heard of it). tabTo's
  // round trips come after the command, so the interception is on before Enter is pressed.
  const opened = page.waitForEvent('filechooser').catch(async (e) => {
    throw new Error(
      `no file chooser; the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`,
      {
        cause: e,
      },
    );
  });
  await tabTo('#add-button');
  const [chooser] = await Promise.all([opened, page.keyboard.press('Enter')]);
  await chooser.setFiles([{ name: 'teal.jpg', mimeType: 'image/jpeg', buffer: colourPhoto('teal') }]);
  await thumbnailsShown(page, 1);
  await page.waitForSelector('#upload-report li[data-outcome="done"]', SLOW);
  await audit('timeline with the upload report');
  await tabTo('#grid figure button.open');
  await page.keyboard.press('Enter');
  await originalShown(page);
  await audit('viewer');
  await page.keyboard.press('i'); // the info panel
  await page.waitForSelector('#viewer.pswp--info .info-panel');
  await audit('viewer with its info panel');
  await closeViewer(page);
});

step('keyboard only: select, the album picker, the trash and back, rename the album', async () => {
  await tabTo('#grid figure button.check');
  await page.keyboard.press('Space');
  await page.waitForSelector('#selection-bar');
  await audit('selection');
  await tabTo('#selection-add', 40, { back: true });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#album-picker[open]');
  await audit('album picker');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#album-picker[open]', { state: 'detached' });
  await tabTo('#selection-delete');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#grid figure', { state: 'detached', ...SLOW });
  await tabTo('#nav-trash', 40, { back: true });
  await page.keyboard.press('Enter');
  await thumbnailsShown(page, 1);
  await audit('trash');
  await tabTo('#grid figure button.check');
  await page.keyboard.press('Space');
  await tabTo('#trash-restore', 40, { back: true });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#grid figure', { state: 'detached', ...SLOW });
  await tabTo('#album-list button', 40, { back: true });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('album-title').textContent === 'My photos', null, SLOW);
  await thumbnailsShown(page, 1);
  await audit('album');
  await tabTo('#album-menu');
  await page.keyboard.press('Enter');
  await tabTo('#album-rename', 5);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#album-dialog[open]');
  await audit('rename dialog');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#album-dialog[open]', { state: 'detached' });
});

step('keyboard only: share the album', async () => {
  await tabTo('#share-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#share-dialog[open]');
  await tabTo('#share-email', 5);
  await page.keyboard.type(B.email);
  await audit('share dialog');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#share-verify:not([hidden])', SLOW);
  await audit('share: compare the IDs');
  await tabTo('#share-confirm', 10);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#share-done:not([hidden])', SLOW);
  await screenshot(page, 'a11y-01-shared-by-keyboard');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#share-dialog[open]', { state: 'detached' });
  assert.match(await page.textContent('#album-info'), /shared with lee@example\.com/);
});

step('the link dialog, the public view, the unlock screen and the session-ended dialog pass the audit', async () => {
  await tabTo('#link-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#link-dialog[open]');
  const link = await page.inputValue('#link-url');
  await audit('link dialog');
  await page.keyboard.press('Escape');
  await deviceKept(page);
  await tabTo('#app-lock-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-screen="unlock"]');
  await audit('unlock');
  await page.fill('#unlock-password', A.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  await page.goto(link);
  await page.waitForSelector('body[data-screen="public"]');
  await thumbnailsShown(page, 1, '#public-grid');
  await audit('public album');
  await page.goto(`${env.server.url}/`);
  await page.waitForSelector('body[data-screen="gallery"]', SLOW);
  // The server says the session is gone (as after a recovery elsewhere).
  await page.route('**/api/collections', (route) =>
    route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"unauthorized","message":"not signed in"}' }),
  );
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await page.waitForSelector('#session-ended[open]', SLOW);
  await audit('session-ended dialog');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-screen="login"]');
  await page.unroute('**/api/collections');
  await tabTo('#show-recover');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-screen="recover"]');
  await audit('recovery');
});

step('text follows the browser font size', async () => {
  const size = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.querySelector('h1, h2')).fontSize));
  const before = await size();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24, fixed: 20 } });
  await page.reload();
  await page.waitForSelector('h1, h2');
  const after = await size();
  assert.ok(Math.abs(after / before - 1.5) < 0.05, `headings scale with the font size: ${before}px -> ${after}px`);
  await screenshot(page, 'a11y-02-large-text');
  assert.deepEqual(page.errors, []);
  await context.close();
});
