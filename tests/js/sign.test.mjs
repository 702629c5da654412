// core.sign: Ed25519 signatures (an account's signing identity) against RFC 8032's vectors and
// libsodium.js, and the inputs a lying server or a forger would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, hex, toHex, randomBytes, randomInt, vectors, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const rfc = vectors('rfc8032.json');
// The group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 section 5.1).
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (bytes) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
const toLe = (n, length) => Uint8Array.from({ length }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

test('RFC 8032 section 7.1: the five Ed25519 vectors, key pairs, signatures and verification', () => {
  assert.equal(rfc.ed25519.length, 5);
  for (const v of rfc.ed25519) {
    const { publicKey, secretKey } = core.sign.seedKeypair(hex(v.secretKey));
    assert.equal(toHex(publicKey), v.publicKey, v.name);
    assert.equal(toHex(secretKey), v.secretKey + v.publicKey, `${v.name}: libsodium's secret key is seed || public key`);
    const signature = core.sign.detached(hex(v.message), secretKey);
    assert.equal(toHex(signature), v.signature, v.name);
    core.sign.verifyDetached(hex(v.signature), hex(v.message), hex(v.publicKey));
    const changed = hex(`${v.message}00`);
    assert.equal(catchCoreError(() => core.sign.verifyDetached(signature, changed, publicKey)).code, 'AUTH_FAILED', v.name);
  }
});

test('keypair, seedKeypair, detached and verifyDetached agree with libsodium.js both ways', () => {
  for (let i = 0; i < 20; i++) {
    const seed = randomBytes(32);
    const ours = core.sign.seedKeypair(seed);
    const theirs = sodium.crypto_sign_seed_keypair(seed);
    assert.equal(toHex(ours.publicKey), toHex(theirs.publicKey));
    assert.equal(toHex(ours.secretKey), toHex(theirs.privateKey));
    const m = randomBytes(randomInt(0, 5000));
    const signature = core.sign.detached(m, ours.secretKey);
    assert.equal(toHex(signature), toHex(sodium.crypto_sign_detached(m, theirs.privateKey)), 'deterministic, as RFC 8032');
    assert.ok(sodium.crypto_sign_verify_detached(signature, m, theirs.publicKey));
    core.sign.verifyDetached(sodium.crypto_sign_detached(m, theirs.privateKey), m, ours.publicKey);
  }
  const fresh = core.sign.keypair();
  assert.equal(fresh.publicKey.length, 32);
  assert.equal(fresh.secretKey.length, 64);
  assert.equal(toHex(sodium.crypto_sign_ed25519_sk_to_pk(fresh.secretKey)), toHex(fresh.publicKey));
  assert.notEqual(toHex(core.sign.keypair().publicKey), toHex(fresh.publicKey), 'random key pairs differ');
  const m = randomBytes(100);
  assert.ok(sodium.crypto_sign_verify_detached(core.sign.detached(m, fresh.secretKey), m, fresh.publicKey));
});

test('a forged, altered or misattributed signature is AUTH_FAILED', () => {
  const { publicKey, secretKey } = core.sign.keypair();
  const other = core.sign.keypair();
  const m = randomBytes(300);
  const signature = core.sign.detached(m, secretKey);
  const fails = (sig, msg, pk) => catchCoreError(() => core.sign.verifyDetached(sig, msg, pk)).code;
  assert.equal(fails(signature, m, other.publicKey), 'AUTH_FAILED', 'another key');
  for (const at of [0, 31, 32, 63]) {
    const t = signature.slice();
    t[at] ^= 1;
    assert.equal(fails(t, m, publicKey), 'AUTH_FAILED', `bit flipped in byte ${at} of the signature`);
  }
  const t = m.slice();
  t[150] ^= 0x80;
  assert.equal(fails(signature, t, publicKey), 'AUTH_FAILED', 'message changed');
  assert.equal(fails(signature, m.subarray(0, 299), publicKey), 'AUTH_FAILED', 'message cut');
  assert.equal(fails(new Uint8Array(64), m, publicKey), 'AUTH_FAILED', 'all-zero signature');
  record(
    'sign.verifyDetached',
    "another key's signature; a bit flipped in R or S; the message changed or cut; 64 zero bytes",
    'CoreError AUTH_FAILED',
  );

  // S + L is the same scalar mod L: malleable unless non-canonical S is refused (libsodium does).
  const sPlusL = toLe(le(signature.subarray(32)) + L, 32);
  const malleated = new Uint8Array([...signature.subarray(0, 32), ...sPlusL]);
  assert.equal(fails(malleated, m, publicKey), 'AUTH_FAILED');
  record('sign.verifyDetached', 'a valid signature with S replaced by S + L (malleated)', 'CoreError AUTH_FAILED');

  // The identity point (y = 1) as public key: of small order, it would "verify" forged signatures.
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const forged = new Uint8Array(64);
  forged[0] = 1; // R = identity, S = 0: valid for the identity key under a lax verifier
  assert.equal(fails(forged, m, identity), 'AUTH_FAILED');
  record(
    'sign.verifyDetached',
    'public key of small order (the identity point) with R = identity, S = 0',
    'CoreError AUTH_FAILED',
  );
});

test('wrong lengths and kinds are BAD_INPUT naming the argument', () => {
  const { publicKey, secretKey } = core.sign.keypair();
  const m = randomBytes(10);
  const sig = core.sign.detached(m, secretKey);
  assert.match(catchCoreError(() => core.sign.seedKeypair(randomBytes(31))).message, /seed must be 32 bytes/);
  assert.match(catchCoreError(() => core.sign.detached(m, secretKey.subarray(0, 32))).message, /secretKey must be 64 bytes/);
  assert.match(catchCoreError(() => core.sign.detached('text', secretKey)).message, /message must be a Uint8Array/);
  assert.match(
    catchCoreError(() => core.sign.verifyDetached(sig.subarray(1), m, publicKey)).message,
    /signature must be 64 bytes/,
  );
  assert.match(catchCoreError(() => core.sign.verifyDetached(sig, m, secretKey)).message, /publicKey must be 32 bytes/);
  assert.equal(catchCoreError(() => core.sign.verifyDetached(sig, m, publicKey.subarray(1))).code, 'BAD_INPUT');
  record(
    'sign.verifyDetached, sign.detached, sign.seedKeypair',
    'a 63-byte signature; a 31- or 64-byte key; a string message',
    'CoreError BAD_INPUT',
  );
});

test('an empty message and a message over the small block (64 KiB) sign and verify', () => {
  const { publicKey, secretKey } = core.sign.keypair();
  for (const m of [new Uint8Array(0), randomBytes(65536)]) {
    const signature = core.sign.detached(m, secretKey);
    assert.ok(sodium.crypto_sign_verify_detached(signature, m, publicKey));
    core.sign.verifyDetached(signature, m, publicKey);
  }
});
