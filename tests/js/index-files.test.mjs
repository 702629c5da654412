// search.indexFiles over a library of encoded photos, in the thread (createSearch) and in a
// worker (createSearchWorker), with the colour test models: decode (jpeg-js / pngjs in Node),
// embed, upsert; bad files reported and skipped; checkpoints that load back; abort and resume;
// at most `concurrency` files pulled ahead however long the source.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSearch, createSearchWorker, loadCore } from '../../js/dist/index.js';
import { randomBytes } from './helpers.mjs';
import { startModelServer, modelBytes } from './clip-helpers.mjs';
import { RED, jpegOf, pngOf, garbage, truncatedJpeg, library, countingSource } from './index-files-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

let server;
before(async () => {
  server = await startModelServer();
});
after(() => server.close());

const MODELS = { textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx' };
const core = await loadCore();

const KINDS = {
  'in the thread': async ({ textOnly = false } = {}) => {
    const s = await createSearch(core, {
      textModel: modelBytes(MODELS.textModel),
      imageModel: textOnly ? null : modelBytes(MODELS.imageModel),
    });
    // The worker's shape (size() and terminate()), so one suite serves both.
    return { ...s, indexFiles: s.indexFiles, size: () => s.size, terminate: () => s.dispose() };
  },
  'in a worker': ({ textOnly = false } = {}) =>
    createSearchWorker({ ...MODELS, ...(textOnly ? { imageModel: null } : {}), baseUrl: server.modelsUrl, cache: false }),
};

const redIds = (n) => Array.from({ length: n }, (_, i) => i + 1).filter((id) => id % 2);
const sorted = (hits) => hits.map((h) => h.fileId).sort((a, b) => a - b);

for (const [kind, open] of Object.entries(KINDS)) {
  describe(`indexFiles ${kind}`, () => {
    test('indexes JPEG, PNG and Blob files; reports bad files and goes on; checkpoints load back', async () => {
      const search = await open();
      const key = randomBytes(32);
      const checkpoints = [];
      const events = [];
      try {
        const files = [
          ...library(6),
          { fileId: 7, bytes: garbage() },
          { fileId: 8, blob: new Blob([jpegOf(50, 40, RED, 8)]) },
          { fileId: 9, bytes: truncatedJpeg() },
          { fileId: 11, blob: new Blob([pngOf(30, 30, RED, 11)]) },
        ];
        const result = await search.indexFiles(files, {
          key,
          persist: (bytes) => checkpoints.push(bytes.slice()),
          checkpointEvery: 3,
          onProgress: (p) => events.push(p),
        });
        assert.equal(result.indexed, 8);
        assert.equal(result.skipped, 0);
        assert.deepEqual(
          result.failed.map((f) => f.fileId),
          [7, 9],
        );
        for (const f of result.failed) assert.equal(f.error.code, 'BAD_INPUT');
        assert.match(result.failed[0].error.message, /not an image/);
        assert.match(result.failed[1].error.message, /cannot decode the jpeg/);
        const checked = 'reported in the progress and result.failed, the run goes on, the other files indexed';
        record(`search.indexFiles, ${kind}`, '5,000 bytes that are no image', result.failed[0].error, checked);
        record(`search.indexFiles, ${kind}`, 'a JPEG cut at 60% of its bytes', result.failed[1].error, checked);
        for (const k of ['decode', 'preprocess', 'inference', 'index']) assert.ok(result.timings[k] >= 0, k);
        assert.ok(result.timings.inference > 0 && result.timings.decode > 0);

        assert.deepEqual(
          events.map((e) => e.done),
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        );
        assert.ok(events.every((e) => e.total === 10));
        const last = events.at(-1);
        assert.deepEqual([last.indexed, last.skipped, last.failed], [8, 0, 2]);
        assert.deepEqual(
          events.filter((e) => e.status === 'failed').map((e) => [e.fileId, e.error.code]),
          [
            [7, 'BAD_INPUT'],
            [9, 'BAD_INPUT'],
          ],
        );
        assert.ok(events.filter((e) => e.status === 'indexed').every((e) => e.timings.inference > 0));
        // Every 3 indexed files, then the last 2.
        assert.equal(checkpoints.length, 3);

        const hits = await search.query('red');
        assert.deepEqual(sorted(hits), [1, 3, 5, 8, 11]);
        assert.equal(await search.has(8), true);
        assert.equal(await search.has(7), false);

        // The last checkpoint, loaded with the same key into another search, answers the same.
        const other = await open();
        try {
          await other.load(checkpoints.at(-1), key);
          assert.equal(await other.size(), 8);
          assert.deepEqual(await other.query('red'), hits);
          await assert.rejects(other.load(checkpoints.at(-1), randomBytes(32)), { name: 'CoreError' });
        } finally {
          await other.terminate();
        }
        // Each indexed file's embedding comes with its progress (a gallery uploads it as ML data):
        // added to an empty search, they answer as the index does.
        const fromProgress = await open();
        try {
          for (const e of events.filter((e) => e.status === 'indexed')) {
            assert.ok(e.embedding instanceof Float32Array && e.embedding.length === 512);
            await fromProgress.add(e.fileId, e.embedding);
          }
          assert.deepEqual(await fromProgress.query('red'), hits);
        } finally {
          await fromProgress.terminate();
        }
      } finally {
        await search.terminate();
      }
    });

    test('abort: rejects with the reason, keeps what was done, checkpoints it; a rerun resumes', async () => {
      const n = 12;
      const files = library(n);
      const key = randomBytes(32);
      let saved;
      const search = await open();
      try {
        const controller = new AbortController();
        const reason = new Error('tab closing');
        const source = countingSource(files);
        await assert.rejects(
          search.indexFiles(source.files, {
            key,
            persist: (b) => {
              saved = b.slice();
            },
            checkpointEvery: 100,
            onProgress: (p) => {
              if (p.done === 5) controller.abort(reason);
            },
            signal: controller.signal,
          }),
          (e) => e === reason,
        );
        const kept = await search.size();
        assert.ok(kept >= 5 && kept < n, `kept ${kept}`);
        assert.ok(source.state.closed, 'the source was closed');
        assert.ok(source.state.pulled < n);
        // Already aborted: nothing is pulled.
        const untouched = countingSource(files);
        await assert.rejects(search.indexFiles(untouched.files, { signal: controller.signal }), (e) => e === reason);
        assert.equal(untouched.state.pulled, 0);
        assert.ok(saved, 'a checkpoint was written on abort');
      } finally {
        await search.terminate();
      }

      // A new tab: load the checkpoint, run the whole library again.
      const resumed = await open();
      try {
        await resumed.load(saved, key);
        const before = await resumed.size();
        assert.ok(before >= 5);
        const result = await resumed.indexFiles(files);
        assert.equal(result.skipped, before);
        assert.equal(result.indexed, n - before);
        assert.equal(await resumed.size(), n);
        assert.deepEqual(sorted(await resumed.query('red')), redIds(n));
      } finally {
        await resumed.terminate();
      }
    });

    test('backpressure: never more than `concurrency` files pulled ahead of those done', async () => {
      const search = await open();
      try {
        for (const concurrency of [1, 3]) {
          const files = library(10).map((f) => ({ ...f, fileId: f.fileId + 100 * concurrency }));
          const source = countingSource(files);
          let most = 0;
          await search.indexFiles(source.files, {
            concurrency,
            onProgress: (p) => {
              most = Math.max(most, source.state.pulled - p.done + 1);
            },
          });
          assert.ok(most <= concurrency, `${most} in flight with concurrency ${concurrency}`);
          assert.ok(most >= 1);
          assert.equal(source.state.pulled, 10);
        }
        // An endless source stops when aborted, having been pulled only as far as it was used.
        const controller = new AbortController();
        let pulled = 0;
        let done = 0;
        async function* endless() {
          for (let id = 1000; ; id++) {
            pulled++;
            yield { fileId: id, bytes: jpegOf(16, 16, RED, id) };
          }
        }
        await assert.rejects(
          search.indexFiles(endless(), {
            onProgress: (p) => {
              done = p.done;
              if (p.done === 6) controller.abort();
            },
            signal: controller.signal,
          }),
          { name: 'AbortError' },
        );
        assert.ok(pulled - done <= 2, `${pulled} pulled, ${done} done`);
        // A source that stalls (say a fetch that never answers): the abort still ends the run.
        const stalled = async function* () {
          yield { fileId: 5000, bytes: jpegOf(16, 16, RED, 5000) };
          await new Promise(() => {});
        };
        const stop = new AbortController();
        const reason = new Error('stop');
        await assert.rejects(
          search.indexFiles(stalled(), {
            signal: stop.signal,
            onProgress: () => setTimeout(() => stop.abort(reason), 20),
          }),
          (e) => e === reason,
        );
        assert.equal(await search.has(5000), true);
      } finally {
        await search.terminate();
      }
    });

    test('a failing persist or a bad item stops the run with its error', async () => {
      const search = await open();
      try {
        const boom = new Error('disk full');
        await assert.rejects(
          search.indexFiles(library(4), {
            key: randomBytes(32),
            checkpointEvery: 2,
            persist: () => {
              throw boom;
            },
          }),
          (e) => e === boom,
        );
        await assert.rejects(search.indexFiles([{ fileId: -1, bytes: garbage() }]), {
          name: 'CoreError',
          code: 'BAD_INPUT',
          message: /fileId/,
        });
        await assert.rejects(search.indexFiles([{ fileId: 1 }]), {
          name: 'CoreError',
          code: 'BAD_INPUT',
          message: /neither bytes/,
        });
        await assert.rejects(search.indexFiles(library(1), { persist: () => {} }), {
          name: 'CoreError',
          code: 'BAD_INPUT',
          message: /key/,
        });
        await assert.rejects(search.indexFiles(42), { name: 'CoreError', code: 'BAD_INPUT', message: /iterable/ });
      } finally {
        await search.terminate();
      }
      const textOnly = await open({ textOnly: true });
      try {
        await assert.rejects(textOnly.indexFiles(library(1)), {
          name: 'CoreError',
          code: 'BAD_INPUT',
          message: /no image model/,
        });
      } finally {
        await textOnly.terminate();
      }
    });
  });
}

test('indexFiles into a compact index: checkpoints save its snapshot, the next session opens it and skips what is done', async () => {
  const { memoryPageStore } = await import('../../js/dist/index.js');
  const store = memoryPageStore();
  const key = randomBytes(32);
  const open = () =>
    createSearch(core, {
      textModel: modelBytes(MODELS.textModel),
      imageModel: modelBytes(MODELS.imageModel),
      compactIndex: { store, key },
    });
  const first = await open();
  const told = [];
  await first.indexFiles(library(5), { checkpointEvery: 2, persist: (bytes) => told.push(bytes.length) });
  assert.ok(told.length >= 3, `${told.length} checkpoints`);
  assert.ok(
    told.every((n) => n === 0),
    'the snapshot is in the store, not handed over',
  );
  assert.deepEqual(sorted(await first.query('red')), redIds(5));
  await first.dispose();
  // A new session: everything is there without re-indexing; more files go on top.
  const second = await open();
  assert.equal(second.size, 5);
  const result = await second.indexFiles(library(8));
  assert.equal(result.skipped, 5);
  assert.equal(result.indexed, 3);
  assert.deepEqual(sorted(await second.query('red')), redIds(8));
  await second.dispose();
});
