// Crash safety: the server (node server/main.mjs, a child process) is killed with SIGKILL in
// the middle of a piece; restarted on the same data directory, the database opens cleanly,
// HEAD reports the bytes acknowledged before the kill, nothing half-written is visible, and the
// upload resumes and completes into a file that decrypts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendEnv, inspectStores } from './backends.mjs';
import { api, b64, core, createCollection, decryptListed, login, signup, tempDir, APP_INDEX, testBytes } from './helpers.mjs';

const MAIN = fileURLToPath(new URL('../../server/main.mjs', import.meta.url));
const PIECE = 64 * 1024;

/** Starts `node server/main.mjs` on a free port; resolves once it prints its URL. */
export async function startChild(dir, stores = {}) {
  const child = spawn(process.execPath, [MAIN], {
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

async function kill(child) {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

test('SIGKILL mid-upload: restart, resume from the stored offset, complete, decrypt', async () => {
  const dir = await tempDir('crash');
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), APP_INDEX);
  const stores = await backendEnv(); // {} for SQLite and a folder, else PostgreSQL and S3
  let server = await startChild(dir, stores);
  let look;
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'Album');
    const fileKey = core.generateKey();
    const plain = testBytes(5 * PIECE);
    const { ciphertext, header } = core.stream.encrypt(plain, fileKey);
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: ciphertext.length } });
    // As a client should: a 409 with Retry-After (the killed server's lock on the upload, until
    // it goes stale) is tried again after that long.
    const patch = async (offset, bytes) => {
      for (;;) {
        const res = await api(server.url, 'PATCH', `/api/uploads/${objectKey}`, {
          token,
          headers: { 'upload-offset': String(offset) },
          raw: bytes,
        });
        const wait = res.status === 409 && res.headers.get('retry-after');
        if (!wait) return res;
        await new Promise((ok) => setTimeout(ok, Number(wait) * 1000));
      }
    };
    assert.equal((await patch(0, ciphertext.subarray(0, PIECE))).status, 204);
    assert.equal((await patch(PIECE, ciphertext.subarray(PIECE, 2 * PIECE))).status, 204);

    // A third piece: half its body sent, then the server is killed.
    const half = await new Promise((resolve, reject) => {
      const u = new URL(server.url);
      const req = request({
        host: u.hostname,
        port: u.port,
        method: 'PATCH',
        path: `/api/uploads/${objectKey}`,
        headers: { 'x-auth-token': token, 'upload-offset': String(2 * PIECE), 'content-length': PIECE },
      });
      req.on('error', () => resolve('connection cut'));
      req.on('response', (res) => reject(new Error(`answered ${res.statusCode} before the body`)));
      req.write(ciphertext.subarray(2 * PIECE, 2 * PIECE + PIECE / 2), () => kill(server.child).catch(reject));
    });
    assert.equal(half, 'connection cut');

    // The database opens cleanly straight after the kill.
    look = await inspectStores(stores, join(dir, 'data'));
    assert.equal(await look.integrity(), 'ok');
    assert.equal(await look.fileCount(), 0);
    assert.equal(await look.blobs.isClaimed(objectKey), false, 'nothing claimed');

    server = await startChild(dir, stores);
    const head = await api(server.url, 'HEAD', `/api/uploads/${objectKey}`, { token });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(2 * PIECE), 'what was acknowledged, nothing of the cut piece');
    const files = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token });
    assert.deepEqual(files.json, []);

    for (let offset = 2 * PIECE; offset < ciphertext.length; offset += PIECE) {
      assert.equal((await patch(offset, ciphertext.subarray(offset, offset + PIECE))).status, 204);
    }
    const thumb = core.blob.encrypt(testBytes(100), fileKey);
    const {
      json: { objectKey: thumbKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: thumb.ciphertext.length } });
    await api(server.url, 'PATCH', `/api/uploads/${thumbKey}`, {
      token,
      headers: { 'upload-offset': '0' },
      raw: thumb.ciphertext,
    });
    const wrapped = core.secretbox.encrypt(fileKey, album.key);
    const meta = core.blob.encrypt(new TextEncoder().encode('{}'), fileKey);
    const made = await api(server.url, 'POST', '/api/files', {
      token,
      body: {
        collectionID: album.id,
        encryptedKey: b64(wrapped.ciphertext),
        keyDecryptionNonce: b64(wrapped.nonce),
        file: { objectKey, decryptionHeader: b64(header) },
        thumbnail: { objectKey: thumbKey, decryptionHeader: b64(thumb.header) },
        metadata: { encryptedData: b64(meta.ciphertext), decryptionHeader: b64(meta.header) },
      },
    });
    assert.equal(made.status, 201);
    const listed = (await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token })).json[0];
    const got = await api(server.url, 'GET', `/api/files/${made.json.id}/file`, { token });
    assert.deepEqual(decryptListed(listed, album.key, got.bytes), plain);
    assert.deepEqual(await look.leftovers(), [], 'claimed uploads left nothing behind');
  } finally {
    await look?.close();
    if (server.child.exitCode === null) await kill(server.child);
    await rm(dir, { recursive: true, force: true });
  }
});
