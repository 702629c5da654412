// The lying-server suite, in Node through the client library: the real server behind a proxy
// (lying-proxy.mjs) that lies about one thing at a time, as a server under an adversary's control
// can. Each lie is refused or detected with its plain-words message, and the honest path (first
// test) passes with nothing found. The same attacks run in Chromium through the app
// (tests/browser/gallery-lies.test.mjs).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { b64, client, clientOptions, core, startTestServer, unb64 } from './helpers.mjs';
import { startLyingProxy } from './lying-proxy.mjs';

const { trust } = client;
let server;
let proxy;
const options = () => clientOptions(proxy.url);
const photo = (shade) => jpeg.encode({ width: 64, height: 48, data: Buffer.alloc(64 * 48 * 4, shade) }, 80).data;
const say = (findings, album) => findings.map((f) => trust.describe(f, { album }));
const kinds = (findings) => findings.map((f) => f.kind).sort();

/** A device of `email`'s account: its session, account record (with this device's store), library, sharing. */
async function device(email, { store = client.memoryDeviceStore(), session } = {}) {
  session ??= await client.logIn(options(), email, 'pw');
  const keeper = new client.RecordKeeper(session, store);
  await keeper.load();
  const library = client.Library.of(session, keeper);
  return { session, keeper, library, store, sharing: new client.Sharing(session, library, keeper) };
}

const thumb = (shade) => jpeg.encode({ width: 32, height: 24, data: Buffer.alloc(32 * 24 * 4, shade) }, 80).data;

async function upload(library, album, shade, title = `photo-${shade}.jpg`) {
  const bytes = photo(shade);
  return library.upload(album, {
    contents: [bytes],
    size: bytes.length,
    thumbnail: thumb(shade),
    meta: { title, creationTime: shade, fileType: 0 },
  });
}

/** Shares `album` of `owner` with `email` as `role`, the IDs compared. */
async function share(owner, album, email, role) {
  const prepared = await owner.sharing.prepare(email);
  await owner.sharing.share(album, prepared, { role, compared: true });
}

const s = {}; // the people, their devices and albums
before(async () => {
  server = await startTestServer();
  proxy = await startLyingProxy(server.url);
  for (const name of ['alice', 'bob', 'carol', 'mallory', 'dave']) {
    const { session } = await client.signUp(options(), `${name}@example.test`, 'pw');
    s[name] = await device(`${name}@example.test`, { session });
  }
  s.holidays = await s.alice.library.createAlbum('Holidays');
  for (const shade of [40, 80, 120]) await upload(s.alice.library, s.holidays, shade);
  s.work = await s.alice.library.createAlbum('Work');
  await upload(s.alice.library, s.work, 200, 'work.jpg');
  await share(s.alice, s.holidays, 'bob@example.test', 'collaborator');
  await share(s.alice, s.holidays, 'carol@example.test', 'viewer');
});
afterEach(() => proxy.clear());
after(async () => {
  await proxy?.close();
  await server?.close();
});

/** Bob's (or anyone's) fresh view of an album: a new library on the same device, as after a reload. */
async function view(who, albumId) {
  const library = client.Library.of(who.session, who.keeper);
  await library.loadAlbums();
  const album = library.albums.get(albumId);
  const files = album ? await library.loadFiles(album) : [];
  return { library, album, files, findings: album ? library.findings(album) : [] };
}

test('honest server: every album verifies, every file and thumbnail shows, nothing is found', async () => {
  for (const [who, id, count] of [
    [s.alice, s.holidays.id, 3],
    [s.alice, s.work.id, 1],
    [s.bob, s.holidays.id, 3],
    [s.carol, s.holidays.id, 3],
  ]) {
    const { library, album, files, findings } = await view(who, id);
    assert.deepEqual(findings, [], `${who.session.email}: ${say(findings, album.name)}`);
    assert.equal(files.length, count);
    for (const f of files) assert.ok((await library.thumbnail(f)).length > 0);
  }
  const bob = await view(s.bob, s.holidays.id);
  assert.equal(bob.album.trust.role, 'collaborator');
  assert.equal(bob.album.trust.writable, true);
  assert.equal(bob.album.trust.ownerCompared, false, "Bob has not compared Alice's ID");
  const added = await upload(bob.library, bob.album, 160, 'from-bob.jpg');
  assert.ok(added.id > 0);
  const carol = await view(s.carol, s.holidays.id);
  assert.equal(carol.album.trust.role, 'viewer');
  assert.equal(carol.album.trust.writable, false);
  const alice = await view(s.alice, s.holidays.id);
  assert.equal(alice.files.length, 4, "Bob's photo shows for Alice");
  assert.deepEqual(alice.findings, []);
});

// ---- the account's own identity ----

/**
 * The server's lies about Alice's signing identity in her key attributes, as [what,
 * change(keyAttributes)]: told at log-in and when a kept session reopens, each refused as an
 * identity mismatch.
 */
function identityLies() {
  const mallory = s.mallory.session.identity;
  return [
    [
      'its own signing key, self-signed for her address',
      async (ka) => ({
        ...ka,
        signingPublicKey: b64(mallory.signing.publicKey),
        identitySignature: b64(
          await trust.signIdentity(core, 'alice@example.test', unb64(ka.publicKey), mallory.signing.secretKey),
        ),
      }),
    ],
    [
      "Mallory's wrapped signing key",
      (ka) => ({ ...ka, encryptedSigningKey: b64(s.mallory.session.keyAttributes.encryptedSigningKey) }),
    ],
  ];
}

test("the server answers Alice's log-in with its own public key: refused before anything opens", async () => {
  const mallory = s.mallory.session.identity;
  const lies = [['its box public key', (ka) => ({ ...ka, publicKey: b64(mallory.boxPublicKey) })], ...identityLies()];
  for (const [what, change] of lies) {
    const undo = proxy.rewrite('POST', '/api/srp/verify', async (json) => ({
      ...json,
      keyAttributes: await change(json.keyAttributes),
    }));
    await assert.rejects(client.logIn(options(), 'alice@example.test', 'pw'), (e) => e.code === 'identity_mismatch', what);
    undo();
  }
  // The account the session's token opens is not the one checked (GET /api/users/me lies).
  proxy.rewrite('GET', '/api/users/me', (json) => ({ ...json, email: 'mallory@example.test' }));
  await assert.rejects(client.logIn(options(), 'alice@example.test', 'pw'), (e) => e.code === 'identity_mismatch');
  proxy.clear();
  const honest = await client.logIn(options(), 'alice@example.test', 'pw');
  assert.equal(honest.email, 'alice@example.test', 'the honest log-in works');
});

test("a reopened session (a reloaded tab's kept keys): the server's account and identity are checked as at log-in", async () => {
  const alice = await client.logIn(options(), 'alice@example.test', 'pw');
  // What a device keeps; each reopening owns (and on failure wipes) its copy of the keys.
  const kept = () => {
    const { masterKey, secretKey } = alice.keys();
    const { id, email, publicKey, encryptedToken } = alice;
    return { id, email, publicKey, encryptedToken, masterKey: masterKey.slice(), secretKey: secretKey.slice() };
  };
  const lies = [
    ...identityLies(),
    [
      'no signing key at all (not answered with new keys)',
      (ka) => {
        const { signingPublicKey, encryptedSigningKey, signingKeyDecryptionNonce, identitySignature, ...rest } = ka;
        return rest;
      },
    ],
  ];
  for (const [what, change] of lies) {
    const undo = proxy.rewrite('GET', '/api/users/me', async (json) => ({
      ...json,
      keyAttributes: await change(json.keyAttributes),
    }));
    const keys = kept();
    await assert.rejects(client.resumeSession(options(), keys), (e) => e.code === 'identity_mismatch', what);
    assert.ok(keys.masterKey.every((b) => b === 0) && keys.secretKey.every((b) => b === 0), `keys wiped: ${what}`);
    undo();
  }
  const undo = proxy.rewrite('GET', '/api/users/me', (json) => ({ ...json, email: 'mallory@example.test' }));
  await assert.rejects(client.resumeSession(options(), kept()), (e) => e.code === 'identity_mismatch', 'another address');
  undo();
  const honest = await client.resumeSession(options(), kept());
  assert.deepEqual(honest.identity.signing.publicKey, alice.identity.signing.publicKey, 'the honest reopening works');
  const signing = honest.identity.signing.secretKey;
  honest.wipeKeys();
  assert.ok(
    signing.every((b) => b === 0),
    'wipeKeys wipes the signing key too',
  );
  await alice.lock();
});

// ---- contacts ----

test("contacts: a key the contact never signed is refused; a first use shows the server's ID, not Bob's", async () => {
  const bobId = s.bob.session.identity;
  const bobsOwnId = await trust.verificationId(core, bobId.boxPublicKey, bobId.signing.publicKey);
  const mallory = s.mallory.session.identity;
  // The box key alone replaced: Bob's self-signature no longer covers it.
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({ ...json, publicKey: b64(mallory.boxPublicKey) }));
  await assert.rejects(
    s.dave.sharing.prepare('bob@example.test'),
    (e) => e.code === 'not-signed' && /never signed/.test(e.message),
  );
  proxy.clear();
  // The whole identity replaced by one the server signed for Bob's address: a first use for Dave,
  // whose screen then shows an ID that is not the one Bob's own app shows him.
  const forged = await trust.signIdentity(core, 'bob@example.test', mallory.boxPublicKey, mallory.signing.secretKey);
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({
    ...json,
    publicKey: b64(mallory.boxPublicKey),
    signingPublicKey: b64(mallory.signing.publicKey),
    identitySignature: b64(forged),
  }));
  const prepared = await s.dave.sharing.prepare('bob@example.test');
  assert.equal(prepared.firstUse, true);
  assert.notEqual(prepared.theirId, bobsOwnId, 'comparing the IDs shows the lie');
  // An address the server answers for with another one's keys (Carol's identity as Bob's): refused.
  proxy.rewrite('GET', '/api/users/public-key', async (json) => {
    const carol = await proxy.upstreamContact('carol@example.test', s.dave.session.token);
    return { ...carol, email: json.email };
  });
  await assert.rejects(s.dave.sharing.prepare('bob@example.test'), (e) => e.code === 'not-signed');
});

test('contacts pinned per account: a changed key or account id is refused, whatever the address case, on any device', async () => {
  const mallory = s.mallory.session.identity;
  const forged = await trust.signIdentity(core, 'bob@example.test', mallory.boxPublicKey, mallory.signing.secretKey);
  const shares = () => proxy.seen.get(`POST /api/collections/${s.work.id}/share`) ?? 0;
  const before = shares();
  // Alice pinned Bob when she shared Holidays. A new device of hers has the pin too (the account record).
  const laptop = await device('alice@example.test');
  const pinned = await laptop.sharing.prepare(' BOB@Example.TEST ');
  assert.deepEqual([pinned.firstUse, pinned.compared], [false, true], 'pinned under the canonical address');
  const work = (await laptop.library.loadAlbums()).find((a) => a.id === s.work.id);
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({
    ...json,
    publicKey: b64(mallory.boxPublicKey),
    signingPublicKey: b64(mallory.signing.publicKey),
    identitySignature: b64(forged),
  }));
  await assert.rejects(
    laptop.sharing.prepare('Bob@example.test'),
    (e) => e instanceof client.KeyChangedError && /different key/.test(e.message),
  );
  proxy.clear();
  proxy.rewrite('GET', '/api/users/public-key', (json) => ({ ...json, id: json.id + 1000 }));
  await assert.rejects(
    laptop.sharing.prepare('bob@example.test'),
    (e) => e instanceof client.KeyChangedError && /another account/.test(e.message),
  );
  assert.equal(shares(), before, 'nothing was shared');
  assert.ok(work);
});

test('the account record: an older one, or none, served to a device that saw a newer one is caught, and nothing is lost', async () => {
  const alice = s.alice;
  const recordNow = (await proxy.upstream('GET', '/api/users/me/record', alice.session.token)).json;
  assert.ok(recordNow.version > 1);
  for (const [what, served] of [
    ['none', { version: 0 }],
    ['an older version', await olderRecord(alice)],
  ]) {
    proxy.lie('GET', '/api/users/me/record', () => ({ status: 200, json: served }));
    const again = await device('alice@example.test', { store: alice.store });
    assert.deepEqual(
      again.keeper.findings.map((f) => f.kind),
      ['record-rollback'],
      what,
    );
    assert.ok(again.keeper.record.contacts['bob@example.test'], `${what}: the pins this device saw are kept`);
    proxy.clear();
  }
  // A device that never saw it cannot tell (SECURITY.md): it asks again on first use, with the IDs shown.
  proxy.lie('GET', '/api/users/me/record', () => ({ status: 200, json: { version: 0 } }));
  const fresh = await device('alice@example.test');
  assert.deepEqual(fresh.keeper.findings, []);
  assert.equal((await fresh.sharing.prepare('bob@example.test')).firstUse, true);
});

/** Alice's record at version 1 (as the server kept it then): replayed by reading the store's history. */
async function olderRecord(alice) {
  // The server keeps one version; the test rebuilds version 1 the way Alice's first write made it.
  const { sealRecord, emptyRecord } = trust;
  const sealed = await sealRecord(core, emptyRecord(alice.session.id), alice.session.keys().masterKey, 1);
  return { version: 1, encryptedData: b64(sealed.encryptedData), decryptionNonce: b64(sealed.decryptionNonce) };
}

// ---- albums: ownership and shares ----

/** Mallory (the server's accomplice) makes an album; the server lists it to `victim` with its key sealed to them. */
async function forgedListing(victim, claimedOwner) {
  s.forged ??= await s.mallory.library.createAlbum('Your uploads');
  const m = (await proxy.upstream('GET', '/api/collections', s.mallory.session.token)).json.find((c) => c.id === s.forged.id);
  const sealed = core.box.seal(s.forged.key, victim.session.identity.boxPublicKey);
  proxy.rewrite('GET', '/api/collections', (list) => [
    ...list,
    { ...m, owner: claimedOwner, encryptedKey: b64(sealed), keyDecryptionNonce: null, sharees: [], publicLink: undefined },
  ]);
  // Its log and files, as the server has them for Mallory.
  for (const part of ['log', 'files']) {
    const path = `/api/collections/${s.forged.id}/${part}`;
    proxy.lie('GET', path, ({ query }) => proxy.upstream('GET', `${path}?${query}`, s.mallory.session.token));
  }
  return s.forged.id;
}

test('a forged "own" album (a key the server sealed to Alice, listed as hers) is read-only and nothing is uploaded into it', async () => {
  const id = await forgedListing(s.alice, { id: s.alice.session.id, email: 'alice@example.test' });
  const { library, album, findings } = await view(s.alice, id);
  assert.equal(album.mine, false, 'a sealed key that opens is not ownership');
  assert.deepEqual(kinds(findings), ['not-yours', 'owner']);
  assert.ok(
    say(findings, album.name).includes(
      'The server showed “Your uploads” as yours, but you did not create it: it is shown read-only, and nothing you add goes into it.',
    ),
  );
  assert.equal(album.trust.writable, false);
  const sent = () => [proxy.seen.get('POST /api/uploads') ?? 0, proxy.seen.get('POST /api/files') ?? 0];
  const before = sent();
  await assert.rejects(upload(library, album, 99), client.ReadOnlyAlbum);
  assert.deepEqual(sent(), before, 'not one byte was uploaded');
});

test('an album "shared by" a contact who never shared it: unverified, read-only', async () => {
  const id = await forgedListing(s.dave, { id: s.carol.session.id, email: 'carol@example.test' });
  const { library, album, findings } = await view(s.dave, id);
  assert.deepEqual(kinds(findings), ['owner', 'unverified-share']);
  assert.ok(
    say(findings, album.name).includes(
      '“Your uploads” is shown as shared by carol@example.test, but carol@example.test never signed that share: it is read-only, and nothing you add goes into it.',
    ),
  );
  await assert.rejects(upload(library, album, 98), client.ReadOnlyAlbum);
});

test("a member's sealed key replaced (the real key, sealed anew by someone who has it): read-only", async () => {
  const resealed = b64(core.box.seal(s.holidays.key, s.bob.session.identity.boxPublicKey));
  proxy.rewrite('GET', '/api/collections', (list) =>
    list.map((c) => (c.id === s.holidays.id ? { ...c, encryptedKey: resealed } : c)),
  );
  const { album, findings } = await view(s.bob, s.holidays.id);
  assert.deepEqual(kinds(findings), ['sealed-key']);
  assert.equal(album.trust.writable, false);
  assert.match(say(findings, album.name)[0], /is not the one alice@example.test shared/);
});

test("a viewer cannot add, whatever the server's list says its role is", async () => {
  proxy.rewrite('GET', '/api/collections', (list) =>
    list.map((c) => (c.id === s.holidays.id ? { ...c, sharees: c.sharees.map((x) => ({ ...x, role: 'collaborator' })) } : c)),
  );
  const { library, album } = await view(s.carol, s.holidays.id);
  assert.equal(album.trust.role, 'viewer', 'the role is the log’s');
  await assert.rejects(upload(library, album, 97), client.ReadOnlyAlbum);
});

// ---- albums: what is listed against the log ----

/** Rewrites `album`'s files listing (for everyone) with `change(records)`. */
const filesLie = (albumId, change) => proxy.rewrite('GET', `/api/collections/${albumId}/files`, change);

test('files withheld, injected, moved in from another album, changed or listed twice: found, and only vouched files show', async () => {
  const real = (await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.alice.session.token)).json;
  const work = (await proxy.upstream('GET', `/api/collections/${s.work.id}/files`, s.alice.session.token)).json;
  const forged = { ...real[0], id: 987654, encryptedKey: b64(core.randomBytes(48)) };
  const cases = [
    ['a photo left out', (r) => r.slice(1), ['withheld'], real.length - 1, 'The server left out 1 photo of “Holidays”.'],
    [
      'a photo nobody added',
      (r) => [...r, forged],
      ['injected'],
      real.length,
      'The server showed 1 photo in “Holidays” that nobody in the album added; it is hidden.',
    ],
    [
      'a photo of Work shown in Holidays',
      (r) => [...r, { ...work[0], collectionID: s.holidays.id }],
      ['moved'],
      real.length,
      'The server showed 1 photo from another album in “Holidays”; it is hidden.',
    ],
    [
      'changed metadata',
      (r) => r.map((x, i) => (i ? x : { ...x, metadata: { ...x.metadata, decryptionHeader: b64(core.randomBytes(24)) } })),
      ['altered'],
      real.length - 1,
      'The server changed 1 photo in “Holidays” (metadata); it is hidden.',
    ],
    [
      'a photo listed twice',
      (r) => [...r, { ...r[0], id: r[0].id + 100000 }],
      ['duplicated'],
      real.length,
      'The server showed 1 photo of “Holidays” twice; the copies are hidden.',
    ],
  ];
  for (const [what, change, expected, shown, message] of cases) {
    filesLie(s.holidays.id, change);
    const { files, findings, album } = await view(s.alice, s.holidays.id);
    assert.deepEqual(kinds(findings), expected, what);
    assert.equal(files.length, shown, `${what}: only the photos the log vouches for show`);
    assert.ok(
      files.every((f) => real.some((r) => r.id === f.id)),
      what,
    );
    assert.deepEqual(say(findings, album.name), [message], what);
    proxy.clear();
  }
});

test("a photo's contents served as its thumbnail, or a thumbnail with one byte changed: never decoded, the photo skipped", async () => {
  const real = (await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.alice.session.token)).json;
  const target = real[0];
  // The listing names the contents' header and size for the thumbnail, and the thumbnail route serves the contents.
  filesLie(s.holidays.id, (r) => r.map((x) => (x.id === target.id ? { ...x, thumbnail: { ...x.file } } : x)));
  proxy.lie('GET', `/api/files/${target.id}/thumbnail`, () =>
    proxy.upstream('GET', `/api/files/${target.id}/file`, s.alice.session.token),
  );
  let v = await view(s.alice, s.holidays.id);
  assert.deepEqual(kinds(v.findings), ['altered']);
  assert.equal(
    v.files.some((f) => f.id === target.id),
    false,
    'the photo is hidden',
  );
  proxy.clear();
  // The thumbnail's bytes changed in transit (the listing as it is).
  proxy.lie('GET', `/api/files/${target.id}/thumbnail`, async () => {
    const t = await proxy.upstream('GET', `/api/files/${target.id}/thumbnail`, s.alice.session.token);
    const bytes = t.bytes.slice();
    bytes[bytes.length - 1] ^= 1;
    return { ...t, bytes };
  });
  v = await view(s.alice, s.holidays.id);
  const file = v.files.find((f) => f.id === target.id);
  await assert.rejects(v.library.thumbnail(file), client.ThumbnailRejected);
  assert.deepEqual(kinds(v.library.findings(v.album)), ['thumbnail']);
  for (const other of v.files.filter((f) => f !== file)) assert.ok((await v.library.thumbnail(other)).length, 'the others show');
  assert.match(say(v.library.findings(v.album), 'Holidays')[0], /thumbnail in “Holidays” that is not the photo's own/);
});

test("a collaborator's thumbnail declaring 20000 x 20000 pixels is refused from its header; the album's other photos show", async () => {
  const bob = await view(s.bob, s.holidays.id);
  const png = PNG.sync.write(Object.assign(new PNG({ width: 8, height: 8 }), { data: Buffer.alloc(8 * 8 * 4, 9) }));
  png.writeUInt32BE(20000, 16);
  png.writeUInt32BE(20000, 20);
  const bytes = photo(7);
  const bomb = await bob.library.upload(bob.album, {
    contents: [bytes],
    size: bytes.length,
    thumbnail: png,
    meta: { title: 'bomb.png', creationTime: 7, fileType: 0 },
  });
  const alice = await view(s.alice, s.holidays.id);
  assert.deepEqual(alice.findings, [], 'an authentic file: nothing the server did');
  const file = alice.files.find((f) => f.id === bomb.id);
  await assert.rejects(
    alice.library.thumbnail(file),
    (e) => e instanceof client.ThumbnailRejected && /too-many-pixels/.test(e.message),
  );
  for (const other of alice.files.filter((f) => f !== file)) assert.ok((await alice.library.thumbnail(other)).length);
  await alice.library.removeFile(alice.album, file);
});

/** Rewrites `album`'s log (for everyone) with `change(entries)`. */
const logLie = (albumId, change) =>
  proxy.rewrite('GET', `/api/collections/${albumId}/log`, async (page, { query }) =>
    Number(query.get('since') ?? 0) === 0 ? { ...page, entries: await change(page.entries) } : page,
  );

test("the log's entries reordered, or one the server signed added: the history is refused past that point, the album read-only", async () => {
  const forgedEntry = async (entries) => {
    const last = entries.at(-1);
    const prev = await trust.entryHash(unb64(last.entry), unb64(last.signature));
    const mallory = s.mallory.session.identity;
    const signed = await trust.signEntry(
      core,
      {
        albumId: s.holidays.id,
        seq: last.seq + 1,
        prev,
        time: Date.now(),
        authorAccountId: s.mallory.session.id,
        authorKey: mallory.signing.publicKey,
        op: 'rename',
        nameHash: new Uint8Array(32),
      },
      mallory.signing.secretKey,
    );
    return [...entries, { seq: last.seq + 1, entry: b64(signed.bytes), signature: b64(signed.signature) }];
  };
  for (const [what, change] of [
    ['entries 1 and 2 swapped', (e) => [e[0], e[2], e[1], ...e.slice(3)]],
    ['an entry signed by the server', forgedEntry],
  ]) {
    const fresh = await device('alice@example.test');
    logLie(s.holidays.id, change);
    const library = client.Library.of(fresh.session, fresh.keeper);
    await library.loadAlbums();
    const album = library.albums.get(s.holidays.id);
    assert.ok(kinds(library.findings(album)).includes('history'), what);
    assert.equal(album.trust.writable, false, what);
    assert.match(say([album.trust.findings.find((f) => f.kind === 'history')], 'Holidays')[0], /no member signed/);
    proxy.clear();
  }
});

test('a rolled-back album (an older log and listing than Bob saw) is detected, with when he saw the newer one', async () => {
  // The server keeps what it answered Bob now...
  const oldLog = await proxy.upstream('GET', `/api/collections/${s.holidays.id}/log`, s.bob.session.token);
  const oldFiles = await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.bob.session.token);
  await view(s.bob, s.holidays.id);
  // ...Alice adds two photos, Bob sees them (his account record remembers the head)...
  for (const shade of [10, 20]) await upload(s.alice.library, s.holidays, shade);
  const seen = await view(s.bob, s.holidays.id);
  assert.deepEqual(seen.findings, []);
  // ...then it answers Bob, on another device of his, with the old log and listing.
  proxy.lie('GET', `/api/collections/${s.holidays.id}/log`, ({ query }) => ({
    ...oldLog,
    json: { ...oldLog.json, entries: oldLog.json.entries.filter((e) => e.seq >= Number(query.get('since') ?? 0)) },
  }));
  proxy.lie('GET', `/api/collections/${s.holidays.id}/files`, () => oldFiles);
  const phone = await device('bob@example.test');
  const back = await view(phone, s.holidays.id);
  assert.deepEqual(kinds(back.findings), ['rollback']);
  assert.equal(back.album.trust.writable, false);
  const head = phone.keeper.record.albums[s.holidays.id];
  assert.equal(
    say(back.findings, 'Holidays')[0],
    `The server showed an older version of “Holidays” than you saw on ${trust.formatTime(head.seenAt)} ` +
      `(change ${oldLog.json.entries.length} of ${head.seq + 1}). Changes made since may be hidden from you.`,
  );
});

test('an old name after a rename, or a member list with someone hidden: found against the log', async () => {
  const before = (await proxy.upstream('GET', '/api/collections', s.bob.session.token)).json.find((c) => c.id === s.holidays.id);
  await s.alice.library.rename(s.holidays, 'Holidays 2025');
  proxy.rewrite('GET', '/api/collections', (list) =>
    list.map((c) =>
      c.id === s.holidays.id ? { ...c, encryptedName: before.encryptedName, nameDecryptionNonce: before.nameDecryptionNonce } : c,
    ),
  );
  let v = await view(s.bob, s.holidays.id);
  assert.deepEqual(kinds(v.findings), ['name']);
  assert.equal(
    say(v.findings, v.album.name)[0],
    `The server showed a name for “${v.album.name}” that its owner did not give it.`,
  );
  proxy.clear();
  proxy.rewrite('GET', '/api/collections', (list) =>
    list.map((c) => (c.id === s.holidays.id ? { ...c, sharees: c.sharees.filter((x) => x.email !== 'bob@example.test') } : c)),
  );
  v = await view(s.alice, s.holidays.id);
  assert.deepEqual(kinds(v.findings), ['members']);
  assert.match(say(v.findings, v.album.name)[0], /leaves out bob@example.test/);
  assert.deepEqual(
    s.alice.sharing
      .members(v.album)
      .map((m) => m.email)
      .sort(),
    ['bob@example.test', 'carol@example.test'],
    'the members shown are the log’s',
  );
});

test('a fork: the server shows Alice one history and Bob another; each detects it once shown the other, and the views never join', async () => {
  const id = s.holidays.id;
  const path = `/api/collections/${id}/log`;
  const tablet = await device('alice@example.test');
  const fork = []; // entries the server accepted from Alice's tablet but kept from everyone else
  let renamed; // the name her tablet set
  const isTablet = (headers) => headers['x-auth-token'] === tablet.session.token;
  proxy.lie('POST', `/api/collections/${id}/rename`, async ({ headers, json }) => {
    if (!isTablet(headers)) return undefined;
    const body = json();
    fork.push({ entry: body.logEntry.entry, signature: body.logEntry.signature });
    renamed = body;
    return { status: 204 };
  });
  proxy.lie('GET', path, async ({ headers, query }) => {
    if (!isTablet(headers)) return undefined;
    const real = await proxy.upstream('GET', `${path}?since=0`, tablet.session.token);
    const base = real.json.entries.slice(0, forkAt);
    const all = [...base, ...fork.map((f, i) => ({ seq: forkAt + i, ...f }))];
    return { ...real, json: { entries: all.filter((e) => e.seq >= Number(query.get('since') ?? 0)), more: false } };
  });
  proxy.rewrite('GET', '/api/collections', (list, { headers }) =>
    isTablet(headers) && renamed
      ? list.map((c) =>
          c.id === id ? { ...c, encryptedName: renamed.encryptedName, nameDecryptionNonce: renamed.nameDecryptionNonce } : c,
        )
      : list,
  );
  const forkAt = (await proxy.upstream('GET', `${path}?since=0`, s.alice.session.token)).json.entries.length;
  // The tablet renames: the server says yes, and shows the tablet its own branch.
  const onTablet = client.Library.of(tablet.session, tablet.keeper);
  await onTablet.loadAlbums();
  await onTablet.rename(onTablet.albums.get(id), 'Forked');
  const tabletView = await view(tablet, id);
  assert.deepEqual(tabletView.findings, [], 'the branch is consistent in itself');
  // Bob adds a photo for real: the real log's next entry is his.
  const bob = await view(s.bob, id);
  await upload(bob.library, bob.album, 33, 'bobs.jpg');
  assert.deepEqual((await view(s.bob, id)).findings, []);
  // Alice's phone (the real log) sees the head her tablet saw differ: a fork.
  const phone = await view(s.alice, id);
  assert.deepEqual(kinds(phone.findings), ['fork']);
  assert.equal(phone.album.trust.writable, false);
  assert.match(say(phone.findings, phone.album.name)[0], /different history of “.*” than the one you saw on .* UTC/);
  // Bob, shown the tablet's branch: the same.
  proxy.lie('GET', path, ({ query }) => {
    const entries = [];
    return proxy.upstream('GET', `${path}?since=0`, s.bob.session.token).then((real) => {
      entries.push(...real.json.entries.slice(0, forkAt), ...fork.map((f, i) => ({ seq: forkAt + i, ...f })));
      return { ...real, json: { entries: entries.filter((e) => e.seq >= Number(query.get('since') ?? 0)), more: false } };
    });
  });
  const bobShownBranch = await view(s.bob, id);
  assert.ok(kinds(bobShownBranch.findings).includes('fork'));
  // And no entry of either branch extends the other: the real server refuses the tablet's next one.
  proxy.clear();
  const stale = await trust.signEntry(
    core,
    {
      albumId: id,
      seq: forkAt + 1,
      prev: await trust.entryHash(unb64(fork[0].entry), unb64(fork[0].signature)),
      time: Date.now(),
      authorAccountId: tablet.session.id,
      authorKey: tablet.session.identity.signing.publicKey,
      op: 'rename',
      nameHash: new Uint8Array(32),
    },
    tablet.session.identity.signing.secretKey,
  );
  const refused = await proxy.upstream('POST', path, tablet.session.token, {
    entry: b64(stale.bytes),
    signature: b64(stale.signature),
  });
  assert.equal(refused.status, 409);
});

test('sharing on the log: a role changed, a member removed or leaving; a removed member the server still serves sees it unverified', async () => {
  const album = s.alice.library.albums.get(s.holidays.id);
  const member = (email) => s.alice.sharing.members(album).find((m) => m.email === email);
  await s.alice.sharing.setRole(album, member('carol@example.test'), 'collaborator');
  let carol = await view(s.carol, s.holidays.id);
  assert.equal(carol.album.trust.role, 'collaborator');
  await upload(carol.library, carol.album, 55, 'carols.jpg');
  // Carol is removed; the server keeps listing the album to her (it cannot forge the log).
  const listedBefore = (await proxy.upstream('GET', '/api/collections', s.carol.session.token)).json.find(
    (c) => c.id === s.holidays.id,
  );
  await s.alice.sharing.unshare(album, member('carol@example.test'));
  proxy.rewrite('GET', '/api/collections', (list, { headers }) =>
    headers['x-auth-token'] === s.carol.session.token ? [...list, listedBefore] : list,
  );
  for (const part of ['log', 'files']) {
    proxy.lie('GET', `/api/collections/${s.holidays.id}/${part}`, ({ query }) =>
      proxy.upstream('GET', `/api/collections/${s.holidays.id}/${part}?${query}`, s.alice.session.token),
    );
  }
  carol = await view(s.carol, s.holidays.id);
  assert.deepEqual(kinds(carol.findings), ['members', 'unverified-share']);
  assert.equal(carol.album.trust.writable, false);
  proxy.clear();
  // Bob leaves; Alice's album lists nobody any more, by the log and by the server.
  const bob = await view(s.bob, s.holidays.id);
  const bobSharing = new client.Sharing(s.bob.session, bob.library, s.bob.keeper);
  await bobSharing.leave(bob.album);
  const alice = await view(s.alice, s.holidays.id);
  assert.deepEqual(s.alice.sharing.members(alice.album), []);
  assert.deepEqual(alice.findings, []);
  assert.equal((await view(s.bob, s.holidays.id)).album, undefined, 'gone from his albums');
});

test('public links: checked against the owner key in the link; files the log does not vouch for, or a link turned off, are found', async () => {
  const album = s.alice.library.albums.get(s.work.id);
  const url = await s.alice.sharing.setLink(album, 'http://gallery.test', {
    expiresAt: Date.now() + 3_600_000,
    allowDownload: false,
  });
  const link = client.parsePublicLink(new URL(url));
  assert.ok(link.ownerKey, 'the link carries the owner key');
  const open = async (ownerKey = link.ownerKey) => {
    const library = new client.Library(core, client.createApi(options(), { accessToken: link.token }));
    const a = await library.loadPublicAlbum(link.key, ownerKey);
    const files = await library.loadFiles(a);
    return { library, album: a, files, findings: library.findings(a) };
  };
  const honest = await open();
  assert.deepEqual(honest.findings, []);
  assert.equal(honest.files.length, 1);
  assert.ok((await honest.library.thumbnail(honest.files[0])).length);
  // The server shows the link's viewers a photo of another album.
  const other = (await proxy.upstream('GET', `/api/collections/${s.holidays.id}/files`, s.alice.session.token)).json[0];
  proxy.rewrite('GET', '/api/public/files', (list) => [...list, other]);
  const injected = await open();
  assert.deepEqual(kinds(injected.findings), ['moved']);
  assert.equal(injected.files.length, 1);
  proxy.clear();
  // A link whose fragment names another owner (or an old link without one): unverified.
  assert.deepEqual(kinds((await open(s.mallory.session.identity.signing.publicKey)).findings), ['owner-key']);
  // The owner revokes it; a server that still serves the link (with the log as it is) is caught.
  await s.alice.sharing.revokeLink(album);
  for (const route of ['collection', 'files', 'log']) {
    proxy.lie('GET', `/api/public/${route}`, ({ query }) =>
      route === 'collection'
        ? proxy.upstream('GET', '/api/collections', s.alice.session.token).then((r) => ({
            status: 200,
            json: (({ id, encryptedName, nameDecryptionNonce }) => ({ id, encryptedName, nameDecryptionNonce }))(
              r.json.find((c) => c.id === s.work.id),
            ),
          }))
        : proxy.upstream('GET', `/api/collections/${s.work.id}/${route}?${query}`, s.alice.session.token),
    );
  }
  const stillServed = await open();
  assert.deepEqual(kinds(stillServed.findings), ['link-off']);
  assert.equal(
    say(stillServed.findings, 'Work')[0],
    'The server still serves “Work” through a link its owner turned off or that expired.',
  );
});
