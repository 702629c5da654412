// The library's file cache (docs/library-cache.md, step 3): a second log-in on the same device
// lists only the records changed since its cursor and opens none of the rest; files added,
// changed, moved out and trashed since show as a log-in without the cache shows them; a cache
// that does not unpack, or is of another generation, loads in full and is written anew; a server
// that lies in its changes gets the same findings as the full listing with the same lie. The real
// server behind the lying proxy (lying-proxy.mjs), through the client library.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { client, clientOptions, startTestServer } from './helpers.mjs';
import { startLyingProxy } from './lying-proxy.mjs';

const N = 6;
let server;
let proxy;
const options = () => clientOptions(proxy.url);
const photo = (shade, w = 64) => jpeg.encode({ width: w, height: 48, data: Buffer.alloc(w * 48 * 4, shade) }, 80).data;

/** A file cache in memory (the app's seals each page under a key wrapped with the master key). */
function memoryFileCache() {
  const pages = new Map();
  return {
    pages,
    read: async (albumId, page) => pages.get(`${albumId}/${page}`)?.slice(),
    write: async (albumId, page, bytes) => void pages.set(`${albumId}/${page}`, bytes.slice()),
  };
}

async function upload(library, album, shade) {
  const bytes = photo(shade);
  return library.upload(album, {
    contents: [bytes],
    size: bytes.length,
    thumbnail: photo(shade, 32),
    meta: { title: `photo-${shade}.jpg`, creationTime: shade * 1000, fileType: 0 },
  });
}

let accounts = 0;
/** A new account with an album "Library" of N photos: its email and the album's id. */
async function account() {
  const email = `cache-${++accounts}@example.test`;
  const { session } = await client.signUp(options(), email, 'pw');
  const library = client.Library.of(session);
  const album = await library.createAlbum('Library');
  for (let shade = 1; shade <= N; shade++) await upload(library, album, shade * 20);
  library.close();
  return { email, albumId: album.id };
}

/** A log-in of `email` on this device: the library with `fileCache` (none: a new device), its album "Library" loaded, what it asked and opened. */
async function logIn(email, fileCache) {
  const session = await client.logIn(options(), email, 'pw');
  const keeper = new client.RecordKeeper(session, client.memoryDeviceStore());
  await keeper.load();
  const asked = { files: 0, changes: [] };
  const files = session.api.files.bind(session.api);
  const changes = session.api.fileChanges.bind(session.api);
  session.api.files = (...a) => (asked.files++, files(...a));
  session.api.fileChanges = (id, from, ...a) => (asked.changes.push(from.after), changes(id, from, ...a));
  const library = client.Library.of(session, keeper, undefined, fileCache);
  await library.loadAlbums();
  const album = [...library.albums.values()].find((a) => a.name === 'Library');
  // Every key unwrap and metadata (or marks) decryption while the album's files load.
  const opened = { secretbox: 0, blob: 0 };
  const { secretbox, blob } = session.crypto;
  const unwrap = secretbox.decrypt;
  const decrypt = blob.decrypt;
  secretbox.decrypt = (...a) => (opened.secretbox++, unwrap.apply(secretbox, a));
  blob.decrypt = (...a) => (opened.blob++, decrypt.apply(blob, a));
  const shown = await library.loadFiles(album);
  secretbox.decrypt = unwrap;
  blob.decrypt = decrypt;
  return { session, library, album, shown, asked, opened, findings: library.findings(album) };
}

/** What the album shows, comparable across libraries: ids, titles, marks, keys, entries. */
const view = ({ shown, album, findings }) => ({
  files: shown.map((f) => ({
    id: f.id,
    title: f.meta.title,
    favourite: !!f.favourite,
    archived: !!f.archived,
    magicVersion: f.magicVersion,
    key: Buffer.from(f.key).toString('hex'),
    headers: f.headers,
    sizes: f.sizes,
    entrySeq: f.entry?.seq,
  })),
  unreadable: album.unreadable,
  findings: findings.map((f) => ({ ...f })).sort((a, b) => a.kind.localeCompare(b.kind)),
});

before(async () => {
  server = await startTestServer();
  proxy = await startLyingProxy(server.url);
});
afterEach(() => proxy.clear());
after(async () => {
  await proxy?.close();
  await server?.close();
});

test('a second log-in lists only after the cursor and opens no file', { timeout: 120_000 }, async () => {
  const { email, albumId } = await account();
  const cache = memoryFileCache();
  const first = await logIn(email, cache);
  assert.equal(first.asked.files, 1, 'a new device lists the album in full');
  assert.equal(first.shown.length, N);
  assert.deepEqual(first.findings, []);
  assert.ok(first.opened.secretbox >= N && first.opened.blob >= N, 'a new device opens every file');
  assert.ok(cache.pages.has(`${albumId}/manifest`) && cache.pages.has(`${albumId}/files-0`));

  const second = await logIn(email, cache);
  assert.equal(second.asked.files, 0, 'no full listing');
  assert.equal(second.asked.changes.length, 1, 'one request: the changes after the cursor');
  const last = first.shown.reduce((a, b) => (b.id > a.id ? b : a));
  assert.match(second.asked.changes[0], new RegExp(`^\\d+-${last.id}$`), 'the cursor is the last record listed');
  assert.deepEqual(second.opened, { secretbox: 0, blob: 0 }, 'no key unwrapped, no metadata decrypted');
  assert.deepEqual(view(second), view(first));

  // Closing wipes the keys the cache gave out, and the cache's own.
  const keys = second.shown.map((f) => f.key);
  second.library.close();
  assert.ok(keys.every((k) => k.every((b) => b === 0)));
  first.library.close();
});

test('a file added, marked, moved out and trashed since shows as without the cache', { timeout: 120_000 }, async () => {
  const { email } = await account();
  const cache = memoryFileCache();
  const before = await logIn(email, cache);
  const { library, album, shown } = before;
  const byTitle = (t) => shown.find((f) => f.meta.title === t);
  await library.setMarks(byTitle('photo-20.jpg'), { favourite: true });
  const other = await library.createAlbum('Other');
  await library.moveToAlbum(album, other, [byTitle('photo-40.jpg')]);
  await library.trash([byTitle('photo-60.jpg')]);
  await upload(library, album, 200);
  library.close();

  const cached = await logIn(email, cache);
  const fresh = await logIn(email, undefined);
  assert.equal(cached.asked.files, 0);
  assert.deepEqual(cached.findings, [], JSON.stringify(cached.findings));
  const titles = cached.shown.map((f) => f.meta.title).sort();
  assert.deepEqual(titles, ['photo-100.jpg', 'photo-120.jpg', 'photo-20.jpg', 'photo-200.jpg', 'photo-80.jpg']);
  assert.equal(cached.shown.find((f) => f.meta.title === 'photo-20.jpg').favourite, true);
  assert.equal(cached.opened.secretbox, 2, 'only the new and the marked file opened');
  const seen = view(cached);
  assert.deepEqual(seen, view(fresh));
  for (const l of [cached, fresh]) l.library.close();

  // The cache as written now needs no change at the next log-in.
  const again = await logIn(email, cache);
  assert.deepEqual(again.opened, { secretbox: 0, blob: 0 });
  assert.deepEqual(view(again), seen);
  again.library.close();
});

test('a damaged, foreign or older-generation cache, or a refused cursor, loads in full and is written anew', {
  timeout: 120_000,
}, async () => {
  const { email, albumId } = await account();
  const cache = memoryFileCache();
  (await logIn(email, cache)).library.close();
  const good = new Map(cache.pages);
  const page = `${albumId}/files-0`;
  const manifest = `${albumId}/manifest`;
  const damages = {
    'a cut page': (pages) => pages.set(page, pages.get(page).slice(0, -1)),
    'another album’s page': (pages) => {
      const moved = pages.get(page).slice();
      new DataView(moved.buffer).setFloat64(8, albumId + 1);
      pages.set(page, moved);
    },
    'a page of another generation': (pages) => {
      const m = JSON.parse(Buffer.from(pages.get(manifest)).toString());
      m.pages[0] += 1;
      pages.set(manifest, new Uint8Array(Buffer.from(JSON.stringify(m))));
    },
    'a manifest that is not JSON': (pages) => pages.set(manifest, new Uint8Array([1, 2, 3])),
    'a missing page': (pages) => pages.delete(page),
    'metadata that does not parse': (pages) => {
      const bytes = pages.get(page).slice();
      const text = Buffer.from(bytes).toString('latin1');
      const at = text.indexOf('"title"');
      bytes[at + 1] = 'T'.charCodeAt(0);
      pages.set(page, bytes);
    },
  };
  for (const [name, damage] of Object.entries(damages)) {
    cache.pages.clear();
    for (const [k, v] of good) cache.pages.set(k, v);
    damage(cache.pages);
    const l = await logIn(email, cache);
    assert.equal(l.asked.files, 1, `${name}: listed in full`);
    assert.equal(l.shown.length, N, name);
    assert.deepEqual(l.findings, [], name);
    l.library.close();
    const again = await logIn(email, cache);
    assert.equal(again.asked.files, 0, `${name}: written anew`);
    assert.deepEqual(again.opened, { secretbox: 0, blob: 0 }, name);
    assert.equal(again.shown.length, N, name);
    again.library.close();
  }
  // A cursor the server refuses (as it does one older than the removals it keeps), or a changes
  // answer that does not parse: listed in full, the same album.
  for (const [name, answer] of [
    ['410', { status: 410, json: { code: 'gone', message: 'cursor too old' } }],
    ['not a page', { status: 200, json: [] }],
  ]) {
    proxy.lie('GET', `/api/collections/${albumId}/files`, async (request) => (request.query.has('after') ? answer : undefined));
    const l = await logIn(email, cache);
    proxy.clear();
    assert.equal(l.asked.files, 1, `${name}: listed in full`);
    assert.equal(l.asked.changes.length, 1, name);
    assert.equal(l.shown.length, N, name);
    assert.deepEqual(l.findings, [], name);
    l.library.close();
  }
});

/**
 * Lies about the album's listing: `change(files, { after })` rewrites the records the real server
 * answers (`after`: null for the full listing); `change.omitsRemovals` leaves the removals out.
 */
function lieAboutFiles(albumId, change) {
  proxy.lie('GET', `/api/collections/${albumId}/files`, async (request) => {
    const real = await request.forward();
    const after = request.query.get('after');
    if (after === null) return { ...real, json: change(real.json, { after }) };
    const files = change(real.json.files, { after });
    // A record put in is not also a removal (the page names each file once), nor is one left out.
    const removed = change.omitsRemovals ? [] : real.json.removed.filter((r) => !files.some((f) => f.id === r.id));
    return { ...real, json: { ...real.json, files, removed } };
  });
}

test('a server lying in its changes gets the findings the full listing gets', { timeout: 180_000 }, async () => {
  const { email, albumId } = await account();
  const cache = memoryFileCache();
  const first = await logIn(email, cache);
  const raw = (await proxy.upstream('GET', `/api/collections/${albumId}/files`, first.session.token)).json;
  const gone = first.shown.find((f) => f.meta.title === 'photo-100.jpg');
  const goneRaw = raw.find((r) => r.id === gone.id);
  await first.library.trash([gone]);
  first.library.close();
  assert.ok(goneRaw && raw.length === N);
  const later = (r) => ({ ...r, updationTime: Date.now() * 1000 + 1 });
  // Trashed after the cache's cursor (by another device), for the lie that omits its removal.
  const omitted = raw.find((r) => r.id !== gone.id);
  const trashOmitted = async () => {
    const elsewhere = await logIn(email, undefined);
    await elsewhere.library.trash(elsewhere.shown.filter((f) => f.id === omitted.id));
    elsewhere.library.close();
  };

  const lies = {
    // A trashed file listed again (a changed record for an id the cache dropped or would drop).
    'a removed file re-listed': (files) => [...files, later(goneRaw)],
    // Another record's bytes under a cached id: its metadata from another file.
    'a cached id with other bytes': (files, { after }) => {
      const victim = raw.find((r) => r.id !== gone.id && r.id !== omitted.id);
      const donor = raw.find((r) => r.id !== gone.id && r.id !== omitted.id && r.id !== victim.id);
      const swapped = later({ ...victim, metadata: donor.metadata });
      return after === null ? files.map((r) => (r.id === victim.id ? swapped : r)) : [...files, swapped];
    },
    // A removal since the cache left out of the changes (the full listing: the file still listed).
    'a removal omitted': Object.assign((files, { after }) => (after === null ? [...files, omitted] : files), {
      omitsRemovals: true,
      before: trashOmitted,
    }),
  };
  for (const [name, lie] of Object.entries(lies)) {
    // Each lie against the cache as an honest log-in left it.
    const honest = await logIn(email, cache);
    assert.deepEqual(honest.findings, [], name);
    honest.library.close();
    await lie.before?.();
    lieAboutFiles(albumId, lie);
    const cached = await logIn(email, cache);
    const fresh = await logIn(email, undefined);
    proxy.clear();
    assert.equal(cached.asked.files, 0, `${name}: the cached path`);
    assert.equal(fresh.asked.files, 2, `${name}: the full path (listed again on a difference)`);
    assert.notDeepEqual(fresh.findings, [], `${name}: found`);
    assert.deepEqual(view(cached), view(fresh), name);
    cached.library.close();
    fresh.library.close();
  }
  // No lie outlives itself in the cache: the server honest again, nothing is found.
  const honest = await logIn(email, cache);
  assert.equal(honest.asked.files, 0);
  assert.deepEqual(honest.findings, []);
  assert.equal(honest.shown.length, N - 2);
  honest.library.close();
});
