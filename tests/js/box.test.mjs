// core.box: X25519 key pairs and sealed boxes (sharing a collection key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

test('keypair: 32-byte keys; the public key is X25519(secret)', () => {
  const { publicKey, secretKey } = core.box.keypair();
  assert.equal(publicKey.length, 32);
  assert.equal(secretKey.length, 32);
  assert.deepEqual(sodium.crypto_scalarmult_base(secretKey), publicKey);
});

test("publicKey(secretKey) is the key pair's public key, as libsodium.js computes it", () => {
  const { publicKey, secretKey } = core.box.keypair();
  assert.deepEqual(core.box.publicKey(secretKey), publicKey);
  const theirs = sodium.crypto_box_keypair();
  assert.deepEqual(core.box.publicKey(theirs.privateKey), theirs.publicKey);
  assert.equal(core.testing.memoryContains(secretKey), false, 'secret key left in wasm memory');
  assert.match(catchCoreError(() => core.box.publicKey(secretKey.subarray(1))).message, /secretKey must be 32 bytes/);
});

test('seal/sealOpen round trip and interop with libsodium.js both ways', () => {
  const ours = core.box.keypair();
  const theirs = sodium.crypto_box_keypair();
  const m = randomBytes(32);
  const c = core.box.seal(m, theirs.publicKey);
  assert.equal(c.length, 32 + 48);
  assert.deepEqual(sodium.crypto_box_seal_open(c, theirs.publicKey, theirs.privateKey), m);
  const c2 = sodium.crypto_box_seal(m, ours.publicKey);
  assert.deepEqual(core.box.sealOpen(c2, ours.publicKey, ours.secretKey), m);
  assert.deepEqual(core.box.sealOpen(core.box.seal(m, ours.publicKey), ours.publicKey, ours.secretKey), m);
});

test('wrong recipient, tampering, truncation and bad lengths', () => {
  const a = core.box.keypair();
  const b = core.box.keypair();
  const c = core.box.seal(randomBytes(32), a.publicKey);
  assert.equal(catchCoreError(() => core.box.sealOpen(c, b.publicKey, b.secretKey)).code, 'AUTH_FAILED');
  const t = c.slice();
  t[40] ^= 1;
  assert.equal(catchCoreError(() => core.box.sealOpen(t, a.publicKey, a.secretKey)).code, 'AUTH_FAILED');
  assert.equal(catchCoreError(() => core.box.sealOpen(c.subarray(0, 47), a.publicKey, a.secretKey)).code, 'TRUNCATED');
  assert.match(
    catchCoreError(() => core.box.seal(randomBytes(3), a.publicKey.subarray(2))).message,
    /publicKey must be 32 bytes/,
  );
  assert.match(catchCoreError(() => core.box.sealOpen(c, a.publicKey, new Uint8Array(64))).message, /secretKey must be 32 bytes/);
  record('box.sealOpen', 'sealed to another key pair; a bit flipped', 'CoreError AUTH_FAILED', 'no plaintext returned');
  record('box.sealOpen', '47 bytes (shorter than the 48-byte overhead)', 'CoreError TRUNCATED');
});
