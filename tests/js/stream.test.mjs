// core.stream: Ente's chunked file layout (4 MiB plaintext chunks, MESSAGE... FINAL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, sodium, randomBytes, catchCoreError, CHUNK } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

const TAG_MESSAGE = 0;
const TAG_FINAL = 3;
const CCHUNK = CHUNK + 17;
const LENGTHS = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5];

/** Decrypts with libsodium.js chunk by chunk, checking Ente's tags. */
function sodiumDecrypt(ciphertext, header, key) {
  const st = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  const parts = [];
  for (let at = 0; at < ciphertext.length; at += CCHUNK) {
    const r = sodium.crypto_secretstream_xchacha20poly1305_pull(st, ciphertext.subarray(at, at + CCHUNK));
    assert.ok(r, 'libsodium.js rejected a chunk');
    assert.equal(r.tag, at + CCHUNK >= ciphertext.length ? TAG_FINAL : TAG_MESSAGE);
    parts.push(r.message);
  }
  return Buffer.concat(parts);
}

/** Encrypts like Ente's web client (libsodium.js, 4 MiB chunks, FINAL on the last). */
function sodiumEncrypt(m, key) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const parts = [];
  let at = 0;
  do {
    const chunk = m.subarray(at, at + CHUNK);
    at += CHUNK;
    parts.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, null, at >= m.length ? TAG_FINAL : TAG_MESSAGE));
  } while (at < m.length);
  return { ciphertext: Buffer.concat(parts), header };
}

test('one-shot round trip at every interesting length, Ente layout checked by libsodium.js', () => {
  const key = randomBytes(32);
  for (const n of LENGTHS) {
    const m = randomBytes(n);
    const { ciphertext, header } = core.stream.encrypt(m, key);
    const chunks = Math.max(1, Math.ceil(n / CHUNK));
    assert.equal(ciphertext.length, n + 17 * chunks, `length ${n}`);
    assert.deepEqual(sodiumDecrypt(ciphertext, header, key), Buffer.from(m), `libsodium.js, length ${n}`);
    assert.deepEqual(core.stream.decrypt(ciphertext, header, key), m, `ours, length ${n}`);
  }
});

test('data encrypted by libsodium.js in Ente layout decrypts with ours', () => {
  const key = randomBytes(32);
  for (const n of [0, 5, CHUNK, 2 * CHUNK + 3]) {
    const m = randomBytes(n);
    const { ciphertext, header } = sodiumEncrypt(m, key);
    assert.deepEqual(core.stream.decrypt(ciphertext, header, key), m, `length ${n}`);
  }
});

test('incremental decryptor accepts any slicing and returns only completed chunks', () => {
  const key = randomBytes(32);
  const m = randomBytes(2 * CHUNK + 1000);
  const { ciphertext, header } = core.stream.encrypt(m, key);
  for (const sizes of [[1], [17, 4093], [CCHUNK - 1, 2], [CCHUNK], [ciphertext.length]]) {
    const dec = core.stream.createDecryptor(header, key);
    const out = [];
    let at = 0;
    for (let i = 0; at < ciphertext.length; i++) {
      const n = Math.min(
        sizes[i % sizes.length] * (sizes.length === 1 && sizes[0] === 1 ? 1 + (i % 5000) : 1),
        ciphertext.length - at,
      );
      const piece = dec.update(ciphertext.subarray(at, at + n));
      // Plaintext only ever comes in whole authenticated chunks until the final one.
      assert.equal(piece.length % CHUNK, 0);
      out.push(piece);
      at += n;
    }
    out.push(dec.final());
    assert.deepEqual(new Uint8Array(Buffer.concat(out)), m, `slices ${sizes}`);
  }
});

test('incremental encryptor with uneven updates matches Ente layout', () => {
  const key = randomBytes(32);
  const m = randomBytes(CHUNK * 2); // exact multiple: the last full chunk carries FINAL
  const enc = core.stream.createEncryptor(key);
  const parts = [];
  for (let at = 0; at < m.length; at += 1_000_003) parts.push(enc.update(m.subarray(at, at + 1_000_003)));
  parts.push(enc.final());
  const ciphertext = Buffer.concat(parts);
  assert.equal(ciphertext.length, 2 * CCHUNK);
  assert.deepEqual(sodiumDecrypt(ciphertext, enc.header, key), Buffer.from(m));
  assert.equal(catchCoreError(() => enc.update(m.subarray(0, 1))).code, 'CLOSED');
});

test('an encryptor resumed from a header repeats the stream libsodium.js made, byte for byte', () => {
  const key = randomBytes(32);
  const m = randomBytes(2 * CHUNK + 100);
  // libsodium.js makes the header and the reference ciphertext (init_push, MESSAGE... FINAL).
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const reference = [];
  for (let at = 0; at < m.length; at += CHUNK) {
    const last = at + CHUNK >= m.length;
    const tag = last ? TAG_FINAL : TAG_MESSAGE;
    reference.push(sodium.crypto_secretstream_xchacha20poly1305_push(state, m.subarray(at, at + CHUNK), null, tag));
  }
  const enc = core.stream.createEncryptor(key, header);
  assert.deepEqual(enc.header, header);
  const ours = Buffer.concat([enc.update(m.subarray(0, 123_457)), enc.update(m.subarray(123_457)), enc.final()]);
  assert.deepEqual(ours, Buffer.concat(reference));
  // Another key from the same header: another stream (it never repeats the first one).
  const other = core.stream.createEncryptor(randomBytes(32), header);
  assert.notDeepEqual(Buffer.concat([other.update(m.subarray(0, 100)), other.final()]).subarray(0, 100), ours.subarray(0, 100));
  assert.match(catchCoreError(() => core.stream.createEncryptor(key, header.subarray(1))).message, /header must be 24 bytes/);
});

test('a tampered chunk fails with its index; nothing of it or after it is released', () => {
  const key = randomBytes(32);
  const m = randomBytes(3 * CHUNK + 10);
  const { ciphertext, header } = core.stream.encrypt(m, key);
  for (const chunk of [0, 1, 3]) {
    const t = ciphertext.slice();
    t[chunk * CCHUNK + 5] ^= 1;
    const e = catchCoreError(() => core.stream.decrypt(t, header, key));
    assert.equal(e.code, 'AUTH_FAILED');
    assert.equal(e.chunkIndex, chunk);
    assert.match(e.message, new RegExp(`chunk ${chunk}`));

    const dec = core.stream.createDecryptor(header, key);
    const before = dec.update(t.subarray(0, chunk * CCHUNK));
    assert.equal(before.length, chunk * CHUNK); // the authentic chunks before it
    // A full chunk fails in update(); the short FINAL chunk fails in final().
    const late = catchCoreError(() => {
      dec.update(t.subarray(chunk * CCHUNK));
      dec.final();
    });
    assert.equal(late.code, 'AUTH_FAILED');
    assert.equal(late.chunkIndex, chunk);
    assert.equal(catchCoreError(() => dec.update(t.subarray(0, 1))).code, 'CLOSED'); // unusable after failure (freed)
    dec.dispose();
  }
  assert.equal(catchCoreError(() => core.stream.decrypt(ciphertext, header, randomBytes(32))).chunkIndex, 0);
  record(
    'stream.decrypt, createDecryptor',
    'a bit flipped in chunk 0, 1 or 3 of 4; a wrong key',
    'CoreError AUTH_FAILED',
    'chunkIndex names the chunk; only the authentic chunks before it are released; the decryptor stays failed',
  );
});

test('truncation and trailing data are detected', () => {
  const key = randomBytes(32);
  const m = randomBytes(2 * CHUNK);
  const { ciphertext, header } = core.stream.encrypt(m, key);
  // Dropping the FINAL chunk leaves a stream that ends on a MESSAGE chunk.
  let e = catchCoreError(() => core.stream.decrypt(ciphertext.subarray(0, CCHUNK), header, key));
  assert.equal(e.code, 'TRUNCATED');
  const dec = core.stream.createDecryptor(header, key);
  assert.equal(dec.update(ciphertext.subarray(0, CCHUNK)).length, CHUNK);
  assert.equal(catchCoreError(() => dec.final()).code, 'TRUNCATED');
  assert.equal(catchCoreError(() => core.stream.decrypt(new Uint8Array(0), header, key)).code, 'TRUNCATED');
  assert.equal(catchCoreError(() => core.stream.decrypt(ciphertext.subarray(0, CCHUNK + 10), header, key)).code, 'TRUNCATED');
  // Bytes after a full-size FINAL chunk.
  const trailing = Buffer.concat([ciphertext, Buffer.from([1, 2, 3])]);
  e = catchCoreError(() => core.stream.decrypt(trailing, header, key));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /trailing/);
  record('stream.decrypt, createDecryptor', 'the FINAL chunk dropped; empty input; cut inside a chunk', 'CoreError TRUNCATED');
});

test('bad header and key lengths', () => {
  const key = randomBytes(32);
  assert.match(catchCoreError(() => core.stream.createDecryptor(new Uint8Array(23), key)).message, /header must be 24 bytes/);
  assert.match(catchCoreError(() => core.stream.createEncryptor(new Uint8Array(33))).message, /key must be 32 bytes/);
  assert.match(
    catchCoreError(() => core.stream.decrypt(new Uint8Array(40), new Uint8Array(24), key.subarray(1))).message,
    /key must be 32 bytes/,
  );
});
