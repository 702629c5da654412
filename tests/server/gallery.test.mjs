// Collections, resumable uploads, file records, downloads (whole and by Range), ML data,
// sharing A -> B and back, public links and their revocation, all over HTTP with real crypto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addFile,
  api,
  b64,
  core,
  createCollection,
  decryptListed,
  login,
  signup,
  startTestServer,
  unb64,
  uploadObject,
  testBytes,
} from './helpers.mjs';

let server, url, alice, bob, aliceToken, bobToken, album, photo;
const PHOTO = new Uint8Array(300 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
const THUMB = new Uint8Array(3000).map((_, i) => (i * 13) & 0xff);

before(async () => {
  server = await startTestServer();
  url = server.url;
  alice = await signup(url, 'alice@example.org', 'alice pw');
  bob = await signup(url, 'bob@example.org', 'bob pw');
  aliceToken = (await login(url, alice.email, 'alice pw')).token;
  bobToken = (await login(url, bob.email, 'bob pw')).token;
  album = await createCollection(url, alice, aliceToken, 'Holidays');
  photo = await addFile(url, aliceToken, album, { bytes: PHOTO, thumbnail: THUMB, title: 'beach.jpg' });
});
after(() => server?.close());

test('the owner lists the collection and its files, and decrypts what it downloads', async () => {
  const list = await api(url, 'GET', '/api/collections', { token: aliceToken });
  assert.equal(list.status, 200);
  const c = list.json.find((x) => x.id === album.id);
  assert.deepEqual(c.owner, { id: alice.id, email: alice.email });
  assert.deepEqual(c.sharees, []);
  const key = core.secretbox.decrypt(unb64(c.encryptedKey), unb64(c.keyDecryptionNonce), alice.masterKey);
  assert.deepEqual(key, album.key);
  assert.equal(
    new TextDecoder().decode(core.secretbox.decrypt(unb64(c.encryptedName), unb64(c.nameDecryptionNonce), key)),
    'Holidays',
  );

  const files = await api(url, 'GET', `/api/collections/${album.id}/files`, { token: aliceToken });
  assert.equal(files.status, 200);
  assert.equal(files.json.length, 1);
  const record = files.json[0];
  assert.equal(record.id, photo.id);
  assert.equal(record.ownerID, alice.id);
  assert.equal(record.objectKey, undefined);

  const whole = await api(url, 'GET', `/api/files/${photo.id}/file`, { token: aliceToken });
  assert.equal(whole.status, 200);
  assert.equal(whole.bytes.length, record.file.size);
  assert.deepEqual(decryptListed(record, album.key, whole.bytes), PHOTO);

  const thumb = await api(url, 'GET', `/api/files/${photo.id}/thumbnail`, { token: aliceToken });
  const fileKey = core.secretbox.decrypt(unb64(record.encryptedKey), unb64(record.keyDecryptionNonce), album.key);
  assert.deepEqual(core.blob.decrypt(thumb.bytes, unb64(record.thumbnail.decryptionHeader), fileKey), THUMB);
  const meta = JSON.parse(
    new TextDecoder().decode(
      core.blob.decrypt(unb64(record.metadata.encryptedData), unb64(record.metadata.decryptionHeader), fileKey),
    ),
  );
  assert.equal(meta.title, 'beach.jpg');
});

test('Range downloads answer 206 with the right bytes; bad ranges 416', async () => {
  const whole = (await api(url, 'GET', `/api/files/${photo.id}/file`, { token: aliceToken })).bytes;
  const part = await api(url, 'GET', `/api/files/${photo.id}/file`, {
    token: aliceToken,
    headers: { range: 'bytes=1000-70999' },
  });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000-70999/${whole.length}`);
  assert.deepEqual(part.bytes, whole.subarray(1000, 71000));
  const open = await api(url, 'GET', `/api/files/${photo.id}/file`, {
    token: aliceToken,
    headers: { range: `bytes=${whole.length - 5}-` },
  });
  assert.deepEqual(open.bytes, whole.subarray(whole.length - 5));
  const suffix = await api(url, 'GET', `/api/files/${photo.id}/file`, { token: aliceToken, headers: { range: 'bytes=-10' } });
  assert.deepEqual(suffix.bytes, whole.subarray(whole.length - 10));
  for (const range of [`bytes=${whole.length}-`, 'bytes=5-2', 'bytes=-0', 'items=0-1', 'bytes=0-1,3-4']) {
    const bad = await api(url, 'GET', `/api/files/${photo.id}/file`, { token: aliceToken, headers: { range } });
    assert.equal(bad.status, 416, range);
    assert.equal(bad.headers.get('content-range'), `bytes */${whole.length}`);
  }
});

test('uploads resume from the offset the server reports; incomplete or claimed uploads are refused', async () => {
  const bytes = testBytes(100_000);
  const {
    json: { objectKey },
  } = await api(url, 'POST', '/api/uploads', { token: aliceToken, body: { size: bytes.length } });
  const patch = (offset, piece, token = aliceToken) =>
    api(url, 'PATCH', `/api/uploads/${objectKey}`, { token, headers: { 'upload-offset': String(offset) }, raw: piece });
  const head = () => api(url, 'HEAD', `/api/uploads/${objectKey}`, { token: aliceToken });
  assert.equal((await head()).headers.get('upload-offset'), '0');
  assert.equal((await head()).headers.get('upload-length'), String(bytes.length));
  const first = await patch(0, bytes.subarray(0, 30_000));
  assert.equal(first.status, 204);
  assert.equal(first.headers.get('upload-offset'), '30000');
  // A piece at the wrong offset: 409 with the current one.
  const wrong = await patch(10, bytes.subarray(10, 20));
  assert.equal(wrong.status, 409);
  assert.equal(wrong.headers.get('upload-offset'), '30000');
  // Someone else's upload does not exist for them.
  assert.equal((await patch(30_000, bytes.subarray(30_000, 40_000), bobToken)).status, 404);
  // Past the declared size: refused, nothing stored.
  assert.equal((await patch(30_000, new Uint8Array(bytes.length))).status, 413);
  assert.equal((await head()).headers.get('upload-offset'), '30000');

  const thumbKey = await uploadObject(url, aliceToken, testBytes(500));
  const record = (fileKey) => ({
    collectionID: album.id,
    encryptedKey: b64(new Uint8Array(48)),
    keyDecryptionNonce: b64(new Uint8Array(24)),
    file: { objectKey: fileKey, decryptionHeader: b64(new Uint8Array(24)) },
    thumbnail: { objectKey: thumbKey, decryptionHeader: b64(new Uint8Array(24)) },
    metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
  });
  const incomplete = await api(url, 'POST', '/api/files', { token: aliceToken, body: record(objectKey) });
  assert.equal(incomplete.status, 409);
  assert.equal((await patch(30_000, bytes.subarray(30_000))).status, 204);
  assert.equal((await head()).headers.get('upload-offset'), String(bytes.length));
  assert.equal((await patch(bytes.length, bytes.subarray(0, 1))).status, 409);
  const made = await api(url, 'POST', '/api/files', { token: aliceToken, body: record(objectKey) });
  assert.equal(made.status, 201);
  const again = await api(url, 'POST', '/api/files', { token: aliceToken, body: record(objectKey) });
  assert.equal(again.status, 409);
  const got = await api(url, 'GET', `/api/files/${made.json.id}/file`, { token: aliceToken });
  assert.deepEqual(got.bytes, bytes);
});

test('only the collection owner adds files', async () => {
  const objectKey = await uploadObject(url, bobToken, testBytes(100));
  const thumbKey = await uploadObject(url, bobToken, testBytes(100));
  const res = await api(url, 'POST', '/api/files', {
    token: bobToken,
    body: {
      collectionID: album.id,
      encryptedKey: b64(new Uint8Array(48)),
      keyDecryptionNonce: b64(new Uint8Array(24)),
      file: { objectKey, decryptionHeader: b64(new Uint8Array(24)) },
      thumbnail: { objectKey: thumbKey, decryptionHeader: b64(new Uint8Array(24)) },
      metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
    },
  });
  assert.equal(res.status, 404); // Bob cannot see the collection at all
});

test('sharing: B reads nothing before, everything after, nothing after unsharing', async () => {
  const denied = async () => {
    assert.equal((await api(url, 'GET', `/api/collections/${album.id}/files`, { token: bobToken })).status, 404);
    assert.equal((await api(url, 'GET', `/api/files/${photo.id}/file`, { token: bobToken })).status, 404);
    assert.equal((await api(url, 'GET', `/api/files/${photo.id}/thumbnail`, { token: bobToken })).status, 404);
    assert.ok(!(await api(url, 'GET', '/api/collections', { token: bobToken })).json.some((c) => c.id === album.id));
    const ml = await api(url, 'POST', '/api/files/ml', { token: bobToken, body: { fileIDs: [photo.id] } });
    assert.deepEqual(ml.json, []);
  };
  await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: aliceToken, body: mlFor(photo.fileKey) });
  await denied();

  // Alice pins Bob's public key, seals the collection key to it, shares.
  const pk = await api(url, 'GET', `/api/users/public-key?email=${encodeURIComponent(bob.email)}`, { token: aliceToken });
  assert.equal(pk.status, 200);
  assert.equal(pk.json.publicKey, b64(bob.publicKey));
  const sealed = core.box.seal(album.key, unb64(pk.json.publicKey));
  // Only the owner shares.
  assert.equal(
    (
      await api(url, 'POST', `/api/collections/${album.id}/share`, {
        token: bobToken,
        body: { email: alice.email, encryptedKey: b64(sealed) },
      })
    ).status,
    404,
  );
  assert.equal(
    (
      await api(url, 'POST', `/api/collections/${album.id}/share`, {
        token: aliceToken,
        body: { email: 'nobody@example.org', encryptedKey: b64(sealed) },
      })
    ).status,
    404,
  );
  const shared = await api(url, 'POST', `/api/collections/${album.id}/share`, {
    token: aliceToken,
    body: { email: bob.email, encryptedKey: b64(sealed) },
  });
  assert.equal(shared.status, 204);

  const list = await api(url, 'GET', '/api/collections', { token: bobToken });
  const c = list.json.find((x) => x.id === album.id);
  assert.equal(c.keyDecryptionNonce, null);
  assert.deepEqual(c.owner, { id: alice.id, email: alice.email });
  assert.deepEqual(c.sharees, [{ id: bob.id, email: bob.email, role: 'viewer' }]);
  const key = core.box.sealOpen(unb64(c.encryptedKey), bob.publicKey, bob.secretKey);
  assert.deepEqual(key, album.key);
  const files = await api(url, 'GET', `/api/collections/${album.id}/files`, { token: bobToken });
  const record = files.json.find((f) => f.id === photo.id);
  const whole = await api(url, 'GET', `/api/files/${photo.id}/file`, { token: bobToken });
  assert.deepEqual(decryptListed(record, key, whole.bytes), PHOTO);
  const ml = await api(url, 'POST', '/api/files/ml', { token: bobToken, body: { fileIDs: [photo.id] } });
  assert.equal(ml.json.length, 1);
  // A sharee cannot add, share, link, or write ML data.
  assert.equal((await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: bobToken })).status, 403);
  assert.equal(
    (await api(url, 'POST', `/api/collections/${album.id}/unshare`, { token: bobToken, body: { email: bob.email } })).status,
    403,
  );
  assert.equal((await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: bobToken, body: mlFor(photo.fileKey) })).status, 403);

  assert.equal(
    (await api(url, 'POST', `/api/collections/${album.id}/unshare`, { token: aliceToken, body: { email: bob.email } })).status,
    204,
  );
  await denied();
});

test('the public-key lookup needs an account; the test hook substitutes a key (not over HTTP)', async () => {
  assert.equal((await api(url, 'GET', `/api/users/public-key?email=${bob.email}`)).status, 401);
  assert.equal((await api(url, 'GET', '/api/users/public-key?email=ghost@example.org', { token: aliceToken })).status, 404);
  const fake = b64(core.box.keypair().publicKey);
  server.testing.substitutePublicKey(bob.email, fake);
  assert.equal((await api(url, 'GET', `/api/users/public-key?email=${bob.email}`, { token: aliceToken })).json.publicKey, fake);
  for (const path of ['/api/testing/substitutePublicKey', '/api/users/public-key/substitute', '/testing']) {
    assert.equal((await api(url, 'POST', path, { token: aliceToken, body: { email: bob.email, publicKey: fake } })).status, 404);
  }
  server.testing.clearSubstitutedPublicKeys();
  assert.equal(
    (await api(url, 'GET', `/api/users/public-key?email=${bob.email}`, { token: aliceToken })).json.publicKey,
    b64(bob.publicKey),
  );
});

test('ML data: the owner stores it, reads it back, and 8 MiB is the cap', async () => {
  const ml = mlFor(photo.fileKey, { clip: { version: 1, embedding: [0.5, 0.25] } });
  assert.equal((await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: aliceToken, body: ml })).status, 204);
  const got = await api(url, 'POST', '/api/files/ml', { token: aliceToken, body: { fileIDs: [photo.id, 999999] } });
  assert.deepEqual(got.json, [{ fileID: photo.id, ...ml }]);
  const opened = JSON.parse(
    new TextDecoder().decode(core.blob.decrypt(unb64(ml.encryptedData), unb64(ml.decryptionHeader), photo.fileKey)),
  );
  assert.deepEqual(opened.clip.embedding, [0.5, 0.25]);
  const big = { encryptedData: b64(new Uint8Array(8 * 1024 * 1024 + 1)), decryptionHeader: b64(new Uint8Array(24)) };
  const refused = await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: aliceToken, body: big });
  assert.equal(refused.status, 413);
  assert.equal(refused.json.error, 'too_large');
  assert.equal((await api(url, 'PUT', '/api/files/999999/ml', { token: aliceToken, body: ml })).status, 404);
});

test('ML data changes: the entries of a collection after a cursor, oldest change first, paged; members only', async () => {
  const box = await createCollection(url, alice, aliceToken, 'Changes');
  const files = [];
  for (let i = 0; i < 3; i++)
    files.push(await addFile(url, aliceToken, box, { bytes: PHOTO.subarray(0, 1000 + i), thumbnail: THUMB, title: `${i}.jpg` }));
  const changes = (query = '', token = aliceToken) => api(url, 'GET', `/api/collections/${box.id}/ml${query}`, { token });
  // Nothing yet: no entries, no cursor.
  assert.deepEqual((await changes()).json, { entries: [], next: null, more: false });
  for (const f of files)
    assert.equal((await api(url, 'PUT', `/api/files/${f.id}/ml`, { token: aliceToken, body: mlFor(f.fileKey) })).status, 204);
  // Two pages of two and one, by update time then id; each entry as the owner stored it.
  const first = (await changes('?limit=2')).json;
  assert.equal(first.entries.length, 2);
  assert.equal(first.more, true);
  const second = (await changes(`?limit=2&after=${first.next}`)).json;
  assert.equal(second.entries.length, 1);
  assert.equal(second.more, false);
  const all = [...first.entries, ...second.entries];
  assert.deepEqual(
    all.map((e) => e.fileID).sort((a, b) => a - b),
    files.map((f) => f.id),
  );
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1], all[i]];
    assert.ok(
      a.updationTime < b.updationTime || (a.updationTime === b.updationTime && a.fileID < b.fileID),
      'oldest change first',
    );
  }
  const one = files.find((f) => f.id === all[0].fileID);
  const opened = core.blob.decrypt(unb64(all[0].encryptedData), unb64(all[0].decryptionHeader), one.fileKey);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(opened)).clip.embedding, [1]);
  // Asked again from the last cursor: nothing new, the same cursor back.
  assert.deepEqual((await changes(`?after=${second.next}`)).json, { entries: [], next: second.next, more: false });
  // One file's ML data changes: only it comes back. (Other collections' ML data never does.)
  await new Promise((r) => setTimeout(r, 5));
  const changed = mlFor(one.fileKey, { clip: { version: 1, embedding: [2] } });
  await api(url, 'PUT', `/api/files/${one.id}/ml`, { token: aliceToken, body: changed });
  await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: aliceToken, body: mlFor(photo.fileKey) });
  const later = (await changes(`?after=${second.next}`)).json;
  assert.deepEqual(
    later.entries.map((e) => [e.fileID, e.encryptedData]),
    [[one.id, changed.encryptedData]],
  );
  assert.equal(later.more, false);
  // Not a member: 404 (as for the listing); a sharee reads them; bad cursors and limits: 400.
  assert.equal((await changes('', bobToken)).status, 404);
  for (const q of ['?after=x', '?after=1-0', '?limit=0', '?limit=-1']) {
    assert.equal((await changes(q)).status, 400, q);
  }
  assert.equal((await api(url, 'GET', `/api/collections/${box.id}/ml`)).status, 401);
});

test('public links: read without an account, the same token on repeat, revocation', async () => {
  await api(url, 'PUT', `/api/files/${photo.id}/ml`, { token: aliceToken, body: mlFor(photo.fileKey) });
  const link = await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: aliceToken });
  assert.equal(link.status, 200);
  const { accessToken } = link.json;
  assert.equal(
    (await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: aliceToken })).json.accessToken,
    accessToken,
  );

  const c = await api(url, 'GET', '/api/public/collection', { accessToken });
  assert.equal(c.status, 200);
  assert.deepEqual(Object.keys(c.json).sort(), ['allowDownload', 'encryptedName', 'expiresAt', 'id', 'nameDecryptionNonce']);
  const files = await api(url, 'GET', '/api/public/files', { accessToken });
  const record = files.json.find((f) => f.id === photo.id);
  const whole = await api(url, 'GET', `/api/public/files/${photo.id}/file`, { accessToken });
  assert.deepEqual(decryptListed(record, album.key, whole.bytes), PHOTO);
  const range = await api(url, 'GET', `/api/public/files/${photo.id}/file`, { accessToken, headers: { range: 'bytes=0-99' } });
  assert.equal(range.status, 206);
  assert.equal((await api(url, 'GET', `/api/public/files/${photo.id}/thumbnail`, { accessToken })).status, 200);
  assert.equal((await api(url, 'POST', '/api/public/files/ml', { accessToken, body: { fileIDs: [photo.id] } })).json.length, 1);

  // Another collection's file through this link: not there.
  const other = await createCollection(url, alice, aliceToken, 'Private');
  const secret = await addFile(url, aliceToken, other, { bytes: PHOTO.subarray(0, 100), thumbnail: THUMB, title: 'x' });
  assert.equal((await api(url, 'GET', `/api/public/files/${secret.id}/file`, { accessToken })).status, 404);
  assert.deepEqual((await api(url, 'POST', '/api/public/files/ml', { accessToken, body: { fileIDs: [secret.id] } })).json, []);

  assert.equal((await api(url, 'DELETE', `/api/collections/${album.id}/public-link`, { token: aliceToken })).status, 204);
  for (const path of ['/api/public/collection', '/api/public/files', `/api/public/files/${photo.id}/file`]) {
    const res = await api(url, 'GET', path, { accessToken });
    assert.equal(res.status, 401, path);
    assert.equal(res.json.error, 'unauthorized');
  }
  const fresh = (await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: aliceToken })).json.accessToken;
  assert.notEqual(fresh, accessToken);
});

/** ML data as Ente stores it: JSON (gzip skipped here: the server never looks) blob-encrypted with the file key. */
function mlFor(fileKey, data = { clip: { version: 1, embedding: [1] } }) {
  const { ciphertext, header } = core.blob.encrypt(new TextEncoder().encode(JSON.stringify(data)), fileKey);
  return { encryptedData: b64(ciphertext), decryptionHeader: b64(header) };
}
