// Builds the gallery app into build/app/: what `npm start` serves, and nothing else. The page's
// JS and the worker entries are bundled by esbuild (it does not follow `new Worker(new URL())`
// or `new URL('x.wasm')`, so the workers are entries of their own and the .wasm files are copied
// beside them; the page says where they are). fast-srp-hap is CommonJS written for Node: the
// bundle gets small shims for the parts of Node it uses (web-demo/shims/).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}build/app/`;
const at = (path) => `${root}${path}`;

// The test models the build generates (colour words); see web-demo/search.js.
const MODELS = ['test_text.onnx', 'test_image_rgba.onnx'];
const ORT_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const STATIC = ['index.html', 'style.css', 'gallery.css'];

/** esbuild options that let Node-only CommonJS (fast-srp-hap) run in the page: web-demo/shims/. */
export const NODE_SHIMS = {
  alias: { crypto: at('web-demo/shims/crypto.js'), assert: at('web-demo/shims/assert.js') },
  inject: [at('web-demo/shims/buffer.js')],
};
const common = {
  bundle: true,
  format: 'esm',
  minify: true,
  platform: 'browser',
  target: 'es2022',
  external: ['node:*'],
  logLevel: 'warning',
};

export async function buildApp() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(`${out}models`, { recursive: true });
  mkdirSync(`${out}ort`, { recursive: true });
  await build({
    ...common,
    entryPoints: [at('web-demo/app.js')],
    outfile: `${out}app.js`,
    ...NODE_SHIMS,
  });
  // SRP's big-number steps run in a worker of their own (web-demo/srp-worker.js), with the shims.
  await build({ ...common, entryPoints: [at('web-demo/srp-worker.js')], outfile: `${out}srp-worker.js`, ...NODE_SHIMS });
  await build({ ...common, entryPoints: [at('js/dist/worker/crypto-worker.js')], outfile: `${out}crypto-worker.js` });
  await build({ ...common, entryPoints: [at('js/dist/worker/search-worker.js')], outfile: `${out}search-worker.js` });
  for (const f of ['cipherlens-crypto.wasm', 'cipherlens.wasm']) copyFileSync(at(`js/dist/wasm/${f}`), out + f);
  for (const f of ORT_FILES) copyFileSync(at(`node_modules/onnxruntime-web/dist/${f}`), `${out}ort/${f}`);
  for (const f of MODELS) copyFileSync(at(`build/models/${f}`), `${out}models/${f}`);
  for (const f of STATIC) copyFileSync(at(`web-demo/${f}`), out + f);
  console.log(`build: the gallery app in ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildApp();
