// `node server/main.mjs` as a child process (what `npm start` runs), for the tests that kill it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
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

/** A PATCH that follows a 409's Retry-After (a lock a killed server held, until it goes stale), as a client should. */
export async function patchRetrying(api, url, token, objectKey, offset, bytes) {
  for (;;) {
    const res = await api(url, 'PATCH', `/api/uploads/${objectKey}`, {
      token,
      headers: { 'upload-offset': String(offset) },
      raw: bytes,
    });
    const wait = res.status === 409 && res.headers.get('retry-after');
    if (!wait) return res;
    await new Promise((ok) => setTimeout(ok, Number(wait) * 1000));
  }
}

/** Sends half of a piece to `server` and SIGKILLs it meanwhile; resolves once the connection is cut. */
export function cutPieceAndKill(server, token, objectKey, offset, piece) {
  return new Promise((resolve, reject) => {
    const u = new URL(server.url);
    const req = request({
      host: u.hostname,
      port: u.port,
      method: 'PATCH',
      path: `/api/uploads/${objectKey}`,
      headers: { 'x-auth-token': token, 'upload-offset': String(offset), 'content-length': piece.length },
    });
    req.on('error', () => resolve('connection cut'));
    req.on('response', (res) => reject(new Error(`answered ${res.statusCode} before the body`)));
    req.write(piece.subarray(0, piece.length / 2), () => kill(server.child).catch(reject));
  });
}
