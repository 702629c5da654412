// Rows of SECURITY.md's hostile-input table. A test that tries a hostile input records what the
// package did, after asserting it; each test file's rows go to test-results/hostile-inputs/
// <file>.json when the file ends, and scripts/security-table.mjs renders every file's rows into
// SECURITY.md (`npm test` checks that the committed table matches what the tests recorded).
import { after } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOSTILE_DIR = fileURLToPath(new URL('../../test-results/hostile-inputs/', import.meta.url));

/**
 * The recorder for one test file (pass `import.meta.url`). `record(call, input, outcome, checked)`
 * adds a row: `outcome` is the thrown error (a CoreError gives its code) or a short text;
 * `checked` says what else the test asserted. Call it once the assertions have passed.
 */
export function hostileTable(testFileUrl) {
  const file = basename(fileURLToPath(testFileUrl));
  const rows = [];
  after(() => {
    mkdirSync(HOSTILE_DIR, { recursive: true });
    writeFileSync(`${HOSTILE_DIR}${file}.json`, `${JSON.stringify(rows, null, 1)}\n`);
  });
  return (call, input, outcome, checked = '') => {
    const text = outcome?.name === 'CoreError' ? `CoreError ${outcome.code}` : String(outcome);
    rows.push({ test: file, call, input, outcome: text, checked });
  };
}
