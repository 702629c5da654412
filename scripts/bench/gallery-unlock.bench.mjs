// The gallery's unlock and resume figures (gallery-unlock.mjs), in a child process: bench.sh runs
// every bench with --no-experimental-fetch, and playwright needs fetch.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('gallery-unlock.mjs', import.meta.url));
process.stdout.write(
  execFileSync(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }).toString(),
);
