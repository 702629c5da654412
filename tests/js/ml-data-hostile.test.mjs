// Hostile ML data (written by whoever shares an album: they hold its file keys) and hostile
// embeddings: typed errors in the thread and across a worker, never a plain TypeError or zeros.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreWorker, ML_DATA_MAX_DEPTH, packMlData, withClip, unpackMlData } from '../../js/dist/index.js';
import { core, randomBytes } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const isBadInput = (pattern) => (e) => {
  assert.equal(e?.name, 'CoreError', `${e?.name}: ${e?.message}`);
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, pattern);
  return true;
};

/** gzip(JSON) of `{"clip": …, "x": [[[[…]]]]}` nested `depth` arrays deep, encrypted like Ente's. */
async function nested(depth, fileKey) {
  const json = `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const packed = new Uint8Array(
    await new Response(new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
  );
  const { ciphertext, header } = core.blob.encrypt(packed, fileKey);
  return { encryptedData: ciphertext, decryptionHeader: header };
}

test('deeply nested ML data is BAD_INPUT before it is parsed, in the thread and from a worker', async () => {
  const fileKey = randomBytes(32);
  const deep = await nested(100_000, fileKey);
  await assert.rejects(
    core.mlData.decrypt(deep.encryptedData, deep.decryptionHeader, fileKey),
    isBadInput(/nests deeper than 64 levels/),
  );
  const worker = await createCoreWorker();
  try {
    // Was a plain TypeError: the worker parsed it, then could not send it back.
    await assert.rejects(
      worker.mlData.decrypt(deep.encryptedData.slice(), deep.decryptionHeader.slice(), fileKey.slice()),
      isBadInput(/nests deeper than 64 levels/),
    );
    // As deep as allowed still opens.
    const ok = await nested(ML_DATA_MAX_DEPTH - 1, fileKey);
    const data = await worker.mlData.decrypt(ok.encryptedData, ok.decryptionHeader, fileKey.slice());
    assert.ok(Array.isArray(data.x));
  } finally {
    await worker.terminate();
  }
  // Brackets inside strings do not count.
  const text = { clip: undefined, note: '['.repeat(1000) };
  assert.deepEqual(await unpackMlData(await packMlData(text)), { note: text.note });
  record(
    'mlData.decrypt, unpackMlData (in the thread or a worker)',
    'authentic ML data nesting arrays 100000 levels deep',
    await core.mlData.decrypt(deep.encryptedData, deep.decryptionHeader, fileKey).catch((e) => e),
    'refused before JSON.parse; a worker answers with the same CoreError',
  );
});

test('withClip refuses values beyond float32 instead of storing zeros', () => {
  const big = Array.from({ length: 512 }, (_, i) => (i === 0 ? 1e200 : 0.01));
  assert.throws(() => withClip({}, big, 'c'), isBadInput(/embedding\[0\] is not a finite float32 number/)); // was all zeros
  assert.throws(() => withClip({}, [3.5e38, 1], 'c'), isBadInput(/not a finite float32/));
  assert.throws(() => core.mlData.withClip({}, [1, Number.POSITIVE_INFINITY], 'c'), isBadInput(/embedding\[1\]/));
  // The largest float32 is fine, and the stored embedding is unit length.
  const ok = withClip({}, [3.4e38, 3.4e38], 'c').clip.embedding;
  assert.ok(Math.abs(Math.hypot(...ok) - 1) < 1e-6);
  record(
    'withClip, mlData.withClip',
    'an embedding with a value of 1e200 (beyond float32)',
    (() => {
      try {
        withClip({}, big, 'c');
      } catch (e) {
        return e;
      }
    })(),
    'nothing stored (it used to store 512 zeros)',
  );
});
