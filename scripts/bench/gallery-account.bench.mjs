// Sign-up and log-in through the gallery (gallery-account.mjs), in a child process: bench.sh runs every bench with
// --no-experimental-fetch, and playwright and the server's API helpers need fetch.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('gallery-account.mjs', import.meta.url));
const out = execFileSync(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }).toString();
// The server's test helpers it borrows load node:test, whose (empty) TAP report is not ours.
process.stdout.write(
  out
    .split('\n')
    .filter((line) => !/^(TAP version|1\.\.\d|# )/.test(line))
    .join('\n'),
);
