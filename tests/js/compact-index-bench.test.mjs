// The million-photo path of the compact index, as `npm run bench` runs it
// (scripts/bench/compact-index.bench.mjs), on a short real slice: the same script at 24,577 x 512
// (six 4096-row segments and one row, upserts in batches of 10,000 and a remainder), with its pages
// in a directory, snapshots saved and opened in a fresh core, the alternatives and today's index
// beside it. Checks what its figures claim (recall against its exact JS scan, pruning, the reopened
// index answering as before) and that it leaves no page behind; the timings are not checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cellReader } from '../../scripts/bench/readme-table.mjs';

const N = 6 * 4096 + 1;
const SCRIPT = fileURLToPath(new URL('../../scripts/bench/compact-index.bench.mjs', import.meta.url));

test('the compact index bench on a short slice: recall >= 0.99 before and after a reopen, pruning, no page left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'compact-bench-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--no-experimental-fetch', SCRIPT], {
      env: { ...process.env, COMPACT_INDEX_N: String(N), COMPACT_INDEX_QUERIES: '8', COMPACT_INDEX_DIR: dir },
      maxBuffer: 1 << 20,
      timeout: 600_000,
    });
    const cell = cellReader(stdout);
    const section = `Compact embedding index: ${N.toLocaleString('en')} x 512`;
    const num = (row, column) => {
      const v = Number(cell(section, row, column));
      assert.ok(Number.isFinite(v), `${row} / ${column}: ${cell(section, row, column)}`);
      return v;
    };
    for (const kind of ['clustered', 'random']) {
      const main = `compact index (default), ${kind}`;
      t.diagnostic(
        `${kind}: recall@10 ${num(main, 'recall@10')}, ${num(main, 'int8 copies scored')} int8 copies scored of ${N}, ` +
          `${num(main, 'bytes / photo')} bytes of wasm heap per photo (the fixed part included)`,
      );
      assert.ok(num(main, 'recall@10') >= 0.99, `${main}: recall ${num(main, 'recall@10')}`);
      assert.ok(num(main, 'int8 copies scored') < N / 4, `${main}: the codes pruned too little`);
      assert.ok(num(main, 'bytes / photo') < 2048, `${main}: more than a float32 copy per photo`);
      assert.equal(num(`alternative: every int8 copy scored, ${kind}`, 'int8 copies scored'), N);
      assert.equal(num(`plain JS float32 scan, ${kind}`, 'recall@10'), 1);
      // The snapshot, opened in a fresh core, answers as well; it came in several pieces.
      assert.ok(num(kind, 'recall@10 after open') >= 0.99, `${kind}: recall after open`);
      assert.ok(Number(cell(section, kind, 'snapshot').match(/^(\d+) pieces/)?.[1]) >= 2, 'snapshot in pieces');
    }
    assert.ok(num('alternative: 1-bit codes, random', 'recall@10') >= 0.99);
    assert.equal(num("today's index, float32 scan", 'recall@10'), 1);
    assert.ok(num('compact index (default)', 'bytes / photo') < num("today's index, float32 scan", 'bytes / photo'));
    assert.match(stdout, new RegExp(`Today's float32 \\+ int8 index at ${N.toLocaleString('en')} .*held all`));
    assert.deepEqual(readdirSync(dir), [], 'pages or snapshots left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
