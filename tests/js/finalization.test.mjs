// Dropped stream encryptors, decryptors and hashers are freed when collected (issue 12, fix 5):
// each stream holds 8 MiB of wasm memory, so a gallery that drops unfinished ones used to pin
// memory for good. Indexes already were. gc() comes from V8's flag, set here so this file runs
// the same under `npm test` and alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as tick } from 'node:timers/promises';
import { core, randomBytes } from './helpers.mjs';
import { referenceEncrypt } from './stream-helpers.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const key = randomBytes(32);
const { ciphertext, header } = referenceEncrypt(randomBytes(100), key);

/** Collects and lets finalizers run until the heap is back to `target` (or gives up). */
async function collectUntil(target) {
  for (let i = 0; i < 100 && core.memory.heapInUse() > target; i++) {
    gc();
    await tick();
  }
  return core.memory.heapInUse();
}

test('dropped encryptors, decryptors and hashers are freed on collection', async () => {
  const before = core.memory.heapInUse();
  (() => {
    for (let i = 0; i < 20; i++) {
      core.stream.createEncryptor(key).update(randomBytes(10));
      core.stream.createDecryptor(header, key).update(ciphertext.subarray(0, 50));
      core.hash.createHasher().update(randomBytes(10));
    }
  })();
  assert.ok(core.memory.heapInUse() > before + 20 * 8 * 2 ** 20, 'the dropped streams held their buffers');
  assert.equal(await collectUntil(before), before);
});

test('finished or disposed ones are not freed twice when collected later', async () => {
  const before = core.memory.heapInUse();
  (() => {
    for (let i = 0; i < 20; i++) {
      const enc = core.stream.createEncryptor(key);
      enc.final();
      enc.dispose();
      core.stream.createDecryptor(header, key).dispose();
      const dec = core.stream.createDecryptor(header, key);
      dec.update(ciphertext);
      dec.final();
      core.hash.createHasher().digest();
    }
  })();
  assert.equal(core.memory.heapInUse(), before);
  for (let i = 0; i < 10; i++) {
    gc();
    await tick();
  }
  assert.equal(core.memory.heapInUse(), before);
  assert.equal(core.stream.decrypt(ciphertext, header, key).length, 100, 'the core still works');
});
