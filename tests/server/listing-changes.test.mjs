// The listing of an album's changes (docs/server-api.md, docs/library-cache.md "Syncing by the
// server's update time"): `?sinceTime=` or `?after=` answers the members and the files that left
// (removed from the album, moved away, trashed, deleted, the album deleted) changed after it, in
// one order, so a device with a cache asks only for what changed. Rejoining clears a removal;
// pages split inside one millisecond lose and repeat nothing; a cursor from before removals the
// upkeep pruned is 410; other accounts see nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, libraryOf, login, signup, startTestServer, testBytes, testClock } from './helpers.mjs';

let server, clock, alice, bob, lib, tokens;

const photo = (title) => {
  const bytes = testBytes(300);
  return {
    contents: [bytes],
    size: bytes.length,
    thumbnail: testBytes(100),
    meta: { title, creationTime: 1_700_000_000_000_000, fileType: 0 },
  };
};
/** A changes page: { status, json } for `query` (sinceTime=… or after=…, limit=…). */
const changes = (album, query, token = tokens.alice) =>
  api(server.url, 'GET', `/api/collections/${album.id}/files?${query}`, { token });
/** Every change after `query`'s start, paged by `limit`: [{ id, updationTime, removed }] in the order sent. */
async function allChanges(album, start, limit = 1000) {
  const seen = [];
  let query = `${start}&limit=${limit}`;
  for (let pages = 0; pages < 100; pages++) {
    const page = await changes(album, query);
    assert.equal(page.status, 200, JSON.stringify(page.json));
    const items = [
      ...page.json.files.map((f) => ({ id: f.id, updationTime: f.updationTime, removed: false })),
      ...page.json.removed.map((r) => ({ id: r.id, updationTime: r.updationTime, removed: true })),
    ].sort((a, b) => a.updationTime - b.updationTime || a.id - b.id);
    assert.ok(items.length <= limit);
    seen.push(...items);
    if (page.json.next === null) return seen;
    const last = items.at(-1);
    assert.equal(page.json.next, `${last.updationTime}-${last.id}`, 'next is the cursor of the page’s last change');
    query = `after=${page.json.next}&limit=${limit}`;
  }
  throw new Error('the listing did not end');
}
const removedIds = async (album, start) => (await allChanges(album, start)).filter((c) => c.removed).map((c) => c.id);
const memberIds = async (album, start) => (await allChanges(album, start)).filter((c) => !c.removed).map((c) => c.id);
const tick = () => {
  clock.advance(1000);
  return clock.now();
};

before(async () => {
  clock = testClock();
  server = await startTestServer({ now: clock.now, tokenTtlSeconds: 365 * 86_400 });
  alice = await signup(server.url, 'alice@example.org', 'pw');
  bob = await signup(server.url, 'bob@example.org', 'pw');
  tokens = { alice: (await login(server.url, alice.email, 'pw')).token, bob: (await login(server.url, bob.email, 'pw')).token };
  lib = libraryOf(server.url, alice, tokens.alice);
});
after(() => server?.close());

test('removed, moved, trashed and deleted files show in `removed` after their time and not before; rejoining clears them', async () => {
  const home = await lib.createAlbum('Home');
  const other = await lib.createAlbum('Other');
  const files = {};
  for (const name of ['a', 'b', 'c', 'd', 'e']) files[name] = await lib.upload(home, photo(`${name}.jpg`));
  await lib.addToAlbum(other, [files.a]);
  const t0 = clock.now();
  assert.deepEqual(await removedIds(home, `sinceTime=${t0}`), [], 'nothing left yet');
  const times = {};
  times.a = tick();
  await lib.removeFromAlbum(home, [files.a]); // still in Other
  times.b = tick();
  await lib.moveToAlbum(home, other, [files.b]);
  times.c = tick();
  await lib.trash([files.c]);
  times.d = tick();
  await lib.removeFile(home, files.d); // DELETE /api/files/:id: the record goes
  times.e = tick();
  await lib.trash([files.e]);
  await lib.deleteForever((await lib.loadTrash()).filter((f) => f.meta.title === 'e.jpg'));
  const ids = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.id]));

  const all = await allChanges(home, `sinceTime=${t0}`);
  assert.deepEqual(
    all.map((x) => [x.id, x.updationTime, x.removed]),
    [
      [ids.a, times.a, true],
      [ids.b, times.b, true],
      [ids.c, times.c, true],
      [ids.d, times.d, true],
      [ids.e, times.e, true],
    ],
  );
  // Only what left after the time asked (sinceTime is exclusive).
  assert.deepEqual(await removedIds(home, `sinceTime=${times.b}`), [ids.c, ids.d, ids.e]);
  assert.deepEqual(await removedIds(home, `sinceTime=${times.e}`), []);
  assert.deepEqual(await removedIds(home, `after=${times.b}-${ids.b}`), [ids.c, ids.d, ids.e]);
  assert.deepEqual(await removedIds(home, `after=${times.b}-${ids.b - 1}`), [ids.b, ids.c, ids.d, ids.e]);
  // Other gained b by the move (a member change there, not a removal).
  assert.deepEqual(await memberIds(other, `sinceTime=${t0}`), [ids.b]);
  assert.deepEqual(await removedIds(other, `sinceTime=${t0}`), []);
  // A full listing has no removals and is unchanged in shape.
  const whole = await api(server.url, 'GET', `/api/collections/${home.id}/files`, { token: tokens.alice });
  assert.ok(Array.isArray(whole.json));
  assert.equal(whole.json.length, 0);

  // Rejoining clears the removal: a added back, c restored, b moved back.
  const tBack = tick();
  await lib.addToAlbum(home, [files.a]);
  await lib.restore(
    home,
    (await lib.loadTrash()).filter((f) => f.meta.title === 'c.jpg'),
  );
  await lib.moveToAlbum(other, home, [files.b]);
  const after0 = await allChanges(home, `sinceTime=${t0}`);
  assert.deepEqual(
    after0.map((x) => [x.id, x.removed]),
    [
      [ids.d, true],
      [ids.e, true],
      [ids.a, false],
      [ids.b, false],
      [ids.c, false],
    ],
  );
  assert.ok(after0.slice(2).every((x) => x.updationTime === tBack));
  assert.deepEqual(await removedIds(other, `sinceTime=${t0}`), [ids.b], 'b left Other');

  // A deleted album's files are noted as gone from it (its listing is 404 from then on).
  const spare = await lib.createAlbum('Spare');
  await lib.addToAlbum(spare, [files.a, files.b]);
  const tDelete = tick();
  await lib.deleteAlbum(spare);
  assert.equal((await changes(spare, `sinceTime=${t0}`)).status, 404);
  const noted = await server.testing.store.fileChanges(spare.id, { time: t0, id: 0 }, 10);
  assert.deepEqual(
    noted.map((r) => [r.id, r.updationTime, r.removed]),
    [
      [ids.a, tDelete, true],
      [ids.b, tDelete, true],
    ].sort((x, y) => x[0] - y[0]),
  );
});

test('pages split inside one millisecond, files and removals interleaved: nothing lost, nothing repeated', async () => {
  const album = await lib.createAlbum('Burst');
  const elsewhere = await lib.createAlbum('Elsewhere');
  const files = [];
  for (let i = 0; i < 8; i++) files.push(await lib.upload(album, photo(`burst-${i}.jpg`)));
  await lib.addToAlbum(elsewhere, files);
  const t1 = tick();
  // In one millisecond: every other file leaves, the rest change (their marks move their time).
  await lib.removeFromAlbum(
    album,
    files.filter((_, i) => i % 2 === 0),
  );
  for (const f of files.filter((_, i) => i % 2 === 1)) await lib.setMarks(f, { favourite: true });
  const expected = files.map((f, i) => ({ id: f.id, updationTime: t1, removed: i % 2 === 0 }));
  assert.deepEqual(await allChanges(album, `sinceTime=${t1 - 1}`), expected);
  for (const limit of [1, 2, 3, 5, 7]) {
    assert.deepEqual(await allChanges(album, `sinceTime=${t1 - 1}`, limit), expected, `limit ${limit}`);
  }
  // From a cursor inside the millisecond: exactly what follows it.
  assert.deepEqual(await allChanges(album, `after=${t1}-${files[2].id}`, 2), expected.slice(3));
  assert.deepEqual(await allChanges(album, `sinceTime=${t1}`), []);
});

test('a cursor from before pruned removals is 410; later ones, full listings and other albums are not', async () => {
  const album = await lib.createAlbum('Old');
  const keep = await lib.createAlbum('Keep');
  const quiet = await lib.createAlbum('Quiet');
  const [x, y] = [await lib.upload(album, photo('x.jpg')), await lib.upload(album, photo('y.jpg'))];
  await lib.upload(quiet, photo('q.jpg'));
  await lib.addToAlbum(keep, [x]);
  const t0 = clock.now();
  const tRemoved = tick();
  await lib.removeFromAlbum(album, [x]);
  assert.deepEqual(await removedIds(album, `sinceTime=${t0}`), [x.id]);
  clock.advance(31 * 86_400_000);
  await server.testing.sweep(); // the upkeep: removals older than the trash's 30 days go
  for (const stale of [`sinceTime=${t0}`, `after=${t0}-${y.id}`, `after=${tRemoved}-1`, 'sinceTime=0']) {
    const page = await changes(album, stale);
    assert.equal(page.status, 410, stale);
    assert.equal(page.json.error, 'gone');
  }
  assert.deepEqual(await allChanges(album, `sinceTime=${tRemoved}`), [], 'a cursor at the pruned removal saw it');
  const tLater = tick();
  await lib.addToAlbum(album, [x]);
  assert.deepEqual(await allChanges(album, `sinceTime=${tRemoved}`), [{ id: x.id, updationTime: tLater, removed: false }]);
  const whole = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: tokens.alice });
  assert.equal(whole.status, 200);
  assert.equal(whole.json.length, 2);
  // An album that lost nothing to pruning answers any cursor.
  assert.equal((await changes(quiet, 'sinceTime=0')).status, 200);
});

test('another account cannot list an album’s changes; a public link can; malformed queries are 400', async () => {
  const album = await lib.createAlbum('Private');
  const spare = await lib.createAlbum('Spare2');
  const f = await lib.upload(album, photo('p.jpg'));
  await lib.addToAlbum(spare, [f]);
  const t0 = clock.now();
  tick();
  await lib.removeFromAlbum(album, [f]);
  for (const query of [`sinceTime=${t0}`, `after=${t0}-1`]) {
    const page = await changes(album, query, tokens.bob);
    assert.equal(page.status, 404, query);
    assert.equal(page.json.removed, undefined);
    assert.equal((await api(server.url, 'GET', `/api/collections/${album.id}/files?${query}`, {})).status, 401);
  }
  const link = await api(server.url, 'POST', `/api/collections/${album.id}/public-link`, { token: tokens.alice });
  const pub = await api(server.url, 'GET', `/api/public/files?sinceTime=${t0}`, { accessToken: link.json.accessToken });
  assert.equal(pub.status, 200);
  assert.deepEqual(pub.json, { files: [], removed: [{ id: f.id, updationTime: t0 + 1000 }], next: null });
  for (const bad of ['sinceTime=x', 'sinceTime=-1', `sinceTime=${t0}&after=${t0}-1`, 'after=1-0', 'sinceTime=1&limit=0']) {
    assert.equal((await changes(album, bad)).status, 400, bad);
  }
});
