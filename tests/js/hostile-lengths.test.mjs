// Lengths the wasm heap cannot hold (issue 12, fix 1): lengths cross into wasm as 32-bit values,
// so 2^32 used to wrap inside malloc, hand back ~2 GB of other heap contents and zero memory up
// to the heap's end on release. They must be rejected before anything is allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, randomBytes, toHex, catchCoreError } from './helpers.mjs';
import { referenceDecrypt } from './stream-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const key = randomBytes(32);

test('randomBytes(n) for n the heap cannot hold: OUT_OF_MEMORY before allocating; live objects intact', () => {
  const enc = core.stream.createEncryptor(key); // made before: a heap-wide wipe would break it
  const message = randomBytes(1000);
  const before = core.memory.heapInUse();
  for (const [n, label] of [
    [2 ** 32, '2^32'],
    [2 ** 32 + 16, '2^32 + 16'],
    [2 ** 31, '2^31'],
    [2 ** 53 - 1, '2^53 - 1'],
  ]) {
    const e = catchCoreError(() => core.randomBytes(n));
    assert.equal(e.code, 'OUT_OF_MEMORY', label);
    assert.equal(core.memory.heapInUse(), before, `${label}: nothing allocated`);
    record('randomBytes', `length ${label}`, e, 'heap in use unchanged; an encryptor made earlier still encrypts correctly');
  }
  const ciphertext = Buffer.concat([enc.update(message), enc.final()]);
  assert.equal(toHex(referenceDecrypt(ciphertext, enc.header, key)), toHex(message));
});

test('randomBytes(n) for a non-integer or negative n: BAD_INPUT', () => {
  for (const n of [-1, 1.5, NaN, Infinity]) {
    const e = catchCoreError(() => core.randomBytes(n));
    assert.equal(e.code, 'BAD_INPUT', String(n));
  }
  record('randomBytes', 'length -1, 1.5, NaN or Infinity', 'CoreError BAD_INPUT');
});
