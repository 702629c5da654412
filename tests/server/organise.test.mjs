// Organising and the trash through the client against the real server: a file in two albums
// (one key wrap each, the same file), moves, removal refused when it would leave a file in no
// album, renames, album deletion, magic metadata (compare-and-swap, the owner's only), the trash
// (listed with master-key wraps, restored into an album, deleted for good: records, ML data and
// blobs), the 30 days, and what other accounts may not do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, client, core, libraryOf, login, signup, startTestServer, testBytes, testClock } from './helpers.mjs';

let server, clock, alice, bob, lib, bobLib, tokens;

const photo = (title, bytes = testBytes(3000)) => ({
  contents: [bytes],
  size: bytes.length,
  thumbnail: testBytes(500),
  meta: { title, creationTime: 1_700_000_000_000_000, fileType: 0 },
});
/** A file's two object keys (read from the store: listings never show them). */
const objectKeys = async (file) => {
  const r = await server.testing.store.file(file.id);
  return [r.file.objectKey, r.thumbnail.objectKey];
};
/** Which of `keys` the blob store still holds (a folder or an S3 bucket, whichever this run uses). */
const held = async (keys) => (await Promise.all(keys.map((k) => server.testing.blobs.isClaimed(k)))).filter(Boolean).length;
const titlesOf = (files) => files.map((f) => f.meta.title).sort();
/**
 * What another device of Alice's sees in `album`: its titles and what its signed log disagrees
 * with (nothing, for an honest server: every change was written to the log with it).
 */
async function seenElsewhere(album) {
  const other = libraryOf(server.url, alice, tokens.alice);
  await other.loadAlbums();
  const mine = other.albums.get(album.id);
  const titles = titlesOf(await other.loadFiles(mine));
  return { titles, findings: other.findings(mine).map((f) => f.kind) };
}

before(async () => {
  clock = testClock();
  server = await startTestServer({ now: clock.now, tokenTtlSeconds: 365 * 86_400 }); // sessions outlive the trash's 30 days
  alice = await signup(server.url, 'alice@example.org', 'pw');
  bob = await signup(server.url, 'bob@example.org', 'pw');
  tokens = { alice: (await login(server.url, alice.email, 'pw')).token, bob: (await login(server.url, bob.email, 'pw')).token };
  lib = libraryOf(server.url, alice, tokens.alice);
  bobLib = libraryOf(server.url, bob, tokens.bob);
});
after(() => server?.close());

test('a file in two albums is one file; move; remove; the last album is kept', async () => {
  const home = await lib.createAlbum('Home');
  const trip = await lib.createAlbum('Trip');
  const a = await lib.upload(home, photo('a.jpg'));
  const b = await lib.upload(home, photo('b.jpg'));
  await lib.addToAlbum(trip, [a]);
  // A fresh library (another device) sees a in both albums, with the same key.
  const other = libraryOf(server.url, alice, tokens.alice);
  await other.loadAlbums();
  const [inHome, inTrip] = [await other.loadFiles(other.albums.get(home.id)), await other.loadFiles(other.albums.get(trip.id))];
  assert.deepEqual(titlesOf(inHome), ['a.jpg', 'b.jpg']);
  assert.deepEqual(titlesOf(inTrip), ['a.jpg']);
  assert.equal(
    inTrip[0],
    inHome.find((f) => f.id === a.id),
    'the same file, opened once',
  );
  assert.deepEqual(
    other
      .albumsOf(inTrip[0])
      .map((x) => x.name)
      .sort(),
    ['Home', 'Trip'],
  );
  // Removing b from Home would leave it in no album: refused, and nothing changes.
  await assert.rejects(lib.removeFromAlbum(home, [b]), (e) => e.status === 409);
  assert.deepEqual(titlesOf(await lib.loadFiles(home)), ['a.jpg', 'b.jpg']);
  // a leaves Home (it stays in Trip); b moves to Trip.
  await lib.removeFromAlbum(home, [a]);
  await lib.moveToAlbum(home, trip, [b]);
  assert.deepEqual(titlesOf(await lib.loadFiles(home)), []);
  assert.deepEqual(titlesOf(await lib.loadFiles(trip)), ['a.jpg', 'b.jpg']);
  // Each change went into the albums' logs: another device's listings equal their folds.
  assert.deepEqual(await seenElsewhere(home), { titles: [], findings: [] });
  assert.deepEqual(await seenElsewhere(trip), { titles: ['a.jpg', 'b.jpg'], findings: [] });
  // Rename, then delete the empty album.
  await lib.rename(trip, 'Trip 2023');
  const fresh = libraryOf(server.url, alice, tokens.alice);
  assert.ok((await fresh.loadAlbums()).some((x) => x.name === 'Trip 2023'));
  await lib.deleteAlbum(home);
  const listed = await api(server.url, 'GET', '/api/collections', { token: tokens.alice });
  assert.ok(!listed.json.some((c) => c.id === home.id), 'a deleted album is not listed');
  // Deleting Trip would leave a and b in no album: refused.
  await assert.rejects(lib.deleteAlbum(trip), (e) => e.status === 409);
});

test("another account may not add, move, remove, trash or mark someone else's files", async () => {
  const album = await lib.createAlbum('Mine');
  const f = await lib.upload(album, photo('mine.jpg'));
  const bobs = await bobLib.createAlbum("Bob's");
  const wrapped = await bobLib.crypto.secretbox.encrypt(f.key.slice(), bobs.key);
  const entry = { id: f.id, encryptedKey: wrapped.ciphertext, keyDecryptionNonce: wrapped.nonce };
  await assert.rejects(bobLib.api.addFiles(bobs.id, [entry]), (e) => e.status === 404);
  await assert.rejects(bobLib.api.trashFiles([entry]), (e) => e.status === 404);
  await assert.rejects(bobLib.api.removeFiles(album.id, [f.id]), (e) => e.status === 404);
  await assert.rejects(bobLib.api.deleteCollection(album.id), (e) => e.status === 404);
  await assert.rejects(
    bobLib.api.putMagicMetadata(f.id, { version: 1, encryptedData: testBytes(40), decryptionHeader: testBytes(24) }),
    (e) => e.status === 404,
  );
  await assert.rejects(bobLib.api.deleteFiles([f.id]), (e) => e.status === 404);
  // Batches: empty, too long or naming a file twice are refused before anything changes.
  for (const files of [[], Array(client.limits.MAX_BATCH_FILES + 1).fill(entry), [entry, entry]]) {
    await assert.rejects(lib.api.addFiles(album.id, files), (e) => e.status === 400);
  }
});

test('magic metadata: archived and favourite marks, versioned, for the owner only', async () => {
  const album = await lib.createAlbum('Marks');
  const f = await lib.upload(album, photo('marked.jpg'));
  await lib.setMarks(f, { archived: true });
  await lib.setMarks(f, { favourite: true });
  const other = libraryOf(server.url, alice, tokens.alice);
  await other.loadAlbums();
  const [seen] = await other.loadFiles(other.albums.get(album.id));
  assert.deepEqual([seen.archived, seen.favourite, seen.magicVersion], [true, true, 2]);
  // A device behind by a version is refused (compare-and-swap), not silently overwritten.
  seen.magicVersion = 1;
  await assert.rejects(other.setMarks(seen, { archived: false }), (e) => e.status === 409);
  // A sharee never gets the owner's marks.
  await lib.api.share(album.id, bob.email, core.box.seal(album.key, bob.publicKey));
  const asBob = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: tokens.bob });
  assert.equal(asBob.json[0].magicMetadata, null);
  const asAlice = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: tokens.alice });
  assert.equal(asAlice.json[0].magicMetadata.version, 2);
});

test('the trash: listed with master-key wraps, restored, deleted for good with its blobs; 30 days', async () => {
  const album = await lib.createAlbum('To clean');
  const keep = await lib.upload(album, photo('keep.jpg'));
  const gone = await lib.upload(album, photo('gone.jpg'));
  const old = await lib.upload(album, photo('old.jpg'));
  await lib.api.putMlData(gone.id, { encryptedData: testBytes(100), decryptionHeader: testBytes(24) });
  await lib.trash([keep, gone]);
  assert.deepEqual(titlesOf(await lib.loadFiles(album)), ['old.jpg']);
  const trash = await lib.loadTrash();
  assert.deepEqual(titlesOf(trash), ['gone.jpg', 'keep.jpg']);
  assert.ok(trash.every((f) => f.trashed.albumId === album.id && f.trashed.deleteBy - f.trashed.at === 30 * 86_400_000));
  // A trashed file is its owner's only: not in any listing, not readable through the album.
  const listing = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: tokens.alice });
  assert.deepEqual(
    listing.json.map((r) => r.id),
    [old.id],
  );
  assert.deepEqual(await seenElsewhere(album), { titles: ['old.jpg'], findings: [] });
  // Restore keep.jpg from another device (its log entry's hashes from the trashed record and
  // thumbnail); delete gone.jpg for good: its two blobs and its ML data go.
  const device = libraryOf(server.url, alice, tokens.alice);
  await device.loadAlbums();
  await device.restore(
    device.albums.get(album.id),
    (await device.loadTrash()).filter((f) => f.meta.title === 'keep.jpg'),
  );
  assert.deepEqual(titlesOf(await lib.loadFiles(album)), ['keep.jpg', 'old.jpg']);
  assert.deepEqual(await seenElsewhere(album), { titles: ['keep.jpg', 'old.jpg'], findings: [] });
  const [goneKeys, keepKeys, oldKeys] = await Promise.all([gone, keep, old].map(objectKeys));
  assert.equal(await held([...goneKeys, ...keepKeys, ...oldKeys]), 6);
  await lib.deleteForever(trash.filter((f) => f.meta.title === 'gone.jpg'));
  await server.testing.sweep();
  assert.equal(await held(goneKeys), 0, "the deleted file's blobs are gone");
  assert.equal(await held([...keepKeys, ...oldKeys]), 4, 'the others stay');
  assert.equal((await lib.api.mlData([gone.id])).items.length, 0);
  await assert.rejects(
    lib.api.fileContents(gone.id).then((r) => r.arrayBuffer()),
    (e) => e.status === 404,
  );
  // After 30 days in the trash, a file is deleted for good by the upkeep.
  await lib.trash([old]);
  clock.advance(30 * 86_400_000 + 1000);
  await server.testing.sweep();
  assert.equal(await held(oldKeys), 0, 'the 30 days are over: deleted for good');
  assert.equal(await held(keepKeys), 2);
  assert.deepEqual(await lib.loadTrash(), []);
});

test('a move of 70 files goes in requests the server takes, each with its log entries; the listings equal the logs', async () => {
  const from = await lib.createAlbum('Burst');
  const to = await lib.createAlbum('Kept');
  const files = [];
  for (let i = 0; i < 70; i++)
    files.push(await lib.upload(from, photo(`burst-${String(i).padStart(2, '0')}.jpg`, testBytes(200))));
  await lib.loadFiles(from);
  await lib.moveToAlbum(from, to, files);
  assert.deepEqual(await seenElsewhere(from), { titles: [], findings: [] });
  const kept = await seenElsewhere(to);
  assert.equal(kept.titles.length, 70);
  assert.deepEqual(kept.findings, []);
});
