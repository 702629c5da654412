// Seeded PRNG (mulberry32), so a failing random input can be reproduced from its seed. Pure: the
// benches use it too. Tests take their randomness from test-random.mjs, which seeds it per test.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a seed and a label (a string or number): FNV-1a over both, then mixed. */
export function deriveSeed(seed, label) {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const ch of `${label}`) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** n bytes from a generator made by rng(). */
export function bytesFrom(next, n) {
  const out = new Uint8Array(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = (next() * 4294967296) >>> 0;
    out[i] = x;
    out[i + 1] = x >>> 8;
    out[i + 2] = x >>> 16;
    out[i + 3] = x >>> 24;
  }
  for (; i < n; i++) out[i] = (next() * 256) >>> 0;
  return out;
}
