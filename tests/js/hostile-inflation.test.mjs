// Decompression bombs in authentic data (issue 12, fixes 2 and 3): a saved index whose zstd frame
// inflates far beyond what its header declares, and ML data (shared with whoever holds the file
// keys, e.g. a sharer of an album) whose gzip inflates to many MiB. Each is rejected with a
// CoreError while the wasm heap stays small; nothing near the inflated size is allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { core, randomBytes, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const key = randomBytes(32);
const MiB = 1 << 20;

const le32 = (n) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const le64 = (n) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};

/**
 * A zstd frame written by hand (RFC 8878): no content size, a 128 KiB window, then one raw block
 * holding `head` and `rleBytes` bytes of RLE blocks (128 KiB each, 4 bytes apiece on the wire).
 */
function zstdBomb(head, rleBytes) {
  const BLOCK = 128 * 1024;
  const parts = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)];
  const block = (last, type, size, body) => {
    const h = (size << 3) | (type << 1) | (last ? 1 : 0);
    parts.push(Uint8Array.of(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff), body);
  };
  block(rleBytes === 0, 0, head.length, head);
  for (let left = rleBytes; left > 0; left -= BLOCK) block(left <= BLOCK, 1, Math.min(BLOCK, left), Uint8Array.of(0));
  return Buffer.concat(parts);
}

/** The saved-index envelope (wasm/search/index_file.hpp) around a blob-encrypted `frame`. */
function savedIndex(frame) {
  const { ciphertext, header } = core.blob.encrypt(frame, key);
  return Buffer.concat([Buffer.from('CLIE'), le32(1), le64(ciphertext.length), header, ciphertext]);
}

const indexHeader = (dims, count) => Buffer.concat([Buffer.from('CLIX'), le32(1), le32(dims), le32(count)]);

test('loadIndex: a frame inflating to 1 GiB behind a header declaring one vector', () => {
  const size = core.memory.heapSize();
  const bytes = savedIndex(zstdBomb(indexHeader(512, 1), 1024 * MiB));
  const e = catchCoreError(() => core.loadIndex(bytes, key));
  assert.equal(e.code, 'BAD_INPUT');
  assert.ok(core.memory.heapSize() - size < 64 * MiB, `wasm memory grew by ${(core.memory.heapSize() - size) / MiB} MiB`);
  record(
    'loadIndex',
    'authentic index whose zstd frame inflates to 1 GiB, header declaring 1 vector',
    e,
    'wasm memory grows by < 64 MiB',
  );
  const index = core.createIndex(4); // the core still works
  index.upsert(1, [1, 0, 0, 0]);
  assert.equal(core.loadIndex(index.save(key), key).size, 1);
});

test('loadIndex: a header declaring more than the index size cap is rejected before inflating', () => {
  const size = core.memory.heapSize();
  for (const [dims, count, label] of [
    [512, 2 ** 22, '2^22 vectors of 512 (8 GiB)'],
    [65536, 2 ** 32 - 1, '2^32 - 1 vectors of 65536'],
  ]) {
    const bytes = savedIndex(zstdBomb(indexHeader(dims, count), 64 * MiB));
    const e = catchCoreError(() => core.loadIndex(bytes, key));
    assert.equal(e.code, 'BAD_INPUT', label);
    assert.match(e.message, /cap|too large|exceeds/i, label);
    record('loadIndex', `authentic index declaring ${label}`, e, 'wasm memory grows by < 64 MiB');
  }
  assert.ok(core.memory.heapSize() - size < 64 * MiB);
});

test('mlData.decrypt: gzip inflating past the ML data cap is rejected, not inflated', async () => {
  const fileKey = randomBytes(32);
  // Valid JSON, so without a cap it would decrypt "fine": 64 MiB of padding in 64 KiB of gzip.
  const json = Buffer.alloc(64 * MiB, 'a');
  json.write('{"pad":"', 0);
  json.write('"}', json.length - 2);
  const packed = gzipSync(json, { level: 9 });
  const { ciphertext, header } = core.blob.encrypt(packed, fileKey);
  const e = await core.mlData.decrypt(ciphertext, header, fileKey).then(
    () => undefined,
    (err) => err,
  );
  assert.equal(e?.name, 'CoreError', String(e));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /MiB/);
  record(
    'mlData.decrypt',
    `authentic ML data: ${Math.round(packed.length / 1024)} KiB of gzip inflating to 64 MiB of JSON`,
    e,
    'stops reading at the cap',
  );
  const index = core.createIndex(4);
  const imported = await core.mlData.importClip(index, 7, { encryptedData: ciphertext, decryptionHeader: header }, fileKey).then(
    () => undefined,
    (err) => err,
  );
  assert.equal(imported?.code, 'BAD_INPUT');
  assert.equal(index.size, 0);
  record('mlData.importClip', 'the same ML data from a shared album', imported, 'the index is left unchanged');
});

test('mlData.decrypt: encrypted ML data larger than the cap is rejected before decrypting', async () => {
  const fileKey = randomBytes(32);
  const big = new Uint8Array(9 * MiB);
  const e = await core.mlData.decrypt(big, new Uint8Array(24), fileKey).then(
    () => undefined,
    (err) => err,
  );
  assert.equal(e?.code, 'BAD_INPUT');
  record('mlData.decrypt', '9 MiB of encrypted ML data', e, 'nothing decrypted');
});
