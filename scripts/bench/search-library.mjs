// A generated library for the search-ready bench (gallery-search-ready.mjs): one account with one
// album of `n` photos, each a genuine Ente file with its ML data, made in Node with the package's
// core and the gallery's client, then written into the real server's SQLite store.
//
// How it seeds. The account and the album are made through the real server (the client's sign-up
// at Ente's interactive Argon2 limits, the album created with its signed log's first entry). Then
// the server stops and each photo is made here as the gallery would upload it: a random file key,
// 16 bytes of contents stream-encrypted, a 640x480 JPEG thumbnail (one of 8 colours) and Ente's
// metadata blob-encrypted, the key wrapped with the album key, the album log's `add` entry
// (hashes of all of those) signed with the account's signing key and chained to the one before,
// and the ML data (Ente's gzip JSON with a CLIP embedding and an empty face index, so the People
// view has nothing to index) blob-encrypted with the file key. The rows go in through the
// server's own store layer (sql.mjs: createFile with its log entry, setMlData), in transactions of
// BATCH photos rather than one per request, with synchronous=OFF while seeding; the objects' rows
// are the one INSERT createObject runs (without its quota sum, which scans every object of the
// account and would make seeding quadratic) and the blobs are written where the folder blob store
// keeps claimed objects. No HTTP upload, so 100,000 photos take minutes, not hours.
//
// The embeddings are a seeded mixture of 1000 Gaussians on the sphere (centre + noise of the same
// norm, cosine ~0.5 within a cluster), as in compact-index.bench.mjs.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { packMlData, withClip, withFaces } from '../../js/dist/search.js';
import { startGalleryServer } from '../../server/app.mjs';
import { logEntryField } from '../../server/routes/album-log.mjs';
import { sqliteAdapter } from '../../server/store/sqlite.mjs';
import { sqlMetadataStore } from '../../server/store/sql.mjs';
import { colourPhoto } from '../../tests/browser/assets.mjs';
import { rng } from '../../tests/js/seeded-random.mjs';
import { b64, client, clientOptions, core, createCollection, login, signup } from '../../tests/server/helpers.mjs';

const D = 512;
const CLUSTERS = 1000;
const BATCH = 5000;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'gray'];
const DB_FILE = 'metadata.sqlite'; // server/app.mjs
const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** Unit vectors from a seeded mixture of CLUSTERS Gaussians, one at a time. */
function clusteredEmbeddings(seed) {
  const u = rng(seed);
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const centres = Float32Array.from({ length: CLUSTERS * D }, g);
  return () => {
    const c = Math.floor(u() * CLUSTERS) * D;
    const v = new Float32Array(D);
    let s = 0;
    for (let j = 0; j < D; j++) {
      v[j] = centres[c + j] + g();
      s += v[j] * v[j];
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < D; j++) v[j] *= inv;
    return v;
  };
}

/**
 * Seeds `dataDir` with an account (`email`, `password`) and one album of `n` photos; the server
 * is not running when this resolves. `onProgress(done)` every batch. Resolves to
 * { email, password, albumId, seconds, dbBytes }.
 */
export async function seedLibrary({
  n,
  dataDir,
  appDir,
  email = 'library@example.com',
  password = 'bench password',
  onProgress,
}) {
  const t0 = performance.now();
  let server = await startGalleryServer({ dataDir, port: 0, appDir });
  let account;
  let album;
  let head;
  try {
    account = await signup(server.url, email, password);
    const { token } = await login(server.url, email, password);
    album = await createCollection(server.url, account, token, 'Library');
    const api = client.createApi(clientOptions(server.url), { token });
    const log = await api.log(album.id, 0);
    const last = log.at(-1);
    head = {
      seq: last ? Number(client.trust.decodeEntry(last.entry).seq) : -1,
      hash: await client.trust.entryHash(last.entry, last.signature),
    };
  } finally {
    await server.close();
    server = null;
  }

  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // seeding only: the server opens it with FULL
  db.pragma('foreign_keys = ON');
  // The store's statements, each "transaction" run inside the batch's one transaction.
  const adapter = sqliteAdapter(db);
  const store = sqlMetadataStore({ ...adapter, tx: (fn) => fn({ get: adapter.get, all: adapter.all, run: adapter.run }) });
  const blobDir = join(dataDir, 'blobs');
  mkdirSync(blobDir, { recursive: true });
  const putObject = async (bytes, now) => {
    const key = hex(core.randomBytes(16));
    writeFileSync(join(blobDir, key), bytes);
    await adapter.run('INSERT INTO objects (object_key, owner_id, size, creation_time) VALUES (?, ?, ?, ?)', [
      key,
      account.id,
      bytes.length,
      now,
    ]);
    return key;
  };

  const thumbnails = COLOURS.map((c) => new Uint8Array(colourPhoto(c)));
  const embedding = clusteredEmbeddings(2023);
  const signing = account.newKeys.signing;
  const { trust } = client;
  const utf8 = new TextEncoder();
  const start = Date.now() - n; // one millisecond apart, all in the past
  let prev = head.hash;
  let seq = head.seq + 1;
  for (let from = 0; from < n; from += BATCH) {
    db.exec('BEGIN');
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const now = start + i;
      const key = core.generateKey();
      const contents = core.stream.encrypt(core.randomBytes(16), key);
      const thumb = core.blob.encrypt(thumbnails[i % COLOURS.length], key);
      const meta = core.blob.encrypt(
        utf8.encode(JSON.stringify({ title: `photo-${i}.jpg`, creationTime: now * 1000, fileType: 0 })),
        key,
      );
      const wrapped = core.secretbox.encrypt(key, album.key);
      const signed = await trust.signEntry(
        core,
        {
          albumId: album.id,
          seq,
          prev,
          time: now,
          authorAccountId: account.id,
          authorKey: signing.publicKey,
          op: 'add',
          keyWrapHash: await trust.keyWrapHash(wrapped.ciphertext, wrapped.nonce),
          contentHeaderHash: await trust.contentHeaderHash(contents.header),
          contentSize: contents.ciphertext.length,
          thumbnailHash: await trust.thumbnailHash(thumb.header, thumb.ciphertext),
          thumbnailSize: thumb.ciphertext.length,
          metadataHash: await trust.metadataHash(meta.header, meta.ciphertext),
        },
        signing.secretKey,
      );
      const fileObject = await putObject(contents.ciphertext, now);
      const thumbObject = await putObject(thumb.ciphertext, now);
      const { id } = await store.createFile(
        {
          collectionID: album.id,
          ownerID: account.id,
          encryptedKey: b64(wrapped.ciphertext),
          keyDecryptionNonce: b64(wrapped.nonce),
          metadata: { encryptedData: b64(meta.ciphertext), decryptionHeader: b64(meta.header) },
          file: { objectKey: fileObject, decryptionHeader: b64(contents.header) },
          thumbnail: { objectKey: thumbObject, decryptionHeader: b64(thumb.header) },
        },
        now,
        logEntryField({ entry: b64(signed.bytes), signature: b64(signed.signature) }, album.id, ''),
      );
      const ml = withFaces(
        withClip(undefined, embedding(), client.ML_CLIENT),
        { width: 640, height: 480, faces: [] },
        client.ML_CLIENT,
      );
      const sealed = core.blob.encrypt(await packMlData(ml), key);
      await store.setMlData(id, b64(sealed.ciphertext), b64(sealed.header), now);
      key.fill(0);
      prev = signed.hash;
      seq++;
    }
    db.exec('COMMIT');
    onProgress?.(Math.min(n, from + BATCH));
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    email,
    password,
    albumId: album.id,
    seconds: (performance.now() - t0) / 1000,
    dbBytes: statSync(join(dataDir, DB_FILE)).size,
  };
}
