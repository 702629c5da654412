// Builds the gallery app into build/app/ (what `npm start` serves, and nothing else) and the
// client for Node into build/client/ (what the server tests and load drivers import). The page's
// TypeScript and JSX (app/src) and the worker entries are bundled by esbuild (it does not follow
// `new Worker(new URL())` or `new URL('x.wasm')`, so the workers are entries of their own and the
// .wasm files are copied beside them; the page says where they are). fast-srp-hap is CommonJS
// written for Node: the browser bundles get small shims for the parts of Node it uses
// (app/shims/). Type-checking is the lint layer's (tsc -p app), not esbuild's.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}build/app/`;
const at = (path) => `${root}${path}`;

// The test models the build generates (colour words); see app/src/search.ts.
const MODELS = ['test_text.onnx', 'test_image_rgba.onnx'];
// The small face models that find the generated faces of the tests (app/src/people.ts).
const FACE_MODELS = ['face_detector_demo.onnx', 'face_embedder_demo.onnx'];
const ORT_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const STATIC = ['index.html', 'theme.css', 'style.css', 'gallery.css', 'library.css', 'layout.css'];

/** esbuild options that let Node-only CommonJS (fast-srp-hap) run in the page: app/shims/. */
export const NODE_SHIMS = {
  alias: { crypto: at('app/shims/crypto.ts'), assert: at('app/shims/assert.ts') },
  inject: [at('app/shims/buffer.ts')],
};
const common = {
  bundle: true,
  format: 'esm',
  minify: true,
  platform: 'browser',
  target: 'es2022',
  external: ['node:*'],
  logLevel: 'warning',
  jsx: 'automatic',
  jsxImportSource: 'preact',
};

export async function buildApp() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(`${out}models`, { recursive: true });
  mkdirSync(`${out}ort`, { recursive: true });
  await build({ ...common, entryPoints: [at('app/src/main.tsx')], outfile: `${out}app.js` });
  // SRP's big-number steps run in a worker of their own (app/src/srp/worker.ts), with the shims.
  await build({ ...common, entryPoints: [at('app/src/srp/worker.ts')], outfile: `${out}srp-worker.js`, ...NODE_SHIMS });
  await build({ ...common, entryPoints: [at('js/dist/worker/crypto-worker.js')], outfile: `${out}crypto-worker.js` });
  // Ente's file hash of picked files, read in pieces off the main thread (app/src/hash/).
  await build({ ...common, entryPoints: [at('app/src/hash/worker.ts')], outfile: `${out}hash-worker.js` });
  // The download service worker (a classic script: every browser runs those as service workers).
  await build({ ...common, format: 'iife', entryPoints: [at('app/src/download/sw.ts')], outfile: `${out}download-sw.js` });
  // HEIC/HEIF decoding (libheif-js): a classic worker, as Emscripten's glue tells a worker by
  // importScripts; its Node-only branch's require('fs') stays an unused import.
  await build({
    ...common,
    format: 'iife',
    external: ['fs', 'path'],
    entryPoints: [at('app/src/heif/worker.ts')],
    outfile: `${out}heif-worker.js`,
  });
  mkdirSync(`${out}heif`, { recursive: true });
  copyFileSync(at('node_modules/libheif-js/libheif-wasm/libheif.wasm'), `${out}heif/libheif.wasm`);
  await build({ ...common, entryPoints: [at('js/dist/worker/search-worker.js')], outfile: `${out}search-worker.js` });
  await build({ ...common, entryPoints: [at('js/dist/worker/face-worker.js')], outfile: `${out}face-worker.js` });
  for (const f of ['cipherlens-crypto.wasm', 'cipherlens.wasm']) copyFileSync(at(`js/dist/wasm/${f}`), out + f);
  for (const f of ORT_FILES) copyFileSync(at(`node_modules/onnxruntime-web/dist/${f}`), `${out}ort/${f}`);
  for (const f of MODELS) copyFileSync(at(`build/models/${f}`), `${out}models/${f}`);
  for (const f of FACE_MODELS) copyFileSync(at(`build/models/faces/${f}`), `${out}models/${f}`);
  for (const f of STATIC) copyFileSync(at(`app/${f}`), out + f);
  // PhotoSwipe's stylesheet, served as a file (the CSP refuses injected styles).
  copyFileSync(at('node_modules/photoswipe/dist/photoswipe.css'), `${out}photoswipe.css`);
  console.log(`build: the gallery app in ${out}`);
}

/** The client for Node (client/src/node.ts) as one ES module; its npm packages stay imports. */
export async function buildClient() {
  const file = `${root}build/client/index.mjs`;
  await build({
    entryPoints: [at('client/src/node.ts')],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`build: the client for Node in ${file}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildApp();
  await buildClient();
}
