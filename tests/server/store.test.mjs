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
import { BACKEND, backendOptions, openBackendStores } from './backends.mjs';
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

test('PostgreSQL: the same migrations give the same tables and columns as SQLite; constraints hold; a newer schema is refused', async (t) => {
  if (BACKEND !== 'postgres-s3') return t.skip('runs in the PostgreSQL pass (tests/server/run-backends.mjs)');
  const { databaseUrl } = await backendOptions();
  const { default: pg } = await import('pg');
  const { openPostgresStore } = await import('../../server/store/postgres.mjs');
  // Two instances migrating one empty database at once: the advisory lock makes it once.
  const [store, second] = await Promise.all([openPostgresStore(databaseUrl), openPostgresStore(databaseUrl)]);
  await second.close();
  const dir = await tempDir('schemas');
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const sqliteFile = join(dir, 'm.sqlite');
    openSqliteStore(sqliteFile).close();
    const lite = new Database(sqliteFile);
    const liteTables = lite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    const columns = (table) =>
      lite
        .prepare(`PRAGMA table_info(${table})`)
        .all()
        .map((c) => c.name)
        .sort();
    const pgTables = (
      await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
    ).rows
      .map((r) => r.table_name)
      .filter((n) => n !== 'schema_version');
    assert.deepEqual(pgTables, liteTables);
    for (const table of liteTables) {
      const pgColumns = (
        await client.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name', [
          table,
        ])
      ).rows.map((r) => r.column_name);
      assert.deepEqual(pgColumns.sort(), columns(table), table);
    }
    lite.close();
    assert.equal((await client.query('SELECT version FROM schema_version')).rows[0].version, SCHEMA_VERSION);

    const id = await store.createUser({
      email: 'a@b.c',
      keyAttributes: { publicKey: 'x' },
      srpUserID: 'u',
      srpSalt: 's',
      srpVerifier: 'v',
      now: 1,
    });
    assert.equal(typeof id, 'number');
    assert.equal(
      await store.createUser({ email: 'a@b.c', keyAttributes: {}, srpUserID: 'u2', srpSalt: 's', srpVerifier: 'v', now: 1 }),
      null,
    );
    await assert.rejects(store.addToken(Buffer.alloc(32), 999, 10), /foreign key/);
    await store.close();
    await client.query('UPDATE schema_version SET version = version + 1');
    await assert.rejects(openPostgresStore(databaseUrl), /newer than this server/);
  } finally {
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
});

test('S3: pieces under 5 MiB wait as an incomplete part; offsets come back from S3 alone; stale incomplete parts are ignored', async (t) => {
  if (BACKEND !== 'postgres-s3') return t.skip('runs in the S3 pass (tests/server/run-backends.mjs)');
  const { openS3BlobStore } = await import('../../server/store/s3.mjs');
  const { PutObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { s3 } = await backendOptions();
  const open = () => openS3BlobStore(s3);
  const blobs = await open();
  // The gallery's pieces: one 4 MiB stream chunk with its 17 bytes of overhead each.
  const CHUNK = 4 * 1024 * 1024 + 17;
  const bytes = testBytes(3 * CHUNK);
  const key = 'cd'.repeat(16);
  await blobs.append(key, 0, bytes.subarray(0, CHUNK), bytes.length);
  const listed = async () =>
    ((await blobs.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key).sort();
  assert.deepEqual(await listed(), [`uploads/${key}.1`], 'under 5 MiB: kept as the incomplete part');
  // Another instance (or a restart) finds the offset.
  assert.equal(await (await open()).storedBytes(key), CHUNK);
  await (await open()).append(key, CHUNK, bytes.subarray(CHUNK, 2 * CHUNK), bytes.length);
  assert.deepEqual(await listed(), [], 'sent as part 1 with the second piece');
  // A crash between a part and deleting its incomplete object leaves one numbered at or below
  // the last part: it is not counted.
  await blobs.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `uploads/${key}.1`, Body: Buffer.alloc(10) }));
  assert.equal(await blobs.storedBytes(key), 2 * CHUNK);
  assert.equal(await blobs.isClaimed(key), false);
  await blobs.append(key, 2 * CHUNK, bytes.subarray(2 * CHUNK), bytes.length); // the last part may be short
  await blobs.claim(key);
  await blobs.claim(key); // idempotent
  assert.deepEqual(await listed(), [`blobs/${key}`], 'only the claimed blob is left');
  assert.equal(await blobs.size(key), bytes.length);
  const chunks = [];
  for await (const c of await blobs.read(key, CHUNK - 5, CHUNK + 4)) chunks.push(c);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(bytes.subarray(CHUNK - 5, CHUNK + 5)));
  await blobs.discard(key);
  assert.deepEqual(await listed(), []);
});
