// Heap hygiene: no function leaks wasm memory across 10,000 calls, and key material does not
// stay in wasm memory after use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, randomBytes, sodium, toHex } from './helpers.mjs';

const N = 10_000;
const key = randomBytes(32);
const msg = randomBytes(100);
const kp = core.box.keypair();
const sb = core.secretbox.encrypt(msg, key);
const blob = core.blob.encrypt(msg, key);
const stream = core.stream.encrypt(msg, key);
const sealed = core.box.seal(msg, kp.publicKey);
const signer = core.sign.keypair();
const signature = core.sign.detached(msg, signer.secretKey);
const salt = randomBytes(16);
const words = core.mnemonic.fromKey(key);
const b64 = core.b64.encode(msg);
const b64url = core.b64.encodeURLSafe(msg);

const calls = {
  generateKey: () => core.generateKey(),
  randomBytes: () => core.randomBytes(24),
  'deriveKey (ops 1, 8 KiB)': () => core.deriveKey('pw', salt, 1, 8192),
  deriveLoginSubKey: () => core.deriveLoginSubKey(key),
  'secretbox.encrypt': () => core.secretbox.encrypt(msg, key),
  'secretbox.decrypt': () => core.secretbox.decrypt(sb.ciphertext, sb.nonce, key),
  'secretbox.decrypt (failing)': () => {
    try {
      core.secretbox.decrypt(sb.ciphertext, sb.nonce, kp.secretKey);
    } catch {}
  },
  'blob.encrypt': () => core.blob.encrypt(msg, key),
  'blob.decrypt': () => core.blob.decrypt(blob.ciphertext, blob.header, key),
  'stream.encrypt': () => core.stream.encrypt(msg, key),
  'stream.decrypt': () => core.stream.decrypt(stream.ciphertext, stream.header, key),
  'stream.decrypt (failing)': () => {
    try {
      core.stream.decrypt(stream.ciphertext, stream.header, kp.secretKey);
    } catch {}
  },
  'stream.createDecryptor + dispose': () => core.stream.createDecryptor(stream.header, key).dispose(),
  'box.keypair': () => core.box.keypair(),
  'box.publicKey': () => core.box.publicKey(kp.secretKey),
  'box.seal': () => core.box.seal(msg, kp.publicKey),
  'box.sealOpen': () => core.box.sealOpen(sealed, kp.publicKey, kp.secretKey),
  'sign.keypair': () => core.sign.keypair(),
  'sign.seedKeypair': () => core.sign.seedKeypair(key),
  'sign.detached': () => core.sign.detached(msg, signer.secretKey),
  'sign.verifyDetached': () => core.sign.verifyDetached(signature, msg, signer.publicKey),
  'sign.verifyDetached (failing)': () => {
    try {
      core.sign.verifyDetached(signature, key, signer.publicKey);
    } catch {}
  },
  'mnemonic.fromKey': () => core.mnemonic.fromKey(key),
  'mnemonic.toKey': () => core.mnemonic.toKey(words),
  'mnemonic.toKey (failing)': () => {
    try {
      core.mnemonic.toKey('zoo');
    } catch {}
  },
  verificationId: () => core.verificationId(kp.publicKey),
  'hash.file': () => core.hash.file(msg),
  'b64.encode': () => core.b64.encode(msg),
  'b64.decode': () => core.b64.decode(b64),
  'b64.decodeURLSafe': () => core.b64.decodeURLSafe(b64url),
  'b64.decode (failing)': () => {
    try {
      core.b64.decode('!');
    } catch {}
  },
};

for (const [name, fn] of Object.entries(calls)) {
  test(`${name}: heap in use does not grow over ${N} calls`, () => {
    for (let i = 0; i < 10; i++) fn(); // warm-up: lazily built state settles
    const before = core.memory.heapInUse();
    const size = core.memory.heapSize();
    for (let i = 0; i < N; i++) fn();
    assert.equal(core.memory.heapInUse(), before);
    assert.equal(core.memory.heapSize(), size);
  });
}

test('keys and plaintext passed in are zeroed in wasm memory after use', () => {
  const secret = randomBytes(32);
  const plain = randomBytes(64);
  const pk = core.box.keypair();
  const boxed = core.secretbox.encrypt(plain, secret);
  core.secretbox.decrypt(boxed.ciphertext, boxed.nonce, secret);
  const b = core.blob.encrypt(plain, secret);
  core.blob.decrypt(b.ciphertext, b.header, secret);
  const s = core.stream.encrypt(plain, secret);
  core.stream.decrypt(s.ciphertext, s.header, secret);
  const dec = core.stream.createDecryptor(s.header, secret);
  dec.update(s.ciphertext);
  dec.final();
  core.box.sealOpen(core.box.seal(secret, pk.publicKey), pk.publicKey, pk.secretKey);
  const sub = core.deriveLoginSubKey(secret);
  const phrase = core.mnemonic.fromKey(secret);
  core.mnemonic.toKey(phrase);
  const encoded = core.b64.encode(secret);
  core.b64.decode(encoded);
  const derived = core.deriveKey(secret, randomBytes(16), 1, 8192);
  assert.equal(core.testing.memoryContains(secret), false, 'key left in wasm memory');
  assert.equal(core.testing.memoryContains(plain), false, 'plaintext left in wasm memory');
  assert.equal(core.testing.memoryContains(pk.secretKey), false, 'secret key left in wasm memory');
  assert.equal(core.testing.memoryContains(derived), false, 'derived key left in wasm memory');
  assert.equal(core.testing.memoryContains(core.generateKey()), false, 'generated key left in wasm memory');
  assert.equal(core.testing.memoryContains(sub), false, 'login subkey left in wasm memory');
  const utf8 = (s) => new TextEncoder().encode(s);
  assert.equal(core.testing.memoryContains(utf8(phrase.slice(0, 40))), false, 'recovery phrase left in wasm memory');
  assert.equal(core.testing.memoryContains(utf8(encoded.slice(0, 40))), false, 'base64 key left in wasm memory');
});

// Each call alone, checked right after it: a later call (e.g. mnemonic.toKey's stack wipe)
// must not be what hides the residue. libsodium's crypto_secretbox_open_detached leaves the
// first 32 bytes of plaintext in a stack block: exactly an unwrapped master or collection key.
test('unwrapping a key (secretbox.decrypt, box.sealOpen) leaves no copy of it in wasm memory', () => {
  const wrapping = randomBytes(32);
  const unwrapped = randomBytes(32);
  const boxed = core.secretbox.encrypt(unwrapped, wrapping);
  assert.equal(core.testing.memoryContains(unwrapped), false, 'key left by secretbox.encrypt');
  core.secretbox.decrypt(boxed.ciphertext, boxed.nonce, wrapping);
  assert.equal(core.testing.memoryContains(unwrapped), false, 'key left by secretbox.decrypt');
  const pair = core.box.keypair();
  const shared = randomBytes(32);
  const sealed = core.box.seal(shared, pair.publicKey);
  assert.equal(core.testing.memoryContains(shared), false, 'key left by box.seal');
  core.box.sealOpen(sealed, pair.publicKey, pair.secretKey);
  assert.equal(core.testing.memoryContains(shared), false, 'key left by box.sealOpen');
});

// Ed25519 (RFC 8032 5.1.5-6): SHA-512 of the seed gives the secret scalar (clamped low half) and
// the nonce prefix (high half); the nonce is SHA-512(prefix || message) mod L. Any of them, the
// seed or the 64-byte secret key gives the key away.
test('signing leaves no seed, secret key, secret scalar or nonce in wasm memory', async () => {
  const { createHash } = await import('node:crypto');
  const sha512 = (...parts) => new Uint8Array(parts.reduce((h, p) => h.update(p), createHash('sha512')).digest());
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const le = (b) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
  const seed = randomBytes(32);
  const message = randomBytes(200);
  const az = sha512(seed);
  const scalar = az.slice(0, 32);
  scalar[0] &= 248;
  scalar[31] = (scalar[31] & 127) | 64;
  const r = le(sha512(az.subarray(32), message)) % L;
  const nonce = Uint8Array.from({ length: 32 }, (_, i) => Number((r >> BigInt(8 * i)) & 0xffn));
  const { secretKey, publicKey } = core.sign.seedKeypair(seed);
  const sig = core.sign.detached(message, secretKey);
  core.sign.verifyDetached(sig, message, publicKey);
  assert.equal(
    toHex(sig.subarray(32)),
    toHex(
      Uint8Array.from({ length: 32 }, (_, i) =>
        Number((((r + le(sha512(sig.subarray(0, 32), publicKey, message)) * le(scalar)) % L) >> BigInt(8 * i)) & 0xffn),
      ),
    ),
    'control: the scalar and nonce computed here are the ones the signature used',
  );
  for (const [name, value] of Object.entries({ seed, secretKey, scalar, 'nonce prefix': az.subarray(32), nonce })) {
    assert.equal(core.testing.memoryContains(value), false, `${name} left in wasm memory`);
  }
});

// Argon2's first block, computed independently from the spec (RFC 9106 3.2): H0 from the
// parameters, then the first 32 bytes of H'(H0 || 0 || 0) are those of BLAKE2b-64(1024 || ...).
function argon2idFirstBlockHead(password, salt, opsLimit, memLimit) {
  const le32 = (n) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  const cat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const h0 = sodium.crypto_generichash(
    64,
    cat(
      le32(1),
      le32(32),
      le32(memLimit / 1024),
      le32(opsLimit),
      le32(0x13),
      le32(2),
      le32(password.length),
      password,
      le32(salt.length),
      salt,
      le32(0),
      le32(0),
    ),
    null,
  );
  return sodium.crypto_generichash(64, cat(le32(1024), h0, le32(0), le32(0)), null).subarray(0, 32);
}

test('Argon2 clears its arena: the first block stays in libsodium.js memory but not in ours', () => {
  const password = randomBytes(16),
    salt16 = randomBytes(16),
    ops = 1,
    mem = 1 << 20; // one pass: block 0 is never rewritten
  const head = argon2idFirstBlockHead(password, salt16, ops, mem);
  sodium.crypto_pwhash(32, password, salt16, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  assert.equal(
    Buffer.from(sodium.libsodium.HEAPU8.buffer).includes(head),
    true,
    'control: the independently computed block is not in libsodium.js memory',
  );
  core.deriveKey(password, salt16, ops, mem);
  assert.equal(core.testing.memoryContains(head), false, 'Argon2 block left in wasm memory');
});
