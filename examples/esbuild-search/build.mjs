// Bundles the page and the search worker with esbuild and copies the .wasm files beside them:
// esbuild neither emits workers nor the assets found through `new URL('…', import.meta.url)`.
// ONNX Runtime is bundled into the worker; with numThreads > 1 its threads start from that
// bundle too (the worker entry knows), and its own .wasm is looked up beside it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const file = (path) => require.resolve('cipherlens/package.json').replace(/package\.json$/, path);
const common = { bundle: true, format: 'esm', minify: true, platform: 'browser', external: ['node:*'] };

mkdirSync('dist', { recursive: true });
await build({ ...common, entryPoints: ['src/main.js'], outfile: 'dist/main.js' });
await build({ ...common, entryPoints: [file('dist/worker/search-worker.js')], outfile: 'dist/search-worker.js' });
copyFileSync(file('dist/wasm/cipherlens.wasm'), 'dist/cipherlens.wasm');
copyFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'), 'dist/ort-wasm-simd-threaded.wasm');
copyFileSync('index.html', 'dist/index.html');
