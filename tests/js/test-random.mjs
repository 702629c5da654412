// Random test inputs, reproducibly: every random input in the suites comes from here. The seed
// is TEST_SEED when set (decimal or 0x hex), otherwise a fresh one per test file; a test file
// that fails prints it, and TEST_SEED=<it> reruns it with the same inputs. Each test (and each
// subtest) draws from its own stream, derived from the seed and the test's name, so its inputs
// do not depend on which other tests ran before it (--test-name-pattern gives the same inputs).
// Module-level draws (before any test starts) come from a stream of their own.
import { beforeEach } from 'node:test';
import { createCipheriv } from 'node:crypto';
import { rng, deriveSeed, bytesFrom } from './seeded-random.mjs';

function parseSeed(s) {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`TEST_SEED must be an integer from 0 to 2^32-1, got ${s}`);
  return n;
}

export const SEED = parseSeed(process.env.TEST_SEED) ?? crypto.getRandomValues(new Uint32Array(1))[0];

let stream = rng(deriveSeed(SEED, 'module'));
beforeEach((t) => {
  stream = rng(deriveSeed(SEED, t.name));
});
process.on('exit', (code) => {
  if (code !== 0) console.error(`# random test inputs came from TEST_SEED=${SEED}: set it to rerun with the same inputs`);
});

/** A float in [0, 1) from the current test's stream. */
export const random = () => stream();

/** An integer in [lo, hi]. */
export const randomInt = (lo, hi) => lo + Math.floor(stream() * (hi - lo + 1));

/**
 * n random bytes from the current test's stream. Beyond a few KiB they are an AES-128-CTR
 * keystream whose key and counter come from the stream: as reproducible, several times faster.
 */
export function randomBytes(n) {
  if (n <= 4096) return bytesFrom(stream, n);
  const keyAndIv = bytesFrom(stream, 32);
  const aes = createCipheriv('aes-128-ctr', keyAndIv.subarray(0, 16), keyAndIv.subarray(16));
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 1 << 20) {
    const end = Math.min(n, at + (1 << 20));
    out.set(aes.update(out.subarray(at, end)), at); // the keystream XOR zeros
  }
  return out;
}

/** A seed for a generator of a test's own (rng(seedFor(7))): fixed for a given TEST_SEED and label. */
export const seedFor = (label) => deriveSeed(SEED, label);
