// The worker's async API against the synchronous core on the main thread: the same names for
// every function, the same results (or, for random outputs, results the other side accepts),
// the same CoreError codes, messages and chunk indexes, and payloads crossing by transfer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreWorker, CoreError } from '../../js/dist/index.js';
import { core, sodium, randomBytes, randomInt, toHex, CHUNK, catchCoreError } from './helpers.mjs';
import { CORE_ROUTES, PAYLOAD_TRANSFER_BYTES } from '../../js/dist/remote/routes.js';
import { ARCFACE_TEMPLATE } from '../../scripts/synthetic-faces.mjs';

const w = await createCoreWorker();
after(() => w.terminate());

const eq = (a, b, msg) => assert.equal(toHex(a), toHex(b), msg);

function paths(obj, prefix = '') {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'function') out.push(prefix + k);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) out.push(...paths(v, `${prefix + k}.`));
  }
  return out;
}
const at = (obj, path) => path.split('.').reduce((o, p) => o?.[p], obj);

const key = randomBytes(32);
const msg = () => randomBytes(randomInt(1, 3000));

// One check per core function: it calls the worker and compares with the core (or libsodium.js).
const checks = {
  generateKey: async () => {
    const k = await w.generateKey();
    assert.equal(k.length, 32);
    const { ciphertext, nonce } = core.secretbox.encrypt(new Uint8Array([1, 2, 3]), k);
    eq(core.secretbox.decrypt(ciphertext, nonce, k), [1, 2, 3]);
  },
  randomBytes: async () => {
    const [a, b] = await Promise.all([w.randomBytes(48), w.randomBytes(48)]);
    assert.equal(a.length, 48);
    assert.notEqual(toHex(a), toHex(b));
  },
  deriveKey: async () => {
    const salt = randomBytes(16);
    const k = await w.deriveKey('pässword', salt, 2, 1 << 20);
    eq(k, core.deriveKey('pässword', salt, 2, 1 << 20));
    eq(k, sodium.crypto_pwhash(32, 'pässword', salt, 2, 1 << 20, sodium.crypto_pwhash_ALG_ARGON2ID13));
  },
  deriveInteractiveKey: async () => {
    const d = await w.deriveInteractiveKey('hunter2');
    assert.deepEqual([d.opsLimit, d.memLimit], [2, 64 << 20]);
    eq(d.key, core.deriveKey('hunter2', d.salt, d.opsLimit, d.memLimit));
  },
  deriveSensitiveKey: null, // 1 GiB x 4 of Argon2 work: covered in worker-pool.test.mjs
  deriveLoginSubKey: async () => {
    const kek = randomBytes(32);
    eq(await w.deriveLoginSubKey(kek), core.deriveLoginSubKey(kek));
  },
  'secretbox.encrypt': async () => {
    const m = msg();
    const { ciphertext, nonce } = await w.secretbox.encrypt(m.slice(), key);
    eq(core.secretbox.decrypt(ciphertext, nonce, key), m);
  },
  'secretbox.decrypt': async () => {
    const m = msg();
    const { ciphertext, nonce } = core.secretbox.encrypt(m, key);
    eq(await w.secretbox.decrypt(ciphertext, nonce, key), m);
  },
  'blob.encrypt': async () => {
    const m = msg();
    const { ciphertext, header } = await w.blob.encrypt(m.slice(), key);
    eq(core.blob.decrypt(ciphertext, header, key), m);
    eq(
      sodium.crypto_secretstream_xchacha20poly1305_pull(
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key),
        ciphertext,
      ).message,
      m,
    );
  },
  'blob.decrypt': async () => {
    const m = msg();
    const { ciphertext, header } = core.blob.encrypt(m, key);
    eq(await w.blob.decrypt(ciphertext, header, key), m);
  },
  'blob.decryptLegacy': async () => {
    const m = msg();
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const c = sodium.crypto_secretstream_xchacha20poly1305_push(
      state,
      m,
      null,
      sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    );
    eq(await w.blob.decryptLegacy(c.slice(), header, key), m);
    assert.equal(
      (await w.blob.decrypt(c.slice(), header, key).catch((e) => e)).code,
      catchCoreError(() => core.blob.decrypt(c, header, key)).code,
    );
  },
  'stream.encrypt': async () => {
    const m = randomBytes(CHUNK + 99);
    const { ciphertext, header } = await w.stream.encrypt(m.slice(), key);
    eq(core.stream.decrypt(ciphertext, header, key), m);
  },
  'stream.decrypt': async () => {
    const m = randomBytes(CHUNK * 2);
    const { ciphertext, header } = core.stream.encrypt(m, key);
    eq(await w.stream.decrypt(ciphertext, header, key), m);
  },
  'stream.createEncryptor': async () => {
    const m = randomBytes(CHUNK + 5000);
    const enc = await w.stream.createEncryptor(key);
    const parts = [await enc.update(m.slice(0, 3000)), await enc.update(m.slice(3000)), await enc.final()];
    eq(core.stream.decrypt(Buffer.concat(parts), enc.header, key), m);
    await assert.rejects(enc.update(new Uint8Array(1)), (e) => e instanceof CoreError && e.code === 'CLOSED');
    // Resumed from its header on a worker: the same ciphertext again.
    const again = await w.stream.createEncryptor(key, enc.header);
    eq(Buffer.concat([await again.update(m), await again.final()]), Buffer.concat(parts));
  },
  'stream.createDecryptor': async () => {
    const m = randomBytes(CHUNK + 5000);
    const { ciphertext, header } = core.stream.encrypt(m, key);
    const dec = await w.stream.createDecryptor(header, key);
    const first = await dec.update(ciphertext.slice(0, CHUNK + 17));
    assert.equal(first.length, CHUNK, 'the first chunk comes out as soon as it is complete');
    const rest = await dec.update(ciphertext.slice(CHUNK + 17));
    assert.equal(rest.length, 0, 'the FINAL chunk waits for final()');
    eq(Buffer.concat([first, await dec.final()]), m);
  },
  'box.keypair': async () => {
    const { publicKey, secretKey } = await w.box.keypair();
    const sealed = sodium.crypto_box_seal(new Uint8Array([9, 8]), publicKey);
    eq(core.box.sealOpen(sealed, publicKey, secretKey), [9, 8]);
  },
  'box.publicKey': async () => {
    const { publicKey, secretKey } = core.box.keypair();
    eq(await w.box.publicKey(secretKey), publicKey);
  },
  'box.seal': async () => {
    const { publicKey, secretKey } = core.box.keypair();
    const m = msg();
    eq(sodium.crypto_box_seal_open(await w.box.seal(m.slice(), publicKey), publicKey, secretKey), m);
  },
  'box.sealOpen': async () => {
    const { publicKey, secretKey } = core.box.keypair();
    const m = msg();
    eq(await w.box.sealOpen(core.box.seal(m, publicKey), publicKey, secretKey), m);
  },
  'sign.keypair': async () => {
    const { publicKey, secretKey } = await w.sign.keypair();
    const m = msg();
    assert.ok(sodium.crypto_sign_verify_detached(sodium.crypto_sign_detached(m, secretKey), m, publicKey));
  },
  'sign.seedKeypair': async () => {
    const seed = randomBytes(32);
    const { publicKey, secretKey } = await w.sign.seedKeypair(seed);
    const theirs = sodium.crypto_sign_seed_keypair(seed);
    eq(publicKey, theirs.publicKey);
    eq(secretKey, theirs.privateKey);
  },
  'sign.detached': async () => {
    const { publicKey, privateKey } = sodium.crypto_sign_keypair();
    const m = msg();
    const signature = await w.sign.detached(m, privateKey);
    eq(signature, sodium.crypto_sign_detached(m, privateKey));
    assert.equal(m.length > 0, true, 'the message is copied, not transferred');
    assert.ok(sodium.crypto_sign_verify_detached(signature, m, publicKey));
  },
  'sign.verifyDetached': async () => {
    const { publicKey, privateKey } = sodium.crypto_sign_keypair();
    const m = msg();
    assert.equal(await w.sign.verifyDetached(sodium.crypto_sign_detached(m, privateKey), m, publicKey), undefined);
  },
  'mnemonic.fromEntropy': async () => {
    const e = randomBytes(16);
    assert.equal(await w.mnemonic.fromEntropy(e), core.mnemonic.fromEntropy(e));
  },
  'mnemonic.toEntropy': async () => {
    const words = core.mnemonic.fromEntropy(randomBytes(20));
    eq(await w.mnemonic.toEntropy(words), core.mnemonic.toEntropy(words));
  },
  'mnemonic.fromKey': async () => assert.equal(await w.mnemonic.fromKey(key), core.mnemonic.fromKey(key)),
  'mnemonic.toKey': async () => {
    eq(await w.mnemonic.toKey(core.mnemonic.fromKey(key)), key);
    eq(await w.mnemonic.toKey(toHex(key)), key);
  },
  verificationId: async () => {
    const { publicKey } = core.box.keypair();
    assert.equal(await w.verificationId(publicKey), core.verificationId(publicKey));
  },
  'b64.encode': async () => {
    const b = msg();
    assert.equal(await w.b64.encode(b), sodium.to_base64(b, sodium.base64_variants.ORIGINAL));
  },
  'b64.decode': async () => {
    const b = msg();
    eq(await w.b64.decode(core.b64.encode(b)), b);
  },
  'b64.encodeURLSafe': async () => {
    const b = msg();
    assert.equal(await w.b64.encodeURLSafe(b), sodium.to_base64(b, sodium.base64_variants.URLSAFE_NO_PADDING));
  },
  'b64.decodeURLSafe': async () => {
    const b = msg();
    eq(await w.b64.decodeURLSafe(core.b64.encodeURLSafe(b)), b);
  },
  'memory.heapInUse': async () => {
    // An open decryptor holds its state in the worker's heap; disposing it gives the bytes back.
    const before = await w.memory.heapInUse();
    const dec = await w.stream.createDecryptor(core.stream.encrypt(new Uint8Array(1), key).header, key);
    const open = await w.memory.heapInUse();
    await dec.dispose();
    assert.ok(open > before, `heap in use ${before} -> ${open} with a decryptor open`);
    assert.equal(await w.memory.heapInUse(), before);
  },
  'memory.heapSize': async () => {
    // Whole 64 KiB wasm pages, at least what is in use, and grown by a message larger than it.
    const size = await w.memory.heapSize();
    assert.equal(size % 65536, 0);
    assert.ok(size >= (await w.memory.heapInUse()));
    const m = randomBytes(size);
    const { ciphertext, header } = core.blob.encrypt(m, key);
    eq(await w.blob.decrypt(ciphertext, header, key), m);
    assert.ok((await w.memory.heapSize()) > size, 'the heap grew to hold the message');
  },
  'testing.memoryContains': async () => {
    const key = await w.generateKey();
    assert.equal(await w.testing.memoryContains(key), false);
  },
};

// The primitives take (message, nonce|ad..., key): compare every one on random inputs.
const primitiveArgs = {
  chacha20IetfXor: () => [msg(), randomBytes(12), 7, key],
  xchacha20Xor: () => [msg(), randomBytes(24), 3, key],
  hchacha20: () => [randomBytes(16), key],
  poly1305: () => [msg(), key],
  aeadChacha20Poly1305IetfEncrypt: () => [msg(), randomBytes(9), randomBytes(12), key],
  aeadXChacha20Poly1305IetfEncrypt: () => [msg(), randomBytes(9), randomBytes(24), key],
  aeadChacha20Poly1305IetfDecrypt: () => {
    const [m, ad, n] = [msg(), randomBytes(9), randomBytes(12)];
    return [core.primitives.aeadChacha20Poly1305IetfEncrypt(m, ad, n, key), ad, n, key];
  },
  aeadXChacha20Poly1305IetfDecrypt: () => {
    const [m, ad, n] = [msg(), randomBytes(9), randomBytes(24)];
    return [core.primitives.aeadXChacha20Poly1305IetfEncrypt(m, ad, n, key), ad, n, key];
  },
};
for (const [name, args] of Object.entries(primitiveArgs)) {
  checks[`primitives.${name}`] = async () => {
    const a = args();
    const expected = core.primitives[name](...a.map((x) => (x instanceof Uint8Array ? x.slice() : x)));
    eq(await w.primitives[name](...a), expected, name);
  };
}

// Live wasm objects (embedding indexes) and callbacks cannot cross threads: these stay on the
// calling thread. The route table (js/src/remote/routes.ts) says which.
const withRoute = (route) => Object.keys(CORE_ROUTES).filter((p) => CORE_ROUTES[p] === route);
const NOT_SERVED = withRoute('not-served');

const mlSample = () => ({
  clip: { version: 1, client: 'test', embedding: Array.from(randomBytes(8), (x) => x / 255) },
  face: { n: 1 },
});
Object.assign(checks, {
  'mlData.encrypt': async () => {
    const data = mlSample();
    const enc = await w.mlData.encrypt(data, key);
    assert.deepEqual(await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, key), data);
  },
  'mlData.decrypt': async () => {
    const data = mlSample();
    const enc = await core.mlData.encrypt(data, key);
    assert.deepEqual(await w.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, key), data);
  },
  'mlData.clipEmbedding': async () => {
    const data = mlSample();
    assert.deepEqual(await w.mlData.clipEmbedding(data), core.mlData.clipEmbedding(data));
  },
  'mlData.withClip': async () => {
    const e = [3, 4];
    assert.deepEqual(await w.mlData.withClip({ x: 1 }, e, 'c'), core.mlData.withClip({ x: 1 }, e, 'c'));
  },
});

const pixels = (w, h) => randomBytes(w * h * 4);
Object.assign(checks, {
  'hash.file': async () => {
    const m = msg();
    eq(await w.hash.file(m.slice()), core.hash.file(m));
  },
  'clip.tokenize': async () =>
    assert.deepEqual(await w.clip.tokenize('A dog on a beach'), core.clip.tokenize('A dog on a beach')),
  'clip.tokenizeQuery': async () => assert.deepEqual(await w.clip.tokenizeQuery('  A Dog  '), core.clip.tokenize('a dog')),
  'clip.preprocess': async () => {
    const rgba = pixels(300, 200);
    assert.deepEqual(await w.clip.preprocess(rgba, 300, 200), core.clip.preprocess(rgba, 300, 200));
  },
  'clip.downscale': async () => {
    const rgba = pixels(90, 40);
    assert.deepEqual(await w.clip.downscale(rgba, 90, 40, 30), core.clip.downscale(rgba, 90, 40, 30));
  },
  'clip.forget': async () => {
    await w.clip.forget();
    assert.deepEqual(await w.clip.tokenize('red'), core.clip.tokenize('red'));
  },
});

// Faces: a face drawn at the ArcFace template's points, and a detector row that finds it.
const faceDetection = {
  score: 0.9,
  box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 },
  landmarks: ARCFACE_TEMPLATE.map(([x, y]) => ({ x: (x + 40) / 300, y: (y + 30) / 200 })),
};
const faceEntry = {
  faceID: '1_1',
  detection: { box: faceDetection.box, landmarks: faceDetection.landmarks },
  score: 0.9,
  blur: 12.5,
  embedding: Array(192).fill(0.5),
};
Object.assign(checks, {
  'faces.letterbox': async () => {
    const rgba = pixels(300, 200);
    assert.deepEqual(await w.faces.letterbox(rgba, 300, 200), core.faces.letterbox(rgba, 300, 200));
  },
  'faces.detections': async () => {
    const rows = new Float32Array(25200 * 16);
    rows.set([320, 240, 100, 120, 0.9, 300, 220, 340, 220, 320, 240, 305, 270, 335, 270, 0.9]);
    const d = await w.faces.detections(rows, 640, 480);
    assert.equal(d.length, 1);
    assert.deepEqual(d, core.faces.detections(rows, 640, 480));
  },
  'faces.align': async () => {
    const rgba = pixels(300, 200);
    assert.deepEqual(await w.faces.align(rgba, 300, 200, faceDetection), core.faces.align(rgba, 300, 200, faceDetection));
  },
  'faces.alignment': async () => {
    const lm = faceDetection.landmarks.map((p) => ({ x: p.x * 300, y: p.y * 200 }));
    assert.deepEqual(await w.faces.alignment(lm), core.faces.alignment(lm));
  },
  'faces.blur': async () => {
    const face = core.faces.align(pixels(300, 200), 300, 200, faceDetection).face;
    assert.equal(await w.faces.blur(face, faceDetection.landmarks), core.faces.blur(face, faceDetection.landmarks));
  },
  'faces.direction': async () => assert.equal(await w.faces.direction(faceDetection.landmarks), 'straight'),
  'faces.faceId': async () => assert.equal(await w.faces.faceId(42, faceDetection.box), '42_10000_20000_40000_60000'),
  'mlData.faceData': async () => {
    const data = { face: { version: 1, client: 'c', width: 300, height: 200, faces: [faceEntry] } };
    assert.deepEqual(await w.mlData.faceData(data), core.mlData.faceData(data));
  },
  'mlData.withFaces': async () => {
    const fi = { width: 300, height: 200, faces: [faceEntry] };
    assert.deepEqual(await w.mlData.withFaces({ x: 1 }, fi, 'c'), core.mlData.withFaces({ x: 1 }, fi, 'c'));
  },
  'entities.createKey': async () => {
    const masterKey = core.generateKey();
    const { key, encrypted } = await w.entities.createKey(masterKey);
    assert.deepEqual(core.entities.openKey(encrypted, masterKey), key);
  },
  'entities.openKey': async () => {
    const masterKey = core.generateKey();
    const { key, encrypted } = core.entities.createKey(masterKey);
    assert.deepEqual(await w.entities.openKey(encrypted, masterKey), key);
  },
  'entities.encrypt': async () => {
    const enc = await w.entities.encrypt('cgroup', { name: 'Ada' }, key);
    assert.deepEqual(await core.entities.decrypt('cgroup', enc, key), { name: 'Ada' });
  },
  'entities.decrypt': async () => {
    const enc = await core.entities.encrypt('location', { name: 'home' }, key);
    assert.deepEqual(await w.entities.decrypt('location', enc, key), { name: 'home' });
  },
});

test('every core function has an async twin of the same name, and every one is checked here', () => {
  const corePaths = paths(core)
    .filter((p) => !NOT_SERVED.includes(p))
    .sort();
  for (const p of NOT_SERVED) assert.equal(at(w, p), undefined, p);
  assert.deepEqual(Object.keys(checks).sort(), corePaths);
  for (const p of corePaths) assert.equal(typeof at(w, p), 'function', p);
  assert.equal(w.sodiumVersion, core.sodiumVersion);
});

for (const [path, check] of Object.entries(checks)) {
  if (check) test(`parity: ${path}`, check);
}

test('results come back as promises even for cheap calls', () => {
  const p = w.b64.encode(new Uint8Array([1]));
  assert.ok(p instanceof Promise);
  return p;
});

test('CoreError crosses the worker with the same code, message and chunk index as the core', async () => {
  const m = randomBytes(3 * CHUNK + 10);
  const s = core.stream.encrypt(m, key);
  const tampered = s.ciphertext.slice();
  tampered[2 * (CHUNK + 17) + 40] ^= 1;
  const box = core.secretbox.encrypt(msg(), key);
  box.ciphertext[0] ^= 1;
  const blob = core.blob.encrypt(msg(), key);
  const { publicKey, secretKey } = core.box.keypair();
  const cases = [
    ['stream.decrypt', [tampered, s.header, key], 'AUTH_FAILED', 2],
    ['stream.decrypt', [s.ciphertext.subarray(0, 2 * (CHUNK + 17)), s.header, key], 'TRUNCATED'],
    ['secretbox.decrypt', [box.ciphertext, box.nonce, key], 'AUTH_FAILED'],
    ['blob.decrypt', [blob.ciphertext.subarray(0, 10), blob.header, key], 'TRUNCATED'],
    ['blob.decrypt', [blob.ciphertext, blob.header, key.subarray(0, 31)], 'BAD_INPUT'],
    ['box.sealOpen', [new Uint8Array(60), publicKey, secretKey], 'AUTH_FAILED'],
    ['sign.verifyDetached', [new Uint8Array(64), msg(), core.sign.keypair().publicKey], 'AUTH_FAILED'],
    ['mnemonic.toKey', [`${'abandon '.repeat(23)}zzz`], 'BAD_INPUT'],
    ['b64.decode', ['not base64!'], 'BAD_INPUT'],
    ['deriveKey', ['pw', new Uint8Array(3), 2, 1 << 20], 'BAD_INPUT'],
    ['blob.encrypt', ['a string, not bytes', key], 'BAD_INPUT'],
  ];
  for (const [path, args, code, chunkIndex] of cases) {
    const local = catchCoreError(() => at(core, path)(...args));
    const remote = await at(
      w,
      path,
    )(...args.map((a) => (a instanceof Uint8Array ? a.slice() : a))).then(
      () => assert.fail(`${path} should fail`),
      (e) => e,
    );
    assert.ok(remote instanceof CoreError, `${path}: ${remote}`);
    assert.equal(remote.name, 'CoreError');
    assert.equal(remote.code, code, path);
    assert.equal(local.code, code, path);
    assert.equal(remote.message, local.message, path);
    assert.equal(remote.chunkIndex, local.chunkIndex, path);
    if (chunkIndex !== undefined) assert.equal(remote.chunkIndex, chunkIndex, path);
  }
});

test('the route table lists every function of the core, and nothing else', () => {
  assert.deepEqual(Object.keys(CORE_ROUTES).sort(), paths(core).sort());
  assert.ok(NOT_SERVED.length > 0 && withRoute('payload-first').length > 0 && withRoute('kdf-thread').length > 0);
});

test('every payload-first function transfers a payload of PAYLOAD_TRANSFER_BYTES or more and copies a smaller one; copy functions leave their arguments alone', async () => {
  const k = randomBytes(32);
  const big = PAYLOAD_TRANSFER_BYTES;
  assert.equal(big, 64 * 1024); // the README says so
  for (const [path, detached] of [
    ...withRoute('payload-first').map((p) => [p, true]),
    ...withRoute('copy').map((p) => [p, false]),
  ]) {
    for (const size of [64, big - 1, big]) {
      const first = randomBytes(size);
      // Whether the call succeeds with these arguments does not matter: the transfer happens on sending.
      await at(w, path)(first, k, k, k).catch(() => {});
      assert.equal(first.buffer.byteLength, detached && size >= big ? 0 : size, `${path}, ${size} bytes`);
      assert.equal(k.length, 32, `${path}: later arguments are copied`);
    }
  }
});

test("Ente's sharing through a pool: box.seal(collectionKey, publicKey) leaves the collection key intact", async () => {
  const collectionKey = randomBytes(32);
  const kept = collectionKey.slice();
  const { publicKey, secretKey } = core.box.keypair();
  const sealed = await w.box.seal(collectionKey, publicKey);
  eq(collectionKey, kept); // was emptied: the key is the message, and messages were transferred
  eq(core.box.sealOpen(sealed, publicKey, secretKey), kept);
  const enc = await w.stream.createEncryptor(key);
  const small = randomBytes(100);
  await enc.update(small);
  assert.equal(small.length, 100, 'an incremental update of a small piece copies it too');
  await enc.dispose();
});

test("payloads are transferred (the caller's buffer is detached), keys and headers are copied", async () => {
  const m = randomBytes(PAYLOAD_TRANSFER_BYTES + 1000);
  const expected = m.slice();
  const k = randomBytes(32);
  const { ciphertext, header } = await w.blob.encrypt(m, k);
  assert.equal(m.buffer.byteLength, 0, 'message buffer moved to the worker');
  assert.equal(k.length, 32, 'key stays usable');
  // Results arrive as their own exact-size buffers (moved back, not views into a copy).
  assert.equal(ciphertext.buffer.byteLength, ciphertext.length);
  const plain = await w.blob.decrypt(ciphertext, header, k);
  assert.equal(ciphertext.buffer.byteLength, 0, 'ciphertext buffer moved to the worker');
  assert.equal(header.length, 24, 'header stays usable');
  eq(plain, expected);
});

test('a view into a larger buffer is copied, so the rest of that buffer stays with the caller', async () => {
  const big = randomBytes(10_000);
  const before = big.slice();
  const { ciphertext, header } = await w.blob.encrypt(big.subarray(100, 600), key);
  assert.equal(big.buffer.byteLength, 10_000);
  eq(big, before);
  eq(core.blob.decrypt(ciphertext, header, key), before.subarray(100, 600));
  const pooled = Buffer.from('a small pooled Node Buffer');
  const r = await w.blob.encrypt(pooled, key);
  assert.equal(pooled.toString(), 'a small pooled Node Buffer');
  eq(core.blob.decrypt(r.ciphertext, r.header, key), pooled);
});

test('wrong argument kinds fail as CoreError BAD_INPUT, and the worker keeps serving', async () => {
  await assert.rejects(w.secretbox.decrypt(42, 1, 2), (e) => e instanceof CoreError && e.code === 'BAD_INPUT');
  eq(await w.b64.decode('AQID'), [1, 2, 3]);
});
