// A static file server for built example apps, with the strict policy an end-to-end encrypted app
// should be able to ship: no eval, wasm allowed, workers and fetches from this origin only.
// Violations are reported to /__csp-report and collected for the test to assert on.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";
const REPORT_PATH = '/__csp-report';
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** Cross-origin isolation: what SharedArrayBuffer, and so ONNX Runtime's threads, need. */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Serves `root` on an ephemeral 127.0.0.1 port; resolves to { url, violations, requests, close }
 * (`requests`: every path asked for, in order). `isolated` adds COOP/COEP to every answer.
 */
export function serveStatic(root, { isolated = false } = {}) {
  const violations = [];
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    if (path === REPORT_PATH) {
      let body = '';
      for await (const chunk of req) body += chunk;
      violations.push(body);
      res.writeHead(204);
      return res.end();
    }
    try {
      let file = normalize(join(root, path));
      if (!file.startsWith(root + sep) && file !== root) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': `${STRICT_CSP}; report-uri ${REPORT_PATH}`,
        'cache-control': 'no-store', // every load reaches `requests`
        ...(isolated ? ISOLATION : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({
        url: `http://127.0.0.1:${server.address().port}`,
        violations,
        requests,
        close: () => new Promise((done) => server.close(done)),
      }),
    ),
  );
}
