// Embedding index through the public API: results against an independent float64 JS reference,
// file-id and embedding validation, save/load (checked with libsodium.js and the zstd CLI as
// independent readers/writers of the documented format), failures that leave the index intact,
// the Node file store, and wasm memory returned on dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { core, sodium, catchCoreError, randomBytes } from './helpers.mjs';
import { fileIndexStore } from '../../js/dist/index.js';
import { rng } from './seeded-random.mjs';
import { seedFor } from './test-random.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

// Gaussian vectors (mulberry32 + Box-Muller), seeded: the same for a given TEST_SEED and label.
function gaussians(seed) {
  const u = rng(seedFor(seed));
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}
const randomVectors = (seed, count, dims) => {
  const g = gaussians(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, g));
};

// The reference: float64 cosine of the raw inputs, full sort, ties by id.
function referenceSearch(entries, query, { limit = 10, minScore = -Infinity } = {}) {
  const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const qn = norm(query);
  const hits = entries
    .map(([fileId, v]) => {
      let d = 0;
      for (let i = 0; i < v.length; i++) d += v[i] * query[i];
      return { fileId, score: d / (norm(v) * qn) };
    })
    .filter((h) => h.score >= minScore);
  hits.sort((a, b) => b.score - a.score || a.fileId - b.fileId);
  return hits.slice(0, limit);
}

/**
 * got equals want (the reference's first hits) rank by rank; a different id at a rank is allowed
 * only where the reference's full ranking `all` has a near-tie there (also just past the limit).
 */
function assertSameRanking(got, want, all = want, tol = 1e-5) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i].score - want[i].score) <= tol, `score ${i}: ${got[i].score} vs ${want[i].score}`);
    if (got[i].fileId !== want[i].fileId) {
      const nearTie =
        (i > 0 && all[i - 1].score - all[i].score <= 2 * tol) ||
        (i + 1 < all.length && all[i].score - all[i + 1].score <= 2 * tol);
      assert.ok(nearTie, `rank ${i}: ${got[i].fileId} vs ${want[i].fileId}`);
    }
  }
}

function build(dims, count, seed, idOf = (i) => i * 104729 + 11) {
  const vecs = randomVectors(seed, count, dims);
  const index = core.createIndex(dims);
  const entries = vecs.map((v, i) => [idOf(i), v]);
  for (const [id, v] of entries) index.upsert(id, v);
  return { index, entries };
}

test('search agrees with a float64 JS reference for many dims, counts, limits and thresholds', () => {
  for (const dims of [1, 5, 16, 17, 100, 512]) {
    for (const count of [0, 1, 10, 11, 300]) {
      const { index, entries } = build(dims, count, dims * 1000 + count);
      assert.equal(index.size, count);
      assert.equal(index.dims, dims);
      const queries = randomVectors(dims + count, 3, dims);
      for (const query of queries) {
        for (const opts of [{}, { limit: 1 }, { limit: 50, minScore: 0 }, { limit: Infinity, minScore: 0.175 }]) {
          const got = index.search(query, opts);
          const all = referenceSearch(entries, query, { ...opts, limit: Infinity });
          assertSameRanking(got, referenceSearch(entries, query, opts), all);
          for (const h of got) assert.ok(h.score >= (opts.minScore ?? -Infinity));
          // The int8 path re-ranks with exact scores: its hits carry the same scores.
          const q = index.search(query, { ...opts, quantized: true });
          const exact = new Map(referenceSearch(entries, query, { limit: Infinity }).map((h) => [h.fileId, h.score]));
          for (const h of q) assert.ok(Math.abs(exact.get(h.fileId) - h.score) <= 1e-5);
          if (count <= 100) assertSameRanking(q, referenceSearch(entries, query, opts), all); // all candidates
        }
      }
      index.dispose();
    }
  }
});

test('int8 search recall@10 against exact on 20,000 x 512 random vectors', () => {
  const { index, entries } = build(512, 20000, 7);
  let found = 0;
  const queries = randomVectors(99, 20, 512);
  // Half the queries sit near a stored vector (what a real photo search looks like).
  queries.forEach((q, t) => {
    if (t % 2) {
      const base = entries[(t * 997) % entries.length][1];
      for (let i = 0; i < 512; i++) q[i] = base[i] + (0.3 * q[i]) / Math.sqrt(512);
    }
  });
  for (const q of queries) {
    const exact = new Set(index.search(q, { limit: 10 }).map((h) => h.fileId));
    for (const h of index.search(q, { limit: 10, quantized: true })) found += exact.has(h.fileId) ? 1 : 0;
  }
  const recall = found / (queries.length * 10);
  assert.ok(recall >= 0.99, `recall@10 ${recall}`);
  index.dispose();
});

test('file ids: the 53-bit range round-trips exactly, anything else is BAD_INPUT and changes nothing', () => {
  const index = core.createIndex(4);
  const v = [1, 2, 3, 4];
  for (const id of [0, 1, 2 ** 32, 2 ** 53 - 1]) index.upsert(id, v);
  assert.deepEqual(
    index.fileIds().sort((a, b) => a - b),
    [0, 1, 2 ** 32, 2 ** 53 - 1],
  );
  assert.deepEqual(
    index.search(v, { limit: 10 }).map((h) => h.fileId),
    [0, 1, 2 ** 32, 2 ** 53 - 1],
  );
  for (const bad of [-1, 1.5, 2 ** 53, NaN, Infinity, '5', 5n, null, undefined]) {
    const e = catchCoreError(() => index.upsert(bad, v));
    assert.equal(e.code, 'BAD_INPUT');
    assert.match(e.message, /file id/);
    assert.equal(catchCoreError(() => index.remove(bad)).code, 'BAD_INPUT');
  }
  assert.equal(index.size, 4);
  index.dispose();
});

test('embeddings and queries are validated; a rejected upsert keeps the old vector', () => {
  const index = core.createIndex(3);
  index.upsert(7, [3, 0, 4]);
  for (const bad of [[1, 2], [1, 2, 3, 4], [0, 0, 0], [1, NaN, 1], [1, Infinity, 1], 'abc', null, new Uint8Array(3)]) {
    assert.equal(catchCoreError(() => index.upsert(7, bad)).code, 'BAD_INPUT', String(bad));
    assert.equal(catchCoreError(() => index.search(bad)).code, 'BAD_INPUT', String(bad));
  }
  assert.deepEqual(Array.from(index.get(7)), [0.6000000238418579, 0, 0.800000011920929]);
  assert.equal(index.size, 1);
  for (const dims of [0, -1, 1.5, 65537, NaN]) assert.equal(catchCoreError(() => core.createIndex(dims)).code, 'BAD_INPUT');
  for (const opts of [{ limit: -1 }, { limit: 1.5 }, { minScore: NaN }, { candidates: -3 }]) {
    assert.equal(catchCoreError(() => index.search([1, 1, 1], opts)).code, 'BAD_INPUT');
  }
  assert.deepEqual(index.search([1, 1, 1], { limit: 0 }), []);
  index.dispose();
});

test('upsert replaces, remove/has/get/fileIds stay consistent, upsertMany equals a loop', () => {
  const dims = 24;
  const vecs = randomVectors(3, 60, dims);
  const a = core.createIndex(dims);
  const b = core.createIndex(dims);
  vecs.forEach((v, i) => a.upsert(i * 3, v));
  const flat = new Float32Array(60 * dims);
  vecs.forEach((v, i) => flat.set(v, i * dims));
  b.upsertMany(
    vecs.map((_, i) => i * 3),
    flat,
  );
  assert.equal(b.size, 60);
  for (let i = 0; i < 60; i++) assert.deepEqual(a.get(i * 3), b.get(i * 3));
  // A batch with one bad id or one zero vector changes nothing.
  const batch = new Float32Array(3 * dims).fill(1);
  assert.equal(catchCoreError(() => b.upsertMany([1, 2, -3], batch)).code, 'BAD_INPUT');
  batch.fill(0, 2 * dims);
  assert.equal(catchCoreError(() => b.upsertMany([0, 1, 2], batch)).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => b.upsertMany([0, 1], batch)).code, 'BAD_INPUT'); // wrong length
  assert.equal(b.size, 60);
  assert.deepEqual(b.get(0), a.get(0));
  assert.equal(b.has(1), false);

  for (let i = 0; i < 60; i += 4) assert.equal(a.remove(i * 3), true);
  assert.equal(a.remove(0), false);
  assert.equal(a.remove(1), false);
  assert.equal(a.size, 45);
  a.upsert(3, vecs[59]); // replace
  assert.equal(a.size, 45);
  const live = new Set(a.fileIds());
  assert.equal(live.size, 45);
  for (let i = 0; i < 60; i++) {
    assert.equal(a.has(i * 3), i % 4 !== 0);
    assert.equal(live.has(i * 3), i % 4 !== 0);
  }
  const top = a.search(vecs[59], { limit: 2 });
  assert.deepEqual(
    top.map((h) => h.fileId).sort((x, y) => x - y),
    [3, 177],
  );
  assert.ok(Math.abs(top[0].score - 1) < 1e-6 && Math.abs(top[1].score - 1) < 1e-6);
  assert.equal(top[0].fileId, 3); // equal scores: lower id first
  a.dispose();
  b.dispose();
});

test('save/loadIndex round-trips bit-exactly and the bytes follow the documented layout', () => {
  const { index, entries } = build(33, 40, 5);
  const key = randomBytes(32);
  const bytes = index.save(key);
  const loaded = core.loadIndex(bytes, key);
  assert.equal(loaded.dims, 33);
  assert.equal(loaded.size, 40);
  for (const [id] of entries) assert.deepEqual(loaded.get(id), index.get(id));
  const q = randomVectors(6, 1, 33)[0];
  for (const quantized of [false, true]) assert.deepEqual(loaded.search(q, { quantized }), index.search(q, { quantized }));

  // Independent readers: libsodium.js opens the blob, the zstd CLI inflates the frame.
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), 'CLIE');
  assert.equal(dv.getUint32(4, true), 1);
  assert.equal(Number(dv.getBigUint64(8, true)), bytes.length - 40);
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(bytes.subarray(16, 40), key);
  const { message, tag } = sodium.crypto_secretstream_xchacha20poly1305_pull(state, bytes.subarray(40));
  assert.equal(tag, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  const z = spawnSync('zstd', ['-d', '-c', '-q'], { input: message });
  assert.equal(z.status, 0, String(z.stderr));
  const plain = new Uint8Array(z.stdout);
  const p = new DataView(plain.buffer, plain.byteOffset);
  assert.equal(Buffer.from(plain.subarray(0, 4)).toString(), 'CLIX');
  assert.deepEqual([p.getUint32(4, true), p.getUint32(8, true), p.getUint32(12, true)], [1, 33, 40]);
  assert.equal(plain.length, 16 + 40 * 8 + 40 * 33 * 4);
  for (let r = 0; r < 40; r++) {
    const id = Number(p.getBigUint64(16 + r * 8, true));
    const v = new Float32Array(plain.slice(16 + 40 * 8 + r * 33 * 4, 16 + 40 * 8 + (r + 1) * 33 * 4).buffer);
    assert.deepEqual(v, index.get(id));
  }
  index.dispose();
  loaded.dispose();
});

test('an index written by independent tools (JS layout, zstd CLI, libsodium.js) loads', () => {
  const dims = 8;
  const vecs = randomVectors(8, 5, dims).map((v) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  const ids = [9, 2 ** 53 - 1, 0, 123456789012, 42];
  const plain = new Uint8Array(16 + 5 * 8 + 5 * dims * 4);
  const p = new DataView(plain.buffer);
  plain.set(Buffer.from('CLIX'));
  p.setUint32(4, 1, true);
  p.setUint32(8, dims, true);
  p.setUint32(12, 5, true);
  ids.forEach((id, r) => p.setBigUint64(16 + r * 8, BigInt(id), true));
  vecs.forEach((v, r) => plain.set(new Uint8Array(v.buffer), 16 + 5 * 8 + r * dims * 4));
  const z = spawnSync('zstd', ['-c', '-q', '-19'], { input: plain });
  assert.equal(z.status, 0);
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const c = sodium.crypto_secretstream_xchacha20poly1305_push(
    state,
    new Uint8Array(z.stdout),
    null,
    sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
  );
  const bytes = new Uint8Array(40 + c.length);
  const dv = new DataView(bytes.buffer);
  bytes.set(Buffer.from('CLIE'));
  dv.setUint32(4, 1, true);
  dv.setBigUint64(8, BigInt(c.length), true);
  bytes.set(header, 16);
  bytes.set(c, 40);
  const index = core.loadIndex(bytes, key);
  assert.equal(index.size, 5);
  ids.forEach((id, r) => assert.deepEqual(index.get(id), vecs[r]));
  assert.equal(index.search(vecs[1], { limit: 1 })[0].fileId, 2 ** 53 - 1);
  index.dispose();
});

test('wrong key, truncation, tampering and garbage: typed CoreError, live index untouched', () => {
  const { index: saved } = build(16, 12, 9);
  const key = randomBytes(32);
  const bytes = saved.save(key);
  const { index: live, entries } = build(16, 7, 10);
  const q = entries[3][1];
  const before = live.search(q, { limit: 7 });
  const tryBoth = (b, k, code) => {
    assert.equal(catchCoreError(() => core.loadIndex(b, k)).code, code);
    assert.equal(catchCoreError(() => live.load(b, k)).code, code);
    assert.equal(live.size, 7);
    assert.deepEqual(live.search(q, { limit: 7 }), before);
  };
  tryBoth(bytes, randomBytes(32), 'AUTH_FAILED');
  for (const cut of [0, 3, 8, 39, 40, 41, bytes.length - 17, bytes.length - 1]) tryBoth(bytes.slice(0, cut), key, 'TRUNCATED');
  for (const at of [16, 30, 40, 50, bytes.length - 1]) {
    const bad = bytes.slice();
    bad[at] ^= 0x80;
    tryBoth(bad, key, 'AUTH_FAILED');
  }
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x58;
  tryBoth(wrongMagic, key, 'BAD_INPUT');
  tryBoth(Uint8Array.from([...bytes, 0]), key, 'BAD_INPUT');
  tryBoth(randomBytes(200), key, 'BAD_INPUT');
  record(
    'loadIndex, index.load',
    'a wrong key; a bit flipped in header, ciphertext or MAC',
    'CoreError AUTH_FAILED',
    'the live index is unchanged',
  );
  record(
    'loadIndex, index.load',
    'cut at 8 places from 0 bytes to one short',
    'CoreError TRUNCATED',
    'the live index is unchanged',
  );
  record(
    'loadIndex, index.load',
    'wrong magic; a trailing byte; 200 random bytes',
    'CoreError BAD_INPUT',
    'the live index is unchanged',
  );
  assert.equal(catchCoreError(() => core.loadIndex(bytes, new Uint8Array(31))).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.loadIndex('bytes', key)).code, 'BAD_INPUT');

  // And a good load replaces the live contents, dimension included.
  live.load(bytes, key);
  assert.equal(live.size, 12);
  assert.equal(live.dims, 16);
  saved.dispose();
  live.dispose();
});

test('Node file store: atomic write, read back, delete; a stored index reloads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cipherlens-store-'));
  try {
    const path = join(dir, 'clip.index');
    const store = fileIndexStore(path);
    assert.equal(await store.read(), undefined);
    const { index, entries } = build(12, 30, 11);
    const key = randomBytes(32);
    await store.write(index.save(key));
    await store.write(index.save(key)); // overwrite in place
    assert.deepEqual(readdirSync(dir), ['clip.index']); // no temporary files left
    const back = core.loadIndex(await store.read(), key);
    assert.deepEqual(back.search(entries[5][1]), index.search(entries[5][1]));
    await store.delete();
    assert.equal(existsSync(path), false);
    assert.equal(await store.read(), undefined);
    await store.delete(); // idempotent
    index.dispose();
    back.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dispose frees the wasm memory; a disposed index refuses calls', () => {
  const cycle = () => {
    const { index } = build(64, 500, 12);
    const key = randomBytes(32);
    const again = core.loadIndex(index.save(key), key);
    index.search(new Float32Array(64).fill(1), { quantized: true });
    index.dispose();
    again.dispose();
    return index;
  };
  cycle(); // warm up one-time allocations
  const before = core.memory.heapInUse();
  const disposed = cycle();
  assert.equal(core.memory.heapInUse(), before);
  assert.equal(catchCoreError(() => disposed.search([1])).code, 'CLOSED');
  assert.equal(catchCoreError(() => disposed.size).code, 'CLOSED');
  disposed.dispose(); // twice is harmless
});
