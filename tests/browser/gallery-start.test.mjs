// What `npm start` runs (server/main.mjs over this repository, after the build) serves the built
// app (build/app) and nothing else of the repository: not .git, node_modules, package.json or
// the app's unbundled sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The team's strict policy, word for word.
const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:";
const MAIN = fileURLToPath(new URL('../../server/main.mjs', import.meta.url));

test('npm start serves build/app only', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gallery-start-'));
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /gallery server: (http:\/\/\S+?)\/ /.exec(out);
        if (m) ok(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`server/main.mjs exited (${code}): ${out}`)));
    });
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>cipherlens photos<\/title>/);
    assert.equal(page.headers.get('content-security-policy'), POLICY);
    assert.equal((await fetch(`${url}/app.js`)).status, 200);
    for (const path of [
      '/.git/config',
      '/.git/HEAD',
      '/node_modules/fast-srp-hap/package.json',
      '/package.json',
      '/app/src/main.tsx',
      '/client/src/index.ts',
      '/contract/routes.mjs',
      '/server/app.mjs',
      '/js/dist/index.js',
      '/build/app/index.html',
    ]) {
      const res = await fetch(url + path);
      assert.equal(res.status, 404, path);
      await res.arrayBuffer();
    }
  } finally {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
