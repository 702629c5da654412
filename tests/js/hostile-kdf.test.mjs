// Argon2 parameters come from the server (key attributes), so deriveKey bounds them before
// allocating: memLimit at most 1 GiB, opsLimit x memLimit at most 4 GiB, both lowerable by the
// caller. Without the bound a server could make a login run for hours or take all memory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreWorker } from '../../js/dist/index.js';
import { core, sodium, randomBytes, toHex, catchCoreError } from './helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const MiB = 1 << 20;
const salt = randomBytes(16);

test('deriveKey: limits above the bounds are BAD_INPUT before any memory is taken', () => {
  const size = core.memory.heapSize();
  for (const [ops, mem, label] of [
    [1, 1024 * MiB + 1024, 'memLimit 1 GiB + 1 KiB'],
    [1, 4096 * MiB, 'memLimit 4 GiB'],
    [2 ** 19 + 1, 8192, 'opsLimit 2^19 + 1 at 8 KiB (work just over 4 GiB)'],
    [2 ** 32, 64 * MiB, 'opsLimit 2^32 at 64 MiB'],
  ]) {
    const e = catchCoreError(() => core.deriveKey('pw', salt, ops, mem));
    assert.equal(e.code, 'BAD_INPUT', label);
    assert.match(e.message, /bound/, label);
    record('deriveKey', `server-sent key attributes: ${label}`, e, 'wasm memory does not grow');
  }
  assert.equal(core.memory.heapSize(), size);
});

test('deriveKey: a caller can lower the bounds, not raise them', () => {
  assert.equal(catchCoreError(() => core.deriveKey('pw', salt, 2, 64 * MiB, { maxMemLimit: 32 * MiB })).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.deriveKey('pw', salt, 3, 1 * MiB, { maxWork: 2 * MiB })).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.deriveKey('pw', salt, 1, 8192, { maxMemLimit: 2048 * MiB })).code, 'BAD_INPUT');
  assert.equal(catchCoreError(() => core.deriveKey('pw', salt, 1, 8192, { maxWork: -1 })).code, 'BAD_INPUT');
  const key = core.deriveKey('pw', salt, 2, MiB, { maxMemLimit: MiB, maxWork: 2 * MiB });
  const reference = sodium.crypto_pwhash(32, 'pw', salt, 2, MiB, sodium.crypto_pwhash_ALG_ARGON2ID13);
  assert.equal(toHex(key), toHex(reference));
  record(
    'deriveKey',
    "opsLimit 2, memLimit 64 MiB with the caller's bound of 32 MiB",
    'CoreError BAD_INPUT',
    'within lowered bounds the key equals libsodium.js',
  );
});

test('deriveKey through a worker: the same bounds, lowered by the same argument', async () => {
  const w = await createCoreWorker({ flavor: 'crypto' });
  after(() => w.terminate());
  const high = await w.deriveKey('pw', salt, 1, 2048 * MiB).then(
    () => undefined,
    (e) => e,
  );
  assert.equal(high?.code, 'BAD_INPUT');
  const lowered = await w.deriveKey('pw', salt, 2, 2 * MiB, { maxMemLimit: MiB }).then(
    () => undefined,
    (e) => e,
  );
  assert.equal(lowered?.code, 'BAD_INPUT');
  assert.equal(toHex(await w.deriveKey('pw', salt, 2, MiB, { maxMemLimit: MiB })), toHex(core.deriveKey('pw', salt, 2, MiB)));
  record('worker deriveKey', 'memLimit 2 GiB', high, 'also a caller-lowered bound');
});
