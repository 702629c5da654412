// The browser suites' static server (startServer): the repository's files over http on
// 127.0.0.1, resolving the package's bare imports (comlink, onnxruntime-web) as bundlers do, so
// tests load the built package unbundled. A development tool only: `npm start` runs the gallery
// server (server/main.mjs), which serves the built app (build/app) and nothing else.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP as APP_CSP, TYPES } from '../server/static.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

// The policy every page is served with: no eval or inline script anywhere, wasm allowed, workers
// from this origin (blob: for ONNX Runtime's threaded build), nothing fetched from elsewhere.
const CSP_REPORT_PATH = '/__csp-report';
export const CSP = `${APP_CSP}; report-uri ${CSP_REPORT_PATH}`;

// What every file is served with. Cross-origin isolation lets browsers use threaded wasm (ONNX Runtime).
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'content-security-policy': CSP,
};

/** A route answering an empty page with those headers, for benches that drive a blank page. */
export const blankPage = (title) => async (req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
  res.end(`<!doctype html><meta charset="utf-8"><title>${title}</title>`);
};

// Bare specifiers the package imports, and the files a bundler would pick for them.
const BARE = {
  comlink: '/node_modules/comlink/dist/esm/comlink.mjs',
  'comlink/dist/esm/node-adapter.mjs': '/node_modules/comlink/dist/esm/node-adapter.mjs',
  'onnxruntime-web': '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
  '#ort': '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs', // the package's "imports"
  '#node-image': '/js/dist/search/no-node-image.js',
};
const quoteRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// `from 'name'` and `import('name')` (a /* comment */ may sit inside the parenthesis) for each name above.
const BARE_IMPORT = new RegExp(
  String.raw`(from\s*|import\s*\(\s*(?:\/\*.*?\*\/\s*)?)(['"])(` + Object.keys(BARE).map(quoteRegExp).join('|') + String.raw`)\2`,
  'g',
);

function resolveBareImports(source) {
  return source.replace(BARE_IMPORT, (whole, lead, q, name) => `${lead}${q}${BARE[name]}${q}`);
}

/**
 * Starts a static server; `/` redirects to the core's self-check page. `routes` maps a path to an async
 * (req, res) handler that takes precedence; `onCspViolation` gets each report the browser sends
 * for the policy. Resolves to { server, url, close }.
 */
export function startServer({
  port = 0,
  host = '127.0.0.1',
  root = ROOT,
  routes = {},
  onCspViolation = (report) => console.warn('CSP violation:', JSON.stringify(report)),
} = {}) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (routes[path]) return await routes[path](req, res);
      if (path === CSP_REPORT_PATH && req.method === 'POST') {
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        const body = Buffer.concat(chunks).toString('utf8');
        let report = body;
        try {
          report = JSON.parse(body)['csp-report'] ?? report;
        } catch {
          /* keep the raw text */
        }
        onCspViolation(report);
        res.writeHead(204);
        return res.end();
      }
      if (path === '/') {
        res.writeHead(302, { location: '/tests/browser/core-check/' });
        return res.end();
      }
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      let body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/javascript')) body = resolveBareImports(body.toString('utf8'));
      res.writeHead(200, { 'content-type': type, ...PAGE_HEADERS });
      res.end(body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(e.code === 'ENOENT' ? 'not found' : 'server error');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () =>
      ok({
        server,
        url: `http://${host}:${server.address().port}`,
        close: () => new Promise((done) => server.close(done)),
      }),
    );
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const { url } = await startServer({ port });
  console.log(`cipherlens repository files (development): ${url}/  (Ctrl+C to stop)`);
}
