// The compact index through the public API: results against an independent float64 reference
// (equal when every candidate is re-ranked), recall@10 >= 0.99 with the defaults on seeded random
// and clustered sets, the wasm-memory bound extrapolated to a million photos, snapshots saved and
// opened in pieces (and every way of breaking them detected), pages changed or lost, a store that
// fails mid-write, and the Node directory store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { core, randomBytes } from './helpers.mjs';
import { loadCore, memoryPageStore, directoryPageStore } from '../../js/dist/index.js';
import { rng } from './seeded-random.mjs';
import { seedFor } from './test-random.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const MiB = 2 ** 20;

function gaussians(label) {
  const u = rng(seedFor(label));
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}
/** count x dims Gaussian floats, row after row. */
function randomSet(label, count, dims) {
  const g = gaussians(label);
  return Float32Array.from({ length: count * dims }, g);
}
/** A seeded mixture of Gaussians on the sphere: `clusters` random centres, points = centre + noise. */
function clusteredSet(label, count, dims, clusters, spread) {
  const g = gaussians(label);
  const u = rng(seedFor(`${label}/pick`));
  const centres = Float32Array.from({ length: clusters * dims }, g);
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(u() * clusters) * dims;
    for (let j = 0; j < dims; j++) out[i * dims + j] = centres[c + j] + spread * g();
  }
  return out;
}

// The reference: float64 cosines of the raw inputs, full sort, ties by id.
function reference(data, ids, dims, query, limit, minScore = -Infinity) {
  let qq = 0;
  for (const x of query) qq += x * x;
  const hits = [];
  for (let r = 0; r < ids.length; r++) {
    let d = 0,
      vv = 0;
    for (let j = 0; j < dims; j++) {
      d += data[r * dims + j] * query[j];
      vv += data[r * dims + j] ** 2;
    }
    const score = d / Math.sqrt(vv * qq);
    if (score >= minScore) hits.push({ fileId: ids[r], score });
  }
  hits.sort((a, b) => b.score - a.score || a.fileId - b.fileId);
  return { top: hits.slice(0, limit), all: hits };
}

function assertSameRanking(got, { top, all }, tol = 1e-5) {
  assert.equal(got.length, top.length);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i].score - top[i].score) <= tol, `score ${i}: ${got[i].score} vs ${top[i].score}`);
    if (got[i].fileId !== top[i].fileId) {
      const nearTie =
        (i > 0 && all[i - 1].score - all[i].score <= 2 * tol) ||
        (i + 1 < all.length && all[i].score - all[i + 1].score <= 2 * tol);
      assert.ok(nearTie, `rank ${i}: ${got[i].fileId} vs ${top[i].fileId}`);
    }
  }
}

const ids = (n, base = 1) => Array.from({ length: n }, (_, i) => base + i * 7);

async function catchError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

test('equals a float64 reference when every candidate is re-ranked, at every dims/count boundary', async () => {
  for (const dims of [1, 3, 17, 512]) {
    for (const n of [0, 1, 33, 100]) {
      const data = randomSet(`ref/${dims}/${n}`, n, dims);
      const fileIds = ids(n);
      const index = core.createCompactIndex(dims, { store: memoryPageStore(), key: randomBytes(32) });
      await index.upsertMany(fileIds, data);
      assert.equal(index.size, n);
      const query = randomSet(`ref/${dims}/${n}/q`, 1, dims);
      for (const opts of [{ limit: 10 }, { limit: 1000 }, { limit: 5, minScore: 0.1 }]) {
        const got = await index.search(query, { ...opts, rerank: n + 1, epsilon: 1e9 });
        assertSameRanking(got, reference(data, fileIds, dims, query, opts.limit, opts.minScore));
      }
      index.dispose();
    }
  }
});

test('recall@10 >= 0.99 with the defaults on seeded random and clustered 512-d sets', async (t) => {
  const dims = 512,
    n = 20000;
  for (const [kind, data] of [
    ['random', randomSet('recall/random', n, dims)],
    ['clustered', clusteredSet('recall/clustered', n, dims, 100, 1)],
  ]) {
    const fileIds = ids(n);
    const index = core.createCompactIndex(dims, { store: memoryPageStore(), key: randomBytes(32) });
    await index.upsertMany(fileIds, data);
    let found = 0,
      total = 0,
      scored = 0;
    const queries = 30;
    const g = gaussians(`recall/${kind}/q`);
    for (let t = 0; t < queries; t++) {
      const q = Float32Array.from({ length: dims }, g);
      if (t % 2) for (let j = 0; j < dims; j++) q[j] = data[((t * 7919) % n) * dims + j] + 0.05 * q[j]; // near a stored photo
      const want = new Set(reference(data, fileIds, dims, q, 10).top.map((h) => h.fileId));
      const got = await index.search(q, { limit: 10 });
      scored += index.lastScored;
      for (const h of got) found += want.has(h.fileId) ? 1 : 0;
      total += want.size;
    }
    t.diagnostic(
      `${kind}: recall@10 ${(found / total).toFixed(4)}, int8 copies scored per query ${Math.round(scored / queries)} of ${n}`,
    );
    assert.ok(found / total >= 0.99, `${kind}: recall ${found / total}`);
    assert.ok(scored / queries < n / 4, `${kind}: the codes pruned too little (${scored / queries})`);
    index.dispose();
  }
});

test('wasm memory per photo extrapolates to 1,000,000 x 512 under 768 MiB', async (t) => {
  const fresh = await loadCore(); // its own heap, so nothing else is in it
  const dims = 512;
  const index = fresh.createCompactIndex(dims, { store: memoryPageStore(), key: randomBytes(32) });
  const data = randomSet('memory', 8192, dims);
  const at = [];
  for (let batch = 0; batch < 6; batch++) {
    await index.upsertMany(ids(8192, 1 + batch * 100000), data);
    at.push({ n: index.size, inUse: fresh.memory.heapInUse(), size: fresh.memory.heapSize(), own: index.memoryBytes() });
  }
  const first = at[1],
    last = at.at(-1);
  const perPhoto = (last.inUse - first.inUse) / (last.n - first.n);
  // Emscripten grows memory by up to MEMORY_GROWTH_GEOMETRIC_CAP (32 MiB) beyond a request.
  const projected = last.inUse + perPhoto * (1e6 - last.n) + 32 * MiB;
  t.diagnostic(
    `${perPhoto.toFixed(0)} bytes of wasm heap per photo (index's own count ${(last.own / last.n).toFixed(0)}); ` +
      `${last.n} photos: heap in use ${(last.inUse / MiB).toFixed(0)} MiB, memory ${(last.size / MiB).toFixed(0)} MiB; ` +
      `projected for 1,000,000: ${(projected / MiB).toFixed(0)} MiB`,
  );
  assert.ok(perPhoto < 700, `${perPhoto} bytes per photo`);
  assert.ok(projected <= 768 * MiB, `projected ${projected / MiB} MiB`);
  assert.ok(last.size <= last.inUse + 40 * MiB, 'memory grew far beyond what is in use');
  index.dispose();
});

test('snapshots save and open in pieces: same answers, meta, upserts go on, older pieces deleted', async () => {
  const dims = 64,
    n = 9000;
  const store = memoryPageStore();
  const key = randomBytes(32);
  const data = randomSet('snap', n, dims);
  const index = core.createCompactIndex(dims, { store, key });
  await index.upsertMany(ids(n), data);
  assert.equal(await core.openCompactIndex({ store, key }), undefined); // nothing saved yet
  await index.save({ meta: new TextEncoder().encode('cursor 1') });
  const first = (await store.list('snap-')).length;
  assert.ok(first >= 4, `${first} pieces`);
  const q = randomSet('snap/q', 1, dims);
  const again = await core.openCompactIndex({ store, key });
  assert.equal(new TextDecoder().decode(again.meta), 'cursor 1');
  assert.deepEqual(again.fileIds().sort(), index.fileIds().sort());
  assert.deepEqual(await again.search(q, { limit: 20 }), await index.search(q, { limit: 20 }));
  assert.deepEqual(await again.get(8), await index.get(8));
  // The opened index goes on: upserts, removals, another snapshot replacing the first.
  await again.upsert(123456789, q);
  assert.equal(await again.remove(1), true);
  await again.save({ meta: new TextEncoder().encode('cursor 2') });
  const names = await store.list('snap-');
  assert.ok(
    names.every((name) => name.startsWith('snap-2-')),
    names.join(),
  );
  const third = await core.openCompactIndex({ store, key });
  assert.equal(third.size, n);
  assert.equal(new TextDecoder().decode(third.meta), 'cursor 2');
  assert.equal((await third.search(q, { limit: 1 }))[0].fileId, 123456789);
  assert.equal(await third.get(1), undefined);
  for (const x of [index, again, third]) x.dispose();
});

test('a broken snapshot never opens: a piece changed, dropped, swapped, replayed, cut short; a wrong key', async () => {
  const dims = 64,
    n = 9000;
  const store = memoryPageStore();
  const key = randomBytes(32);
  const index = core.createCompactIndex(dims, { store, key });
  await index.upsertMany(ids(n), randomSet('broken', n, dims));
  await index.save();
  const oldPieces = new Map();
  for (const name of await store.list('snap-1-')) oldPieces.set(name, await store.get(name));
  await index.upsert(8, randomSet('broken/1', 1, dims)); // replaces photo 8
  await index.save(); // generation 2
  const root = JSON.parse(new TextDecoder().decode(await store.get('root')));
  const piece = (i) => `snap-2-${i}`;
  const saved = new Map();
  for (const name of await store.list('snap-2-')) saved.set(name, (await store.get(name)).slice());
  const restore = async () => {
    for (const [name, bytes] of saved) await store.put(name, bytes.slice());
    await store.put('root', new TextEncoder().encode(JSON.stringify(root)));
  };
  const cases = [
    ['a byte of a piece flipped', 'AUTH_FAILED', async () => (await store.get(piece(2)))[100]++],
    [
      'a piece dropped (the rest renumbered)',
      'AUTH_FAILED',
      async () => {
        for (let i = 2; i < root.pieces - 1; i++) await store.put(piece(i), saved.get(piece(i + 1)).slice());
        await store.put('root', new TextEncoder().encode(JSON.stringify({ ...root, pieces: root.pieces - 1 })));
      },
    ],
    [
      'two pieces swapped',
      'AUTH_FAILED',
      async () => {
        await store.put(piece(2), saved.get(piece(3)).slice());
        await store.put(piece(3), saved.get(piece(2)).slice());
      },
    ],
    [
      "a piece replaced by the older snapshot's",
      'AUTH_FAILED',
      async () => store.put(piece(2), oldPieces.get('snap-1-2').slice()),
    ],
    ['a piece replayed (twice in a row)', 'AUTH_FAILED', async () => store.put(piece(3), saved.get(piece(2)).slice())],
    [
      'the last (final) piece cut off',
      'TRUNCATED',
      async () => store.put('root', new TextEncoder().encode(JSON.stringify({ ...root, pieces: root.pieces - 1 }))),
    ],
    ['a piece missing from the store', 'TRUNCATED', async () => store.delete(piece(1))],
    ['a piece cut short', 'AUTH_FAILED', async () => store.put(piece(2), saved.get(piece(2)).slice(0, 1000))],
  ];
  for (const [what, code, breakIt] of cases) {
    await restore();
    await breakIt();
    const e = await catchError(core.openCompactIndex({ store, key }));
    assert.equal(e.name, 'CoreError', `${what}: ${e}`);
    assert.equal(e.code, code, `${what}: ${e.message}`);
    record(
      'core.openCompactIndex',
      `a snapshot in a store with ${what}`,
      e,
      'no index returned; opening the intact store afterwards works',
    );
  }
  await restore();
  const wrong = await catchError(core.openCompactIndex({ store, key: randomBytes(32) }));
  assert.equal(wrong.code, 'AUTH_FAILED');
  record('core.openCompactIndex', 'a snapshot opened with a wrong key', wrong);
  await store.put('root', new TextEncoder().encode('{"format":1,"generation":2}'));
  const bad = await catchError(core.openCompactIndex({ store, key }));
  assert.equal(bad.code, 'BAD_INPUT');
  record('core.openCompactIndex', 'a store root record that is not a snapshot root', bad);
  await restore();
  const ok = await core.openCompactIndex({ store, key });
  assert.equal(ok.size, n);
  ok.dispose();
  index.dispose();
});

test('a page changed or lost: AUTH_FAILED or TRUNCATED for the search reading it, the index unchanged', async () => {
  const dims = 16,
    n = 200;
  const store = memoryPageStore();
  const index = core.createCompactIndex(dims, { store, key: randomBytes(32) });
  const data = randomSet('pages', n, dims);
  await index.upsertMany(ids(n), data);
  const q = data.subarray(0, dims); // finds photo 1 first
  const before = await index.search(q, { limit: 5 });
  const pages = await store.list('page-');
  assert.ok(pages.length >= 7);
  const originals = new Map();
  for (const name of pages) originals.set(name, (await store.get(name)).slice());
  // Flip one byte of a record in every page: whichever page the search reads fails.
  for (const name of pages) (await store.get(name))[40 + 8]++;
  const changed = await catchError(index.search(q, { limit: 5 }));
  assert.equal(changed.code, 'AUTH_FAILED');
  record('CompactIndex.search', 'a page of the store changed', changed, 'the next search over intact pages answers as before');
  // A record moved to another position of its page.
  for (const [name, bytes] of originals) {
    const moved = bytes.slice();
    const rb = 8 + 4 * dims + 40;
    moved.set(bytes.subarray(32, 32 + rb), 32 + rb);
    moved.set(bytes.subarray(32 + rb, 32 + 2 * rb), 32);
    await store.put(name, moved);
  }
  const swapped = await catchError(index.search(q, { limit: n }));
  assert.equal(swapped.code, 'AUTH_FAILED');
  record('CompactIndex.search', 'two records of a page swapped', swapped);
  for (const name of pages) await store.delete(name);
  const lost = await catchError(index.search(q, { limit: 5 }));
  assert.equal(lost.code, 'TRUNCATED');
  record('CompactIndex.search', 'a page missing from the store', lost);
  for (const [name, bytes] of originals) await store.put(name, bytes);
  assert.deepEqual(await index.search(q, { limit: 5 }), before);
  // Without re-ranking no page is read: int8 scores, the same files first.
  for (const name of pages) await store.delete(name);
  const approx = await index.search(q, { limit: 5, exact: false });
  assert.equal(approx[0].fileId, before[0].fileId);
  assert.ok(Math.abs(approx[0].score - before[0].score) < 0.01);
  index.dispose();
});

test('a store that fails while pages are written: the batch is not applied, the index goes on', async () => {
  const inner = memoryPageStore();
  let failNext = false;
  const store = {
    ...inner,
    get: inner.get,
    delete: inner.delete,
    list: inner.list,
    async put(name, bytes) {
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      }
      return inner.put(name, bytes);
    },
  };
  const dims = 8;
  const index = core.createCompactIndex(dims, { store, key: randomBytes(32) });
  await index.upsertMany(ids(40), randomSet('fail/1', 40, dims));
  failNext = true;
  const e = await catchError(index.upsertMany(ids(10, 1000), randomSet('fail/2', 10, dims)));
  assert.equal(e.code, 'ENOSPC');
  assert.equal(index.size, 40);
  assert.equal(index.has(1000), false);
  // The failed batch's page was never written, every earlier record still reads back.
  for (const id of ids(40)) assert.ok(await index.get(id));
  await index.upsertMany(ids(10, 1000), randomSet('fail/3', 10, dims));
  assert.equal(index.size, 50);
  assert.equal((await index.search(await index.get(1000), { limit: 1 }))[0].fileId, 1000);
  record(
    'CompactIndex.upsertMany',
    'the page store failing mid-write (ENOSPC)',
    'the store error, unchanged',
    'index unchanged; the retry succeeds',
  );
  index.dispose();
});

test('bad arguments are BAD_INPUT and change nothing', async () => {
  const index = core.createCompactIndex(4, { store: memoryPageStore(), key: randomBytes(32) });
  await index.upsert(1, [1, 2, 3, 4]);
  const bad = [
    () => index.upsert(-1, [1, 2, 3, 4]),
    () => index.upsert(2 ** 53, [1, 2, 3, 4]),
    () => index.upsert(2, [1, 2, 3]),
    () => index.upsert(2, [0, 0, 0, 0]),
    () => index.upsert(2, [1, Number.NaN, 0, 0]),
    () => index.upsertMany([2, 3], new Float32Array(4)),
    () => index.search([1, 2, 3]),
    () => index.search([1, 2, 3, 4], { limit: -1 }),
    () => index.search([0, 0, 0, 0]),
  ];
  for (const fn of bad) {
    let e;
    try {
      await fn();
    } catch (err) {
      e = err;
    }
    assert.equal(e?.code, 'BAD_INPUT', String(fn));
  }
  assert.equal(index.size, 1);
  assert.throws(() => core.createCompactIndex(0, { store: memoryPageStore(), key: randomBytes(32) }), { code: 'BAD_INPUT' });
  assert.throws(() => core.createCompactIndex(4, { store: memoryPageStore(), key: randomBytes(31) }), { code: 'BAD_INPUT' });
  assert.throws(() => core.createCompactIndex(4, { store: {}, key: randomBytes(32) }), { code: 'BAD_INPUT' });
  index.dispose();
  assert.throws(() => index.size, { code: 'CLOSED' });
});

test('the Node directory store: one file per page, snapshots round-trip, nothing left behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cipherlens-pages-'));
  try {
    const store = directoryPageStore(join(dir, 'index'));
    const key = randomBytes(32);
    const dims = 32;
    const index = core.createCompactIndex(dims, { store, key });
    const data = randomSet('dir', 100, dims);
    await index.upsertMany(ids(100), data);
    await index.save();
    const files = readdirSync(join(dir, 'index'));
    assert.ok(files.includes('root'));
    assert.ok(files.some((f) => f.startsWith('page-')));
    assert.ok(!files.some((f) => f.endsWith('.tmp')));
    const again = await core.openCompactIndex({ store: directoryPageStore(join(dir, 'index')), key });
    const q = data.subarray(dims * 3, dims * 4);
    assert.deepEqual(await again.search(q), await index.search(q));
    for (const id of ids(100)) await again.remove(id);
    await again.save();
    assert.deepEqual(
      readdirSync(join(dir, 'index')).filter((f) => f.startsWith('page-')).length <= 1,
      true,
      'empty pages deleted (the tail may stay)',
    );
    index.dispose();
    again.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
