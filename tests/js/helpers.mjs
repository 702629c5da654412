// Shared by the Node suites: one core instance, libsodium.js as the independent reference,
// and small byte helpers. Random inputs are seeded (test-random.mjs: TEST_SEED reproduces them).
import { loadCore } from '../../js/dist/index.js';
import sodiumModule from 'libsodium-wrappers-sumo';
import { readFileSync } from 'node:fs';

export const core = await loadCore();

await sodiumModule.ready;
export const sodium = sodiumModule;

export const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b) => Buffer.from(b).toString('hex');

export { randomBytes, random, randomInt, SEED } from './test-random.mjs';

export function vectors(name) {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
}

export const CHUNK = 4 * 1024 * 1024;

/** Runs fn and returns the CoreError it throws (fails the test if it does not throw one). */
export function catchCoreError(fn) {
  try {
    fn();
  } catch (e) {
    if (e?.name !== 'CoreError') throw e;
    return e;
  }
  throw new Error('expected a CoreError');
}
