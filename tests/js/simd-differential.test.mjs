// Differential tests of the wasm SIMD128 crypto paths (wasm/crypto/simd): every result must equal
// libsodium's scalar reference code in the same build (core.testing.reference.withScalar)
// AND an independent implementation: libsodium.js, or OpenSSL's ChaCha20 through node:crypto
// where libsodium.js cannot reach (64-bit counters past 2^31).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { core, sodium, randomBytes, toHex, CHUNK } from './helpers.mjs';

const P = core.primitives;
const scalar = (fn) => core.testing.reference.withScalar(fn);
const MAX_EXHAUSTIVE = 1100; // every length 0..1100: all 256-byte SIMD batch tails, many times
const eq = (a, b, what) => {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  if (x.equals(y)) return;
  let i = 0;
  while (i < Math.min(x.length, y.length) && x[i] === y[i]) i++;
  assert.fail(
    `${what}: lengths ${x.length}/${y.length}, first difference at byte ${i}: ` +
      `${toHex(x.subarray(i, i + 16))} != ${toHex(y.subarray(i, i + 16))}`,
  );
};

// Selected large lengths: around the 4-block batch, the 4 MiB chunk and beyond.
const LARGE = [4095, 4096, 4097, 65536 + 3, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 17, 3 * CHUNK - 5];

test('reference switch selects the scalar paths and restores the SIMD ones', () => {
  assert.equal(core.testing.reference.active(), 'simd128');
  assert.equal(
    scalar(() => core.testing.reference.active()),
    'scalar',
  );
  assert.equal(core.testing.reference.active(), 'simd128');
  assert.throws(
    () =>
      scalar(() => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(core.testing.reference.active(), 'simd128', 'restored after a throw');
});

test('XChaCha20 keystream, every length 0..1100: SIMD = scalar = libsodium.js', () => {
  for (let len = 0; len <= MAX_EXHAUSTIVE; len++) {
    const m = randomBytes(len),
      key = randomBytes(32),
      nonce = randomBytes(24);
    const ic = len % 7 === 0 ? 0 : (len * 2654435761) % 2 ** 31; // libsodium.js takes int32 counters
    const ours = P.xchacha20Xor(m, nonce, ic, key);
    eq(
      ours,
      scalar(() => P.xchacha20Xor(m, nonce, ic, key)),
      `scalar len ${len}`,
    );
    eq(ours, sodium.crypto_stream_xchacha20_xor_ic(m, nonce, ic, key), `libsodium.js len ${len}`);
  }
});

test('ChaCha20-IETF, every length 0..1100 and counters up to the 32-bit limit: SIMD = scalar = libsodium.js', () => {
  for (let len = 0; len <= MAX_EXHAUSTIVE; len++) {
    const m = randomBytes(len),
      key = randomBytes(32),
      nonce = randomBytes(12);
    const ic = len % 5 === 0 ? 1 : (len * 40503) % 2 ** 31;
    const ours = P.chacha20IetfXor(m, nonce, ic, key);
    eq(
      ours,
      scalar(() => P.chacha20IetfXor(m, nonce, ic, key)),
      `scalar len ${len}`,
    );
    eq(ours, sodium.crypto_stream_chacha20_ietf_xor_ic(m, nonce, ic, key), `libsodium.js len ${len}`);
  }
  // The last blocks before the 32-bit counter runs out (libsodium rejects a wrap on this API).
  const m = randomBytes(64 * 9 + 5),
    key = randomBytes(32),
    nonce = randomBytes(12);
  const ic = 2 ** 32 - 10;
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(ic, 0);
  Buffer.from(nonce).copy(iv, 4);
  const ours = P.chacha20IetfXor(m, nonce, ic, key);
  eq(
    ours,
    scalar(() => P.chacha20IetfXor(m, nonce, ic, key)),
    'scalar near 2^32',
  );
  eq(ours, createCipheriv('chacha20', key, iv).update(m), 'OpenSSL near 2^32');
});

test('XChaCha20 across the 32-bit block-counter wrap and large counters: SIMD = scalar = OpenSSL', () => {
  const key = randomBytes(32),
    nonce = randomBytes(24);
  const subkey = sodium.crypto_core_hchacha20(nonce.subarray(0, 16), key);
  for (const ic of [2 ** 31 - 2, 2 ** 32 - 5, 2 ** 32 - 4, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 52 - 3]) {
    for (const len of [1, 63, 64, 65, 255, 256, 257, 64 * 5 + 7, 1024 + 33]) {
      const m = randomBytes(len);
      const iv = Buffer.alloc(16); // OpenSSL's ChaCha20 IV: 64-bit counter, then the 8-byte nonce
      iv.writeBigUInt64LE(BigInt(ic), 0);
      Buffer.from(nonce.subarray(16)).copy(iv, 8);
      const ours = P.xchacha20Xor(m, nonce, ic, key);
      eq(
        ours,
        scalar(() => P.xchacha20Xor(m, nonce, ic, key)),
        `scalar ic ${ic} len ${len}`,
      );
      eq(ours, createCipheriv('chacha20', subkey, iv).update(m), `OpenSSL ic ${ic} len ${len}`);
    }
  }
});

test('Poly1305, every length 0..1100 and large lengths: SIMD = scalar = libsodium.js', () => {
  const lengths = [...Array(MAX_EXHAUSTIVE + 1).keys(), ...LARGE.slice(0, 5)];
  for (const len of lengths) {
    const m = randomBytes(len),
      key = randomBytes(32);
    const ours = P.poly1305(m, key);
    eq(
      ours,
      scalar(() => P.poly1305(m, key)),
      `scalar len ${len}`,
    );
    eq(ours, sodium.crypto_onetimeauth(m, key), `libsodium.js len ${len}`);
  }
  // Limb extremes: all-ones messages and keys exercise the carries and the final reduction.
  for (const len of [16, 32, 48, 64, 128, 1000]) {
    const m = new Uint8Array(len).fill(0xff),
      key = new Uint8Array(32).fill(0xff);
    eq(P.poly1305(m, key), sodium.crypto_onetimeauth(m, key), `all-ones len ${len}`);
  }
});

test('XChaCha20-Poly1305 AEAD with additional data of every length 0..80: SIMD = scalar = libsodium.js', () => {
  // Additional data of odd lengths drives the incremental Poly1305 leftover handling.
  for (let adLen = 0; adLen <= 80; adLen++) {
    const mLen = (adLen * 37) % 700,
      m = randomBytes(mLen),
      ad = randomBytes(adLen);
    const key = randomBytes(32),
      nonce = randomBytes(24);
    const ours = P.aeadXChacha20Poly1305IetfEncrypt(m, ad, nonce, key);
    eq(
      ours,
      scalar(() => P.aeadXChacha20Poly1305IetfEncrypt(m, ad, nonce, key)),
      `scalar ad ${adLen}`,
    );
    eq(ours, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(m, ad, null, nonce, key), `libsodium.js ad ${adLen}`);
    eq(P.aeadXChacha20Poly1305IetfDecrypt(ours, ad, nonce, key), m, `round trip ad ${adLen}`);
  }
});

function sodiumStreamEncrypt(m, key) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts = [];
  let at = 0;
  do {
    const last = at + CHUNK >= m.length;
    parts.push(
      sodium.crypto_secretstream_xchacha20poly1305_push(
        state,
        m.subarray(at, at + CHUNK),
        null,
        last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
      ),
    );
    at += CHUNK;
  } while (at < m.length);
  return { header, ciphertext: Buffer.concat(parts) };
}

function sodiumStreamDecrypt(c, header, key) {
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const parts = [];
  let tag;
  for (let at = 0; at < c.length; at += CHUNK + 17) {
    const r = sodium.crypto_secretstream_xchacha20poly1305_pull(state, c.subarray(at, at + CHUNK + 17));
    assert.ok(r, 'libsodium.js rejected a chunk');
    parts.push(r.message);
    tag = r.tag;
  }
  assert.equal(tag, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  return Buffer.concat(parts);
}

test('secretstream blob, every plaintext length 0..1100: SIMD, scalar and libsodium.js interoperate', () => {
  for (let len = 0; len <= MAX_EXHAUSTIVE; len++) {
    const m = randomBytes(len),
      key = randomBytes(32);
    // Ours (SIMD) -> scalar reference and libsodium.js.
    const { ciphertext, header } = core.blob.encrypt(m, key);
    eq(
      scalar(() => core.blob.decrypt(ciphertext, header, key)),
      m,
      `scalar opens SIMD, len ${len}`,
    );
    eq(sodiumStreamDecrypt(ciphertext, header, key), m, `libsodium.js opens SIMD, len ${len}`);
    // libsodium.js -> ours (SIMD).
    const theirs = sodiumStreamEncrypt(m, key);
    eq(core.blob.decrypt(theirs.ciphertext, theirs.header, key), m, `SIMD opens libsodium.js, len ${len}`);
  }
});

test('secretstream in 4 MiB chunks at chunk boundaries: SIMD, scalar and libsodium.js interoperate', () => {
  for (const len of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 17, 3 * CHUNK - 5]) {
    const m = randomBytes(len),
      key = randomBytes(32);
    const ours = core.stream.encrypt(m, key);
    eq(sodiumStreamDecrypt(Buffer.from(ours.ciphertext), ours.header, key), m, `libsodium.js opens SIMD, len ${len}`);
    eq(
      scalar(() => core.stream.decrypt(ours.ciphertext, ours.header, key)),
      m,
      `scalar opens SIMD, len ${len}`,
    );
    const theirs = sodiumStreamEncrypt(m, key);
    eq(core.stream.decrypt(theirs.ciphertext, theirs.header, key), m, `SIMD opens libsodium.js, len ${len}`);
    const sc = scalar(() => core.stream.encrypt(m, key));
    eq(core.stream.decrypt(sc.ciphertext, sc.header, key), m, `SIMD opens scalar, len ${len}`);
  }
});

test('SIMD secretstream still rejects a flipped bit anywhere in a chunk', () => {
  const m = randomBytes(CHUNK + 300),
    key = randomBytes(32);
  const { ciphertext, header } = core.stream.encrypt(m, key);
  for (const at of [0, 1, 17, 4096, CHUNK + 16, CHUNK + 17, CHUNK + 17 + 150, ciphertext.length - 1]) {
    const bad = Uint8Array.from(ciphertext);
    bad[at] ^= 0x10;
    assert.throws(
      () => core.stream.decrypt(bad, header, key),
      (e) => e.code === 'AUTH_FAILED',
      `flip at ${at}`,
    );
  }
});

test('secretbox (Poly1305 path) every length 0..600: SIMD = scalar = libsodium.js', () => {
  for (let len = 0; len <= 600; len++) {
    const m = randomBytes(len),
      key = randomBytes(32);
    const sealed = core.secretbox.encrypt(m, key);
    const nonce = sealed.nonce;
    const expected = sodium.crypto_secretbox_easy(m, nonce, key);
    eq(sealed.ciphertext, expected, `libsodium.js len ${len}`);
    eq(
      scalar(() => core.secretbox.decrypt(sealed.ciphertext, nonce, key)),
      m,
      `scalar opens SIMD len ${len}`,
    );
  }
});

test('Argon2id: SIMD = scalar = libsodium.js over ops, memory (incl. the smallest), passwords and salts', () => {
  const cases = [
    [1, 8 * 1024, ''],
    [2, 8 * 1024, 'password'],
    [3, 16 * 1024, 'pässwörd ✓'],
    [1, 64 * 1024 + 1024, 'x'.repeat(200)],
    [4, 1024 * 1024, 'correct horse battery staple'],
    [2, 3 * 1024 * 1024 + 7 * 1024, 'odd memory size'],
    [1, 32 * 1024 * 1024, 'bigger arena'],
  ];
  for (const [ops, mem, pw] of cases) {
    const salt = randomBytes(16);
    const ours = core.deriveKey(pw, salt, ops, mem);
    const theirs = sodium.crypto_pwhash(32, pw, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
    eq(ours, theirs, `libsodium.js ops ${ops} mem ${mem}`);
    eq(
      ours,
      scalar(() => core.deriveKey(pw, salt, ops, mem)),
      `scalar ops ${ops} mem ${mem}`,
    );
  }
});
