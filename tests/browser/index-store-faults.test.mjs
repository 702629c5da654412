// Fault, headless Chromium: IndexedDB fails while indexedDbIndexStore saves the encrypted search
// index (the transaction is aborted after the record was put, as the browser does on a quota or
// disk error). The save rejects with a DOMException (it used to reject with null, and leave an
// unhandled rejection on the page); the index saved before still loads; saving again succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite } from './server.mjs';

const env = browserSuite();

test('an IndexedDB save aborted mid-transaction rejects with a DOMException; the old index loads; the retry succeeds', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${env.url}/`);
  const r = await page.evaluate(async () => {
    const { loadCore, indexedDbIndexStore } = await import('/js/dist/index.js');
    const core = await loadCore();
    const key = core.generateKey();
    const saved = (ids) => {
      const index = core.createIndex(16);
      for (const id of ids)
        index.upsert(
          id,
          Array.from({ length: 16 }, (_, i) => Math.sin(id + i)),
        );
      return index.save(key);
    };
    const idsIn = async (store) =>
      core
        .loadIndex(await store.read(), key)
        .fileIds()
        .sort((a, b) => a - b);
    const store = indexedDbIndexStore({ database: 'cipherlens-faults' });
    await store.write(saved([1, 2, 3]));

    // The fault: the next transaction that puts a record is aborted before it commits.
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      const req = put.apply(this, args);
      this.transaction.abort();
      return req;
    };
    let error;
    try {
      await store.write(saved([4, 5, 6, 7]));
    } catch (e) {
      error = { isDomException: e instanceof DOMException, name: e?.name, message: e?.message };
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const afterFault = await idsIn(store);
    await store.write(saved([4, 5, 6, 7]));
    const afterRetry = await idsIn(store);
    await store.delete();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let any stray rejection surface
    return { error, afterFault, afterRetry };
  });
  assert.deepEqual(r.error && [r.error.isDomException, r.error.name], [true, 'AbortError'], JSON.stringify(r.error));
  assert.deepEqual(r.afterFault, [1, 2, 3], 'the index saved before');
  assert.deepEqual(r.afterRetry, [4, 5, 6, 7], 'the retry saved');
  assert.deepEqual(pageErrors, [], 'no unhandled rejection on the page');
  await context.close();
});
