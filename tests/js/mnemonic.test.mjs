// core.mnemonic (Ente's recovery key) and core.verificationId, against @scure/bip39 as an
// independent BIP39 implementation (official vectors are in vectors.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { createHash } from 'node:crypto';
import { core, randomBytes, toHex, catchCoreError } from './helpers.mjs';

test('fromKey/toKey agree with @scure/bip39 on random keys and all entropy sizes', () => {
  for (let i = 0; i < 200; i++) {
    const key = randomBytes(32);
    const words = core.mnemonic.fromKey(key);
    assert.equal(words, entropyToMnemonic(key, wordlist));
    assert.equal(words.split(' ').length, 24);
    assert.deepEqual(core.mnemonic.toKey(words), key);
  }
  for (const n of [16, 20, 24, 28, 32]) {
    const e = randomBytes(n);
    assert.equal(core.mnemonic.fromEntropy(e), entropyToMnemonic(e, wordlist));
    assert.deepEqual(core.mnemonic.toEntropy(core.mnemonic.fromEntropy(e)), e);
  }
});

test('toKey collapses whitespace, ignores case, accepts a word array and the legacy hex key', () => {
  const key = randomBytes(32);
  const words = core.mnemonic.fromKey(key);
  assert.deepEqual(core.mnemonic.toKey(`  ${words.toUpperCase().split(' ').join(' \n\t ')}  `), key);
  assert.deepEqual(core.mnemonic.toKey(words.split(' ')), key);
  assert.deepEqual(core.mnemonic.toKey(toHex(key)), key);
});

test('bad recovery phrases are BAD_INPUT saying what is wrong', () => {
  const words = core.mnemonic.fromKey(randomBytes(32)).split(' ');
  let e = catchCoreError(() => core.mnemonic.toKey(words.slice(0, 23)));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /expected 24 words, got 23/);
  e = catchCoreError(() => core.mnemonic.toKey([...words.slice(0, 5), 'notaword', ...words.slice(6)]));
  assert.match(e.message, /word 6 is not in the BIP39 English wordlist/);
  assert.doesNotMatch(e.message, /notaword/);
  // Swapping two different words almost always breaks the checksum.
  let checksumFailures = 0;
  for (let i = 0; i < 20; i++) {
    const w = core.mnemonic.fromKey(randomBytes(32)).split(' ');
    if (w[0] === w[1]) continue;
    [w[0], w[1]] = [w[1], w[0]];
    try {
      core.mnemonic.toKey(w);
    } catch (err) {
      assert.equal(err.code, 'BAD_INPUT');
      assert.match(err.message, /checksum/);
      checksumFailures++;
    }
  }
  assert.ok(checksumFailures >= 15);
  assert.match(catchCoreError(() => core.mnemonic.fromKey(randomBytes(16))).message, /key must be 32 bytes/);
  assert.match(catchCoreError(() => core.mnemonic.fromEntropy(randomBytes(17))).message, /16, 20, 24, 28 or 32 bytes/);
  assert.equal(catchCoreError(() => core.mnemonic.toEntropy('')).code, 'BAD_INPUT');
});

test('verificationId is the BIP39 phrase of SHA-256(publicKey)', () => {
  for (let i = 0; i < 20; i++) {
    const { publicKey } = core.box.keypair();
    const hash = createHash('sha256').update(publicKey).digest();
    assert.equal(core.verificationId(publicKey), entropyToMnemonic(hash, wordlist));
  }
  assert.match(catchCoreError(() => core.verificationId(new Uint8Array(31))).message, /publicKey must be 32 bytes/);
});
