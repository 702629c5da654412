// The server sees no secrets: after a full session (sign-up, login, an album with a photo,
// ML data, sharing, a public link, recovery) no plaintext, name, key, token or password is
// anywhere it stores things, in any of the forms a client might leak it (raw, base64,
// base64url, hex): with SQLite and a folder, the data directory (database and its WAL, blobs,
// uploads); with PostgreSQL and S3, every file of PostgreSQL's data directory (tables and WAL)
// and every object of the bucket (claimed blobs and incomplete parts; the parts of a multipart
// upload in progress cannot be read through S3's API).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { BACKEND, sharedBackends } from './backends.mjs';
import {
  addFile,
  api,
  b64,
  core,
  createCollection,
  login,
  recover,
  signup,
  startTestServer,
  unb64,
  testBytes,
} from './helpers.mjs';

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Every form of a secret that must not be stored. */
function forms(label, value) {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  const list = [[`${label} (raw)`, bytes]];
  if (typeof value !== 'string') {
    list.push([`${label} (base64)`, Buffer.from(bytes.toString('base64').replace(/=+$/, ''))]);
    list.push([`${label} (base64url)`, Buffer.from(bytes.toString('base64url'))]);
    list.push([`${label} (hex)`, Buffer.from(bytes.toString('hex'))]);
  }
  return list;
}

test('no plaintext, name, key, token or password reaches the data directory', async () => {
  const server = await startTestServer();
  try {
    const { url } = server;
    const secrets = [];
    const alice = await signup(url, 'alice@example.org', 'Alice-Password-7f3a');
    const bob = await signup(url, 'bob@example.org', 'Bob-Password-19c2');
    const a = await login(url, alice.email, alice.password);
    const b = await login(url, bob.email, bob.password);
    const album = await createCollection(url, alice, a.token, 'Secret Album Name 42');
    const photoBytes = testBytes(200 * 1024);
    const thumbBytes = testBytes(4000);
    const photo = await addFile(url, a.token, album, {
      bytes: photoBytes,
      thumbnail: thumbBytes,
      title: 'private-beach-photo.jpg',
    });
    const mlPlain = new TextEncoder().encode(JSON.stringify({ clip: { version: 1, embedding: [0.123456789, 0.987654321] } }));
    const ml = core.blob.encrypt(mlPlain, photo.fileKey);
    assert.equal(
      (
        await api(url, 'PUT', `/api/files/${photo.id}/ml`, {
          token: a.token,
          body: { encryptedData: b64(ml.ciphertext), decryptionHeader: b64(ml.header) },
        })
      ).status,
      204,
    );
    const sealed = core.box.seal(album.key, bob.publicKey);
    assert.equal(
      (
        await api(url, 'POST', `/api/collections/${album.id}/share`, {
          token: a.token,
          body: { email: bob.email, encryptedKey: b64(sealed) },
        })
      ).status,
      204,
    );
    assert.equal((await api(url, 'GET', `/api/files/${photo.id}/file`, { token: b.token })).status, 200);
    assert.equal((await api(url, 'POST', `/api/collections/${album.id}/public-link`, { token: a.token })).status, 200);
    const recovered = await recover(url, alice.email, alice.recoveryKey, 'Alice-New-Password-88d1');
    assert.equal(recovered.status, 200);
    const again = await login(url, alice.email, 'Alice-New-Password-88d1');
    assert.equal(again.status, 200);

    // Photo and thumbnail: several windows of the random plaintext.
    for (const [name, bytes] of [
      ['photo', photoBytes],
      ['thumbnail', thumbBytes],
    ]) {
      for (let at = 0; at + 32 <= bytes.length; at += Math.floor(bytes.length / 8)) {
        secrets.push(...forms(`${name}[${at}]`, bytes.subarray(at, at + 32)));
      }
    }
    secrets.push(
      ...forms('album name', 'Secret Album Name 42'),
      ...forms('file title', 'private-beach-photo.jpg'),
      ...forms('ML data', '0.123456789'),
      ...forms('password', alice.password),
      ...forms('password B', bob.password),
      ...forms('new password', 'Alice-New-Password-88d1'),
      ...forms('master key', alice.masterKey),
      ...forms('master key B', bob.masterKey),
      ...forms('recovery key', alice.recoveryKey),
      ...forms('recovery phrase', core.mnemonic.fromKey(alice.recoveryKey)),
      ...forms('KEK', alice.kek),
      ...forms('login subkey', alice.loginSubKey),
      ...forms('secret key', alice.secretKey),
      ...forms('secret key B', bob.secretKey),
      ...forms('collection key', album.key),
      ...forms('file key', photo.fileKey),
      ...forms('token A', unb64(`${a.token.replace(/-/g, '+').replace(/_/g, '/')}=`)),
      ...forms('token B', unb64(`${b.token.replace(/-/g, '+').replace(/_/g, '/')}=`)),
      ...forms('token after recovery', unb64(`${recovered.token.replace(/-/g, '+').replace(/_/g, '/')}=`)),
    );

    await assertAbsent(server, secrets, photoBytes.length);
  } finally {
    await server.close();
  }
});

test('the scan finds what a careless client stores (raw upload bytes, a key as a name)', async () => {
  const server = await startTestServer();
  try {
    const { url } = server;
    const carol = await signup(url, 'carol@example.org', 'Carol-Password');
    const { token } = await login(url, carol.email, carol.password);
    const plain = testBytes(50_000);
    const {
      json: { objectKey },
    } = await api(url, 'POST', '/api/uploads', { token, body: { size: 100_000 } });
    await api(url, 'PATCH', `/api/uploads/${objectKey}`, { token, headers: { 'upload-offset': '0' }, raw: plain });
    await api(url, 'POST', '/api/collections', {
      token,
      body: {
        encryptedKey: b64(new Uint8Array(48)),
        keyDecryptionNonce: b64(new Uint8Array(24)),
        encryptedName: b64(carol.masterKey),
        nameDecryptionNonce: b64(new Uint8Array(24)),
      },
    });
    // The upload sits raw in uploads/; the JSON field as base64 text in the database.
    const planted = [forms('upload', plain.subarray(100, 132))[0], forms('master key', carol.masterKey)[1]];
    for (const [label, needle] of planted) {
      await assert.rejects(assertAbsent(server, [[label, needle]], 0, { stopped: false }), {
        message: new RegExp(`^${label.replace(/[()]/g, '.')} found`),
      });
    }
  } finally {
    await server.close();
  }
});

/** [name, read()] of everything the server's stores hold. */
async function storedFiles(server, when) {
  const files = (await filesUnder(server.dataDir)).map((f) => [f, () => readFile(f)]);
  if (BACKEND === 'sqlite-folder') {
    assert.ok(
      files.some(([f]) => f.endsWith('.sqlite')),
      'the database is there',
    );
    if (when === 'running')
      assert.ok(
        files.some(([f]) => f.endsWith('-wal')),
        'the WAL is there',
      );
    return files;
  }
  const { postgres } = await sharedBackends();
  const pgFiles = await filesUnder(postgres.dataDir);
  assert.ok(
    pgFiles.some((f) => f.includes('pg_wal')),
    "PostgreSQL's WAL is there",
  );
  files.push(...pgFiles.map((f) => [f, () => readFile(f)]));
  const { client, bucket } = server.testing.blobs;
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const o of listed.Contents ?? []) {
    files.push([
      `s3://${bucket}/${o.Key}`,
      async () =>
        Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body.transformToByteArray()),
    ]);
  }
  return files;
}

/** Scans the stores while the server runs (the WAL holds recent writes), then stopped. */
async function assertAbsent(server, secrets, minBytes, { stopped = true } = {}) {
  const check = async (when) => {
    const files = await storedFiles(server, when);
    let scanned = 0;
    for (const [file, read] of files) {
      // A running PostgreSQL drops files it listed a moment ago (pg_internal.init, temp files).
      const content = await read().catch((e) => {
        if (e?.code === 'ENOENT' && when === 'running') return Buffer.alloc(0);
        throw e;
      });
      scanned += content.length;
      for (const [label, needle] of secrets) {
        if (content.indexOf(needle) !== -1) assert.fail(`${label} found in ${file} (${when})`);
      }
    }
    assert.ok(scanned > minBytes, 'the ciphertext was scanned');
  };
  await check('running');
  if (!stopped) return;
  await server.stop();
  await check('stopped');
}
