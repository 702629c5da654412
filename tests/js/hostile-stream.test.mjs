// A stream decryptor after its FINAL chunk (issue 12, fixes 6 and 7): more bytes are trailing
// data, reported once and for good, however many there are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, randomBytes, toHex, catchCoreError, CHUNK } from './helpers.mjs';
import { referenceEncrypt } from './stream-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const key = randomBytes(32);
// One full 4 MiB chunk tagged FINAL: the decryptor knows the stream ended as soon as it has it.
const message = randomBytes(CHUNK);
const { ciphertext, header } = referenceEncrypt(message, key);

test('update() of exactly 2^32 bytes after the FINAL chunk: BAD_INPUT, no endless loop', () => {
  const dec = core.stream.createDecryptor(header, key);
  assert.equal(toHex(dec.update(ciphertext)), toHex(message));
  const huge = new Uint8Array(2 ** 32); // zero pages, never touched: the call must not read them
  const e = catchCoreError(() => dec.update(huge));
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /trailing data/);
  record('stream decryptor update()', '2^32 bytes after the FINAL chunk', e, 'returns at once; final() fails afterwards');
  assert.equal(catchCoreError(() => dec.final()).code, 'BAD_INPUT');
});

test('trailing data poisons the decryptor: final() fails after a swallowed error', () => {
  for (const split of [false, true]) {
    const dec = core.stream.createDecryptor(header, key);
    const extra = Uint8Array.of(1, 2, 3);
    let e;
    if (split) {
      dec.update(ciphertext);
      e = catchCoreError(() => dec.update(extra));
    } else {
      e = catchCoreError(() => dec.update(Buffer.concat([ciphertext, extra])));
    }
    assert.equal(e.code, 'BAD_INPUT');
    const after = catchCoreError(() => dec.final()); // used to succeed: a truncated file as if complete
    assert.equal(after.code, 'BAD_INPUT');
    assert.equal(catchCoreError(() => dec.update(extra)).code, 'CLOSED'); // final() freed it
  }
  record(
    'stream decryptor update() then final()',
    '3 bytes after a full FINAL chunk, error swallowed',
    'CoreError BAD_INPUT',
    'final() and later update() calls fail too',
  );
  const e = catchCoreError(() => core.stream.decrypt(Buffer.concat([ciphertext, Uint8Array.of(0)]), header, key));
  assert.equal(e.code, 'BAD_INPUT');
  record('stream.decrypt', '1 byte after a full FINAL chunk', e, 'no plaintext returned');
});
