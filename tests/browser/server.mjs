// Shared by the browser suites: the repository's static server (scripts/serve.mjs) on an
// ephemeral 127.0.0.1 port, Debian's chromium through playwright-core, and helpers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { CSP, startServer as startServing } from '../../scripts/serve.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

// Every page and worker of every browser suite runs under the demo's strict CSP (serve.mjs); the
// browser reports each violation to the server, and any report fails the suite that caused it.
export const cspViolations = [];
const startStaticServer = (options) => startServing({ ...options, onCspViolation: (r) => cspViolations.push(r) });
after(() => assert.deepEqual(cspViolations, [], 'no Content-Security-Policy violation'));

const BLANK = '<!doctype html><meta charset="utf-8"><title>cipherlens</title><body></body>';

/** Starts the server with a blank page at `/`; `routes` maps a path to an async (req, res) handler. */
export function startServer(routes = {}) {
  const blank = async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': CSP });
    res.end(BLANK);
  };
  return startStaticServer({ routes: { '/': blank, ...routes } });
}

/** Sends `bytes` in pieces of `piece` bytes, one every `intervalMs` (a slow network). */
export async function sendThrottled(res, bytes, piece, intervalMs, headers = {}) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, ...headers });
  for (let at = 0; at < bytes.length; at += piece) {
    if (!res.write(bytes.subarray(at, at + piece))) await new Promise((r) => res.once('drain', r));
    if (intervalMs) await new Promise((r) => setTimeout(r, intervalMs));
  }
  res.end();
}

export { launchChromium };

/**
 * For a suite of page tests: before it, the server (blank `/`, plus `routes`) and Chromium
 * start; after it, both close. The returned object gets `url` and `browser` once started.
 */
export function browserSuite(routes = {}, chromiumArgs = []) {
  const env = {};
  before(async () => {
    env.server = await startServer(routes);
    env.url = env.server.url;
    env.browser = await launchChromium(chromiumArgs);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** The demo server (`/` is the gallery) and a browser, closed together. */
export async function openBrowser() {
  const { url, close } = await startStaticServer();
  const browser = await launchChromium();
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await close();
    },
  };
}

/** Saves a screenshot under test-results/ (git-ignored) for people to look at. */
export async function screenshot(page, name) {
  const dir = new URL('../../test-results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, dir).pathname, fullPage: true });
}
