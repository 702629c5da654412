// core.b64: the base64 variants Ente uses, compared with libsodium.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';

const { ORIGINAL, URLSAFE_NO_PADDING } = sodium.base64_variants;

test('encode/decode match libsodium.js for every length 0..300', () => {
  for (let n = 0; n <= 300; n++) {
    const b = randomBytes(n);
    const std = core.b64.encode(b);
    const url = core.b64.encodeURLSafe(b);
    assert.equal(std, sodium.to_base64(b, ORIGINAL));
    assert.equal(url, sodium.to_base64(b, URLSAFE_NO_PADDING));
    assert.equal(std, Buffer.from(b).toString('base64'));
    assert.deepEqual(core.b64.decode(std), b);
    assert.deepEqual(core.b64.decodeURLSafe(url), b);
  }
});

test('bad base64 is BAD_INPUT wherever libsodium.js rejects it too', () => {
  const bad = ['abc', 'ab=c', 'a===', '!!!!', 'YWJj ', ' YWJj', 'YW\nJj', '-_8=', 'YWJjZA', 'YWJjZA=', 'YWJjZA==='];
  for (const s of bad) {
    assert.throws(() => sodium.from_base64(s, ORIGINAL), undefined, `libsodium.js accepted ${JSON.stringify(s)}`);
    const e = catchCoreError(() => core.b64.decode(s));
    assert.equal(e.code, 'BAD_INPUT', s);
    assert.match(e.message, /base64/);
  }
  for (const s of ['+/8', 'YWJj=', 'YWJjZA==']) {
    assert.throws(() => sodium.from_base64(s, URLSAFE_NO_PADDING));
    assert.equal(catchCoreError(() => core.b64.decodeURLSafe(s)).code, 'BAD_INPUT', s);
  }
  assert.equal(catchCoreError(() => core.b64.decode(42)).code, 'BAD_INPUT');
});

test('text with characters beyond ASCII is BAD_INPUT, as in libsodium.js', () => {
  // Found by fuzz_base64: libsodium 1.0.18 decoded UTF-8 bytes >= 0x80 as base64 digits.
  for (const s of ['aGVs\u00e9\u00e9', 'aGV\u00ff', '\u4e00\u4e00\u4e00\u4e00', 'YWJj\u00a0']) {
    assert.throws(() => sodium.from_base64(s, ORIGINAL), undefined, `libsodium.js accepted ${JSON.stringify(s)}`);
    assert.throws(() => sodium.from_base64(s, URLSAFE_NO_PADDING));
    assert.equal(catchCoreError(() => core.b64.decode(s)).code, 'BAD_INPUT', s);
    assert.equal(catchCoreError(() => core.b64.decodeURLSafe(s)).code, 'BAD_INPUT', s);
  }
});
