// A full wasm heap (issue 12, fix 2): each live stream decryptor holds two 4 MiB chunk buffers,
// so a few hundred of them fill wasm's 4 GiB. The one that does not fit must fail with
// OUT_OF_MEMORY (it used to throw a bare number, or abort the module), and the core must keep
// working once memory is freed. The buffers are never written, so the process's resident memory
// stays small even though wasm memory grows to its maximum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../js/dist/index.js';
import { randomBytes, toHex } from './helpers.mjs';
import { referenceEncrypt } from './stream-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const core = await loadCore(); // its own instance: this test leaves its memory grown to 4 GiB
const key = randomBytes(32);
const message = randomBytes(1000);
const { ciphertext, header } = referenceEncrypt(message, key);

for (const kind of ['decryptor', 'encryptor']) {
  test(`the stream ${kind} that no longer fits in wasm memory: OUT_OF_MEMORY, then the core works on`, () => {
    const before = core.memory.heapInUse();
    const make = () => (kind === 'decryptor' ? core.stream.createDecryptor(header, key) : core.stream.createEncryptor(key));
    const live = [];
    let error;
    for (let i = 0; i < 1000 && !error; i++) {
      try {
        live.push(make());
      } catch (e) {
        error = e;
      }
    }
    assert.equal(error?.name, 'CoreError', `expected a CoreError, got ${typeof error}: ${error}`);
    assert.equal(error.code, 'OUT_OF_MEMORY');
    assert.ok(live.length > 100, `only ${live.length} fitted`);
    for (const s of live) s.dispose();
    // Every buffer freed; the core's last-error message (a string kept for lastErrorMessage) may
    // have grown to hold the OUT_OF_MEMORY text.
    assert.ok(core.memory.heapInUse() - before < 1024, `${core.memory.heapInUse() - before} bytes still in use`);
    assert.equal(toHex(core.stream.decrypt(ciphertext, header, key)), toHex(message));
    record(
      `stream.create${kind[0].toUpperCase()}${kind.slice(1)}`,
      `one more ${kind} than 4 GiB of wasm memory holds`,
      error,
      'the core works on afterwards; every buffer freed',
    );
  });
}

// The embedding indexes growing into a full heap (issue 23): the old index aborted the module
// from inside upsertMany at about 640,000 photos (a std::vector growth), the core dead afterwards.
// Each batch that cannot fit must be OUT_OF_MEMORY and change nothing, and the index and the core
// must work on once memory is freed.
const { memoryPageStore } = await import('../../js/dist/index.js');
for (const kind of ['float32 + int8 index', 'compact index']) {
  test(`the ${kind} growing into a full heap: OUT_OF_MEMORY, the index unchanged, the core works on`, async () => {
    const dims = 512;
    const index =
      kind === 'compact index' ? core.createCompactIndex(dims, { store: memoryPageStore(), key }) : core.createIndex(dims);
    const batch = 1000;
    const data = new Float32Array(batch * dims).map((_, i) => Math.sin(i * 0.37) + 0.01);
    const ids = (at) => Array.from({ length: batch }, (_, i) => at + i);
    await index.upsertMany(ids(0), data);
    // Fill the heap with stream decryptors (8 MiB each, never written), then give one back.
    const live = [];
    try {
      for (;;) live.push(core.stream.createDecryptor(header, key));
    } catch (e) {
      assert.equal(e.code, 'OUT_OF_MEMORY');
    }
    live.pop().dispose();
    let error;
    let at = batch;
    for (; at < 200 * batch && !error; at += batch) {
      const before = index.size;
      try {
        await index.upsertMany(ids(at), data);
      } catch (e) {
        error = e;
        assert.equal(index.size, before, 'the failed batch changed the index');
      }
    }
    assert.equal(error?.name, 'CoreError', `expected a CoreError, got ${error}`);
    assert.equal(error.code, 'OUT_OF_MEMORY');
    const size = index.size;
    const q = data.subarray(0, dims);
    assert.equal((await index.search(q, { limit: 1 })).length, 1);
    for (const s of live) s.dispose();
    await index.upsertMany(ids(at), data);
    assert.equal(index.size, size + batch);
    assert.equal(toHex(core.stream.decrypt(ciphertext, header, key)), toHex(message));
    index.dispose();
    record(
      kind === 'compact index' ? 'CompactIndex.upsertMany' : 'EmbeddingIndex.upsertMany',
      'a batch of embeddings that no longer fits in 4 GiB of wasm memory',
      error,
      'the index unchanged by the failed batch; it and the core work on once memory is freed',
    );
  });
}
