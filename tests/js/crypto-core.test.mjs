// The crypto build (cipherlens-crypto.wasm, loadCryptoCore): the full core's API without search
// (CLIP, faces, people), the same bytes as the full build and libsodium.js, a fraction of the download, and
// servable by a worker pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadCryptoCore, createWorkerPool } from '../../js/dist/index.js';
import { core as full, sodium, randomBytes, catchCoreError } from './helpers.mjs';

const crypto = await loadCryptoCore();
const SEARCH_ONLY = ['clip', 'createIndex', 'loadIndex', 'createCompactIndex', 'openCompactIndex', 'mlData', 'faces', 'entities'];

/** Dotted paths of an API object's functions and values. */
function paths(obj, prefix = '') {
  return Object.entries(obj).flatMap(([name, value]) =>
    value && typeof value === 'object' && !(value instanceof Uint8Array)
      ? paths(value, `${prefix}${name}.`)
      : [`${prefix}${name}`],
  );
}

test('loadCryptoCore: the full API minus clip, the indexes, mlData, faces and entities', () => {
  const expected = paths(full).filter((p) => !SEARCH_ONLY.includes(p.split('.')[0]));
  assert.deepEqual(paths(crypto).sort(), expected.sort());
  for (const name of SEARCH_ONLY) assert.ok(name in full && !(name in crypto), name);
  assert.equal(crypto.sodiumVersion, full.sodiumVersion);
});

test('the crypto build is under a third of the full one, gzipped', () => {
  const gz = (name) => gzipSync(readFileSync(new URL(`../../js/dist/wasm/${name}`, import.meta.url)), { level: 9 }).length;
  const small = gz('cipherlens-crypto.wasm');
  const big = gz('cipherlens.wasm');
  assert.ok(small * 3 < big, `crypto ${small} B vs full ${big} B`);
});

test('what one build encrypts the other and libsodium.js open, at every length 0..300', () => {
  for (let len = 0; len <= 300; len++) {
    const m = randomBytes(len);
    const key = randomBytes(32);
    const [maker, opener] = len % 2 ? [crypto, full] : [full, crypto];
    const sb = maker.secretbox.encrypt(m, key);
    assert.deepEqual(opener.secretbox.decrypt(sb.ciphertext, sb.nonce, key), m);
    assert.deepEqual(sodium.crypto_secretbox_open_easy(sb.ciphertext, sb.nonce, key), m);
    const blob = maker.blob.encrypt(m, key);
    assert.deepEqual(opener.blob.decrypt(blob.ciphertext, blob.header, key), m);
    const st = sodium.crypto_secretstream_xchacha20poly1305_init_pull(blob.header, key);
    assert.deepEqual(sodium.crypto_secretstream_xchacha20poly1305_pull(st, blob.ciphertext).message, m);
    assert.deepEqual(maker.hash.file(m), opener.hash.file(m));
    assert.equal(maker.b64.encode(m), opener.b64.encode(m));
  }
});

test('keys, sharing and recovery phrases agree between the builds', () => {
  const salt = randomBytes(16);
  assert.deepEqual(crypto.deriveKey('pässword', salt, 2, 1 << 20), full.deriveKey('pässword', salt, 2, 1 << 20));
  const kp = crypto.box.keypair();
  const collectionKey = randomBytes(32);
  const sealed = full.box.seal(collectionKey, kp.publicKey);
  assert.deepEqual(crypto.box.sealOpen(sealed, kp.publicKey, kp.secretKey), collectionKey);
  const phrase = crypto.mnemonic.fromKey(collectionKey);
  assert.equal(phrase, full.mnemonic.fromKey(collectionKey));
  assert.deepEqual(full.mnemonic.toKey(phrase), collectionKey);
  assert.equal(crypto.verificationId(kp.publicKey), full.verificationId(kp.publicKey));
});

test('bad input fails the same way in both builds', () => {
  const key = randomBytes(32);
  const sb = crypto.secretbox.encrypt(randomBytes(40), key);
  sb.ciphertext[3] ^= 1;
  for (const c of [crypto, full]) {
    assert.equal(catchCoreError(() => c.secretbox.decrypt(sb.ciphertext, sb.nonce, key)).code, 'AUTH_FAILED');
    assert.equal(catchCoreError(() => c.mnemonic.toKey('abandon zoo')).code, 'BAD_INPUT');
  }
});

test("createWorkerPool({ flavor: 'crypto' }) serves the crypto API, streams and key derivation", async () => {
  const pool = await createWorkerPool(2, { flavor: 'crypto' });
  try {
    for (const name of SEARCH_ONLY) assert.equal(name in pool, false, name);
    const key = randomBytes(32);
    const m = randomBytes(5 * 1024 * 1024 + 3);
    const { ciphertext, header } = full.stream.encrypt(m, key);
    assert.deepEqual(await pool.stream.decrypt(ciphertext.slice(), header, key), m);
    const chunks = [];
    for await (const part of pool.decryptStream([ciphertext.slice(0, 100_000), ciphertext.slice(100_000)], header, key))
      chunks.push(part);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(m));
    const d = await pool.deriveInteractiveKey('pw');
    assert.deepEqual(d.key, full.deriveKey('pw', d.salt, d.opsLimit, d.memLimit));
  } finally {
    await pool.terminate();
  }
});
