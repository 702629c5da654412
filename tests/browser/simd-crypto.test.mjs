// The wasm SIMD128 crypto paths in headless Chromium give the same bytes as libsodium.js in
// Node: ChaCha20 keystream and Poly1305 at every length 0..1100, secretstream blobs, Argon2id;
// and inside the browser the SIMD and scalar reference paths agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchChromium } from './server.mjs';
import sodium from 'libsodium-wrappers-sumo';
import { randomBytes } from '../js/test-random.mjs';

const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (n) => Array.from(randomBytes(n));

test('SIMD crypto in Chromium matches libsodium.js and the scalar reference', async () => {
  await sodium.ready;
  const server = await startServer();
  const { url } = server;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const cases = [];
    for (let len = 0; len <= 1100; len++)
      cases.push({ m: bytes(len), key: bytes(32), nonce: bytes(24), ic: (len * 7919) % 2 ** 31 });
    const salt = bytes(16);
    const out = await page.evaluate(
      async ({ cases, salt }) => {
        const { loadCore } = await import('/js/dist/index.js');
        const core = await loadCore();
        const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        const P = core.primitives;
        const u8 = (a) => Uint8Array.from(a);
        const r = { active: core.testing.reference.active(), stream: [], poly: [], blobs: [], mismatches: 0 };
        for (const c of cases) {
          const [m, key, nonce] = [u8(c.m), u8(c.key), u8(c.nonce)];
          const s = P.xchacha20Xor(m, nonce, c.ic, key);
          const t = P.poly1305(m, key);
          if (hex(s) !== hex(core.testing.reference.withScalar(() => P.xchacha20Xor(m, nonce, c.ic, key)))) r.mismatches++;
          if (hex(t) !== hex(core.testing.reference.withScalar(() => P.poly1305(m, key)))) r.mismatches++;
          r.stream.push(hex(s));
          r.poly.push(hex(t));
          if (c.m.length % 97 === 0) {
            const { ciphertext, header } = core.blob.encrypt(m, key);
            r.blobs.push({ len: c.m.length, c: hex(ciphertext), h: hex(header) });
          }
        }
        const k = core.deriveKey('pässword', u8(salt), 2, 1024 * 1024);
        r.argon = hex(k);
        r.argonScalar = hex(core.testing.reference.withScalar(() => core.deriveKey('pässword', u8(salt), 2, 1024 * 1024)));
        return r;
      },
      { cases, salt },
    );
    assert.deepEqual(errors, []);
    assert.equal(out.active, 'simd128');
    assert.equal(out.mismatches, 0, 'SIMD and scalar paths disagree in Chromium');
    cases.forEach((c, i) => {
      const [m, key, nonce] = [Uint8Array.from(c.m), Uint8Array.from(c.key), Uint8Array.from(c.nonce)];
      assert.equal(out.stream[i], hex(sodium.crypto_stream_xchacha20_xor_ic(m, nonce, c.ic, key)), `xchacha20 len ${i}`);
      assert.equal(out.poly[i], hex(sodium.crypto_onetimeauth(m, key)), `poly1305 len ${i}`);
    });
    assert.ok(out.blobs.length >= 11);
    for (const b of out.blobs) {
      const c = cases[b.len];
      const st = sodium.crypto_secretstream_xchacha20poly1305_init_pull(Buffer.from(b.h, 'hex'), Uint8Array.from(c.key));
      const r = sodium.crypto_secretstream_xchacha20poly1305_pull(st, Buffer.from(b.c, 'hex'));
      assert.ok(r, `libsodium.js opens the browser's blob of ${b.len} bytes`);
      assert.equal(hex(r.message), hex(c.m));
      assert.equal(r.tag, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    }
    const expected = hex(
      sodium.crypto_pwhash(32, 'pässword', Uint8Array.from(salt), 2, 1024 * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13),
    );
    assert.equal(out.argon, expected);
    assert.equal(out.argonScalar, expected);
  } finally {
    await browser.close();
    await server.close();
  }
});
