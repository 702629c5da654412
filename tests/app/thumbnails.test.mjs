// The app's thumbnail cache (app/src/thumbnails.ts): one download per thumbnail however many
// tiles ask at once, at most `capacity` object URLs (the least recently used evicted and
// revoked), every URL revoked by clear() at lock, a failed download tried again later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveObjectURL } from 'node:buffer';
import { importApp } from './bundle.mjs';

const { ThumbnailCache } = await importApp('app/src/thumbnails.ts');
const live = (url) => resolveObjectURL(url) !== undefined;

function counting() {
  const loads = new Map();
  const load = async (file) => {
    loads.set(file.id, (loads.get(file.id) ?? 0) + 1);
    if (file.fails) throw new Error('the download failed');
    return new Uint8Array([file.id]);
  };
  return { loads, load };
}

test('a thumbnail asked for by several tiles at once is downloaded once', async () => {
  const { loads, load } = counting();
  const cache = new ThumbnailCache(load, 10);
  const file = { id: 7 };
  const urls = await Promise.all([cache.url(file), cache.url(file), cache.url(file)]);
  assert.equal(new Set(urls).size, 1);
  assert.equal(await cache.url(file), urls[0]);
  assert.equal(loads.get(7), 1);
  assert.deepEqual(new Uint8Array(await resolveObjectURL(urls[0]).arrayBuffer()), new Uint8Array([7]));
});

test('past its capacity the least recently used thumbnail is evicted and its URL revoked', async () => {
  const { loads, load } = counting();
  const cache = new ThumbnailCache(load, 3);
  const files = [1, 2, 3, 4].map((id) => ({ id }));
  const [u1, u2] = [await cache.url(files[0]), await cache.url(files[1])];
  await cache.url(files[2]);
  await cache.url(files[0]); // 1 is used again: 2 is now the oldest
  const u4 = await cache.url(files[3]);
  assert.equal(cache.size, 3);
  assert.equal(live(u2), false, 'the evicted URL is revoked');
  assert.equal(live(u1), true);
  assert.equal(live(u4), true);
  await cache.url(files[1]); // downloaded again
  assert.equal(loads.get(2), 2);
  assert.equal(loads.get(1), 1);
});

test('a thumbnail put at upload is never downloaded; clear() revokes every URL', async () => {
  const { loads, load } = counting();
  const cache = new ThumbnailCache(load, 10);
  cache.put({ id: 5 }, new Uint8Array([5]));
  const put = await cache.url({ id: 5 });
  const fetched = await cache.url({ id: 6 });
  assert.equal(loads.has(5), false);
  assert.ok(live(put) && live(fetched));
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(live(put), false);
  assert.equal(live(fetched), false);
});

test('a failed download is not cached: the next ask tries again', async () => {
  const { loads, load } = counting();
  const cache = new ThumbnailCache(load, 10);
  const file = { id: 9, fails: true };
  await assert.rejects(cache.url(file), /failed/);
  file.fails = false;
  assert.ok(live(await cache.url(file)));
  assert.equal(loads.get(9), 2);
});

test('a thumbnail evicted while it downloads leaves no URL behind', async () => {
  let release;
  const slow = () => new Promise((r) => (release = () => r(new Uint8Array([1]))));
  const cache = new ThumbnailCache(slow, 1);
  const pending = cache.url({ id: 1 });
  cache.put({ id: 2 }, new Uint8Array([2])); // capacity 1: the download's entry goes
  release();
  assert.equal(live(await pending), false);
  assert.equal(cache.size, 1);
});
