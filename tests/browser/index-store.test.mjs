// Headless Chromium: the embedding index saved to IndexedDB survives a page reload and loads
// back identically, and ML data encrypted in the browser (CompressionStream gzip) opens with
// libsodium.js + Node's zlib the way Ente reads it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { browserSuite } from './server.mjs';
import sodium from 'libsodium-wrappers-sumo';

const env = browserSuite();
before(() => sodium.ready);

test('an index saved to IndexedDB reloads after a page reload and searches identically', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.url}/`);
  const first = await page.evaluate(async () => {
    const { loadCore, indexedDbIndexStore } = await import('/js/dist/index.js');
    const core = await loadCore();
    const index = core.createIndex(16);
    for (let id = 0; id < 50; id++)
      index.upsert(
        id * 1000003,
        Array.from({ length: 16 }, (_, i) => Math.sin(id * 16 + i)),
      );
    const key = core.generateKey();
    const store = indexedDbIndexStore({ database: 'cipherlens-test' });
    if ((await store.read()) !== undefined) throw new Error('store not empty at start');
    await store.write(index.save(key));
    const query = Array.from({ length: 16 }, (_, i) => Math.cos(i));
    return { key: Array.from(key), query, hits: index.search(query, { limit: 5 }), size: index.size };
  });
  assert.equal(first.size, 50);
  assert.equal(first.hits.length, 5);

  await page.reload();
  const second = await page.evaluate(async ({ key, query }) => {
    const { loadCore, indexedDbIndexStore } = await import('/js/dist/index.js');
    const core = await loadCore();
    const store = indexedDbIndexStore({ database: 'cipherlens-test' });
    const bytes = await store.read();
    const index = core.loadIndex(bytes, Uint8Array.from(key));
    let wrongKey = '';
    try {
      core.loadIndex(bytes, core.generateKey());
    } catch (e) {
      wrongKey = e.code;
    }
    const hits = index.search(query, { limit: 5 });
    await store.delete();
    return { hits, size: index.size, wrongKey, afterDelete: (await store.read()) === undefined };
  }, first);
  assert.equal(second.size, 50);
  assert.deepEqual(second.hits, first.hits);
  assert.equal(second.wrongKey, 'AUTH_FAILED');
  assert.equal(second.afterDelete, true);
  await context.close();
});

test('ML data encrypted in the browser opens with libsodium.js + zlib, and back', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.url}/`);
  const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const embedding = Array.from({ length: 512 }, (_, i) => Math.fround(Math.sin(i) / 16));
  const out = await page.evaluate(
    async ({ key, embedding }) => {
      const { loadCore } = await import('/js/dist/index.js');
      const core = await loadCore();
      const data = core.mlData.withClip({ face: { version: 1, faces: [] } }, embedding, 'cipherlens-browser-test');
      const enc = await core.mlData.encrypt(data, Uint8Array.from(key));
      const back = await core.mlData.decrypt(enc.encryptedData, enc.decryptionHeader, Uint8Array.from(key));
      return { c: Array.from(enc.encryptedData), h: Array.from(enc.decryptionHeader), back };
    },
    { key: Array.from(fileKey), embedding },
  );
  const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(Uint8Array.from(out.h), fileKey);
  const { message, tag } = sodium.crypto_secretstream_xchacha20poly1305_pull(state, Uint8Array.from(out.c));
  assert.equal(tag, sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  const json = JSON.parse(gunzipSync(message).toString('utf8'));
  assert.deepEqual(Object.keys(json), ['face', 'clip']);
  assert.deepEqual(json.face, { version: 1, faces: [] });
  assert.equal(json.clip.client, 'cipherlens-browser-test');
  assert.equal(json.clip.embedding.length, 512);
  assert.deepEqual(out.back, json);
  await context.close();
});

test('a compact index with its pages in IndexedDB: saved, reopened after a reload, searched from the pages', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.url}/`);
  const dims = 64;
  const first = await page.evaluate(async (dims) => {
    const { loadCore, indexedDbPageStore } = await import('/js/dist/index.js');
    const core = await loadCore();
    const store = indexedDbPageStore({ database: 'cipherlens-compact-test' });
    const key = core.generateKey();
    const index = core.createCompactIndex(dims, { store, key });
    const n = 300;
    const data = new Float32Array(n * dims).map((_, i) => Math.sin(i * 0.731) + Math.cos(i * 0.17));
    await index.upsertMany(
      Array.from({ length: n }, (_, i) => 1000 + i),
      data,
    );
    await index.save({ meta: new TextEncoder().encode('cursor 300') });
    const query = Array.from(data.subarray(42 * dims, 43 * dims));
    return {
      key: Array.from(key),
      query,
      hits: await index.search(query, { limit: 5 }),
      pages: (await store.list('page-')).length,
    };
  }, dims);
  assert.equal(first.hits[0].fileId, 1042);
  assert.ok(first.pages >= 10, `${first.pages} pages`);

  await page.reload();
  const second = await page.evaluate(async ({ key, query }) => {
    const { loadCore, indexedDbPageStore } = await import('/js/dist/index.js');
    const core = await loadCore();
    const store = indexedDbPageStore({ database: 'cipherlens-compact-test' });
    const index = await core.openCompactIndex({ store, key: Uint8Array.from(key) });
    const hits = await index.search(query, { limit: 5 });
    let wrongKey = '';
    try {
      await core.openCompactIndex({ store, key: core.generateKey() });
    } catch (e) {
      wrongKey = e.code;
    }
    // Every record changed in the database: the search re-reading any of them fails, typed.
    // (Changing one record per page is not enough: which records a search re-reads depends on
    // the random rotation, so it could miss every changed one.) Layout in docs/formats.md: a
    // 32-byte header with the record size at byte 20, then the records, each a 24-byte nonce
    // before its ciphertext.
    for (const name of await store.list('page-')) {
      const bytes = await store.get(name);
      const recordBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true);
      for (let at = 32 + 24; at < bytes.length; at += recordBytes) bytes[at] ^= 1;
      await store.put(name, bytes);
    }
    let changed = '';
    try {
      await index.search(query, { limit: 5 });
    } catch (e) {
      changed = e.code;
    }
    const meta = new TextDecoder().decode(index.meta);
    for (const name of await store.list()) await store.delete(name);
    return { hits, size: index.size, meta, wrongKey, changed };
  }, first);
  assert.equal(second.size, 300);
  assert.equal(second.meta, 'cursor 300');
  assert.deepEqual(second.hits, first.hits);
  assert.equal(second.wrongKey, 'AUTH_FAILED');
  assert.equal(second.changed, 'AUTH_FAILED');
  await context.close();
});
