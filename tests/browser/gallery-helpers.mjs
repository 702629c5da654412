// What the gallery's browser suites share: a device (a browser context whose pages fail the suite
// on any CSP violation), and the steps people take in the app, by its elements' ids.
import { before, after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from '../../server/app.mjs';
import { cspViolations, launchChromium, screenshot } from './server.mjs';

export const SLOW = { timeout: 120_000 };

/** The built app; GALLERY_APP_DIR points a suite at another build (to compare with it). */
export const APP_DIR = process.env.GALLERY_APP_DIR ?? fileURLToPath(new URL('../../build/app/', import.meta.url));

/**
 * For a suite: before it, the gallery's server (server/app.mjs, in-process, on a temporary data
 * folder, serving APP_DIR, with `serverOptions`) and Chromium start; after it, both close. The
 * returned object gets `server` and `browser` once started.
 */
export function gallerySuite(name, serverOptions = {}) {
  const env = {};
  let dataDir;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `gallery-${name}-`));
    env.server = await startGalleryServer({ dataDir, port: 0, appDir: APP_DIR, ...serverOptions });
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}

/** Makes every page of `context` report CSP violations to its console (watchPage listens). */
export async function watchContext(context) {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

/**
 * `page` failing the suite on any CSP violation (seen by a listener in every page, and in the
 * console for workers) or uncaught error. `page.sent` lists every request the page makes (URL,
 * headers, body), `page.wasm` the .wasm files it fetched, `page.workers` the workers it started.
 */
export function watchPage(page) {
  page.errors = [];
  page.sent = [];
  page.wasm = [];
  page.workers = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (process.env.GALLERY_DEBUG) console.log(`# page: ${m.text()}`);
    if (/CSP violation|Content Security Policy/.test(m.text())) cspViolations.push(m.text());
  });
  page.on('request', (r) => {
    page.sent.push([r.url(), JSON.stringify(r.headers()), r.postData() ?? ''].join('\n'));
    if (r.url().endsWith('.wasm')) page.wasm.push(r.url().split('/').pop());
  });
  page.on('worker', (w) => page.workers.push(w.url().split('/').pop()));
  return page;
}

/** Unfolds the side's second half (new album, people, settings) where a phone folds it. */
export async function showSideMore(page) {
  if ((await page.isVisible('#nav-more-button')) && (await page.getAttribute('#nav-more-button', 'aria-expanded')) !== 'true')
    await page.click('#nav-more-button');
}

/**
 * A browser context (a device) at `url`, its pages watched (watchPage). Other options are
 * Playwright's for the context (timezoneId, locale, serviceWorkers...).
 */
export async function openDevice(browser, url, { viewport = { width: 1200, height: 850 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  await watchContext(context);
  const page = watchPage(await context.newPage());
  await page.goto(url);
  return { context, page };
}

/**
 * Waits until `grid` shows `n` loaded thumbnails. A tile loads its picture only near the view, and
 * on a phone the grid can start below the albums and people: like a person, this scrolls to the
 * first tile not loaded yet.
 */
export const thumbnailsShown = (page, n, grid = '#grid') =>
  page.waitForFunction(
    ([sel, count]) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)];
      imgs
        .find((i) => !i.naturalWidth)
        ?.closest('figure')
        ?.scrollIntoView({ block: 'nearest' });
      return imgs.length === count && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [grid, n],
    SLOW,
  );

export const captions = (page, grid = '#grid') =>
  page.$$eval(`${grid} figcaption .title`, (els) => els.map((e) => e.textContent));

/** Signs up on `page` (at the login screen); resolves to the recovery phrase's words. */
export async function signUp(page, { email, password }, { screenshotWhileDeriving } = {}) {
  await page.click('#show-signup');
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', password);
  await page.fill('#signup-confirm', password);
  await page.click('#signup-form button');
  await page.waitForFunction(
    () => /Argon2id, 256 MiB, 16 passes/.test(document.getElementById('busy-label').textContent),
    null,
    SLOW,
  );
  if (screenshotWhileDeriving) await screenshot(page, screenshotWhileDeriving);
  await page.waitForSelector('body[data-screen="phrase"]', SLOW);
  return page.$$eval('#phrase-words li', (els) => els.map((e) => e.textContent));
}

export async function logIn(page, { email, password }) {
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('#login-form button');
}

export async function searchFor(page, text) {
  await page.fill('#search-input', text);
  await page.press('#search-input', 'Enter');
  await page.waitForFunction((t) => document.getElementById('results-status').textContent.includes(`“${t}”`), text, SLOW);
  return captions(page);
}

/** This device's unlock record is kept (its Argon2 runs behind the gallery after a log-in or sign-up). */
export const deviceKept = (page) =>
  page.waitForFunction(() => performance.getEntriesByName('cipherlens:device-kept').length > 0, null, SLOW);

export const searchReady = (page) =>
  page.waitForFunction(
    () =>
      !document.getElementById('search-input').disabled &&
      document.getElementById('search-status').textContent.startsWith('Search ready'),
    null,
    SLOW,
  );

/**
 * A scenario of steps: `step(name, fn)` is a test that is skipped once a step before it failed
 * (each step builds on the ones before). `timeout` per step; `onFailure` runs when one fails (a
 * screenshot, say).
 */
export function scenario({ timeout = 300_000, onFailure } = {}) {
  let failed = false;
  return (name, fn) =>
    test(name, { timeout }, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (e) {
        failed = true;
        await onFailure?.().catch(() => {});
        throw e;
      }
    });
}

/** The viewer (PhotoSwipe) open (faded in) on a photo whose decrypted original is `width` px wide. */
export const originalShown = (page, width = 640) =>
  page.waitForFunction(
    (w) =>
      document.querySelector('#viewer.pswp--open[data-opened] .pswp__item[aria-hidden="false"] img[data-original]')
        ?.naturalWidth === w,
    width,
    SLOW,
  );

/** Esc closes the viewer. */
export async function closeViewer(page) {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#viewer'), null, SLOW);
}
