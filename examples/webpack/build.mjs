// Bundles the page with webpack 5's defaults (production mode): it follows
// `new Worker(new URL('…', import.meta.url))` and `new URL('x.wasm', import.meta.url)` by itself,
// so the search worker, the core's .wasm and ONNX Runtime's files are emitted with no
// configuration beyond where the page's script is.
import webpack from 'webpack';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const compiler = webpack({
  mode: 'production',
  entry: './src/main.js',
  output: { path: resolve('dist'), filename: 'main.js', clean: true },
  // The .wasm files (the core, ONNX Runtime) are above webpack's size hint by nature.
  performance: { hints: false },
});
const stats = await new Promise((ok, fail) => compiler.run((e, s) => (e ? fail(e) : ok(s))));
await new Promise((ok) => compiler.close(ok));
if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
if (stats.hasWarnings()) console.warn(stats.toString('errors-warnings'));
mkdirSync('dist', { recursive: true });
copyFileSync('index.html', 'dist/index.html');
