// The client's uploads against the real server: a 10 MiB file goes up in one PATCH per
// ciphertext chunk (4 MiB + 17 bytes each, the last one shorter), a PATCH cut mid-way resumes
// at the chunk the server says it has (HEAD), and what comes back decrypts to what went up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_BYTES } from '../../js/dist/crypto.js';
import { client, clientOptions, core, libraryOf, login, signup, startTestServer, testBytes } from './helpers.mjs';

const TEN_MIB = 10 * 1024 * 1024;
const PIECE = client.limits.UPLOAD_PIECE_BYTES;
let server, alice, token, album;

before(async () => {
  server = await startTestServer();
  alice = await signup(server.url, 'alice@example.org', 'pw');
  ({ token } = await login(server.url, alice.email, 'pw'));
  album = await libraryOf(server.url, alice, token).createAlbum('Uploads');
});
after(() => server?.close());

/** A library whose requests go through `fetch` (which may count or cut them). */
function libraryWith(fetch) {
  const { id: userId, masterKey, publicKey, secretKey } = alice;
  const api = client.createApi(clientOptions(server.url, { fetch }), { token });
  return new client.Library(core, api, { userId, masterKey, publicKey, secretKey, signing: alice.newKeys.signing });
}

const photo = (bytes) => ({
  contents: [bytes],
  size: bytes.length,
  thumbnail: testBytes(2000),
  meta: { title: 'big.png', creationTime: 1, fileType: 0 },
});

test('a 10 MiB file: one PATCH per ciphertext chunk, at the chunks offsets', async () => {
  const patches = [];
  const library = libraryWith((url, init) => {
    if (init.method === 'PATCH') patches.push({ url, offset: Number(init.headers['Upload-Offset']), bytes: init.body.length });
    return fetch(url, init);
  });
  const bytes = testBytes(TEN_MIB);
  const file = await library.upload(album, photo(bytes));
  const chunks = Math.ceil(TEN_MIB / CHUNK_BYTES);
  const contents = patches.filter((p) => p.url === patches[0].url);
  assert.equal(chunks, 3);
  assert.deepEqual(
    contents.map((p) => [p.offset, p.bytes]),
    [
      [0, PIECE],
      [PIECE, PIECE],
      [2 * PIECE, client.cipherSize(TEN_MIB) - 2 * PIECE],
    ],
  );
  assert.equal(patches.length, chunks + 1, 'and one for the thumbnail');
  assert.deepEqual(Buffer.from(await library.contents(file)), Buffer.from(bytes));
});

test('a PATCH cut mid-upload: HEAD, then the same chunk again from the offset the server has', async () => {
  const log = [];
  let cut = false;
  const library = libraryWith(async (url, init) => {
    log.push({ method: init.method, offset: init.headers['Upload-Offset'] });
    if (init.method === 'PATCH' && init.headers['Upload-Offset'] === String(PIECE) && !cut) {
      cut = true;
      throw new TypeError('fetch failed: the connection was reset');
    }
    return fetch(url, init);
  });
  const bytes = testBytes(TEN_MIB);
  const file = await library.upload(album, photo(bytes));
  const contents = log.filter((e) => e.method === 'PATCH' || e.method === 'HEAD').slice(0, 5);
  assert.deepEqual(
    contents.map((e) => `${e.method} ${e.offset ?? ''}`.trim()),
    ['PATCH 0', `PATCH ${PIECE}`, 'HEAD', `PATCH ${PIECE}`, `PATCH ${2 * PIECE}`],
  );
  const listed = await libraryWith(fetch).loadFiles(album);
  assert.ok(listed.some((f) => f.id === file.id));
  assert.deepEqual(Buffer.from(await library.contents(file)), Buffer.from(bytes));
});
