// Near-duplicate groups from CLIP embeddings (L2-normalised, so cosine = dot product): two photos
// belong together when their cosine is at least the threshold, and groups are the connected
// components of that relation (a burst chains together). Comparing every pair of n embeddings
// costs n²/2 dot products (50 million for 10,000 photos); instead, random-hyperplane LSH (Charikar)
// puts each embedding (minus the library's mean) in one bucket per table by the signs of BITS
// projections, and only pairs sharing a bucket in some table are compared exactly. For a pair whose
// centred embeddings are at angle θ, one bit agrees with probability 1 - θ/π, so a table catches
// it with (1 - θ/π)^BITS and TABLES tables miss it with (1 - (1 - θ/π)^BITS)^TABLES: for a pair at
// the threshold in a library whose unrelated photos score 0.5, 0.06; at cosine 0.95, under 0.01
// (and a burst needs only a chain of caught pairs). The bench (scripts/bench/similar.bench.mjs)
// compares the groups with the exact all-pairs answer on 10,000 embeddings.

/**
 * The cosine above which two photos are near-duplicates. scripts/bench/similar.bench.mjs measures
 * it on generated near-duplicates; with the stand-in models here it cannot be settled (their
 * random weights put unrelated scenes as close as copies): see BENCHMARKS.md.
 */
export const SIMILAR_THRESHOLD = 0.92;
const BITS = 10;
const TABLES = 20;
/** A bucket larger than this is compared only within itself in windows (near-identical library). */
const MAX_BUCKET = 512;

/** A seeded generator (mulberry32), so groups do not change between runs. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dims: number): number {
  let s = 0;
  for (let k = 0; k < dims; k++) s += a[ai + k] * b[bi + k];
  return s;
}

/** Union-find over indexes. */
function unionFind(n: number) {
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  return {
    find,
    union(a: number, b: number) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    },
  };
}

/**
 * Groups of near-duplicates among `n` embeddings of `dims` floats stored one after another in
 * `vectors`: arrays of indexes (each group of 2 or more, in index order), groups in the order of
 * their first index. `exact` compares every pair instead (the reference the bench checks against).
 */
export function similarGroups(vectors: Float32Array, dims: number, threshold = SIMILAR_THRESHOLD, exact = false): number[][] {
  const n = Math.floor(vectors.length / dims);
  const sets = unionFind(n);
  const compare = (i: number, j: number) => {
    if (sets.find(i) !== sets.find(j) && dot(vectors, i * dims, vectors, j * dims, dims) >= threshold) sets.union(i, j);
  };
  if (exact) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) compare(i, j);
  } else {
    const next = random(0x5eed);
    const planes = new Float32Array(TABLES * BITS * dims).map(() => next() * 2 - 1);
    // Photos' embeddings share a common direction (unrelated photos score about 0.5), which would
    // put most of them on one side of every plane and in a few huge buckets: the hashes see each
    // embedding minus the library's mean (the exact comparison below still uses the embeddings).
    const mean = new Float32Array(dims);
    for (let i = 0; i < n; i++) for (let k = 0; k < dims; k++) mean[k] += vectors[i * dims + k] / n;
    const centred = new Float32Array(dims);
    const codes = new Uint32Array(n * TABLES);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < dims; k++) centred[k] = vectors[i * dims + k] - mean[k];
      for (let t = 0; t < TABLES; t++) {
        let code = 0;
        for (let b = 0; b < BITS; b++) if (dot(centred, 0, planes, (t * BITS + b) * dims, dims) >= 0) code |= 1 << b;
        codes[i * TABLES + t] = code;
      }
    }
    for (let t = 0; t < TABLES; t++) {
      const buckets = new Map<number, number[]>();
      for (let i = 0; i < n; i++) {
        const code = codes[i * TABLES + t];
        const bucket = buckets.get(code);
        if (bucket) bucket.push(i);
        else buckets.set(code, [i]);
      }
      for (const bucket of buckets.values()) {
        for (let a = 0; a < bucket.length; a++)
          for (let b = a + 1; b < Math.min(bucket.length, a + 1 + MAX_BUCKET); b++) compare(bucket[a], bucket[b]);
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => a[0] - b[0]);
}
