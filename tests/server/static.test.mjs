// The static server serves the app folder and nothing else: a repository-like tree around it
// (.git, node_modules, .deps, server/, package.json) stays out of reach by any spelling of a
// path; pages carry the strict CSP and cross-origin isolation headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startGalleryServer } from '../../server/app.mjs';
import { tempDir } from './helpers.mjs';
import { rawRequest } from './raw-http.mjs';

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:";
const SECRET = 'REPOSITORY-FILE-MUST-NOT-BE-SERVED';
let root, server;

before(async () => {
  root = await tempDir('static');
  const files = {
    '.git/HEAD': SECRET,
    '.git/config': SECRET,
    'node_modules/pkg/index.js': SECRET,
    '.deps/x.tar': SECRET,
    'server/app.mjs': SECRET,
    'package.json': SECRET,
    'build/secret.txt': SECRET,
    'build/app/index.html': '<!doctype html><title>app</title>',
    'build/app/app.js': 'console.log(1)',
    'build/app/core.wasm': '\0asm',
    'build/app/sub/index.html': 'sub page',
    'build/app/.hidden': SECRET,
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await symlink(join(root, 'package.json'), join(root, 'build/app/escape.json'));
  await symlink(join(root, '.git'), join(root, 'build/app/git'));
  server = await startGalleryServer({ port: 0, dataDir: join(root, 'data'), appDir: join(root, 'build/app') });
});
after(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

test('the app is served with the strict CSP, COOP and COEP', async () => {
  for (const [path, type, body] of [
    ['/', 'text/html', '<!doctype html><title>app</title>'],
    ['/index.html', 'text/html', null],
    ['/app.js', 'text/javascript', 'console.log(1)'],
    ['/core.wasm', 'application/wasm', null],
    ['/sub/', 'text/html', 'sub page'],
    ['/sub', 'text/html', 'sub page'],
    ['/app.js?v=1', 'text/javascript', null],
  ]) {
    const res = await rawRequest(server.url, { path });
    assert.equal(res.status, 200, path);
    assert.ok(res.headers['content-type'].startsWith(type), path);
    if (body !== null) assert.equal(res.text, body, path);
    assert.equal(res.headers['content-security-policy'], CSP, path);
    assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(res.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  }
});

test('nothing outside the app folder, by any spelling: 404 JSON', async () => {
  const paths = [
    '/../package.json',
    '/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/..%2f..%2fpackage.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..\\..\\package.json',
    '/..%5c..%5cpackage.json',
    '/.git/HEAD',
    '/.git/config',
    '/%2egit/HEAD',
    '/node_modules/pkg/index.js',
    '/../../node_modules/pkg/index.js',
    '/.deps/x.tar',
    '/../../.deps/x.tar',
    '/server/app.mjs',
    '/../../server/app.mjs',
    '/../secret.txt',
    '/.hidden',
    '/%2ehidden',
    '/index.html%00.js',
    '/index.html%00',
    '/%',
    '/%zz',
    '/escape.json',
    '/git/HEAD',
    '//etc/passwd',
    '/etc/passwd',
    '/sub/../../secret.txt',
    '/nothing.html',
  ];
  for (const path of paths) {
    const res = await rawRequest(server.url, { path });
    assert.equal(res.status, 404, `${path}: ${res.status}`);
    assert.equal(res.json?.error, 'not_found', path);
    assert.ok(!res.text.includes(SECRET), path);
  }
  // Only GET and HEAD reach files.
  assert.equal((await rawRequest(server.url, { method: 'POST', path: '/index.html', body: 'x' })).status, 404);
  assert.equal((await rawRequest(server.url, { method: 'HEAD', path: '/index.html' })).status, 200);
});

test('without a built app the API still runs and pages say what is missing', async () => {
  const dir = await tempDir('noapp');
  const bare = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir: join(dir, 'missing') });
  try {
    assert.equal(bare.appAvailable, false);
    const page = await rawRequest(bare.url, { path: '/' });
    assert.equal(page.status, 404);
    assert.match(page.json.message, /not built/);
    const attrs = await rawRequest(bare.url, { method: 'POST', path: '/api/srp/attributes', body: '{"email":"a@b.c"}' });
    assert.equal(attrs.status, 200);
  } finally {
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  }
});
