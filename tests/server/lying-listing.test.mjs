// The client's reading of an album's changes (api.fileChanges, docs/library-cache.md) against a
// server that lies about them (lying-proxy.mjs in front of the real server): a wrong shape, an
// unsafe id, too many changes, changes out of order or from before the cursor, a file twice, and
// a `next` cursor that goes backwards, repeats or does not end the page are each refused with
// ApiError 'bad_response', so a client paging on `next` can neither loop nor be taken back. The
// honest answers page through every change once; 410 reaches the caller as itself.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { client, clientOptions, startTestServer, testBytes, testClock } from './helpers.mjs';
import { startLyingProxy } from './lying-proxy.mjs';

let server, proxy, clock, library, api, album, files, t0;
const FILES = /^\/api\/collections\/\d+\/files$/;
const photo = (title) => {
  const bytes = testBytes(200);
  return { contents: [bytes], size: bytes.length, thumbnail: testBytes(50), meta: { title, creationTime: 1, fileType: 0 } };
};
const malformed = (e) => e instanceof client.ApiError && e.code === 'bad_response';

/** Every change after `from`, paged by `limit` on `next` (as a cache would): [[id, removed]]. */
async function pageAll(from, limit) {
  const seen = [];
  for (
    let page = await api.fileChanges(album.id, from, limit);
    ;
    page = await api.fileChanges(album.id, { after: page.next }, limit)
  ) {
    seen.push(...page.files.items.map((f) => [f.id, false]), ...page.removed.map((r) => [r.id, true]));
    if (page.next === null) return { seen, resume: page.resume };
  }
}

before(async () => {
  clock = testClock();
  server = await startTestServer({ now: clock.now });
  proxy = await startLyingProxy(server.url);
  const { session } = await client.signUp(clientOptions(proxy.url), 'alice@example.test', 'pw');
  library = client.Library.of(session);
  api = session.api;
  album = await library.createAlbum('Album');
  const spare = await library.createAlbum('Spare');
  files = [];
  for (let i = 0; i < 6; i++) files.push(await library.upload(album, photo(`${i}.jpg`)));
  await library.addToAlbum(spare, files);
  t0 = clock.now();
  clock.advance(1000);
  await library.removeFromAlbum(album, [files[1], files[3]]); // two removals between members, one millisecond
  for (const f of [files[0], files[2]]) await library.setMarks(f, { favourite: true });
});
afterEach(() => proxy.clear());
after(async () => {
  await proxy?.close();
  await server?.close();
});

test('honest server: every change once, in pages of any size; resume is where the next sync starts', async () => {
  const expected = [files[0], files[1], files[2], files[3]].map((f, i) => [f.id, i % 2 === 1]);
  const byPosition = (list) => [...list].sort((a, b) => a[0] - b[0]);
  for (const limit of [1, 2, 3, 1000]) {
    const { seen, resume } = await pageAll({ sinceTime: t0 }, limit);
    assert.deepEqual(byPosition(seen), expected, `limit ${limit}`);
    assert.deepEqual(resume, { after: `${t0 + 1000}-${files[3].id}` });
    const again = await api.fileChanges(album.id, resume);
    assert.deepEqual([again.files.items.length, again.removed.length, again.next], [0, 0, null]);
    assert.deepEqual(again.resume, resume, 'nothing new: the same place');
  }
});

test('a cursor that goes backwards, repeats, or is not the page’s last change is refused', async () => {
  const lies = {
    backwards: (json, q) => ({ ...json, next: `${t0 - 5}-1` }),
    repeated: (json, q) => ({ ...json, next: q.get('after') ?? `${t0}-${files[0].id}` }),
    'past the page': (json) => ({ ...json, next: `${t0 + 5000}-1` }),
    'on an empty page': () => ({ files: [], removed: [], next: `${t0 + 1000}-${files[5].id}` }),
    'not a cursor': (json) => ({ ...json, next: '12' }),
    'an unsafe cursor': (json) => ({ ...json, next: '9999999999999999-9999999999999999' }),
  };
  for (const [name, lie] of Object.entries(lies)) {
    proxy.rewrite('GET', FILES, (json, request) => lie(json, request.query));
    await assert.rejects(pageAll({ sinceTime: t0 }, 2), malformed, name);
    // Also from a cursor: the second page repeating the first's cursor is not an endless loop.
    await assert.rejects(api.fileChanges(album.id, { after: `${t0 + 1000}-${files[0].id}` }, 2), malformed, `${name}, after`);
    proxy.clear();
  }
});

test('changes out of order, from before the cursor, a file twice, wrong types or too many are refused', async () => {
  const honest = await proxy.upstream('GET', `/api/collections/${album.id}/files?sinceTime=${t0}`, api.credentials.token);
  assert.equal(honest.status, 200);
  const { files: members, removed } = honest.json;
  assert.equal(members.length, 2);
  assert.equal(removed.length, 2);
  const lies = {
    'members out of order': { files: [...members].reverse(), removed, next: null },
    'removals out of order': { files: members, removed: [...removed].reverse(), next: null },
    'a change from before sinceTime': { files: members, removed: [{ id: 1, updationTime: t0 - 1 }, ...removed], next: null },
    'a file both member and removed': {
      files: members,
      removed: [...removed, { id: members[1].id, updationTime: t0 + 2000 }],
      next: null,
    },
    'a removal listed twice': { files: members, removed: [removed[0], { ...removed[0], updationTime: t0 + 2000 }], next: null },
    'an unsafe id': { files: members, removed: [{ id: 2 ** 53, updationTime: t0 + 2000 }], next: null },
    'a string time': { files: members, removed: [{ id: 99, updationTime: String(t0 + 2000) }], next: null },
    'no removed list': { files: members, next: null },
    'removed not a list': { files: members, removed: { id: 1 }, next: null },
    'more changes than asked': { files: members, removed, next: null, limit: 3 },
    'more than a page': {
      files: members,
      removed: Array.from({ length: 1001 }, (_, i) => ({ id: i + 1, updationTime: t0 + 5000 })),
      next: null,
    },
  };
  for (const [name, { limit = 1000, ...answer }] of Object.entries(lies)) {
    proxy.lie('GET', FILES, () => ({ status: 200, json: answer }));
    await assert.rejects(api.fileChanges(album.id, { sinceTime: t0 }, limit), malformed, name);
    proxy.clear();
  }
  // A record that does not parse is left out and counted (as in the full listing), and the page's
  // cursor may then not be checked against it, but it may not end before what was listed.
  const damaged = { ...members[1], encryptedKey: 'AAAA' };
  proxy.lie('GET', FILES, () => ({
    status: 200,
    json: { files: [members[0], damaged], removed, next: `${t0 + 1000}-${removed[1].id}` },
  }));
  const page = await api.fileChanges(album.id, { sinceTime: t0 }, 4);
  assert.equal(page.files.rejected, 1);
  assert.deepEqual(page.resume, { after: page.next });
  proxy.lie('GET', FILES, () => ({ status: 200, json: { files: [members[0], damaged], removed, next: `${t0}-1` } }));
  await assert.rejects(api.fileChanges(album.id, { sinceTime: t0 }, 4), malformed, 'damaged, next backwards');
});

test('410 (removals pruned) reaches the caller as an ApiError with its status', async () => {
  proxy.lie('GET', FILES, () => ({ status: 410, json: { error: 'gone', message: 'list it in full' } }));
  await assert.rejects(api.fileChanges(album.id, { sinceTime: 0 }), (e) => client.isStatus(e, 410) && e.code === 'gone');
});
