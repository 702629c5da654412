// Worker stream sessions cost 8 MiB of the worker's wasm memory each (issue 12, fix 5):
// decryptStream opens its session on the first read, so a stream nobody reads holds nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreWorker } from '../../js/dist/index.js';
import { randomBytes, toHex } from './helpers.mjs';
import { referenceEncrypt, piecewise, readAll } from './stream-helpers.mjs';

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

