// core.blob: one secretstream message tagged FINAL (Ente's metadata, thumbnails, ML data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

const TAG_MESSAGE = 0;
const TAG_FINAL = 3;

test('round trip; ciphertext is plaintext + 17; header is 24 bytes', () => {
  const key = randomBytes(32);
  for (const n of [0, 1, 17, 4096, 200_000]) {
    const m = randomBytes(n);
    const { ciphertext, header } = core.blob.encrypt(m, key);
    assert.equal(ciphertext.length, n + 17);
    assert.equal(header.length, 24);
    assert.deepEqual(core.blob.decrypt(ciphertext, header, key), m);
  }
});

test('ours opens with libsodium.js as one FINAL message, and theirs with ours', () => {
  const key = randomBytes(32);
  const m = randomBytes(5000);
  const ours = core.blob.encrypt(m, key);
  const st = sodium.crypto_secretstream_xchacha20poly1305_init_pull(ours.header, key);
  const r = sodium.crypto_secretstream_xchacha20poly1305_pull(st, ours.ciphertext);
  assert.equal(r.tag, TAG_FINAL);
  assert.deepEqual(r.message, m);

  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const theirs = sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, TAG_FINAL);
  assert.deepEqual(core.blob.decrypt(theirs, header, key), m);
});

test('strict decrypt rejects a non-FINAL tag; decryptLegacy accepts it', () => {
  const key = randomBytes(32);
  const m = randomBytes(64);
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const c = sodium.crypto_secretstream_xchacha20poly1305_push(state, m, null, TAG_MESSAGE);
  const e = catchCoreError(() => core.blob.decrypt(c, header, key));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /FINAL/);
  assert.deepEqual(core.blob.decryptLegacy(c, header, key), m);
});

test('wrong key, tampering, truncation and bad lengths', () => {
  const key = randomBytes(32);
  const { ciphertext, header } = core.blob.encrypt(randomBytes(100), key);
  assert.equal(catchCoreError(() => core.blob.decrypt(ciphertext, header, randomBytes(32))).code, 'AUTH_FAILED');
  const t = ciphertext.slice();
  t[50] ^= 4;
  assert.equal(catchCoreError(() => core.blob.decrypt(t, header, key)).code, 'AUTH_FAILED');
  assert.equal(catchCoreError(() => core.blob.decrypt(ciphertext.subarray(0, 99), header, key)).code, 'AUTH_FAILED');
  assert.equal(catchCoreError(() => core.blob.decrypt(ciphertext.subarray(0, 16), header, key)).code, 'TRUNCATED');
  assert.match(catchCoreError(() => core.blob.decrypt(ciphertext, header.subarray(1), key)).message, /header must be 24 bytes/);
  assert.match(catchCoreError(() => core.blob.encrypt(randomBytes(3), new Uint8Array(16))).message, /key must be 32 bytes/);
  record('blob.decrypt', 'wrong key; a bit flipped; the last byte cut off', 'CoreError AUTH_FAILED', 'no plaintext returned');
  record('blob.decrypt', '16 bytes (shorter than the 17-byte overhead)', 'CoreError TRUNCATED');
});
