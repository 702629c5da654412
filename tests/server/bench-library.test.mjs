// The search-ready bench's generated library (scripts/bench/search-library.mjs) is what the
// gallery's client believes: seeded through the store layer without HTTP uploads, its album log
// verifies and matches the listing (no finding), every file opens, its thumbnail is the one its
// log entry bound, and every photo's ML data opens with its file key, with a unit CLIP embedding
// and an empty face index. A small slice (the bench seeds 100,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLibrary } from '../../scripts/bench/search-library.mjs';
import { startGalleryServer } from '../../server/app.mjs';
import { client, clientOptions, core, tempDir } from './helpers.mjs';

const N = 12;

test('the bench library seeds genuine photos, log entries and ML data the client believes', { timeout: 120_000 }, async () => {
  const dir = await tempDir('bench-library');
  const dataDir = join(dir, 'data');
  const appDir = fileURLToPath(new URL('../../build/app/', import.meta.url));
  const seed = await seedLibrary({ n: N, dataDir, appDir });
  const server = await startGalleryServer({ dataDir, port: 0, appDir });
  try {
    const session = await client.logIn(clientOptions(server.url), seed.email, seed.password);
    const keeper = new client.RecordKeeper(session, client.memoryDeviceStore());
    await keeper.load();
    const library = client.Library.of(session, keeper);
    const [album] = await library.loadAlbums();
    assert.equal(album.id, seed.albumId);
    const files = await library.loadFiles(album);
    assert.equal(files.length, N);
    assert.equal(album.unreadable, 0);
    assert.deepEqual(library.findings(album), []);
    assert.equal(album.trust.state.files.size, N);
    assert.ok(
      files.every((f) => f.entry),
      'every listed file is in the log',
    );
    const thumbnail = await library.thumbnail(files[0]);
    assert.deepEqual([thumbnail[0], thumbnail[1]], [0xff, 0xd8], 'a JPEG');

    const byId = new Map(files.map((f) => [f.id, f]));
    const embeddings = [];
    for await (const page of client.clipChanges(core, session.api, album.id, byId, null)) embeddings.push(...page.found);
    assert.equal(embeddings.length, N);
    for (const { embedding } of embeddings) {
      assert.equal(embedding.length, 512);
      assert.ok(Math.abs(Math.hypot(...embedding) - 1) < 1e-3);
    }
    const faces = [];
    for await (const f of client.fileFaces(core, session.api, files)) faces.push(f);
    assert.equal(faces.length, N);
    assert.ok(faces.every(({ faces: d }) => d.faces.length === 0));
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
