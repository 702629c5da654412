// The package as developers meet it: `npm pack` of js/, the tarball installed into fresh projects
// from npm's cache, the Node example run, a strict TypeScript consumer type-checked, the Vite
// examples (full and crypto-only) built with Vite's default configuration and a crypto-only
// esbuild bundle, and the README quick start in Node and in a Vite page, all loaded in headless
// Chromium under a strict Content-Security-Policy.
// Prints the sizes it measures (tarball, installs, each app's emitted bytes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { launchChromium } from '../browser/server.mjs';
import { STRICT_CSP, serveStatic } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
// The apps' tools at the versions the repository pins, so installs come from npm's cache.
const pinned = (name) => rootPkg.devDependencies[name];
// ONNX Runtime's files (its package's or a bundler's copies) and the full core, hashed or not.
const ORT_FILE = /(^|\/)ort(-wasm|\.)|(^|\/)dist\/ort\//;
const FULL_CORE_FILE = /(^|\/)cipherlens(-[\w-]{8})?\.wasm$/;
const MODELS = { 'text.onnx': 'test_text.onnx', 'image.onnx': 'test_image_rgba.onnx' };

/** The package README's quick start, as a reader would copy it. */
const quickStart = (readme) => /## Quick start[^]*?```js\n([^]*?)```/.exec(readFileSync(readme, 'utf8'))[1];

let work;
let tarball;
const sizes = {};

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** Runs a build tool; resolves to everything it printed (stdout and stderr), throws if it failed. */
function runLogged(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const log = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${log}`);
  return log;
}
const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], cwd);

/** Every file under `dir`, with its size. */
function filesOf(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath ?? e.path, e.name);
      return { path: relative(dir, path), bytes: statSync(path).size };
    });
}
const total = (files) => files.reduce((n, f) => n + f.bytes, 0);

/** A fresh project with the tarball and `deps` installed; `files` maps names to contents or source paths. */
function project(name, deps) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: `cipherlens-${name}`,
    private: true,
    type: 'module',
    dependencies: { cipherlens: `file:${tarball}`, ...deps },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  npm(['install'], dir);
  return dir;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'cipherlens-package-'));
  const [packed] = JSON.parse(run('npm', ['pack', './js', '--json', '--pack-destination', work], ROOT));
  tarball = join(work, packed.filename);
  sizes.tarball = { packed: packed.size, unpacked: packed.unpackedSize, files: packed.files.map((f) => f.path) };
});
after(() => {
  console.log(`package sizes: ${JSON.stringify(sizes, (k, v) => (k === 'files' && Array.isArray(v) ? undefined : v), 1)}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball: entry points, README, LICENSE, CHANGELOG, no ORT copies, no test-only barrel', () => {
  const files = sizes.tarball.files;
  for (const f of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'dist/crypto.js',
    'dist/crypto.d.ts',
    'dist/search.js',
    'dist/search.d.ts',
    'dist/worker/crypto-worker.js',
    'dist/worker/core-worker.js',
    'dist/worker/search-worker.js',
    'dist/wasm/cipherlens.wasm',
    'dist/wasm/cipherlens-crypto.wasm',
  ]) {
    assert.ok(files.includes(f), `${f} in the tarball`);
  }
  assert.deepEqual(
    files.filter((f) => ORT_FILE.test(f) || /\.tsbuildinfo$|^dist\/index\./.test(f)),
    [],
  );
});

test('Node: the README quick start and the example run from the installed tarball (no ONNX Runtime installed)', () => {
  const dir = project('node', {});
  cpSync(join(ROOT, 'examples/node/index.mjs'), join(dir, 'index.mjs'));
  sizes.nodeInstall = total(filesOf(join(dir, 'node_modules')));
  assert.deepEqual(readdirSync(join(dir, 'node_modules')).sort(), ['.package-lock.json', 'cipherlens', 'comlink']);
  // The README's quick start, copied as a reader would.
  writeFileSync(join(dir, 'quick-start.mjs'), quickStart(join(dir, 'node_modules/cipherlens/README.md')));
  assert.equal(run('node', ['quick-start.mjs'], dir), 'a photo 9437184\nAUTH_FAILED\n');
  const out = run('node', ['index.mjs'], dir);
  assert.match(out, /^blob: a photo$/m);
  assert.match(out, /^worker: in a worker$/m);
  assert.match(out, /^stream: round trip ok$/m);
  // The crypto entry resolves without onnxruntime-web; the search entry names what is missing.
  const probe = "import('cipherlens/search').then((m) => m.loadOrt()).catch((e) => console.log(e.code ?? e.message))";
  assert.match(run('node', ['--input-type=module', '-e', probe], dir), /ERR_MODULE_NOT_FOUND|onnxruntime-web/);
});

let web;
test('web project: Node search from model paths, strict TypeScript consumer', () => {
  web = project('web', {
    'onnxruntime-web': pinned('onnxruntime-web'),
    vite: pinned('vite'),
    esbuild: pinned('esbuild'),
    webpack: pinned('webpack'),
    // The docs examples' Node blocks (build scripts) type-check against Node's types.
    '@types/node': JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version,
  });
  sizes.webInstall = total(filesOf(join(web, 'node_modules')));
  const models = join(web, 'models');
  mkdirSync(models);
  for (const [as, from] of Object.entries(MODELS)) cpSync(join(ROOT, 'build/models', from), join(models, as));
  cpSync(join(ROOT, 'examples/node/index.mjs'), join(web, 'index.mjs'));
  const out = run('node', ['index.mjs', './models'], web); // a relative path, resolved against the working directory
  assert.match(out, /^search: best match for "red" is photo 1$/m);

  // Without jpeg-js installed, indexFiles stops at once with the install hint (it used to report
  // every file as a bad image and resolve).
  const red = jpeg.encode({ data: new Uint8Array(32 * 32 * 4).fill(200), width: 32, height: 32 }, 90).data;
  writeFileSync(join(web, 'red.jpg'), red);
  writeFileSync(
    join(web, 'no-jpeg-js.mjs'),
    `import { readFileSync } from 'node:fs';
import { loadCore, createSearch } from 'cipherlens/search';
const search = await createSearch(await loadCore(), { textModel: './models/text.onnx', imageModel: './models/image.onnx' });
const bytes = new Uint8Array(readFileSync('red.jpg'));
const files = [1, 2, 3].map((fileId) => ({ fileId, bytes }));
search.indexFiles(files).then((r) => console.log('resolved', r.indexed, r.failed.length), (e) => console.log('rejected', e.message));`,
  );
  assert.equal(
    run('node', ['no-jpeg-js.mjs'], web).trim(),
    'rejected cipherlens: decoding images in Node needs the jpeg-js package (npm i jpeg-js)',
  );

  cpSync(join(ROOT, 'tests/package/consumer'), join(web, 'consumer'), { recursive: true });
  run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(web, 'consumer')], web);
});

/**
 * Loads a built app in Chromium under the strict policy (and cross-origin isolated if asked, so
 * ONNX Runtime may start threads); resolves to what its page reports. `requests` receives every
 * path the page and its workers asked for.
 */
async function loadInChromium(dist, { isolated = false, requests = [] } = {}) {
  const server = await serveStatic(dist, { isolated });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/`);
    const out = page.locator('#out[data-done]');
    await out.waitFor({ timeout: 240_000 });
    const text = await out.textContent();
    assert.equal(await out.getAttribute('data-done'), 'ok', text);
    assert.deepEqual(errors, []);
    assert.deepEqual(server.violations, [], 'no Content-Security-Policy violation');
    requests.push(...server.requests);
    return JSON.parse(text);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Builds an app in the web project with Vite's default configuration: a copy of examples/`from`
 *  (if given) plus the files in `write`, with the test models in public/models/ if asked. */
function viteBuild(name, { from = name, models = false, write = {} } = {}) {
  const app = join(web, name);
  if (from)
    cpSync(join(ROOT, 'examples', from), app, { recursive: true, filter: (f) => !/node_modules|dist/.test(relative(ROOT, f)) });
  for (const [path, text] of Object.entries(write)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  if (models) {
    mkdirSync(join(app, 'public/models'), { recursive: true });
    for (const [as, from] of Object.entries(MODELS)) cpSync(join(ROOT, 'build/models', from), join(app, 'public/models', as));
  }
  const log = runLogged('node', [join(web, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
  // Node-only imports stay out of a browser build without a word from Vite.
  assert.doesNotMatch(log, /externalized for browser compatibility/);
  const files = filesOf(join(app, 'dist')).filter((f) => !f.path.startsWith('models/'));
  sizes[name] = { bytes: total(files), files: Object.fromEntries(files.map((f) => [f.path, f.bytes])) };
  return { dist: join(app, 'dist'), files };
}

/** Asserts a crypto-only build emitted no search code, no full core and no ONNX Runtime. */
function assertCryptoOnly(dist, files) {
  assert.deepEqual(
    files.filter((f) => ORT_FILE.test(f.path) || FULL_CORE_FILE.test(f.path) || /search/.test(f.path)),
    [],
  );
  for (const f of files.filter((f) => f.path.endsWith('.js'))) {
    const code = readFileSync(join(dist, f.path), 'utf8');
    for (const marker of ['onnxruntime', 'models.ente.com', 'cipherlens.wasm', 'search-worker']) {
      assert.ok(!code.includes(marker), `${f.path} contains '${marker}'`);
    }
  }
}

/** The number of times the page or a worker loaded a file whose path matches `pattern`. */
const loads = (requests, pattern) => requests.filter((p) => pattern.test(p)).length;

test('Vite, default configuration: crypto, worker, stream and search on 2 ORT threads under the strict CSP', async () => {
  const { dist, files } = viteBuild('vite', { models: true });
  // Node's image decoders (optional peers, '#node-image') stay out of browser bundles.
  for (const f of files.filter((f) => f.path.endsWith('.js'))) {
    const code = readFileSync(join(dist, f.path), 'utf8');
    for (const marker of ['JpegImage', 'Invalid file signature', 'jpeg-js', 'pngjs']) {
      assert.ok(!code.includes(marker), `${f.path} contains '${marker}'`);
    }
  }
  assert.ok(
    files.some((f) => /search-worker/.test(f.path) && readFileSync(join(dist, f.path), 'utf8').includes('createImageBitmap')),
    'the search worker holds the browser decoder',
  );
  // Cross-origin isolated, so ONNX Runtime starts the thread numThreads: 2 asks for. Vite inlines
  // ORT into the search worker's bundle, and ORT starts its thread from that same file.
  const requests = [];
  const result = await loadInChromium(dist, { isolated: true, requests });
  assert.deepEqual(result, {
    crypto: 'a photo',
    blobBytes: 7 + 17,
    worker: 'in a worker',
    stream: true,
    search: 1,
    isolated: true,
  });
  assert.ok(loads(requests, /search-worker/) >= 2, `the search worker and ORT's thread: ${requests.join(' ')}`);
});

test('Vite, crypto only: a worker pool and a stream, no search code or ONNX Runtime emitted', async () => {
  const { dist, files } = viteBuild('vite-crypto');
  assertCryptoOnly(dist, files);
  assert.ok(
    files.some((f) => /cipherlens-crypto(-[\w-]{8})?\.wasm$/.test(f.path)),
    'the crypto core emitted',
  );
  const result = await loadInChromium(dist);
  assert.deepEqual(result, { crypto: 'a photo', worker: 'abc', stream: true });
});

test('Vite: the README quick start, copied into a page, runs under the strict CSP (crypto only)', async () => {
  const { dist, files } = viteBuild('vite-readme', {
    from: null,
    write: {
      'index.html': '<!doctype html><meta charset="utf-8"><pre id="out"></pre><script type="module" src="/src/main.js"></script>',
      // What the quick start logs, and any failure, shown on the page for the test to read.
      'src/report.js': `export const lines = [];
const out = document.querySelector('#out');
const log = console.log;
console.log = (...args) => { lines.push(args.join(' ')); log(...args); };
const fail = (e) => { out.textContent = String(e?.reason ?? e?.error ?? e); out.dataset.done = 'error'; };
addEventListener('error', fail);
addEventListener('unhandledrejection', fail);`,
      'src/quick-start.js': quickStart(join(web, 'node_modules/cipherlens/README.md')),
      'src/main.js': `import { lines } from './report.js';
import './quick-start.js';
const out = document.querySelector('#out');
out.textContent = JSON.stringify(lines);
out.dataset.done = 'ok';`,
    },
  });
  assertCryptoOnly(dist, files);
  assert.deepEqual(await loadInChromium(dist), ['a photo 9437184', 'AUTH_FAILED']);
});

test('esbuild, crypto only: works under the strict CSP and holds no search code or ONNX Runtime', async () => {
  const app = join(web, 'esbuild');
  cpSync(join(ROOT, 'examples/esbuild'), app, { recursive: true, filter: (f) => !/node_modules|dist/.test(relative(ROOT, f)) });
  run('node', ['build.mjs'], app);
  const files = filesOf(join(app, 'dist'));
  sizes.esbuild = { bytes: total(files), files: Object.fromEntries(files.map((f) => [f.path, f.bytes])) };
  assertCryptoOnly(join(app, 'dist'), files);
  const result = await loadInChromium(join(app, 'dist'));
  assert.deepEqual(result, { crypto: 'a photo', worker: 'in a worker', stream: true });
});

/** Copies examples/`name` into the web project with the test models in models/, and runs its build.mjs. */
function exampleBuild(name) {
  const app = join(web, name);
  cpSync(join(ROOT, 'examples', name), app, { recursive: true, filter: (f) => !/node_modules|dist/.test(relative(ROOT, f)) });
  const log = runLogged('node', ['build.mjs'], app);
  mkdirSync(join(app, 'dist/models'), { recursive: true });
  for (const [as, from] of Object.entries(MODELS)) cpSync(join(ROOT, 'build/models', from), join(app, 'dist/models', as));
  const files = filesOf(join(app, 'dist')).filter((f) => !f.path.startsWith('models/'));
  sizes[name] = { bytes: total(files), files: Object.fromEntries(files.map((f) => [f.path, f.bytes])) };
  return { dist: join(app, 'dist'), log };
}

test('esbuild: search on 2 ORT threads under the strict CSP (ORT bundled into the worker)', async () => {
  const { dist } = exampleBuild('esbuild-search');
  const requests = [];
  const result = await loadInChromium(dist, { isolated: true, requests });
  assert.deepEqual(result, { isolated: true, search: 1 });
  assert.ok(loads(requests, /search-worker/) >= 2, `the search worker and ORT's thread: ${requests.join(' ')}`);
});

test('webpack 5, default configuration: crypto and search on 2 ORT threads under the strict CSP', async () => {
  const { dist, log } = exampleBuild('webpack');
  assert.doesNotMatch(log, /WARNING|ERROR/);
  const requests = [];
  const result = await loadInChromium(dist, { isolated: true, requests });
  assert.deepEqual(result, { crypto: 'a photo', isolated: true, search: 1 });
  // webpack emits ORT's own module for its threads: loaded by the worker, then by the thread.
  assert.ok(loads(requests, /\.m?js$/) >= 4, `page, search worker, ORT and ORT's thread: ${requests.join(' ')}`);
});

test('the package README: every link absolute, into the repository package.json names', () => {
  const installed = join(web, 'node_modules/cipherlens');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  assert.ok(pkg.homepage.startsWith(repo), `homepage ${pkg.homepage} in ${repo}`);
  const readme = readFileSync(join(installed, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length > 5);
  // On the registry a relative link leads nowhere: every one is absolute, and the repository's own
  // files are linked where package.json says the repository is.
  assert.deepEqual(
    links.filter((l) => !/^https:\/\//.test(l)),
    [],
  );
  for (const l of links.filter((l) => /cipherlens/.test(l))) assert.ok(l.startsWith(repo), `${l} is under ${repo}`);
  for (const doc of links.filter((l) => l.startsWith(`${repo}/blob/main/`))) {
    const path = doc.slice(`${repo}/blob/main/`.length).replace(/#.*$/, '');
    assert.ok(existsSync(join(ROOT, path)), `${doc}: ${path} exists in the repository`);
  }
});

test('every js/ts example of the READMEs and docs/ type-checks under strict TypeScript', () => {
  const dir = join(web, 'doc-examples');
  mkdirSync(join(dir, 'blocks'), { recursive: true });
  cpSync(join(ROOT, 'tests/package/doc-examples'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const sources = [
    join(web, 'node_modules/cipherlens/README.md'), // as published
    join(ROOT, 'README.md'),
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(ROOT, 'docs', f)),
  ];
  let count = 0;
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^```(js|ts)\n([^]*?)^```/gm)) {
      const line = text.slice(0, m.index).split('\n').length + 1;
      const name = `${relative(ROOT, file)
        .replace(/^\.\.\/.*node_modules\//, '')
        .replace(/\W+/g, '_')}_L${line}.${m[1] === 'ts' ? 'mts' : 'mjs'}`;
      writeFileSync(join(dir, 'blocks', name), `${m[2]}\nexport {};\n`); // each a module of its own
      count++;
    }
  }
  assert.ok(count >= 30, `${count} examples`);
  const r = spawnSync('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: web, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

test('a new Vite project following only the package README: crypto and search on 2 ORT threads in Chromium under the strict CSP', async () => {
  const app = project('readme-vite', { 'onnxruntime-web': pinned('onnxruntime-web'), vite: pinned('vite') });
  const readme = readFileSync(join(app, 'node_modules/cipherlens/README.md'), 'utf8');
  const section = /## Search in a Vite app\n([^]*?)\n## /.exec(readme)[1];
  // Step 1: the models in public/models/ under the names the README uses.
  mkdirSync(join(app, 'public/models'), { recursive: true });
  for (const [as, from] of Object.entries(MODELS)) cpSync(join(ROOT, 'build/models', from), join(app, 'public/models', as));
  // Step 2: index.html as it says, and its src/main.js as written.
  const [, html, script] = /An `index.html` with `([^`]+)` and `([^`]+)`/.exec(section);
  writeFileSync(join(app, 'index.html'), `<!doctype html>\n<meta charset="utf-8">\n${html}\n${script}\n`);
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src/main.js'), /```js\n([^]*?)```/.exec(section)[1]);
  // Step 3: a default build, served with the headers the README gives.
  const log = runLogged('node', [join(app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
  assert.doesNotMatch(log, /externalized for browser compatibility/);
  const headers = /```\n(Content-Security-Policy[^]*?)```/.exec(section)[1].trim().split('\n');
  assert.deepEqual(headers, [
    `Content-Security-Policy: ${STRICT_CSP}`,
    'Cross-Origin-Opener-Policy: same-origin',
    'Cross-Origin-Embedder-Policy: require-corp',
  ]);
  const server = await serveStatic(join(app, 'dist'), { isolated: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('#out')?.textContent, null, { timeout: 240_000 });
    const expected = /The page shows `([^`]+)`/.exec(section)[1];
    assert.equal(await page.locator('#out').textContent(), expected);
    assert.deepEqual(errors, []);
    assert.deepEqual(server.violations, [], 'no Content-Security-Policy violation');
    assert.ok(loads(server.requests, /search-worker/) >= 2, `ORT's thread started: ${server.requests.join(' ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
});
