// What the gallery's browser suites share: a device (a browser context whose pages fail the suite
// on any CSP violation), and the steps people take in the app, by its elements' ids.
import { before, after } from 'node:test';
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
 * folder, serving APP_DIR) and Chromium start; after it, both close. The returned object gets
 * `server` and `browser` once started.
 */
export function gallerySuite(name) {
  const env = {};
  let dataDir;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `gallery-${name}-`));
    env.server = await startGalleryServer({ dataDir, port: 0, appDir: APP_DIR });
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}

/**
 * A browser context (a device) at `url` whose pages fail the suite on any CSP violation (seen by
 * a listener in every page, and in the console for workers) or uncaught error. `page.sent` lists
 * every request the page makes (URL, headers, body), `page.wasm` the .wasm files it fetched.
 * Other options are Playwright's for the context (timezoneId, locale, serviceWorkers...).
 */
export async function openDevice(browser, url, { viewport = { width: 1200, height: 850 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  page.errors = [];
  page.sent = [];
  page.wasm = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (process.env.GALLERY_DEBUG) console.log(`# page: ${m.text()}`);
    if (/CSP violation|Content Security Policy/.test(m.text())) cspViolations.push(m.text());
  });
  page.on('request', (r) => {
    page.sent.push([r.url(), JSON.stringify(r.headers()), r.postData() ?? ''].join('\n'));
    if (r.url().endsWith('.wasm')) page.wasm.push(r.url().split('/').pop());
  });
  await page.goto(url);
  return { context, page };
}

export const thumbnailsShown = (page, n, grid = '#grid') =>
  page.waitForFunction(
    ([sel, count]) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)];
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

export const searchReady = (page) =>
  page.waitForFunction(
    () =>
      !document.getElementById('search-input').disabled &&
      document.getElementById('search-status').textContent.startsWith('Search ready'),
    null,
    SLOW,
  );
