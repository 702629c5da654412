// Shared by the browser suites: a local http server on 127.0.0.1 serving the built package
// (js/dist), comlink's ES module and whatever routes a test adds, plus a Chromium launcher.
// Like a dev server, it resolves the bare import 'comlink' (bundlers do that in real apps).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SERVED = ['js/dist/', 'node_modules/comlink/dist/esm/'];
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.map': 'application/json' };
const COMLINK = '/node_modules/comlink/dist/esm/comlink.mjs';

/** Starts the server; `routes` maps a path to an async (req, res) handler. */
export async function startServer(routes = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    try {
      if (routes[url.pathname]) return await routes[url.pathname](req, res);
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><meta charset="utf-8"><title>cipherlens</title><body></body>');
      }
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = path.join(root, rel);
      if (!SERVED.some((dir) => rel.startsWith(dir)) || !file.startsWith(root)) {
        res.writeHead(404);
        return res.end();
      }
      let body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      if (type === 'text/javascript') {
        body = body.toString('utf8').replace(/(from\s*|import\s*\(\s*)(['"])comlink\2/g, `$1$2${COMLINK}$2`);
      }
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(e.code === 'ENOENT' ? 404 : 500);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
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

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
