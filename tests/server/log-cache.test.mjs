// The library's log cache (docs/library-cache.md, step 1): a second log-in on the same device
// reads each album's signed log only after the head it verified last time, and believes the same
// album; a cache that does not unpack, or that the server's log does not extend, is never a
// reason to believe the server more. Against the real server, with the search bench's generated
// library (genuine photos and log entries), a small slice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLibrary } from '../../scripts/bench/search-library.mjs';
import { startGalleryServer } from '../../server/app.mjs';
import { client, clientOptions, tempDir } from './helpers.mjs';

const N = 12;

/** A log cache in memory (the app's seals its bytes under the master key into IndexedDB). */
function memoryLogCache() {
  const pages = new Map();
  return {
    pages,
    read: async (albumId) => pages.get(albumId),
    write: async (albumId, bytes) => void pages.set(albumId, bytes.slice()),
  };
}

test('a second log-in reads the album log only after the cached head, and a bad cache starts over', {
  timeout: 120_000,
}, async () => {
  const dir = await tempDir('log-cache');
  const dataDir = join(dir, 'data');
  const appDir = fileURLToPath(new URL('../../build/app/', import.meta.url));
  const seed = await seedLibrary({ n: N, dataDir, appDir });
  const server = await startGalleryServer({ dataDir, port: 0, appDir });
  const cache = memoryLogCache();
  /** Logs in, loads the albums and the album's files with `logCache`; what the log route was asked. */
  const logIn = async (logCache) => {
    const session = await client.logIn(clientOptions(server.url), seed.email, seed.password);
    const asked = [];
    const log = session.api.log.bind(session.api);
    session.api.log = (albumId, since) => (asked.push(since), log(albumId, since));
    const keeper = new client.RecordKeeper(session, client.memoryDeviceStore());
    await keeper.load();
    const library = client.Library.of(session, keeper, logCache);
    const [album] = await library.loadAlbums();
    const files = await library.loadFiles(album);
    return { library, album, files, asked };
  };
  try {
    const first = await logIn(cache);
    assert.equal(first.asked[0], 0, 'a new device reads the whole log');
    assert.equal(first.files.length, N);
    assert.deepEqual(first.library.findings(first.album), []);
    const head = first.album.trust.state.head;
    assert.equal(head.seq, N, 'create, then an add per photo');
    assert.ok(cache.pages.get(seed.albumId), 'the fold was kept');

    const second = await logIn(cache);
    assert.deepEqual(second.asked, [N + 1, N + 1], 'only after the cached head (albums, then files)');
    assert.equal(second.files.length, N);
    assert.deepEqual(second.library.findings(second.album), []);
    assert.deepEqual(second.album.trust.state, first.album.trust.state);
    assert.deepEqual(
      second.album.trust.entries.map((e) => e.hash),
      first.album.trust.entries.map((e) => e.hash),
    );
    assert.ok(
      second.files.every((f) => f.entry),
      'every listed file is matched with its cached entry',
    );

    // A damaged cache does not unpack: the log is read from its first entry again, and kept anew.
    const damaged = cache.pages.get(seed.albumId).slice();
    damaged[damaged.length - 1] ^= 1;
    cache.pages.set(seed.albumId, damaged);
    const third = await logIn(cache);
    assert.equal(third.asked[0], 0);
    assert.deepEqual(third.library.findings(third.album), []);
    assert.doesNotThrow(() => client.trust.unpackFold(cache.pages.get(seed.albumId), seed.albumId), 'rewritten whole');

    // A cache whose head the server's log does not extend (another history than this device
    // verified) is a finding, and is not cached over.
    const other = first.album.trust.state;
    const forkedHead = { seq: other.head.seq, hash: new Uint8Array(32).fill(7) };
    const hashes = first.album.trust.entries.map((e) => e.hash);
    const forked = client.trust.packFold({ ...other, head: forkedHead }, [...hashes.slice(0, -1), forkedHead.hash]);
    cache.pages.set(seed.albumId, forked);
    const fourth = await logIn(cache);
    assert.deepEqual(fourth.asked.slice(0, 1), [N + 1]);
    // The server has nothing after seq N: the cached (forged) head stands unextended, and the
    // account record's head (seq N, the real hash) finds the fork.
    assert.ok(
      fourth.library.findings(fourth.album).some((f) => f.kind === 'fork'),
      JSON.stringify(fourth.library.findings(fourth.album).map((f) => f.kind)),
    );
    assert.deepEqual(cache.pages.get(seed.albumId), forked, 'a forked view is not cached over');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
