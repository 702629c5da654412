// Ente's per-file ML data: gzip(JSON) blob-encrypted with the file key. Interop both ways with
// the way Ente's web client does it (libsodium.js secretstream push with TAG_FINAL, gzip from
// Node's zlib standing in for the browser's CompressionStream), unknown keys preserved verbatim,
// import into the index, and typed errors for every kind of bad data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, gunzipSync } from 'node:zlib';
import { core, sodium, catchCoreError, randomBytes } from './helpers.mjs';

const TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
const TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;

/** What Ente's web client uploads: encryptBlob(gzip(JSON.stringify(mlData)), fileKey), base64. */
function enteEncrypt(bytes, fileKey, tag = TAG_FINAL) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(fileKey);
  const c = sodium.crypto_secretstream_xchacha20poly1305_push(state, bytes, null, tag);
  return {
    encryptedData: sodium.to_base64(c, sodium.base64_variants.ORIGINAL),
    decryptionHeader: sodium.to_base64(header, sodium.base64_variants.ORIGINAL),
  };
}
function enteDecrypt({ encryptedData, decryptionHeader }, fileKey) {
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(decryptionHeader, fileKey);
  const { message, tag } = sodium.crypto_secretstream_xchacha20poly1305_pull(state, encryptedData);
  assert.equal(tag, TAG_FINAL);
  return JSON.parse(Buffer.from(gunzipSync(message)).toString('utf8'));
}

function embedding(seed, n = 512) {
  let x = seed;
  const raw = Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  const norm = Math.hypot(...raw);
  return Array.from(Float32Array.from(raw, (v) => v / norm)); // what Ente's clients store
}

// Remote data as another Ente client wrote it: clip plus keys we do not understand.
const remote = (seed) => ({
  face: {
    version: 2,
    client: 'io.ente.photos/0.9.70',
    width: 4032,
    height: 3024,
    faces: [
      {
        faceID: '1234_abc',
        detection: { box: { x: 0.1, y: 0.25, width: 0.0625, height: 1e-7 } },
        score: 0.987654321,
        blur: 12.5,
      },
    ],
  },
  clip: { version: 1, client: 'io.ente.photos/0.9.70', embedding: embedding(seed) },
  futureKey: { nested: [1, 2.5, -3.75e-300, 'ünïcødé 🌅', null, true], big: 9007199254740991 },
});

test('ML data written the Ente web client way decrypts and imports into the index', async () => {
  const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const data = remote(1);
  const uploaded = enteEncrypt(gzipSync(JSON.stringify(data)), fileKey);
  // Ente's API returns base64 fields.
  const encryptedData = core.b64.decode(uploaded.encryptedData);
  const decryptionHeader = core.b64.decode(uploaded.decryptionHeader);

  const got = await core.mlData.decrypt(encryptedData, decryptionHeader, fileKey);
  assert.deepEqual(got, data);

  const index = core.createIndex(512);
  assert.equal(await core.mlData.importClip(index, 1234567890123, { encryptedData, decryptionHeader }, fileKey), true);
  assert.deepEqual(index.get(1234567890123), Float32Array.from(data.clip.embedding));
  const [hit] = index.search(data.clip.embedding, { limit: 1, minScore: 0.175 });
  assert.equal(hit.fileId, 1234567890123);
  assert.ok(Math.abs(hit.score - 1) < 1e-6);
  index.dispose();
});

test('ML data we write opens with libsodium.js + zlib exactly as Ente reads it', async () => {
  const fileKey = randomBytes(32);
  const vec = embedding(2).map((x) => x * 3); // not normalised: withClip normalises
  const data = core.mlData.withClip(undefined, vec, 'cipherlens/0.1.0');
  const { encryptedData, decryptionHeader } = await core.mlData.encrypt(data, fileKey);
  assert.equal(decryptionHeader.length, 24);
  const opened = enteDecrypt({ encryptedData, decryptionHeader }, fileKey);
  assert.deepEqual(Object.keys(opened), ['clip']);
  assert.equal(opened.clip.version, 1);
  assert.equal(opened.clip.client, 'cipherlens/0.1.0');
  assert.equal(opened.clip.embedding.length, 512);
  const norm = Math.hypot(...opened.clip.embedding);
  assert.ok(Math.abs(norm - 1) < 1e-6, `norm ${norm}`);
  for (let i = 0; i < 512; i++) assert.ok(Math.abs(opened.clip.embedding[i] - embedding(2)[i]) < 1e-6);
  // Every number is a float32 value, as a Float32Array model output would give.
  assert.deepEqual(opened.clip.embedding, Array.from(Float32Array.from(opened.clip.embedding)));
});

test('re-upload keeps unknown keys verbatim and in order while replacing clip', async () => {
  const fileKey = randomBytes(32);
  const original = remote(3);
  const uploaded = enteEncrypt(gzipSync(JSON.stringify(original)), fileKey);
  const mine = await core.mlData.decrypt(
    core.b64.decode(uploaded.encryptedData),
    core.b64.decode(uploaded.decryptionHeader),
    fileKey,
  );
  const newVec = embedding(4);
  const updated = core.mlData.withClip(mine, newVec, 'cipherlens/0.1.0');
  const reup = await core.mlData.encrypt(updated, fileKey);
  const opened = enteDecrypt(reup, fileKey);
  assert.deepEqual(Object.keys(opened), ['face', 'clip', 'futureKey']);
  assert.equal(JSON.stringify(opened.face), JSON.stringify(original.face));
  assert.equal(JSON.stringify(opened.futureKey), JSON.stringify(original.futureKey));
  assert.deepEqual(opened.clip, { version: 1, client: 'cipherlens/0.1.0', embedding: newVec });
  // The input object is not modified.
  assert.deepEqual(mine.clip, original.clip);
});

test('older clip versions are ignored (Ente re-indexes them); missing clip imports nothing', async () => {
  const fileKey = randomBytes(32);
  const index = core.createIndex(512);
  const old = { clip: { version: 0, client: 'x', embedding: embedding(5) } };
  const faceOnly = { face: { version: 1 } };
  for (const data of [old, faceOnly]) {
    const enc = await core.mlData.encrypt(data, fileKey);
    assert.equal(await core.mlData.importClip(index, 1, enc, fileKey), false);
  }
  assert.equal(core.mlData.clipEmbedding(old), undefined);
  assert.deepEqual(core.mlData.clipEmbedding(old, { minVersion: 0 }), Float32Array.from(old.clip.embedding));
  const enc = await core.mlData.encrypt(old, fileKey);
  assert.equal(await core.mlData.importClip(index, 1, enc, fileKey, { minVersion: 0 }), true);
  assert.equal(index.size, 1);
  index.dispose();
});

test('legacy data not tagged FINAL: strict refuses, legacy accepts', async () => {
  const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const data = remote(6);
  const up = enteEncrypt(gzipSync(JSON.stringify(data)), fileKey, TAG_MESSAGE);
  const c = core.b64.decode(up.encryptedData);
  const h = core.b64.decode(up.decryptionHeader);
  await assert.rejects(core.mlData.decrypt(c, h, fileKey), (e) => e.code === 'BAD_INPUT' && /FINAL/.test(e.message));
  assert.deepEqual(await core.mlData.decrypt(c, h, fileKey, { legacy: true }), data);
});

test('bad ML data: typed errors, and a failed import leaves the index as it was', async () => {
  const fileKey = randomBytes(32);
  const index = core.createIndex(512);
  index.upsert(1, embedding(7));
  const before = index.get(1);
  const rejects = async (enc, code, pattern, options) => {
    await assert.rejects(
      core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, fileKey, options),
      (e) => e.name === 'CoreError' && e.code === code && (!pattern || pattern.test(e.message)),
      `${code} ${pattern}`,
    );
    await assert.rejects(core.mlData.importClip(index, 1, enc, fileKey, options), (e) => e.code === code);
    assert.deepEqual(index.get(1), before);
  };
  const raw = (bytes) => {
    const { ciphertext, header } = core.blob.encrypt(bytes, fileKey);
    return { encryptedData: ciphertext, decryptionHeader: header };
  };
  const good = await core.mlData.encrypt(remote(8), fileKey);

  await assert.rejects(
    core.mlData.decrypt(good.encryptedData, good.decryptionHeader, randomBytes(32)),
    (e) => e.code === 'AUTH_FAILED',
  );
  const flipped = good.encryptedData.slice();
  flipped[5] ^= 1;
  await rejects({ ...good, encryptedData: flipped }, 'AUTH_FAILED');
  await rejects({ ...good, encryptedData: good.encryptedData.slice(0, 16) }, 'TRUNCATED');
  await rejects({ ...good, encryptedData: good.encryptedData.slice(0, -1) }, 'AUTH_FAILED');
  await rejects(raw(new TextEncoder().encode('{"clip":1}')), 'BAD_INPUT', /gzip/);
  await rejects(raw(gzipSync('{"clip": {').subarray(0, 12)), 'BAD_INPUT', /gzip/);
  await rejects(raw(gzipSync('not json')), 'BAD_INPUT', /JSON/);
  await rejects(raw(gzipSync('[1,2,3]')), 'BAD_INPUT', /object/);
  await rejects(raw(gzipSync(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))), 'BAD_INPUT', /UTF-8/);

  // Authentic JSON whose clip entry is malformed: decrypt works, import refuses.
  for (const clip of [
    { version: 1, embedding: 'x' },
    { version: 1, embedding: [1, 'a'] },
    { embedding: [1] },
    { version: 1, embedding: [] },
    [1, 2],
    { version: 1, client: 'c', embedding: embedding(9, 511) },
  ]) {
    const enc = await core.mlData.encrypt({ clip }, fileKey);
    assert.deepEqual((await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, fileKey)).clip, clip);
    await assert.rejects(core.mlData.importClip(index, 1, enc, fileKey), (e) => e.code === 'BAD_INPUT');
    assert.deepEqual(index.get(1), before);
  }
  for (const bad of [null, [1], 'x']) await assert.rejects(core.mlData.encrypt(bad, fileKey), (e) => e.code === 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.mlData.withClip({}, [0, 0], 'c')).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.mlData.withClip({}, [1, NaN], 'c')).code, 'BAD_INPUT');
  index.dispose();
});
