// Fault: the disk fails while fileIndexStore saves the encrypted search index. A real short write
// (a child process under `ulimit -f`: the kernel stops the file at the limit with EFBIG) and a
// failing rename each reject with the file system's error; the index saved before still loads,
// no temporary file is left behind, and saving again succeeds. A process killed half-way through
// a save leaves the index saved before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore, fileIndexStore } from '../../js/dist/index.js';
import { rng } from './seeded-random.mjs';

const core = await loadCore();
const key = core.generateKey();
const SEED = 4242;

/** An index of `n` files, saved (encrypted); ids tell the two saves apart. */
function savedIndex(n, firstId) {
  const r = rng(SEED + n);
  const index = core.createIndex(512);
  for (let i = 0; i < n; i++)
    index.upsert(
      firstId + i,
      Float32Array.from({ length: 512 }, () => r() - 0.5),
    );
  try {
    return index.save(key);
  } finally {
    index.dispose();
  }
}

/** The ids of the index stored at `path`, loaded the way an app would. */
async function storedIds(path) {
  const index = core.loadIndex(await fileIndexStore(path).read(), key);
  try {
    return index.fileIds();
  } finally {
    index.dispose();
  }
}

function freshDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'cipherlens-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a save cut short by the disk (EFBIG at 64 KiB) rejects; the previous index still loads; the retry succeeds', async (t) => {
  const dir = freshDir(t);
  const path = join(dir, 'clip.index');
  const before = savedIndex(10, 1000); // ~20 KB, under the limit
  const after = savedIndex(200, 5000); // ~400 KB, over it
  assert.ok(before.length < 60 * 1024 && after.length > 128 * 1024, `${before.length}, ${after.length}`);
  await fileIndexStore(path).write(before);

  const child = `
    import { fileIndexStore } from ${JSON.stringify(new URL('../../js/dist/index.js', import.meta.url).href)};
    import { readFileSync } from 'node:fs';
    try {
      await fileIndexStore(process.argv[1]).write(readFileSync(0));
      console.log(JSON.stringify({ ok: true }));
    } catch (e) {
      console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message }));
    }`;
  const run = spawnSync(
    'bash',
    ['-c', 'ulimit -f 64 && exec "$0" --input-type=module -e "$1" "$2"', process.execPath, child, path],
    { input: after, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.code, 'EFBIG', `the write failed part-way: ${run.stdout}`);

  assert.deepEqual(readdirSync(dir), ['clip.index'], 'no temporary file left');
  assert.deepEqual(Buffer.from(await fileIndexStore(path).read()), Buffer.from(before), 'the previous bytes, unchanged');
  assert.equal((await storedIds(path)).length, 10);

  await fileIndexStore(path).write(after); // the disk has room again
  assert.equal((await storedIds(path)).length, 200);
});

test('a failing rename rejects with its error, removes the temporary file, and leaves the previous index', async (t) => {
  const dir = freshDir(t);
  const path = join(dir, 'clip.index');
  const store = fileIndexStore(path);
  await store.write(savedIndex(10, 1000));

  const rename = fsp.rename;
  fsp.rename = async () => {
    throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
  };
  syncBuiltinESMExports(); // the store imports node:fs/promises when it writes: it gets this rename
  try {
    await assert.rejects(store.write(savedIndex(20, 5000)), { code: 'EIO' });
  } finally {
    fsp.rename = rename;
    syncBuiltinESMExports();
  }
  assert.deepEqual(readdirSync(dir), ['clip.index'], 'no temporary file left');
  assert.deepEqual((await storedIds(path)).length, 10);
  await store.write(savedIndex(20, 5000));
  assert.equal((await storedIds(path)).length, 20);
});

test('a process killed half-way through a save leaves the previous index', async (t) => {
  const dir = freshDir(t);
  const path = join(dir, 'clip.index');
  const before = savedIndex(10, 1000);
  await fileIndexStore(path).write(before);

  // The child's writeFile stops after half the bytes are on disk and waits to be killed.
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    import fsp from 'node:fs/promises';
    import { syncBuiltinESMExports } from 'node:module';
    import { readFileSync } from 'node:fs';
    import { fileIndexStore } from ${JSON.stringify(new URL('../../js/dist/index.js', import.meta.url).href)};
    fsp.writeFile = async (file, data) => {
      const h = await fsp.open(file, 'w');
      await h.write(data.subarray(0, data.length >> 1));
      await h.sync();
      console.log('half');
      await new Promise(() => setInterval(() => {}, 1000));
    };
    syncBuiltinESMExports();
    await fileIndexStore(process.argv[1]).write(readFileSync(0));`,
      path,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.end(savedIndex(200, 5000));
  const [line] = await once(child.stdout, 'data');
  assert.equal(String(line).trim(), 'half');
  child.kill('SIGKILL');
  await once(child, 'exit');

  assert.deepEqual(Buffer.from(await fileIndexStore(path).read()), Buffer.from(before), 'the previous bytes, unchanged');
  assert.equal((await storedIds(path)).length, 10);
  await fileIndexStore(path).write(savedIndex(200, 5000));
  assert.equal((await storedIds(path)).length, 200);
});
