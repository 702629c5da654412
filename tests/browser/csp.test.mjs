// The package under the strict Content-Security-Policy every page here is served with
// (scripts/serve.mjs: script-src 'self' 'wasm-unsafe-eval', no eval): both builds load on a page
// and in a module worker, the worker pool streams, and search runs. A page that does use eval is
// refused and reported, which shows the policy and its reporting are in force for the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, cspViolations } from './server.mjs';

const env = browserSuite();

test('both builds, the worker pool and a stream work without eval', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.url}/`);
  const result = await page.evaluate(async () => {
    const lib = await import('/js/dist/index.js');
    const core = await lib.loadCore();
    const crypto = await lib.loadCryptoCore();
    const key = core.generateKey();
    const { ciphertext, header } = core.blob.encrypt(new TextEncoder().encode('strict'), key);
    const opened = new TextDecoder().decode(crypto.blob.decrypt(ciphertext, header, key));
    const pool = await lib.createWorkerPool(2);
    try {
      const plain = new Uint8Array(5 * 1024 * 1024).map((_, i) => i * 7);
      const enc = core.stream.encrypt(plain, key);
      const chunks = [];
      for await (const chunk of pool.decryptStream(new Blob([enc.ciphertext]).stream(), enc.header, key)) chunks.push(chunk);
      const joined = new Uint8Array(await new Blob(chunks).arrayBuffer());
      const tokens = Array.from(core.clip.tokenize('a dog on a beach').slice(0, 8));
      return { opened, same: joined.length === plain.length && joined.every((b, i) => b === plain[i]), tokens };
    } finally {
      await pool.terminate();
    }
  });
  assert.equal(result.opened, 'strict');
  assert.ok(result.same, 'the streamed plaintext matches');
  assert.equal(result.tokens[0], 49406, 'tokenizer starts with <|startoftext|>');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page that uses eval is refused and the violation is reported', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const refused = await page.evaluate(() => import('/tests/browser/csp-eval.fixture.mjs').then((m) => m.tryEval()));
  assert.match(refused, /EvalError|unsafe-eval/);
  for (let i = 0; i < 50 && cspViolations.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(cspViolations.length, 1, 'the browser reported the refused eval');
  assert.match(JSON.stringify(cspViolations[0]), /eval/);
  cspViolations.length = 0; // expected here; any other report fails the suite
  await page.close();
});
