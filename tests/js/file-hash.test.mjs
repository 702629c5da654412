// core.hash: Ente's file hash (BLAKE2b-512, crypto_generichash), against libsodium.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, toHex, catchCoreError, CHUNK } from './helpers.mjs';

test('hash.file equals libsodium.js crypto_generichash(64) at every interesting length', () => {
  for (const n of [0, 1, 127, 128, 129, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 3]) {
    const m = randomBytes(n);
    assert.equal(toHex(core.hash.file(m)), toHex(sodium.crypto_generichash(64, m)), `length ${n}`);
  }
});

test('an incremental hasher gives the same hash however the file is split, as Ente streams it', () => {
  const m = randomBytes(3 * CHUNK + 999);
  const expected = toHex(sodium.crypto_generichash(64, m));
  for (const piece of [1 << 20, CHUNK, 5_000_001]) {
    const h = core.hash.createHasher();
    for (let at = 0; at < m.length; at += piece) h.update(m.subarray(at, at + piece));
    h.update(new Uint8Array(0));
    assert.equal(toHex(h.digest()), expected, `pieces of ${piece}`);
  }
});

test('a finished hasher refuses more input with CLOSED; bad input is BAD_INPUT', () => {
  const h = core.hash.createHasher();
  h.digest();
  const closed = catchCoreError(() => h.update(new Uint8Array(1)));
  assert.equal(closed.code, 'CLOSED');
  assert.match(closed.message, /hasher was closed/);
  assert.match(catchCoreError(() => core.hash.file('text')).message, /bytes must be a Uint8Array/);
});
