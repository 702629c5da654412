// Bundles the page and the crypto worker with esbuild and copies the crypto core's .wasm beside
// them (esbuild does not follow `new Worker(new URL(…))` or `new URL('x.wasm', import.meta.url)`).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = (path) =>
  createRequire(import.meta.url)
    .resolve(`cipherlens/package.json`)
    .replace(/package\.json$/, path);
const common = { bundle: true, format: 'esm', minify: true, platform: 'browser', external: ['node:*'] };

mkdirSync('dist', { recursive: true });
await build({ ...common, entryPoints: ['src/main.js'], outfile: 'dist/main.js' });
await build({ ...common, entryPoints: [pkg('dist/worker/crypto-worker.js')], outfile: 'dist/crypto-worker.js' });
copyFileSync(pkg('dist/wasm/cipherlens-crypto.wasm'), 'dist/cipherlens-crypto.wasm');
copyFileSync('index.html', 'dist/index.html');
