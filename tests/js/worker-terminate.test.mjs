// terminate() of every worker kind resolves, also when it is the last thing a Node process waits
// for: a terminating worker does not hold Node's event loop, so without care the process ended
// inside `await worker.terminate()` (exit code 13). Timing-dependent, hence several runs of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./terminate.fixture.mjs', import.meta.url));
const RUNS = 3;
const KINDS = ['core', 'core, crypto flavor', 'pool', 'crypto entry core', 'crypto entry pool', 'search'];

function run(kind) {
  return new Promise((resolve) => {
    execFile(process.execPath, [FIXTURE, kind], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

for (const kind of KINDS) {
  test(`${kind} worker: a top-level await terminate() resolves and the process exits 0`, async () => {
    for (let i = 0; i < RUNS; i++) {
      const { code, stdout, stderr } = await run(kind);
      assert.equal(code, 0, `run ${i + 1}: exit ${code}\n${stderr}`);
      assert.equal(stdout.trim(), `${kind} terminated`);
    }
  });
}
