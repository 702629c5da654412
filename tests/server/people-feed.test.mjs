// People's faces from the ML data changes route (client FaceFeed, as app/src/people.ts reads
// them): a library of a few hundred photos with their ML data (seeded as the search-ready bench
// seeds it, scripts/bench/search-library.mjs: no inference) comes in pages of changes, one
// request per `limit` photos and none by file id; a second pull asks once and gets nothing; faces
// written later come alone in the pull after. What the server lies about (ML data under another
// file's key, a file the album does not list) is tested in tests/app/ml-changes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLibrary } from '../../scripts/bench/search-library.mjs';
import { startGalleryServer } from '../../server/app.mjs';
import { client, clientOptions, core, tempDir } from './helpers.mjs';

const N = 300;
let dir, server, seed;

before(async () => {
  dir = await tempDir('people-feed');
  const dataDir = join(dir, 'data');
  const appDir = fileURLToPath(new URL('../../build/app/', import.meta.url));
  seed = await seedLibrary({ n: N, dataDir, appDir });
  server = await startGalleryServer({ dataDir, port: 0, appDir });
});
after(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A session whose ML data requests are recorded (route and page size asked). */
async function recordedSession() {
  const requests = [];
  const fetch = (input, init) => {
    const url = new URL(input);
    if (/\/ml$/.test(url.pathname)) requests.push({ path: url.pathname, limit: url.searchParams.get('limit') });
    return globalThis.fetch(input, init);
  };
  const session = await client.logIn(clientOptions(server.url, { fetch }), seed.email, seed.password);
  const keeper = new client.RecordKeeper(session, client.memoryDeviceStore());
  await keeper.load();
  const library = client.Library.of(session, keeper);
  const [album] = await library.loadAlbums();
  const files = await library.loadFiles(album);
  requests.length = 0;
  return { session, library, album, files, requests };
}

test(`a library of ${N} photos: its faces come in pages of changes, not per photo`, { timeout: 300_000 }, async () => {
  const { session, album, files, requests } = await recordedSession();
  assert.equal(files.length, N);
  const changesRoute = `/api/collections/${album.id}/ml`;

  // Pages of 100: three requests for 300 photos, every photo's (empty) face index found.
  const feed = new client.FaceFeed(core, session.api, 100);
  const first = await feed.pull(files);
  assert.deepEqual(
    requests,
    Array.from({ length: N / 100 }, () => ({ path: changesRoute, limit: '100' })),
    'one request a page of changes, none by file id',
  );
  assert.equal(first.length, N);
  assert.deepEqual(new Set(first.map((f) => f.file.id)), new Set(files.map((f) => f.id)));
  assert.ok(first.every(({ faces }) => faces.faces.length === 0));

  // The gallery's page (the server's largest, 1000): the whole library in one request.
  requests.length = 0;
  const whole = await new client.FaceFeed(core, session.api).pull(files);
  assert.equal(whole.length, N);
  assert.deepEqual(requests, [{ path: changesRoute, limit: String(client.limits.LISTING_PAGE_MAX) }]);

  // Nothing changed: one request, nothing new.
  requests.length = 0;
  assert.deepEqual(await feed.pull(files), []);
  assert.equal(requests.length, 1);

  // Faces written for two photos (another device indexed them): the next pull brings those alone.
  const face = {
    faceID: '',
    detection: {
      box: { x: 0.25, y: 0.2, width: 0.3, height: 0.4 },
      landmarks: Array.from({ length: 5 }, (_, i) => ({ x: 0.3 + i * 0.05, y: 0.4 })),
    },
    score: 0.9,
    blur: 50,
    embedding: Array.from({ length: 192 }, (_, i) => (i === 0 ? 1 : 0)),
  };
  const changed = [files[7], files[200]];
  for (const f of changed) {
    const faces = { width: 640, height: 480, faces: [{ ...face, faceID: `${f.id}_25_20_55_60` }] };
    await client.putMlData(core, session.api, f, { faces });
  }
  requests.length = 0;
  const next = await feed.pull(files);
  assert.equal(requests.filter((r) => r.path === changesRoute).length, 1);
  assert.deepEqual(
    next.map(({ file, faces }) => [file.id, faces.faces.map((x) => x.faceID)]),
    changed.map((f) => [f.id, [`${f.id}_25_20_55_60`]]),
  );
});
