// Serves the built gallery (appDir) and nothing else: no dot-segments (.git, ..), no encoded
// escapes, no symlinks out of the folder. Every page gets the strict CSP and cross-origin
// isolation (COOP + COEP) so ONNX Runtime can use threads.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { COMMON_HEADERS, notFound } from './http.mjs';

/** The policy every page and worker of the gallery is served with (scripts/serve.mjs adds a report-uri for the tests). */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:";

export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file under `root` that `rawPath` (as in the request line) names, or not_found. */
async function resolveInside(root, rawPath) {
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw notFound();
  }
  const segments = path.split('/').filter((s) => s !== '');
  // Dot-files and dot-segments, backslashes and NULs never name an app file.
  if (segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) throw notFound();
  let file = join(root, ...segments);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    file = await realpath(file);
  } catch {
    throw notFound();
  }
  if (!file.startsWith(root + sep)) throw notFound();
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw notFound();
  return { file, size: info.size };
}

export async function makeStatic(appDir) {
  const root = await realpath(appDir).catch(() => undefined);
  return {
    available: root !== undefined,
    async serve(req, res, rawPath) {
      if (root === undefined) throw notFound(`the gallery app is not built (${appDir} is missing); run npm run build`);
      const { file, size } = await resolveInside(root, rawPath);
      res.writeHead(200, {
        ...COMMON_HEADERS,
        'content-security-policy': CSP,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-cache',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    },
  };
}
