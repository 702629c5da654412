// The two stores on their own: the SQLite schema (WAL, foreign keys, migrations by version,
// reopening), the folder blob store (nothing readable before a claim, claims idempotent), and
// the claim order: a record that fails after its blobs were claimed leaves objects a retry
// claims again; concurrent pieces and claims of one upload; stale uploads dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore, SCHEMA_VERSION } from '../../server/store/sqlite.mjs';
import { openFolderBlobStore } from '../../server/store/blobs.mjs';
import { openBackendStores } from './backends.mjs';
import {
  api,
  b64,
  createCollection,
  login,
  signup,
  startTestServer,
  tempDir,
  testClock,
  uploadObject,
  testBytes,
} from './helpers.mjs';

test('SQLite: created at the current schema in WAL mode with foreign keys; reopening keeps data; a newer schema is refused', async () => {
  const dir = await tempDir('sqlite');
  try {
    const file = join(dir, 'm.sqlite');
    const store = openSqliteStore(file);
    const id = await store.createUser({
      email: 'a@b.c',
      keyAttributes: { publicKey: 'x' },
      srpUserID: 'u',
      srpSalt: 's',
      srpVerifier: 'v',
      now: 1,
    });
    assert.equal(
      await store.createUser({ email: 'a@b.c', keyAttributes: {}, srpUserID: 'u2', srpSalt: 's', srpVerifier: 'v', now: 1 }),
      null,
    );
    await assert.rejects(store.addToken(Buffer.alloc(32), 999, 10), /FOREIGN KEY/);
    await store.close();

    const db = new Database(file);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();

    const again = openSqliteStore(file);
    assert.equal((await again.userById(id)).email, 'a@b.c');
    assert.equal(await again.integrityCheck(), 'ok');
    await again.close();

    const newer = new Database(file);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    assert.throws(() => openSqliteStore(file), /newer than this server/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('folder blobs: pieces stay in uploads/ until a claim; claims are idempotent; keys are checked', async () => {
  const dir = await tempDir('blobs');
  try {
    const blobs = await openFolderBlobStore(dir);
    const key = 'ab'.repeat(16);
    assert.equal(await blobs.storedBytes(key), 0);
    await blobs.append(key, 0, Buffer.from('hello '));
    await blobs.append(key, 6, Buffer.from('world'));
    assert.equal(await blobs.storedBytes(key), 11);
    assert.equal(await blobs.isClaimed(key), false);
    assert.equal(await blobs.size(key), undefined);
    assert.deepEqual(await readdir(join(dir, 'blobs')), []);
    await blobs.claim(key);
    await blobs.claim(key);
    assert.equal(await blobs.size(key), 11);
    const chunks = [];
    for await (const c of blobs.read(key, 6, 10)) chunks.push(c);
    assert.equal(Buffer.concat(chunks).toString(), 'world');
    assert.deepEqual(await readdir(join(dir, 'uploads')), []);
    for (const bad of ['../x', 'AB'.repeat(16), 'ab'.repeat(17), ''])
      await assert.rejects(blobs.storedBytes(bad), /bad object key/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file record that fails after its blobs were claimed: the retry claims them again', async () => {
  const dir = await tempDir('claim');
  const stores = await openBackendStores(dir);
  let failNext = false;
  const metadataStore = {
    ...stores.metadataStore,
    async createFile(record, now) {
      if (failNext) {
        failNext = false;
        throw new Error('disk failed between the claim and the record');
      }
      return stores.metadataStore.createFile(record, now);
    },
  };
  const server = await startTestServer({ metadataStore, blobStore: stores.blobStore });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'A');
    const bytes = testBytes(1000);
    const fileKey = await uploadObject(server.url, token, bytes);
    const thumbKey = await uploadObject(server.url, token, testBytes(100));
    const body = {
      collectionID: album.id,
      encryptedKey: b64(new Uint8Array(48)),
      keyDecryptionNonce: b64(new Uint8Array(24)),
      file: { objectKey: fileKey, decryptionHeader: b64(new Uint8Array(24)) },
      thumbnail: { objectKey: thumbKey, decryptionHeader: b64(new Uint8Array(24)) },
      metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
    };
    failNext = true;
    const failed = await api(server.url, 'POST', '/api/files', { token, body });
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.json, { error: 'server_error', message: 'internal error' });
    assert.deepEqual((await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token })).json, []);
    const head = await api(server.url, 'HEAD', `/api/uploads/${fileKey}`, { token });
    assert.equal(head.headers.get('upload-offset'), '1000', 'still complete');

    const retried = await api(server.url, 'POST', '/api/files', { token, body });
    assert.equal(retried.status, 201);
    const got = await api(server.url, 'GET', `/api/files/${retried.json.id}/file`, { token });
    assert.deepEqual(got.bytes, bytes);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** A folder blob store whose `method` waits until released: a request held mid-way. */
async function heldBlobStore(dir, method) {
  const { metadataStore, blobStore: inner } = await openBackendStores(dir);
  let release, entered;
  const gate = new Promise((r) => {
    release = r;
  });
  const reached = new Promise((r) => {
    entered = r;
  });
  return {
    metadataStore,
    store: {
      ...inner,
      async [method](...args) {
        entered();
        await gate;
        return inner[method](...args);
      },
    },
    reached,
    release: () => release(),
  };
}

test('two pieces for one upload at once: the second is refused while the first is written', async () => {
  const dir = await tempDir('held-append');
  const held = await heldBlobStore(dir, 'append');
  const server = await startTestServer({ metadataStore: held.metadataStore, blobStore: held.store });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const {
      json: { objectKey },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: 20 } });
    const patch = () =>
      api(server.url, 'PATCH', `/api/uploads/${objectKey}`, { token, headers: { 'upload-offset': '0' }, raw: testBytes(10) });
    const first = patch();
    await held.reached;
    const second = await patch();
    assert.equal(second.status, 409);
    assert.match(second.json.message, /being written/);
    held.release();
    assert.equal((await first).status, 204);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('two records claiming the same upload at once: one is made, the other refused', async () => {
  const dir = await tempDir('held-claim');
  const held = await heldBlobStore(dir, 'claim');
  const server = await startTestServer({ metadataStore: held.metadataStore, blobStore: held.store });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'A');
    const fileKey = await uploadObject(server.url, token, testBytes(100));
    const thumbs = [await uploadObject(server.url, token, testBytes(10)), await uploadObject(server.url, token, testBytes(10))];
    const body = (thumbKey) => ({
      collectionID: album.id,
      encryptedKey: b64(new Uint8Array(48)),
      keyDecryptionNonce: b64(new Uint8Array(24)),
      file: { objectKey: fileKey, decryptionHeader: b64(new Uint8Array(24)) },
      thumbnail: { objectKey: thumbKey, decryptionHeader: b64(new Uint8Array(24)) },
      metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
    });
    const first = api(server.url, 'POST', '/api/files', { token, body: body(thumbs[0]) });
    await held.reached;
    const second = await api(server.url, 'POST', '/api/files', { token, body: body(thumbs[1]) });
    assert.equal(second.status, 409);
    held.release();
    assert.equal((await first).status, 201);
    const files = await api(server.url, 'GET', `/api/collections/${album.id}/files`, { token });
    assert.equal(files.json.length, 1);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('uploads left unclaimed for 7 days are dropped; claimed ones stay', async () => {
  const clock = testClock();
  const server = await startTestServer({ now: clock.now });
  try {
    const alice = await signup(server.url, 'alice@example.org', 'pw');
    const { token } = await login(server.url, alice.email, 'pw');
    const album = await createCollection(server.url, alice, token, 'A');
    const kept = await uploadObject(server.url, token, testBytes(100));
    const thumb = await uploadObject(server.url, token, testBytes(10));
    const made = await api(server.url, 'POST', '/api/files', {
      token,
      body: {
        collectionID: album.id,
        encryptedKey: b64(new Uint8Array(48)),
        keyDecryptionNonce: b64(new Uint8Array(24)),
        file: { objectKey: kept, decryptionHeader: b64(new Uint8Array(24)) },
        thumbnail: { objectKey: thumb, decryptionHeader: b64(new Uint8Array(24)) },
        metadata: { encryptedData: b64(new Uint8Array(40)), decryptionHeader: b64(new Uint8Array(24)) },
      },
    });
    assert.equal(made.status, 201);
    const {
      json: { objectKey: stale },
    } = await api(server.url, 'POST', '/api/uploads', { token, body: { size: 100 } });
    await api(server.url, 'PATCH', `/api/uploads/${stale}`, { token, headers: { 'upload-offset': '0' }, raw: testBytes(50) });
    assert.equal(await server.testing.blobs.storedBytes(stale), 50);

    clock.advance(6 * 24 * 3600 * 1000);
    await server.testing.prune();
    assert.equal((await api(server.url, 'HEAD', `/api/uploads/${stale}`, { token })).status, 200, 'not yet');
    clock.advance(24 * 3600 * 1000 + 1);
    await server.testing.prune();
    const fresh = (await login(server.url, alice.email, 'pw')).token; // the first one expired too
    assert.equal((await api(server.url, 'HEAD', `/api/uploads/${stale}`, { token: fresh })).status, 404);
    assert.equal(await server.testing.blobs.storedBytes(stale), 0, 'its bytes are gone');
    assert.equal((await api(server.url, 'GET', `/api/files/${made.json.id}/file`, { token: fresh })).status, 200);
  } finally {
    await server.close();
  }
});
