// The server's side of the trust layer (docs/server-api.md): album logs stored opaquely and
// appended only at their head, atomically with the change they describe; the account record
// versioned by compare-and-swap; the signing key's fields; roles, removal and link settings; and
// the red team's findings: made-up answers that look real, limits that answer alike, recovery
// challenges limited per email.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  b64,
  client,
  createCollection,
  login,
  makeAccount,
  recover,
  signup,
  startTestServer,
  testClock,
  unb64,
  uploadObject,
} from './helpers.mjs';
import { core, trust } from './trust-helpers.mjs';

const clock = testClock();
let server;
before(async () => {
  // The per-address limit (auth.mjs) raised: every request here comes from one address.
  server = await startTestServer({ now: clock.now, addressLimit: { max: 1e6, windowMs: 60_000 } });
});
after(() => server?.close());

/** A signed-in account whose signing key the tests use to write log entries. */
async function member(email) {
  const account = await signup(server.url, email, 'pw');
  const { token } = await login(server.url, email, 'pw');
  account.token = token;
  account.signing = account.newKeys.signing; // what the client signs its entries with
  return account;
}

/** Signs the next entry of `albumId`'s log (read from the server) as `who`: { entry, signature } in base64. */
async function nextEntry(who, albumId, body, { prefix = '/api', headers = {} } = {}) {
  const log = await api(server.url, 'GET', `${prefix === '/api' ? `/api/collections/${albumId}` : '/api/public'}/log`, {
    token: who.token,
    headers,
  });
  const last = log.json.entries.at(-1);
  const head = last && { seq: last.seq, hash: await trust.entryHash(unb64(last.entry), unb64(last.signature)) };
  const { seq, prev } = trust.nextPlace(head);
  const signed = await trust.signEntry(
    core,
    {
      albumId,
      seq,
      prev,
      time: clock.now(),
      authorAccountId: who.id,
      authorKey: who.signing.publicKey,
      ...body,
    },
    who.signing.secretKey,
  );
  return { entry: b64(signed.bytes), signature: b64(signed.signature) };
}

const NAME_HASH = { op: 'create', nameHash: new Uint8Array(32) };

/** An album made by raw calls (no log entry yet), for the test that writes the first entry itself. */
async function rawCollection(who) {
  const res = await api(server.url, 'POST', '/api/collections', {
    token: who.token,
    body: {
      encryptedKey: b64(core.randomBytes(48)),
      keyDecryptionNonce: b64(core.randomBytes(24)),
      encryptedName: b64(core.randomBytes(30)),
      nameDecryptionNonce: b64(core.randomBytes(24)),
    },
  });
  return res.json.id;
}

/** An entry for sequence 0 of `albumId` (stale once the log has its first entry). */
async function firstEntry(who, albumId) {
  const signed = await trust.signEntry(
    core,
    {
      albumId,
      seq: 0,
      prev: new Uint8Array(32),
      time: clock.now(),
      authorAccountId: who.id,
      authorKey: who.signing.publicKey,
      ...NAME_HASH,
    },
    who.signing.secretKey,
  );
  return { entry: b64(signed.bytes), signature: b64(signed.signature) };
}

test('a log is appended only at its head, and read back from any sequence number', async () => {
  const alice = await member('log-alice@example.org');
  const stranger = await member('log-stranger@example.org');
  const id = await rawCollection(alice);
  const path = `/api/collections/${id}/log`;
  const create = await nextEntry(alice, id, NAME_HASH);
  const first = await api(server.url, 'POST', path, { token: alice.token, body: create });
  assert.equal(first.status, 201);
  assert.equal(first.json.seq, 0);
  assert.equal(first.json.hash, b64(await trust.entryHash(unb64(create.entry), unb64(create.signature))));
  // The same entry again, or one that does not extend the head: 409.
  assert.equal((await api(server.url, 'POST', path, { token: alice.token, body: create })).status, 409);
  const second = await nextEntry(alice, id, { op: 'rename', nameHash: new Uint8Array(32).fill(1) });
  const third = await nextEntry(alice, id, { op: 'rename', nameHash: new Uint8Array(32).fill(2) }); // also seq 1
  assert.equal((await api(server.url, 'POST', path, { token: alice.token, body: second })).status, 201);
  assert.equal((await api(server.url, 'POST', path, { token: alice.token, body: third })).status, 409, 'a second entry 1');
  // Bytes that are no entry, an entry of another album, a short signature, a huge entry: 400.
  const other = await rawCollection(alice);
  const otherEntry = await nextEntry(alice, other, NAME_HASH);
  for (const [what, body] of [
    ['random bytes', { entry: b64(core.randomBytes(100)), signature: b64(core.randomBytes(64)) }],
    ["another album's entry", otherEntry],
    ['a 63-byte signature', { ...second, signature: b64(core.randomBytes(63)) }],
    ['an entry over 4 KiB', { entry: b64(new Uint8Array(4097)), signature: second.signature }],
  ]) {
    assert.equal((await api(server.url, 'POST', path, { token: alice.token, body })).status, 400, what);
  }
  // Reading: all, or from a sequence number; a stranger gets 404.
  const all = await api(server.url, 'GET', path, { token: alice.token });
  assert.deepEqual(
    all.json.entries.map((e) => e.seq),
    [0, 1],
  );
  assert.equal(all.json.more, false);
  assert.deepEqual(all.json.entries[0], { seq: 0, ...create });
  const since = await api(server.url, 'GET', `${path}?since=1`, { token: alice.token });
  assert.deepEqual(
    since.json.entries.map((e) => e.seq),
    [1],
  );
  assert.equal((await api(server.url, 'GET', `${path}?since=x`, { token: alice.token })).status, 400);
  assert.equal((await api(server.url, 'GET', path, { token: stranger.token })).status, 404);
  assert.equal((await api(server.url, 'POST', path, { token: stranger.token, body: second })).status, 404);
});

test('changes and their entries happen together: a stale entry leaves the change undone', async () => {
  const alice = await member('atomic-alice@example.org');
  const bob = await member('atomic-bob@example.org');
  const album = await createCollection(server.url, alice, alice.token, 'Atomic');
  const create = await firstEntry(alice, album.id); // the client wrote entry 0 when it made the album
  const sealed = b64(core.box.seal(album.key, bob.publicKey));
  const stale = { ...create }; // seq 0 again
  const refused = await api(server.url, 'POST', `/api/collections/${album.id}/share`, {
    token: alice.token,
    body: { email: bob.email, encryptedKey: sealed, role: 'collaborator', logEntry: stale },
  });
  assert.equal(refused.status, 409);
  const listed = (await api(server.url, 'GET', '/api/collections', { token: alice.token })).json.find((c) => c.id === album.id);
  assert.deepEqual(listed.sharees, [], 'not shared');
  const logEntry = await nextEntry(alice, album.id, {
    op: 'share',
    memberAccountId: bob.id,
    memberEmail: bob.email,
    memberBoxKey: bob.publicKey,
    memberSigningKey: bob.signing.publicKey,
    sealedKeyHash: await trust.sealedKeyHash(unb64(sealed)),
    role: 'collaborator',
  });
  const shared = await api(server.url, 'POST', `/api/collections/${album.id}/share`, {
    token: alice.token,
    body: { email: bob.email, encryptedKey: sealed, role: 'collaborator', logEntry },
  });
  assert.equal(shared.status, 204);
  const after = (await api(server.url, 'GET', '/api/collections', { token: alice.token })).json.find((c) => c.id === album.id);
  assert.deepEqual(after.sharees, [{ id: bob.id, email: bob.email, role: 'collaborator' }]);
  const log = (await api(server.url, 'GET', `/api/collections/${album.id}/log`, { token: bob.token })).json.entries;
  assert.equal(log.length, 2, 'a member reads the log');

  // A collaborator adds a file; the file and its entry land together, or neither.
  const staleFile = await addFileWithEntry(bob, album, create);
  assert.equal(staleFile.status, 409);
  const files = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: alice.token });
  assert.deepEqual(files.json, [], 'no file without its entry');
  const added = await addFileWithEntry(bob, album);
  assert.equal(added.status, 201);
  assert.equal((await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: alice.token })).json.length, 1);
});

/** An upload by `who`: the objects, then the record with its add entry (or `entry`). */
async function addFileWithEntry(who, album, entry) {
  const fileKey = core.generateKey();
  const wrap = core.secretbox.encrypt(fileKey, album.key);
  const content = core.stream.encrypt(core.randomBytes(1000), fileKey);
  const thumb = core.blob.encrypt(core.randomBytes(100), fileKey);
  const meta = core.blob.encrypt(new TextEncoder().encode('{"title":"x.jpg"}'), fileKey);
  const record = {
    collectionID: album.id,
    encryptedKey: b64(wrap.ciphertext),
    keyDecryptionNonce: b64(wrap.nonce),
    file: { objectKey: await uploadObject(server.url, who.token, content.ciphertext), decryptionHeader: b64(content.header) },
    thumbnail: { objectKey: await uploadObject(server.url, who.token, thumb.ciphertext), decryptionHeader: b64(thumb.header) },
    metadata: { encryptedData: b64(meta.ciphertext), decryptionHeader: b64(meta.header) },
  };
  const logEntry =
    entry ??
    (await nextEntry(who, album.id, {
      op: 'add',
      keyWrapHash: await trust.keyWrapHash(wrap.ciphertext, wrap.nonce),
      contentHeaderHash: await trust.contentHeaderHash(content.header),
      contentSize: content.ciphertext.length,
      thumbnailHash: await trust.thumbnailHash(thumb.header, thumb.ciphertext),
      thumbnailSize: thumb.ciphertext.length,
      metadataHash: await trust.metadataHash(meta.header, meta.ciphertext),
    }));
  const res = await api(server.url, 'POST', '/api/files', { token: who.token, body: { ...record, logEntry } });
  return Object.assign(res, { record });
}

test('roles: viewers read, collaborators add and remove their own files, the owner removes any; files leave the disk', async () => {
  const alice = await member('roles-alice@example.org');
  const vic = await member('roles-vic@example.org');
  const cole = await member('roles-cole@example.org');
  const album = await createCollection(server.url, alice, alice.token, 'Roles');
  const share = (who, role) =>
    api(server.url, 'POST', `/api/collections/${album.id}/share`, {
      token: alice.token,
      body: { email: who.email, encryptedKey: b64(core.box.seal(album.key, who.publicKey)), role },
    });
  assert.equal((await share(vic, 'viewer')).status, 204);
  assert.equal((await share(cole, 'collaborator')).status, 204);
  assert.equal((await share(vic, 'owner')).status, 400, 'no such role');
  assert.equal((await addFileWithEntry(vic, album)).status, 403, 'a viewer adds nothing');
  const coles = await addFileWithEntry(cole, album);
  const alices = await addFileWithEntry(alice, album);
  assert.equal(coles.status, 201);
  assert.equal(alices.status, 201);
  const del = (who, id, body) => api(server.url, 'DELETE', `/api/files/${id}`, { token: who.token, body });
  assert.equal((await del(cole, alices.json.id)).status, 403, 'a collaborator removes only its own files');
  assert.equal((await del(vic, coles.json.id)).status, 403);
  // The run's blob store (a folder, or S3) says whether the bytes are still there.
  const stored = (key) => server.testing.blobs.isClaimed(key);
  assert.ok(await stored(coles.record.file.objectKey));
  const removal = await nextEntry(cole, album.id, {
    op: 'remove',
    keyWrapHash: await trust.keyWrapHash(unb64(coles.record.encryptedKey), unb64(coles.record.keyDecryptionNonce)),
  });
  assert.equal((await del(cole, coles.json.id, { logEntry: removal })).status, 204);
  assert.equal(await stored(coles.record.file.objectKey), false, 'its contents are deleted');
  assert.equal(await stored(coles.record.thumbnail.objectKey), false, 'and its thumbnail');
  assert.equal((await api(server.url, 'GET', `/api/files/${coles.json.id}/file`, { token: alice.token })).status, 404);
  assert.equal((await del(alice, alices.json.id)).status, 204, 'the owner removes any file');
  // The owner changes a role; a member leaves.
  const role = (email, r) =>
    api(server.url, 'POST', `/api/collections/${album.id}/role`, { token: alice.token, body: { email, role: r } });
  assert.equal((await role(vic.email, 'collaborator')).status, 204);
  assert.equal((await addFileWithEntry(vic, album)).status, 201, 'now a collaborator');
  assert.equal((await role('nobody@example.org', 'viewer')).status, 404);
  assert.equal((await api(server.url, 'POST', `/api/collections/${album.id}/leave`, { token: cole.token })).status, 204);
  assert.equal((await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token: cole.token })).status, 404);
  assert.equal((await api(server.url, 'POST', `/api/collections/${album.id}/leave`, { token: alice.token })).status, 400);
  // Renaming: the owner only.
  const name = core.secretbox.encrypt(new TextEncoder().encode('Renamed'), album.key);
  const rename = (who) =>
    api(server.url, 'POST', `/api/collections/${album.id}/rename`, {
      token: who.token,
      body: { encryptedName: b64(name.ciphertext), nameDecryptionNonce: b64(name.nonce) },
    });
  assert.equal((await rename(vic)).status, 403);
  assert.equal((await rename(alice)).status, 204);
  const listed = (await api(server.url, 'GET', '/api/collections', { token: vic.token })).json.find((c) => c.id === album.id);
  assert.equal(listed.encryptedName, b64(name.ciphertext));
  assert.equal(listed.publicLink, undefined, "a member does not see the owner's link");
});

test('public links: an expiry the server enforces, a download flag, the log readable with the link', async () => {
  const alice = await member('link-alice@example.org');
  const album = await createCollection(server.url, alice, alice.token, 'Linked');
  const expiresAt = clock.now() + 60_000;
  const logEntry = await nextEntry(alice, album.id, { op: 'link', enabled: 1, expiresAt, allowDownload: 0 });
  const made = await api(server.url, 'POST', `/api/collections/${album.id}/public-link`, {
    token: alice.token,
    body: { expiresAt, allowDownload: false, logEntry },
  });
  assert.equal(made.status, 200);
  const headers = { 'x-auth-access-token': made.json.accessToken };
  const info = await api(server.url, 'GET', '/api/public/collection', { headers });
  assert.deepEqual([info.json.expiresAt, info.json.allowDownload], [expiresAt, false]);
  const log = await api(server.url, 'GET', '/api/public/log', { headers });
  assert.equal(log.json.entries.length, 2);
  const owner = (await api(server.url, 'GET', '/api/collections', { token: alice.token })).json.find((c) => c.id === album.id);
  assert.deepEqual(owner.publicLink, { accessToken: made.json.accessToken, expiresAt, allowDownload: false });
  clock.advance(60_001);
  assert.equal((await api(server.url, 'GET', '/api/public/collection', { headers })).status, 401, 'expired');
  assert.equal((await api(server.url, 'GET', '/api/public/files', { headers })).status, 401);
  const revoke = await nextEntry(alice, album.id, { op: 'link', enabled: 0, expiresAt: 0, allowDownload: 0 });
  assert.equal(
    (
      await api(server.url, 'DELETE', `/api/collections/${album.id}/public-link`, {
        token: alice.token,
        body: { logEntry: revoke },
      })
    ).status,
    204,
  );
  const after = (await api(server.url, 'GET', '/api/collections', { token: alice.token })).json.find((c) => c.id === album.id);
  assert.equal(after.publicLink, null);
  assert.equal((await api(server.url, 'GET', `/api/collections/${album.id}/log`, { token: alice.token })).json.entries.length, 3);
});

test('the account record: version 0 until written, then replaced only by the next version', async () => {
  const alice = await member('record-alice@example.org');
  const get = () => api(server.url, 'GET', '/api/users/me/record', { token: alice.token });
  const put = (version, data = core.randomBytes(100)) =>
    api(server.url, 'PUT', '/api/users/me/record', {
      token: alice.token,
      body: { version, encryptedData: b64(data), decryptionNonce: b64(core.randomBytes(24)) },
    });
  assert.deepEqual((await get()).json, { version: 0 });
  assert.equal((await put(2)).status, 409, 'not the next version');
  const data = core.randomBytes(300);
  assert.equal((await put(1, data)).status, 204);
  assert.equal((await put(1)).status, 409, 'another device wrote version 1 first');
  assert.equal((await get()).json.encryptedData, b64(data));
  assert.equal((await put(2)).status, 204);
  assert.equal((await get()).json.version, 2);
  assert.equal((await put(3, new Uint8Array(2 * 1024 * 1024 + 1))).status, 413);
  assert.equal((await api(server.url, 'GET', '/api/users/me/record', {})).status, 401);
  const bob = await member('record-bob@example.org');
  assert.deepEqual(
    (await api(server.url, 'GET', '/api/users/me/record', { token: bob.token })).json,
    { version: 0 },
    'per account',
  );
});

test("the signing key's fields: kept beside Ente's, handed out with the public key, added once to an older account", async () => {
  const SIGNING = ['signingPublicKey', 'encryptedSigningKey', 'signingKeyDecryptionNonce', 'identitySignature'];
  // An account made before signing keys (its key attributes without them).
  const older = await makeAccount(server.url, 'id-old@example.org', 'pw');
  const enteOnly = Object.fromEntries(Object.entries(older.keyAttributes).filter(([k]) => !SIGNING.includes(k)));
  const partial = { ...enteOnly, signingPublicKey: older.keyAttributes.signingPublicKey };
  const signUp = (keyAttributes) => api(server.url, 'POST', '/api/users', { body: { ...older.signupBody, keyAttributes } });
  assert.equal((await signUp(partial)).status, 400, 'all four or none');
  assert.equal((await signUp(enteOnly)).status, 201);
  // Its first log-in with this client makes a signing key and stores it, once.
  const { token, session } = await login(server.url, older.email, 'pw');
  const me = (await api(server.url, 'GET', '/api/users/me', { token })).json;
  for (const k of Object.keys(enteOnly)) assert.equal(me.keyAttributes[k], enteOnly[k], `Ente's ${k} unchanged`);
  const fields = Object.fromEntries(SIGNING.map((k) => [k, me.keyAttributes[k]]));
  assert.ok(
    SIGNING.every((k) => typeof fields[k] === 'string'),
    'stored',
  );
  assert.equal(fields.signingPublicKey, b64(session.identity.signing.publicKey));
  const opened = await trust.openSigningAttributes(core, {
    email: older.email,
    boxPublicKey: unb64(me.keyAttributes.publicKey),
    attributes: Object.fromEntries(SIGNING.map((k) => [k, unb64(fields[k])])),
    masterKey: older.masterKey,
    secretKey: older.secretKey,
  });
  assert.deepEqual(opened.signing.publicKey, session.identity.signing.publicKey, 'they open with its master key');
  const put = (body) => api(server.url, 'PUT', '/api/users/me/identity', { token, body });
  assert.equal((await put({ signingPublicKey: fields.signingPublicKey })).status, 400, 'all four or none');
  assert.equal((await put(fields)).status, 409, 'only once');
  // Two devices adding one at once: the store swaps only from what the route read (the second loses).
  const user = await server.testing.store.userByEmail(older.email);
  assert.equal(await server.testing.store.setKeyAttributes(user.id, { ...user.keyAttributes }, enteOnly), false);
  assert.equal(await server.testing.store.setKeyAttributes(user.id, user.keyAttributes, user.keyAttributes), true);
  const again = await login(server.url, older.email, 'pw');
  assert.deepEqual(
    again.session.identity.signing.publicKey,
    session.identity.signing.publicKey,
    'the next log-in opens the same one',
  );
  // Contacts get them with the public key, whatever the address's case and spacing.
  const viewer = await member('id-viewer@example.org');
  const contact = await api(server.url, 'GET', `/api/users/public-key?email=${encodeURIComponent(' ID-Old@Example.org')}`, {
    token: viewer.token,
  });
  assert.deepEqual(contact.json, {
    id: me.id,
    email: older.email,
    publicKey: me.keyAttributes.publicKey,
    signingPublicKey: fields.signingPublicKey,
    identitySignature: fields.identitySignature,
  });
});

// ---- the red team's findings ----

const P = 2n ** 255n - 19n;
const le = (bytes) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
const power = (b, e) => {
  let r = 1n;
  for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
};
/** A real X25519 public key: below 2^255, and u^3 + 486662 u^2 + u a square mod p (a point of the curve, not its twist). */
const isCurvePoint = (bytes) => {
  const u = le(bytes);
  if (u >= 2n ** 255n) return false;
  const rhs = (((u * u) % P) * u + 486662n * ((u * u) % P) + u) % P;
  return rhs === 0n || power(rhs, (P - 1n) / 2n) === 1n;
};

test('made-up recovery answers for unknown emails look like real ones: real X25519 keys, a challenge really sealed', async () => {
  assert.equal(isCurvePoint(core.box.keypair().publicKey), true, 'control: a real key passes');
  assert.ok(
    Array.from({ length: 40 }, () => core.randomBytes(32)).some((b) => !isCurvePoint(b)),
    'control: random bytes give themselves away',
  );
  const real = await signup(server.url, 'madeup-real@example.org', 'pw');
  const shape = (json) =>
    Object.fromEntries(Object.entries(json).map(([k, v]) => [k, k === 'challengeID' ? v.length : unb64(v).length]));
  const known = (await api(server.url, 'POST', '/api/recovery/begin', { body: { email: real.email } })).json;
  for (let i = 0; i < 30; i++) {
    const email = `nobody-${i}@example.org`;
    const a = (await api(server.url, 'POST', '/api/recovery/begin', { body: { email } })).json;
    assert.deepEqual(shape(a), shape(known), email);
    assert.equal(isCurvePoint(unb64(a.publicKey)), true, `${email}: its public key`);
    assert.equal(isCurvePoint(unb64(a.encryptedChallenge).subarray(0, 32)), true, `${email}: its challenge's ephemeral key`);
    const b = (await api(server.url, 'POST', '/api/recovery/begin', { body: { email: ` ${email.toUpperCase()}` } })).json;
    assert.equal(b.publicKey, a.publicKey, 'stable per email');
    assert.equal(b.encryptedSecretKey, a.encryptedSecretKey);
  }
});

test('failed recoveries and logins are limited alike for real and unknown emails', async () => {
  const real = await signup(server.url, 'alike-real@example.org', 'pw');
  const tries = async (email) => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const begin = (await api(server.url, 'POST', '/api/recovery/begin', { body: { email } })).json;
      const res = await api(server.url, 'POST', '/api/recovery/complete', {
        body: {
          challengeID: begin.challengeID,
          challenge: b64(core.randomBytes(32)),
          kekSalt: b64(core.randomBytes(16)),
          encryptedKey: b64(core.randomBytes(48)),
          keyDecryptionNonce: b64(core.randomBytes(24)),
          memLimit: 65536,
          opsLimit: 2,
          srpUserID: crypto.randomUUID(),
          srpSalt: b64(core.randomBytes(16)),
          srpVerifier: b64(core.randomBytes(512)),
        },
      });
      statuses.push(`${res.status} ${res.json.message}`);
    }
    return statuses;
  };
  const forReal = await tries(real.email);
  const forNobody = await tries('alike-nobody@example.org');
  assert.deepEqual(forReal, forNobody);
  assert.deepEqual(
    forReal.map((s) => Number(s.split(' ')[0])),
    [401, 401, 401, 401, 401, 429],
  );
  // SRP: wrong proofs for a real SRP user id and a made-up one end the same way.
  const srpTries = async (email) => {
    const { srpUserID } = (await api(server.url, 'POST', '/api/srp/attributes', { body: { email } })).json;
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const s = await api(server.url, 'POST', '/api/srp/session', {
        body: { srpUserID, srpA: b64(new Uint8Array(512).fill(i + 3)) },
      });
      const v = await api(server.url, 'POST', '/api/srp/verify', {
        body: { sessionID: s.json.sessionID, srpM1: b64(core.randomBytes(32)) },
      });
      statuses.push(`${v.status} ${v.json.message}`);
    }
    return statuses;
  };
  const srpReal = await srpTries(real.email);
  assert.deepEqual(srpReal, await srpTries('alike-nobody-2@example.org'));
  assert.equal(srpReal.at(-1).split(' ')[0], '429');
  // The real account still recovers once the window passes.
  clock.advance(15 * 60 * 1000 + 1);
  assert.equal((await recover(server.url, real.email, real.recoveryKey, 'new')).status, 200);
});

/** Recovery with a begin answer already in hand (the test floods between begin and complete). */
async function completeRecovery(email, recoveryKey, begun) {
  const masterKey = core.secretbox.decrypt(
    unb64(begun.masterKeyEncryptedWithRecoveryKey),
    unb64(begun.masterKeyDecryptionNonce),
    recoveryKey,
  );
  const secretKey = core.secretbox.decrypt(unb64(begun.encryptedSecretKey), unb64(begun.secretKeyDecryptionNonce), masterKey);
  const challenge = core.box.sealOpen(unb64(begun.encryptedChallenge), unb64(begun.publicKey), secretKey);
  const kek = core.generateKey();
  const wrapped = core.secretbox.encrypt(masterKey, kek);
  const srp = client.srpSetup(core.deriveLoginSubKey(kek));
  return api(server.url, 'POST', '/api/recovery/complete', {
    body: {
      challengeID: begun.challengeID,
      challenge: b64(challenge),
      kekSalt: b64(core.randomBytes(16)),
      encryptedKey: b64(wrapped.ciphertext),
      keyDecryptionNonce: b64(wrapped.nonce),
      memLimit: 65536,
      opsLimit: 2,
      ...client.toWire(await srp),
    },
  });
}

test('recovery challenges are never capped for everyone: a flood of made-up ones never locks out a real one', async () => {
  const real = await signup(server.url, 'flood-real@example.org', 'pw');
  const begin = (email) => api(server.url, 'POST', '/api/recovery/begin', { body: { email } });
  // A real recovery begins, then a flood of unknown emails...
  const pending = (await begin(real.email)).json;
  for (let i = 0; i < 60; i++) assert.equal((await begin(`flood-${i}@example.org`)).status, 200);
  // ...and a flood on one unknown email; each request answered, none refused for everyone.
  for (let i = 0; i < 10; i++) assert.equal((await begin('flood-one@example.org')).status, 200);
  const done = await completeRecovery(real.email, real.recoveryKey, pending);
  assert.equal(done.status, 200, 'the real challenge survived the flood');
  // A failed completion of a made-up challenge counts against that email only.
  const madeUp = (await begin('flood-two@example.org')).json;
  assert.equal(
    (await completeRecovery('flood-two@example.org', real.recoveryKey, madeUp).catch(() => ({ status: 'threw' }))).status !== 200,
    true,
  );
});
