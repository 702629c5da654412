// Worker stream sessions cost 8 MiB of the worker's wasm memory each (issue 12, fix 5 and the
// limits): decryptStream opens its session on the first read, so a stream nobody reads holds
// nothing; and one worker holds at most MAX_SESSIONS_PER_WORKER sessions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreWorker } from '../../js/dist/index.js';
import { randomBytes, toHex } from './helpers.mjs';
import { referenceEncrypt, piecewise, readAll } from './stream-helpers.mjs';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);
const w = await createCoreWorker({ flavor: 'crypto' });
after(() => w.terminate());
const key = randomBytes(32);
const message = randomBytes(100_000);
const { ciphertext, header } = referenceEncrypt(message, key);

test('decryptStream opens nothing and reads nothing until it is read', async () => {
  const counter = { pieces: 0, bytes: 0 };
  const stream = w.decryptStream(piecewise(ciphertext, [1000], counter), header, key);
  // Round trips to the worker: a session opened on construction would be open by now.
  for (let i = 0; i < 3; i++) await w.randomBytes(1);
  assert.equal(await w.openSessions(), 0, 'a session was opened for a stream nobody read');
  assert.equal(counter.pieces, 0, 'the source was read for a stream nobody read');
  const { bytes, error } = await readAll(stream);
  assert.equal(error, undefined);
  assert.equal(toHex(bytes), toHex(message));
  assert.equal(await w.openSessions(), 0);
});

test('a worker holds at most 64 open stream sessions; the next is OUT_OF_MEMORY; freeing one makes room', async () => {
  const open = [];
  for (let i = 0; i < 64; i++) open.push(await w.stream.createDecryptor(header, key));
  assert.equal(await w.openSessions(), 64);
  const e = await w.stream.createDecryptor(header, key).then(
    () => undefined,
    (err) => err,
  );
  assert.equal(e?.name, 'CoreError', String(e));
  assert.equal(e.code, 'OUT_OF_MEMORY');
  const streamed = await readAll(w.decryptStream(piecewise(ciphertext), header, key));
  assert.equal(streamed.error?.code, 'OUT_OF_MEMORY');
  record(
    'worker stream.createDecryptor / decryptStream',
    'a 65th open stream session on one worker',
    e,
    'disposing one makes room; the worker keeps serving',
  );
  await open.pop().dispose();
  const again = await w.stream.createDecryptor(header, key);
  assert.equal(toHex(Buffer.concat([await again.update(ciphertext), await again.final()])), toHex(message));
  await Promise.all(open.map((d) => d.dispose()));
  assert.equal(await w.openSessions(), 0);
});
