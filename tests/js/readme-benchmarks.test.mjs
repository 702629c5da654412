// The README's benchmark table is generated from BENCHMARKS.md (scripts/bench/readme-table.mjs,
// run by npm run bench): the README must hold exactly what BENCHMARKS.md renders to, and the
// generator must refuse rather than guess when a figure is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  FORMAT_MARKER,
  START,
  END,
  parseTables,
  cellReader,
  renderReadmeSection,
  replaceReadmeSection,
} from '../../scripts/bench/readme-table.mjs';

const read = (name) => readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
const readme = read('README.md');
const benchmarks = read('BENCHMARKS.md');

test('the README has one generated benchmark section', () => {
  assert.equal(readme.split(START).length, 2, 'one start marker');
  assert.equal(readme.split(END).length, 2, 'one end marker');
  assert.ok(readme.indexOf(START) < readme.indexOf(END));
});

test('the README benchmark section is what BENCHMARKS.md renders to', (t) => {
  if (!benchmarks.includes(FORMAT_MARKER)) {
    // BENCHMARKS.md is written only by a full npm run bench (minutes on a quiet machine); until
    // the first run of the current bench code there is no table of its rows to compare with.
    t.skip(`BENCHMARKS.md lacks "${FORMAT_MARKER}" (written by older bench code): npm run bench regenerates both`);
    return;
  }
  const section = renderReadmeSection(benchmarks);
  assert.equal(
    replaceReadmeSection(readme, section),
    readme,
    'README.md differs from BENCHMARKS.md: run node scripts/bench/readme-table.mjs',
  );
});

const SAMPLE = `${FORMAT_MARKER}
# Benchmarks

## Crypto: a section

| operation | ours | peer | ours vs peer |
| --- | --- | --- | --- |
| seal (ops/s) | 10335 | 6374 | 1.62x |
| open (ops/s) | 15157 | — | — |

notes

| operation | ours |
| --- | --- |
| twice | 1 |
| twice | 2 |

## Crypto: another section

| x | y |
| --- | --- |
`;

test('cells are read by section, row and column, and anything missing or ambiguous throws', () => {
  const sections = parseTables(SAMPLE);
  assert.deepEqual(
    sections.map((s) => [s.title, s.tables.length]),
    [
      ['Crypto: a section', 2],
      ['Crypto: another section', 1],
    ],
  );
  assert.deepEqual(sections[0].tables[0].rows[1], ['open (ops/s)', '15157', '—', '—']);
  const cell = cellReader(SAMPLE);
  assert.equal(cell('Crypto: a section', 'seal (ops/s)', 'ours vs'), '1.62x');
  assert.equal(cell('Crypto: a section', 'seal (ops/s)', 'peer'), '6374');
  assert.throws(() => cell('Crypto:', 'seal (ops/s)', 'peer'), /2 sections match/);
  assert.throws(() => cell('Crypto: a section', 'seal', 'peer'), /0 rows match/, 'rows match whole labels');
  assert.throws(() => cell('Crypto: a section', 'twice', 'ours'), /2 rows match/);
  assert.equal(cell('Crypto: a section', 'seal (ops/s)', 'ours'), '10335', 'a whole header wins over longer ones');
  assert.throws(() => cell('Crypto: a section', 'seal (ops/s)', 'ou'), /2 columns match/);
  assert.throws(() => cell('Crypto: a section', 'open (ops/s)', 'peer'), /no figure/);
});

test('rendering refuses a BENCHMARKS.md from older bench code or one missing a figure', () => {
  assert.throws(() => renderReadmeSection(SAMPLE.replace(FORMAT_MARKER, '')), /older bench code/);
  assert.throws(() => renderReadmeSection(SAMPLE), /BENCHMARKS\.md: "Crypto:"/);
});

test('replacing the section keeps the rest of the README byte for byte', () => {
  const doc = `intro\n${START}\nold\n${END}\noutro\n`;
  assert.equal(replaceReadmeSection(doc, `${START}\nnew\n${END}`), `intro\n${START}\nnew\n${END}\noutro\n`);
  assert.throws(() => replaceReadmeSection('no markers', 'x'), /lacks the benchmark markers/);
});
