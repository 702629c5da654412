// A server's listings against what the album logs fold to (client/src/trust/listing.ts): each
// lie a server can tell about an album or its files is a finding with its message, and only
// files the log vouches for are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { album, core, fileParts, folded, person, trust } from './trust-helpers.mjs';

const alice = await person(1, 'alice@example.test');
const bob = await person(2, 'bob@example.test');
const mallory = await person(9, 'mallory@example.test');

async function sharedAlbum(albumId = 50) {
  const a = await album(alice, albumId);
  await a.addFile();
  await a.addFile();
  await a.addFile();
  await a.share(bob, 'collaborator');
  const { state } = await folded(a.wire(), albumId);
  return { a, state };
}

const say = (findings) => findings.map((f) => trust.describe(f, { album: 'Holidays' }));

test('an honest listing equals the fold: every file kept, nothing found', async () => {
  const { a, state } = await sharedAlbum();
  const files = await trust.compareFiles(state, a.records());
  assert.equal(files.equal, true);
  assert.deepEqual(files.findings, []);
  assert.deepEqual(
    files.files.map((f) => f.record.id),
    a.records().map((r) => r.id),
  );
  assert.deepEqual(await trust.compareAlbum(state, a.listing(alice), alice.me, { mine: true }), []);
  assert.deepEqual(
    await trust.compareAlbum(state, a.listing(bob), bob.me, { mine: false, ownerKey: alice.signing.publicKey }),
    [],
  );
  for (const f of files.files) {
    const { thumbnailBytes } = a.files.find((x) => x.record === f.record);
    assert.equal(await trust.thumbnailMatches(f.entry, f.record.thumbnail.decryptionHeader, thumbnailBytes), true);
  }
});

test('files withheld, injected, moved from another album, altered or duplicated: each found and kept out', async () => {
  const { a, state } = await sharedAlbum(51);
  const other = await album(alice, 52);
  const moved = await other.addFile();
  const movedHex = trust.toHex(await trust.keyWrapHash(moved.record.encryptedKey, moved.record.keyDecryptionNonce));
  const injected = fileParts(a.key).record(999, 51); // a file made with the album's key (by a viewer) but never logged
  const records = a.records();
  const alteredMeta = structuredClone(records[1]);
  alteredMeta.metadata.encryptedData[0] ^= 1;
  const contentAsThumbnail = structuredClone(records[2]);
  contentAsThumbnail.thumbnail = { ...contentAsThumbnail.file };
  const cases = [
    ['one file left out', [records[0], records[1]], [{ kind: 'withheld', albumId: 51, count: 1 }], 2],
    [
      'a file nobody added',
      [...records, injected],
      [{ kind: 'injected', albumId: 51, fileIds: [999] }],
      3,
      'The server showed 1 photo in “Holidays” that nobody in the album added; it is hidden.',
    ],
    [
      "another album's file, relabelled as this album's",
      [...records, { ...moved.record, collectionID: 51 }],
      [{ kind: 'moved', albumId: 51, fileIds: [moved.record.id] }],
      3,
      'The server showed 1 photo from another album in “Holidays”; it is hidden.',
      (hex) => (hex === movedHex ? 52 : undefined),
    ],
    [
      "another album's file as it is",
      [...records, moved.record],
      [{ kind: 'moved', albumId: 51, fileIds: [moved.record.id] }],
      3,
    ],
    [
      'changed metadata',
      [records[0], alteredMeta, records[2]],
      [{ kind: 'altered', albumId: 51, fileIds: [alteredMeta.id], parts: ['metadata'] }],
      2,
      'The server changed 1 photo in “Holidays” (metadata); it is hidden.',
    ],
    [
      "the file's content served as its thumbnail",
      [records[0], records[1], contentAsThumbnail],
      [{ kind: 'altered', albumId: 51, fileIds: [contentAsThumbnail.id], parts: ['thumbnail size'] }],
      2,
    ],
    [
      'a file listed twice',
      [...records, { ...records[0], id: 777 }],
      [{ kind: 'duplicated', albumId: 51, fileIds: [777] }],
      3,
      'The server showed 1 photo of “Holidays” twice; the copies are hidden.',
    ],
    ['everything left out', [], [{ kind: 'withheld', albumId: 51, count: 3 }], 0, 'The server left out 3 photos of “Holidays”.'],
  ];
  for (const [what, listed, findings, kept, message, elsewhere] of cases) {
    const r = await trust.compareFiles(state, listed, elsewhere);
    assert.deepEqual(r.findings, findings, what);
    assert.equal(r.equal, false, what);
    assert.equal(r.files.length, kept, `${what}: only the files the log vouches for are kept`);
    assert.ok(
      r.files.every(({ record }) => records.includes(record)),
      what,
    );
    if (message) assert.deepEqual(say(r.findings), [message], what);
  }
  // The entry a kept file carries checks its thumbnail's bytes when they are downloaded.
  const { files } = await trust.compareFiles(state, records);
  const f = files[0];
  const own = a.files[0].thumbnailBytes;
  assert.equal(await trust.thumbnailMatches(f.entry, f.record.thumbnail.decryptionHeader, own), true);
  const tampered = own.slice();
  tampered[10] ^= 1;
  assert.equal(await trust.thumbnailMatches(f.entry, f.record.thumbnail.decryptionHeader, tampered), false);
  assert.equal(await trust.thumbnailMatches(f.entry, f.record.thumbnail.decryptionHeader, a.files[1].thumbnailBytes), false);
  const longer = new Uint8Array([...own, 0]);
  assert.equal(await trust.thumbnailMatches(f.entry, f.record.thumbnail.decryptionHeader, longer), false);
});

test('a listing of 200,000 files nobody added gives findings, not a stack overflow', { timeout: 300_000 }, async () => {
  // A lying server can list any number of files; each finding is gathered one at a time (a spread
  // of some 125,000 into push() throws RangeError, and the album would show an error, not this).
  const { a, state } = await sharedAlbum(53);
  const bogus = fileParts(a.key);
  const listed = a.records();
  for (let id = 0; id < 200_000; id++) listed.push(bogus.record(1_000_000 + id, 53));
  const r = await trust.compareFiles(state, listed);
  assert.equal(r.files.length, 3, 'the files the log vouches for are kept');
  assert.deepEqual(
    r.findings.map((f) => [f.kind, f.fileIds.length]),
    [['injected', 200_000]],
  );
  assert.deepEqual(say(r.findings), [
    'The server showed 200000 photos in “Holidays” that nobody in the album added; they are hidden.',
  ]);
});

test('album listings: a forged own album, an unsigned or re-keyed share, a changed name, owner or member list', async () => {
  const { a, state } = await sharedAlbum(53);
  const forStranger = async (listing, who, options, folded = state) => trust.compareAlbum(folded, listing, who.me, options);
  const asBob = { mine: false, ownerKey: alice.signing.publicKey };

  // The server makes an album whose key it sealed to Alice and lists it as hers: only a key that
  // opens with her master key is hers, so the app treats it as a share, and no owner signed one.
  const forged = await album(mallory, 54);
  const forgedState = (await folded(forged.wire(), 54)).state;
  const forgedListing = { ...forged.listing(mallory), owner: { id: alice.accountId, email: alice.email } };
  const f1 = await trust.compareAlbum(forgedState, forgedListing, alice.me, { mine: false });
  assert.deepEqual(f1, [
    { kind: 'not-yours', albumId: 54 },
    { kind: 'owner', albumId: 54 },
  ]);
  // The same with the server's log claiming her account as its author: still not hers.
  assert.deepEqual(
    await trust.compareAlbum(
      { ...forgedState, owner: { ...forgedState.owner, accountId: alice.accountId } },
      forgedListing,
      alice.me,
      { mine: false },
    ),
    [{ kind: 'not-yours', albumId: 54 }],
  );
  // Listed as hers with a key she cannot open under her master key: the caller knows `mine` is false.
  // If the server could make her master key open it (it cannot), the log's owner would still not be her.
  assert.deepEqual(await trust.compareAlbum(forgedState, forgedListing, alice.me, { mine: true }), [
    { kind: 'not-yours', albumId: 54 },
    { kind: 'owner', albumId: 54 },
  ]);
  assert.match(say([{ kind: 'not-yours', albumId: 54 }])[0], /as yours, but you did not create it: it is shown read-only/);

  // A share Bob's listing shows but no share statement for him exists (the server shares on its own).
  const unshared = await album(alice, 55);
  const unsharedState = (await folded(unshared.wire(), 55)).state;
  const sealedByServer = core.box.seal(unshared.key, bob.box.publicKey);
  const f2 = await forStranger(
    { ...unshared.listing(alice), encryptedKey: sealedByServer, keyDecryptionNonce: null },
    bob,
    asBob,
    unsharedState,
  );
  assert.deepEqual(f2, [{ kind: 'unverified-share', albumId: 55, ownerEmail: 'alice@example.test' }]);
  assert.equal(
    say(f2)[0],
    '“Holidays” is shown as shared by alice@example.test, but alice@example.test never signed that share: ' +
      'it is read-only, and nothing you add goes into it.',
  );

  // Bob gets a key sealed by the server (to read what he adds), not the one Alice sealed.
  const rekeyed = { ...a.listing(bob), encryptedKey: core.box.seal(core.generateKey(), bob.box.publicKey) };
  assert.deepEqual(await forStranger(rekeyed, bob, asBob), [
    { kind: 'sealed-key', albumId: 53, ownerEmail: 'alice@example.test' },
  ]);

  // The album's log is signed by another key than the one Bob pinned for Alice.
  assert.deepEqual(await forStranger(a.listing(bob), bob, { mine: false, ownerKey: mallory.signing.publicKey }), [
    { kind: 'owner-key', albumId: 53, ownerEmail: 'alice@example.test' },
  ]);

  // An old name (before a rename), another owner id, a member added or hidden.
  const oldName = a.listing(bob);
  await a.rename('Renamed');
  const renamedState = (await folded(a.wire(), 53)).state;
  assert.deepEqual(await trust.compareAlbum(renamedState, oldName, bob.me, asBob), [{ kind: 'name', albumId: 53 }]);
  const listing = a.listing(bob);
  assert.deepEqual(await trust.compareAlbum(renamedState, { ...listing, owner: { id: 9, email: alice.email } }, bob.me, asBob), [
    { kind: 'owner', albumId: 53 },
  ]);
  const members = await trust.compareAlbum(
    renamedState,
    { ...listing, sharees: [{ id: 9, email: 'Mallory@Example.test' }] },
    bob.me,
    asBob,
  );
  assert.deepEqual(members, [{ kind: 'members', albumId: 53, added: ['mallory@example.test'], missing: ['bob@example.test'] }]);
  assert.equal(
    say(members)[0],
    "The server's list of the people “Holidays” is shared with lists mallory@example.test, who was never added " +
      'and leaves out bob@example.test.',
  );
});

test('every finding has its own plain-words message naming the album', () => {
  const seen = { seq: 4, hash: new Uint8Array(32), seenAt: Date.UTC(2025, 0, 2, 9, 30) };
  const kinds = [
    { kind: 'rollback', albumId: 1, seen, shownSeq: 1 },
    { kind: 'fork', albumId: 1, seen },
    { kind: 'history', albumId: 1, error: new Error('x') },
    { kind: 'withheld', albumId: 1, count: 2 },
    { kind: 'injected', albumId: 1, fileIds: [1, 2] },
    { kind: 'moved', albumId: 1, fileIds: [1] },
    { kind: 'altered', albumId: 1, fileIds: [1], parts: ['thumbnail size', 'metadata'] },
    { kind: 'duplicated', albumId: 1, fileIds: [1] },
    { kind: 'thumbnail', albumId: 1, fileId: 1 },
    { kind: 'name', albumId: 1 },
    { kind: 'owner', albumId: 1 },
    { kind: 'members', albumId: 1, added: [], missing: ['x@y.z'] },
    { kind: 'not-yours', albumId: 1 },
    { kind: 'unverified-share', albumId: 1, ownerEmail: 'x@y.z' },
    { kind: 'sealed-key', albumId: 1, ownerEmail: 'x@y.z' },
    { kind: 'owner-key', albumId: 1, ownerEmail: 'x@y.z' },
    { kind: 'link-off', albumId: 1 },
  ];
  const texts = kinds.map((f) => trust.describe(f, { album: 'Trip' }));
  assert.equal(new Set(texts).size, kinds.length, 'distinct messages');
  for (const t of texts) {
    assert.match(t, /“Trip”/);
    assert.doesNotMatch(t, /undefined|NaN|\[object/);
  }
  assert.match(texts[0], /than you saw on 2 January 2025 at 09:30 UTC \(change 2 of 5\)/);
});

test('thumbnails are bounded before decoding: bytes before download, declared pixels before any bitmap', async () => {
  const { default: jpeg } = await import('jpeg-js');
  const { PNG } = await import('pngjs');
  const small = jpeg.encode({ width: 320, height: 240, data: Buffer.alloc(320 * 240 * 4, 200) }, 80).data;
  assert.deepEqual(trust.checkThumbnail(small), { ok: true, format: 'jpeg', width: 320, height: 240 });
  const png = PNG.sync.write(Object.assign(new PNG({ width: 16, height: 16 }), { data: Buffer.alloc(16 * 16 * 4, 9) }));
  assert.equal(trust.checkThumbnail(png).ok, true);
  // A PNG declaring 20000 x 20000 pixels: its IHDR is enough to refuse it (the rest need not even exist).
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(20000, 16);
  bomb.writeUInt32BE(20000, 20);
  assert.deepEqual(trust.checkThumbnail(bomb), { ok: false, reason: 'too-many-pixels' });
  const wide = Buffer.from(png);
  wide.writeUInt32BE(4096, 16); // 4096 x 16: few pixels, but a side over the bound
  assert.deepEqual(trust.checkThumbnail(wide), { ok: false, reason: 'too-many-pixels' });
  assert.deepEqual(trust.checkThumbnail(core.randomBytes(5000)), { ok: false, reason: 'not-an-image' });
  assert.deepEqual(trust.checkThumbnail(new Uint8Array(0)), { ok: false, reason: 'not-an-image' });
  assert.deepEqual(trust.checkThumbnail(new Uint8Array(trust.MAX_THUMBNAIL_BYTES + 1)), { ok: false, reason: 'too-large' });
  assert.equal(trust.thumbnailSizeAllowed(389 * 1024), true);
  assert.equal(trust.thumbnailSizeAllowed(trust.MAX_THUMBNAIL_BYTES + 1), false);
  assert.equal(trust.thumbnailSizeAllowed(0), false);
});
