// CLIP tokenizer: cipherlens (C++ in wasm) against clip-bpe-js (what Ente's desktop runs), same run,
// same inputs, both producing the Int32Array(77) the text model takes.
import { loadCore } from '../../js/dist/index.js';
import Tokenizer from 'clip-bpe-js';
import { time, table, fmt } from './harness.mjs';
import { rng } from '../../tests/js/seeded-random.mjs';

// Start-up: our first call decompresses the zstd tables and builds the merge table.
let t0 = performance.now();
const core = await loadCore();
const loadMs = performance.now() - t0;
t0 = performance.now();
core.clip.tokenize('warm up');
const firstCallMs = performance.now() - t0;
t0 = performance.now();
const bpe = new Tokenizer();
bpe.encodeForCLIP('warm up');
const bpeStartMs = performance.now() - t0;

const WORDS = ('sunset beach dog cat birthday cake mountain snow lake forest city night lights car red blue green ' +
  'yellow white black wedding dress baby smiling friends party food pizza coffee book flowers garden ' +
  'sky clouds rain river bridge street market train station airport plane boat sea waves sand hiking ' +
  'trail tent camping fire fireworks christmas tree halloween costume selfie mirror kitchen bedroom ' +
  'receipt screenshot document passport whiteboard sign menu bicycle skateboard football guitar concert').split(' ');
const r = rng(42);
const pick = (a) => a[Math.floor(r() * a.length)];
const queries = Array.from({ length: 2000 }, () =>
  Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(WORDS)).join(' '));
const mixed = Array.from({ length: 500 }, (_, i) =>
  `${pick(WORDS)} café &amp; ${pick(WORDS)} 日本 ${i} ${pick(WORDS)}! 😀 don't ${pick(WORDS)}'s Ölfeld`);
const paragraph = 'A long caption describing a photo taken at the beach during sunset, with friends, a dog and a ' +
  'red kite flying over the waves while someone prepares food near a small fire on the sand. ';
const longTexts = Array.from({ length: 50 }, (_, i) => paragraph.repeat(20) + i);  // ~3,800 chars each

const ours = (list) => () => { for (const q of list) core.clip.tokenize(q); };
const reused = new Int32Array(77);
const oursInto = (list) => () => { for (const q of list) core.clip.tokenize(q, reused); };
const theirs = (list) => () => { for (const q of list) Int32Array.from(bpe.encodeForCLIP(q)); };

// Same output on everything benchmarked.
for (const q of [...queries, ...mixed, ...longTexts]) {
  const a = core.clip.tokenize(q), b = Int32Array.from(bpe.encodeForCLIP(q));
  if (!a.every((v, i) => v === b[i])) throw new Error(`outputs differ on ${JSON.stringify(q)}`);
}

const rows = [];
const add = async (name, list) => {
  const oursS = await time(ours(list), 7);
  const intoS = await time(oursInto(list), 7);
  const theirsS = await time(theirs(list), 7);
  const per = (s) => (s / list.length) * 1e6;
  rows.push([name, fmt(per(oursS), 2), fmt(per(intoS), 2), fmt(per(theirsS), 2),
    fmt(theirsS / oursS, 1) + 'x', fmt(theirsS / intoS, 1) + 'x']);
};
await add('2,000 photo-search queries (µs/query)', queries);
await add('500 queries with entities, accents, CJK, emoji (µs/query)', mixed);
await add('50 captions of ~3,800 chars (µs/text)', longTexts);

// Unseen words: a fresh corpus each run, so neither word cache helps.
let seed = 1000;
const fresh = () => Array.from({ length: 300 }, () => {
  const rr = rng(seed++);
  return Array.from({ length: 4 }, () => Array.from({ length: 4 + Math.floor(rr() * 8) },
    () => String.fromCharCode(97 + Math.floor(rr() * 26))).join('')).join(' ');
});
{
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const list = fresh();
    // Each side gets its own never-seen words (the same generator, different seeds).
    const a = fresh(), b = fresh(), c = fresh();
    const s0 = performance.now(); ours(a)(); const s1 = performance.now();
    oursInto(b)(); const s2 = performance.now();
    theirs(c)(); const s3 = performance.now();
    runs.push([s1 - s0, s2 - s1, s3 - s2].map((ms) => (ms / a.length) * 1000));
  }
  const med = (k) => runs.map((r) => r[k]).sort((x, y) => x - y)[3];
  const [o, i, t] = [med(0), med(1), med(2)];
  rows.push(['300 queries of never-seen random words (µs/query)', fmt(o, 2), fmt(i, 2), fmt(t, 2),
    fmt(t / o, 1) + 'x', fmt(t / i, 1) + 'x']);
}
{
  // A pasted run of 3,000 letters without a space: one BPE word (O(n log n) here, O(n^2) there).
  const rr = rng(9);
  const word = Array.from({ length: 3000 }, () => String.fromCharCode(97 + Math.floor(rr() * 26))).join('');
  const check = core.clip.tokenize(word), want = Int32Array.from(bpe.encodeForCLIP(word));
  if (!check.every((v, i) => v === want[i])) throw new Error('long word differs');
  // Fresh tokenizers each run so neither side answers from its word cache.
  const runs = [];
  for (let i = 0; i < 3; i++) {
    core.clip.forget();
    core.clip.tokenize('');
    const fresh = new Tokenizer();
    const s0 = performance.now(); core.clip.tokenize(word); const s1 = performance.now();
    fresh.encodeForCLIP(word); const s2 = performance.now();
    runs.push([s1 - s0, s2 - s1]);
  }
  const med = (k) => runs.map((x) => x[k]).sort((x, y) => x - y)[1];
  rows.push(['one 3,000-letter word, no spaces, uncached (ms)', fmt(med(0), 2), '', fmt(med(1), 1), fmt(med(1) / med(0), 0) + 'x', '']);
}
rows.push(['start-up to first ids (ms)', fmt(firstCallMs, 1), '', fmt(bpeStartMs, 1), fmt(bpeStartMs / firstCallMs, 1) + 'x', '']);

console.log('## CLIP tokenizer: cipherlens vs clip-bpe-js\n');
console.log(table(['workload', 'cipherlens (new Int32Array)', 'cipherlens (into reused Int32Array)', 'clip-bpe-js 0.0.6',
  'speed-up', 'speed-up (reused)'], rows));
console.log(`\nIdentical Int32Array(77) outputs checked on every input before timing; clip-bpe-js timed with ` +
  `\`Int32Array.from(encodeForCLIP(text))\` as Ente calls it. \`tokenize(text)\` allocates its result ` +
  `(a 308-byte typed array costs V8 a few hundred ns, a large share of a short query); \`tokenize(text, out)\` ` +
  `writes into the caller's array, e.g. a reused input tensor. Medians of 7 runs (warm word caches on both ` +
  `sides except the never-seen row). Start-up: cipherlens decompresses its embedded zstd tables on the first ` +
  `call (loadCore itself took ${fmt(loadMs, 0)} ms); clip-bpe-js builds its vocabulary in the constructor.`);
