// Key generation and derivation: generateKey, deriveKey, deriveInteractiveKey,
// deriveSensitiveKey, deriveLoginSubKey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';
import { withSensitiveLimits, withSensitiveLimitsAsync } from '../../js/dist/crypto/keys.js';
import { CoreError } from '../../js/dist/runtime/errors.js';

const MiB = 1024 * 1024;

test('generateKey: 32 random bytes', () => {
  const a = core.generateKey();
  const b = core.generateKey();
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, b);
  // Crude sanity: 1000 keys use every byte value.
  const seen = new Set();
  for (let i = 0; i < 1000; i++) core.generateKey().forEach((x) => seen.add(x));
  assert.equal(seen.size, 256);
});

test('deriveKey equals libsodium.js crypto_pwhash Argon2id v1.3 for the same salt and limits', () => {
  for (const [pw, ops, mem] of [
    ['', 1, 8192],
    ['correct horse', 2, MiB],
    ['pässwörd ✓', 3, 8 * MiB],
    ['x'.repeat(300), 1, 64 * 1024],
  ]) {
    const salt = randomBytes(16);
    const ours = core.deriveKey(pw, salt, ops, mem);
    const theirs = sodium.crypto_pwhash(32, pw, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
    assert.deepEqual(ours, theirs, `${JSON.stringify(pw)} ${ops} ${mem}`);
  }
  // Passwords enter as UTF-8: the string and its bytes derive the same key.
  const salt = randomBytes(16);
  assert.deepEqual(core.deriveKey('ünï', salt, 1, 8192), core.deriveKey(new TextEncoder().encode('ünï'), salt, 1, 8192));
});

test('deriveInteractiveKey: ops 2, 64 MiB, random salt, reproducible with deriveKey', () => {
  const r = core.deriveInteractiveKey('hunter2');
  assert.equal(r.opsLimit, 2);
  assert.equal(r.memLimit, 64 * MiB);
  assert.equal(r.salt.length, 16);
  assert.deepEqual(r.key, sodium.crypto_pwhash(32, 'hunter2', r.salt, 2, 64 * MiB, sodium.crypto_pwhash_ALG_ARGON2ID13));
});

test("deriveSensitiveKey: Ente's first attempt (16 ops, 256 MiB) succeeds in wasm", () => {
  const r = core.deriveSensitiveKey('sign-up password');
  assert.equal(r.opsLimit, 16);
  assert.equal(r.memLimit, 256 * MiB);
  assert.deepEqual(r.key, core.deriveKey('sign-up password', r.salt, r.opsLimit, r.memLimit));
});

// Ente's policy on a device that cannot allocate `ceiling` bytes: the limits tried, and the result.
function onDevice(ceiling, run) {
  const tried = [];
  const attempt = ({ opsLimit, memLimit }, n) => {
    tried.push([n, opsLimit, memLimit / MiB]);
    if (memLimit > ceiling) throw new CoreError('OUT_OF_MEMORY', 'Argon2 cannot get its memory');
    return `key ${opsLimit}/${memLimit / MiB}`;
  };
  return run(attempt).then(
    (key) => ({ tried, key }),
    (error) => ({ tried, error }),
  );
}

for (const [name, run] of [
  ['withSensitiveLimits', async (attempt) => withSensitiveLimits(attempt)],
  ['withSensitiveLimitsAsync', (attempt) => withSensitiveLimitsAsync(async (l, n) => attempt(l, n))],
]) {
  test(`${name}: out of memory halves the memory and doubles the ops, down to 128 MiB`, async () => {
    assert.deepEqual(await onDevice(1024 * MiB, run), { tried: [[1, 16, 256]], key: 'key 16/256' });
    assert.deepEqual(await onDevice(128 * MiB, run), {
      tried: [
        [1, 16, 256],
        [2, 32, 128],
      ],
      key: 'key 32/128',
    });
    const none = await onDevice(64 * MiB, run);
    assert.deepEqual(none.tried, [
      [1, 16, 256],
      [2, 32, 128],
    ]);
    assert.equal(none.error.code, 'OUT_OF_MEMORY');
    assert.match(none.error.message, /needs 128 MiB/);
  });

  test(`${name}: any other error ends the derivation at once`, async () => {
    const tried = [];
    const badPassword = (limits, n) => {
      tried.push(n);
      throw new CoreError('BAD_INPUT', 'password must be a Uint8Array or a string');
    };
    await assert.rejects(run(badPassword), (e) => e.code === 'BAD_INPUT');
    assert.deepEqual(tried, [1]);
  });
}

test('deriveLoginSubKey: first 16 bytes of crypto_kdf_derive_from_key(32, 1, "loginctx", kek)', () => {
  for (let i = 0; i < 5; i++) {
    const kek = core.generateKey();
    assert.deepEqual(core.deriveLoginSubKey(kek), sodium.crypto_kdf_derive_from_key(32, 1, 'loginctx', kek).subarray(0, 16));
  }
});

test('bad parameters are BAD_INPUT naming the parameter', () => {
  const salt = randomBytes(16);
  assert.match(catchCoreError(() => core.deriveKey('pw', salt.subarray(1), 2, MiB)).message, /salt must be 16 bytes/);
  assert.match(catchCoreError(() => core.deriveKey('pw', salt, 0, MiB)).message, /opsLimit/);
  assert.match(catchCoreError(() => core.deriveKey('pw', salt, 2.5, MiB)).message, /opsLimit/);
  assert.match(catchCoreError(() => core.deriveKey('pw', salt, 2, 1024)).message, /memLimit/);
  assert.match(catchCoreError(() => core.deriveKey(42, salt, 2, MiB)).message, /password must be a Uint8Array/);
  assert.match(catchCoreError(() => core.deriveLoginSubKey(new Uint8Array(16))).message, /kek must be 32 bytes/);
});

test('a memLimit beyond the 1 GiB bound is BAD_INPUT before allocating, and the core still works', () => {
  // Larger than wasm could allocate, too: the bound (tests/js/hostile-kdf.test.mjs) answers first.
  for (const mem of [4 * 1024 * MiB, 4 * 1024 * MiB - 1024]) {
    assert.equal(catchCoreError(() => core.deriveKey('pw', randomBytes(16), 1, mem)).code, 'BAD_INPUT');
  }
  assert.equal(core.deriveKey('pw', new Uint8Array(16), 1, 8192).length, 32);
});
