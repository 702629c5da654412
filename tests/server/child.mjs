// `node server/main.mjs` as a child process (what `npm start` runs), for the tests that kill it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../server/main.mjs', import.meta.url));

/** Starts `node server/main.mjs` on a free port; resolves once it prints its URL. */
export async function startChild(dir, stores = {}, { nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { ...process.env, ...stores, PORT: '0', DATA_DIR: join(dir, 'data'), APP_DIR: join(dir, 'app'), LOG_REQUESTS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d;
      const m = /gallery server: (http:\/\/[^/\s]+)\//.exec(output);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, url };
}

export async function kill(child) {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
