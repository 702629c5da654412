// The client's SRP (client/src/account/srp.ts: fast-srp-hap, bundled for the browser with the
// shims in app/shims/ as the app's SRP worker is) against fast-srp-hap in Node, the server's
// side: the verifier computed in the page is the one Node computes, and a login in the page
// passes Node's SrpServer (M1 and M2), while a wrong login subkey fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { SRP, SrpServer } from 'fast-srp-hap';
import { NODE_SHIMS } from '../../scripts/build-app.mjs';
import { browserSuite } from './server.mjs';

const bundle = (
  await build({
    entryPoints: [new URL('../../client/src/account/srp.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    ...NODE_SHIMS,
  })
).outputFiles[0].text;

const env = browserSuite({
  '/srp.js': async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(bundle);
  },
});

const PARAMS = SRP.params['4096'];
const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (h) => Buffer.from(h, 'hex');

test("the page's SRP verifier and login interoperate with fast-srp-hap in Node", async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const subKey = randomBytes(16);
  const setup = await page.evaluate(async (k) => {
    const { srpSetup } = await import('/srp.js');
    const fromHex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
    const toHex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    const s = srpSetup(fromHex(k));
    return { srpUserID: s.srpUserID, salt: toHex(s.srpSalt), verifier: toHex(s.srpVerifier) };
  }, hex(subKey));
  assert.match(setup.srpUserID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(unhex(setup.salt).length, 16);
  assert.equal(setup.verifier, hex(SRP.computeVerifier(PARAMS, unhex(setup.salt), Buffer.from(setup.srpUserID), subKey)));

  // A login: A from the page, B from Node, M1 from the page checked by Node, M2 checked by the page.
  async function login(key) {
    await page.evaluate(
      async ({ id, salt, k }) => {
        const { srpLogin } = await import('/srp.js');
        const fromHex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
        window.login = srpLogin(id, fromHex(salt), fromHex(k));
      },
      { id: setup.srpUserID, salt: setup.salt, k: hex(key) },
    );
    const server = new SrpServer(PARAMS, unhex(setup.verifier), await SRP.genKey(32));
    server.setA(unhex(await page.evaluate(() => [...window.login.A()].map((x) => x.toString(16).padStart(2, '0')).join(''))));
    const m1 = await page.evaluate((B) => {
      const m = window.login.M1(Uint8Array.from(B.match(/../g), (x) => parseInt(x, 16)));
      return [...m].map((x) => x.toString(16).padStart(2, '0')).join('');
    }, hex(server.computeB()));
    let m2;
    try {
      server.checkM1(unhex(m1));
      m2 = server.computeM2();
    } catch {
      return 'server refused';
    }
    return page.evaluate((M2) => {
      window.login.checkM2(Uint8Array.from(M2.match(/../g), (x) => parseInt(x, 16)));
      return 'both proved';
    }, hex(m2));
  }
  assert.equal(await login(subKey), 'both proved');
  const wrong = Buffer.from(subKey);
  wrong[0] ^= 1;
  assert.equal(await login(wrong), 'server refused');
  await page.close();
});
