// Deleting for good is crash-safe: the server process is killed (SIGKILL) while it deletes the
// blobs of files deleted from the trash, before the first blob goes or between two; restarted on
// the same data, the database is sound, the records stay deleted, and the upkeep at start deletes
// every queued blob, so none is left behind and none of the files kept lost a byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGalleryServer } from '../../server/app.mjs';
import { APP_INDEX, libraryOf, login, signup, tempDir, testBytes } from './helpers.mjs';

const FIXTURE = fileURLToPath(new URL('./fixtures/die-deleting-blobs.mjs', import.meta.url));

async function startChild(dir, dieAt) {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, DATA_DIR: join(dir, 'data'), APP_DIR: join(dir, 'app'), DIE_AT: dieAt },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const url = await new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      output += d;
      const m = /gallery server: (http:\/\/[^/\s]+)\//.exec(output);
      if (m) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, url, exited: once(child, 'exit') };
}

for (const dieAt of ['first', 'second']) {
  test(`killed while deleting blobs (${dieAt === 'first' ? 'before the first' : 'after one of two'}): the restart finishes`, async () => {
    const dir = await tempDir('trash-crash');
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app', 'index.html'), APP_INDEX);
    const child = await startChild(dir, dieAt);
    const alice = await signup(child.url, 'alice@example.org', 'pw');
    const { token } = await login(child.url, alice.email, 'pw');
    const lib = libraryOf(child.url, alice, token);
    const album = await lib.createAlbum('Album');
    const upload = (title, bytes) =>
      lib.upload(album, {
        contents: [bytes],
        size: bytes.length,
        thumbnail: testBytes(400),
        meta: { title, creationTime: 1, fileType: 0 },
      });
    const keptBytes = testBytes(5000);
    const kept = await upload('kept', keptBytes);
    const doomed = await upload('doomed', testBytes(5000));
    await lib.trash([doomed]);
    const blobsDir = join(dir, 'data', 'blobs');
    assert.equal((await readdir(blobsDir)).length, 4);
    // The delete is answered (its records are gone, its blobs queued), then the process dies.
    await lib.deleteForever([doomed]).catch(() => {});
    await child.exited;
    const left = (await readdir(blobsDir)).length;
    assert.equal(left, dieAt === 'first' ? 4 : 3, 'the kill came where the test put it');

    const server = await startGalleryServer({ port: 0, dataDir: join(dir, 'data'), appDir: join(dir, 'app') });
    try {
      assert.equal(await server.testing.integrityCheck(), 'ok');
      assert.equal((await readdir(blobsDir)).length, 2, 'the queued blobs were deleted at start');
      const { token: again } = await login(server.url, alice.email, 'pw');
      const fresh = libraryOf(server.url, alice, again);
      await fresh.loadAlbums();
      const files = await fresh.loadFiles(fresh.albums.get(album.id));
      assert.deepEqual(
        files.map((f) => f.meta.title),
        ['kept'],
      );
      assert.deepEqual(await fresh.loadTrash(), []);
      assert.deepEqual(await fresh.contents(files[0]), new Uint8Array(keptBytes));
      assert.equal(kept.id, files[0].id);
    } finally {
      await server.close();
    }
  });
}
