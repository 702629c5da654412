// core.secretbox: XSalsa20-Poly1305 with a random nonce (Ente's key wrapping).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

test('round trip at several lengths, fresh nonce each time', () => {
  const key = randomBytes(32);
  for (const n of [0, 1, 16, 32, 1000, 65537]) {
    const m = randomBytes(n);
    const a = core.secretbox.encrypt(m, key);
    const b = core.secretbox.encrypt(m, key);
    assert.equal(a.ciphertext.length, n + 16);
    assert.equal(a.nonce.length, 24);
    assert.notDeepEqual(a.nonce, b.nonce);
    assert.deepEqual(core.secretbox.decrypt(a.ciphertext, a.nonce, key), m);
  }
});

test('interop with libsodium.js both ways', () => {
  const key = randomBytes(32);
  const m = randomBytes(321);
  const ours = core.secretbox.encrypt(m, key);
  assert.deepEqual(sodium.crypto_secretbox_open_easy(ours.ciphertext, ours.nonce, key), m);
  const nonce = randomBytes(24);
  const theirs = sodium.crypto_secretbox_easy(m, nonce, key);
  assert.deepEqual(core.secretbox.decrypt(theirs, nonce, key), m);
});

test('wrong key, tampering and truncation are typed errors', () => {
  const key = randomBytes(32);
  const { ciphertext, nonce } = core.secretbox.encrypt(randomBytes(40), key);
  assert.equal(catchCoreError(() => core.secretbox.decrypt(ciphertext, nonce, randomBytes(32))).code, 'AUTH_FAILED');
  for (const i of [0, 15, 16, ciphertext.length - 1]) {
    const t = ciphertext.slice();
    t[i] ^= 0x80;
    assert.equal(catchCoreError(() => core.secretbox.decrypt(t, nonce, key)).code, 'AUTH_FAILED');
  }
  const badNonce = nonce.slice();
  badNonce[3] ^= 1;
  assert.equal(catchCoreError(() => core.secretbox.decrypt(ciphertext, badNonce, key)).code, 'AUTH_FAILED');
  assert.equal(catchCoreError(() => core.secretbox.decrypt(ciphertext.subarray(0, 15), nonce, key)).code, 'TRUNCATED');
  record(
    'secretbox.decrypt',
    'wrong key; a bit flipped in MAC, ciphertext or nonce',
    'CoreError AUTH_FAILED',
    'no plaintext returned',
  );
  record('secretbox.decrypt', 'ciphertext shorter than its 16-byte MAC', 'CoreError TRUNCATED');
});

test('bad lengths and types name the argument', () => {
  const key = randomBytes(32);
  const { ciphertext, nonce } = core.secretbox.encrypt(randomBytes(8), key);
  let e = catchCoreError(() => core.secretbox.encrypt(randomBytes(8), key.subarray(0, 31)));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /key must be 32 bytes, got 31/);
  e = catchCoreError(() => core.secretbox.decrypt(ciphertext, nonce.subarray(0, 12), key));
  assert.match(e.message, /nonce must be 24 bytes/);
  e = catchCoreError(() => core.secretbox.encrypt('hello', key));
  assert.match(e.message, /message must be a Uint8Array/);
});
