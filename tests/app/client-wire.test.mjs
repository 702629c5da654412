// The client's wire (client/src/wire): uploads cut into pieces of exactly the contract's size
// whatever the source's chunks, and every answer parsed at the edge: a value of the wrong type
// or size is an ApiError 'bad_response' naming it, and a listing leaves a malformed record out
// (counted) rather than failing whole. The server here is a fake fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from '../../build/client/index.mjs';
import { randomBytes } from '../js/test-random.mjs';

const { createApi, pieces, ApiError, limits, toB64 } = client;

/** A fetch that answers `body` as JSON (or with `status`) to every call, and records the calls. */
function fakeServer(body, status = 200) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, ...init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { calls, api: (credentials = { token: 't' }) => createApi({ baseUrl: 'http://server', fetch }, credentials) };
}

test('pieces: any chunking of the source comes out in pieces of exactly the piece size', async () => {
  const size = 3 * 1000 + 123;
  const bytes = randomBytes(size);
  for (const cut of [1, 7, 999, 1000, 1001, 2500, size]) {
    const chunks = [];
    for (let at = 0; at < size; at += cut) chunks.push(bytes.slice(at, at + cut));
    const out = [];
    for await (const piece of pieces(chunks, 1000, size)) out.push(piece.slice());
    assert.deepEqual(
      out.map((p) => p.length),
      [1000, 1000, 1000, 123],
      `source chunks of ${cut}`,
    );
    assert.deepEqual(Buffer.concat(out), Buffer.from(bytes));
  }
  assert.equal(limits.UPLOAD_PIECE_BYTES, 4 * 1024 * 1024 + 17);
});

test('answers of the wrong shape are refused with bad_response, naming the field', async () => {
  const good = { id: 3, email: 'a@example.org', publicKey: toB64(new Uint8Array(32)) };
  assert.equal((await fakeServer(good).api().publicKey('a@example.org')).publicKey.length, 32);
  for (const [lie, field] of [
    [{ ...good, publicKey: toB64(new Uint8Array(31)) }, 'publicKey'],
    [{ ...good, publicKey: 'not base64!' }, 'publicKey'],
    [{ ...good, id: '3' }, 'id'],
    [{ ...good, id: 0 }, 'id'],
    [{ ...good, email: 42 }, 'email'],
    [[good], 'public key'],
    [null, 'public key'],
  ]) {
    await assert.rejects(fakeServer(lie).api().publicKey('a@example.org'), (e) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.code, 'bad_response');
      assert.match(e.message, new RegExp(field));
      return true;
    });
  }
});

test('a listing leaves out (and counts) the records that do not parse', async () => {
  const record = (id) => ({
    id,
    collectionID: 1,
    ownerID: 1,
    encryptedKey: toB64(new Uint8Array(48)),
    keyDecryptionNonce: toB64(new Uint8Array(24)),
    file: { decryptionHeader: toB64(new Uint8Array(24)), size: 100 },
    thumbnail: { decryptionHeader: toB64(new Uint8Array(24)), size: 10 },
    metadata: { encryptedData: toB64(new Uint8Array(40)), decryptionHeader: toB64(new Uint8Array(24)) },
    updationTime: 1,
  });
  const listing = [record(1), { ...record(2), encryptedKey: toB64(new Uint8Array(47)) }, record(3), { id: 4 }];
  const { items, rejected } = await fakeServer(listing).api().files(1);
  assert.deepEqual(
    items.map((r) => r.id),
    [1, 3],
  );
  assert.equal(rejected, 2);
  assert.ok(items[0].encryptedKey instanceof Uint8Array);
  await assert.rejects(fakeServer({ not: 'a list' }).api().files(1), { code: 'bad_response' });
});

test('an entity diff leaves out (and counts) entities that do not parse: live without data, tombstones with it', async () => {
  const entity = (id, more = {}) => ({
    id: `cgroup_${id}`,
    type: 'cgroup',
    encryptedData: toB64(new Uint8Array(40)),
    header: toB64(new Uint8Array(24)),
    isDeleted: false,
    createdAt: 1,
    updatedAt: id,
    ...more,
  });
  const diff = [
    entity(1),
    entity(2, { isDeleted: true, encryptedData: null, header: null }),
    entity(3, { isDeleted: true }),
    entity(4, { encryptedData: null }),
    entity(5, { header: toB64(new Uint8Array(23)) }),
    entity(6, { isDeleted: 'no' }),
    entity(7, { encryptedData: toB64(new Uint8Array(limits.MAX_ENTITY_BYTES + 1)) }),
  ];
  const { items, rejected } = (await fakeServer({ diff }).api().entityDiff('cgroup', 0)).diff;
  assert.deepEqual(
    items.map((e) => [e.id, e.isDeleted, e.encryptedData?.length ?? null]),
    [
      ['cgroup_1', false, 40],
      ['cgroup_2', true, null],
    ],
  );
  assert.equal(rejected, 5);
  const tooMany = Array.from({ length: limits.ENTITY_DIFF_MAX + 1 }, (_, i) => entity(i + 1));
  await assert.rejects(fakeServer({ diff: tooMany }).api().entityDiff('cgroup', 0), { code: 'bad_response' });
  await assert.rejects(fakeServer({ key: 1 }).api().entityKey('cgroup'), { code: 'bad_response' });
});

test('an album log page of 200,000 entries is read whole, not a stack overflow', async () => {
  // The server sizes each page; a spread of some 125,000 entries into push() throws RangeError.
  const signature = toB64(new Uint8Array(64));
  const entries = Array.from({ length: 200_000 }, (_, seq) => ({ seq, entry: 'AQ==', signature }));
  const { calls, api } = fakeServer({ entries, more: false });
  const log = await api().log(5);
  assert.equal(calls.length, 1);
  assert.equal(log.length, 200_000);
  assert.deepEqual([log[0].seq, log.at(-1).seq, log.at(-1).entry.length, log.at(-1).signature.length], [0, 199_999, 1, 64]);
});

test('calls carry their credentials: the account token, or a public link access token', async () => {
  const server = fakeServer([]);
  await server.api({ token: 'session-token' }).files(5);
  await server.api({ accessToken: 'link-token' }).files(5);
  const [account, link] = server.calls;
  assert.equal(account.url, 'http://server/api/collections/5/files');
  assert.equal(account.headers['X-Auth-Token'], 'session-token');
  assert.equal(link.url, 'http://server/api/public/files');
  assert.equal(link.headers['X-Auth-Access-Token'], 'link-token');
  await assert.rejects(server.api({}).files(5), { status: 401 });
  assert.equal(server.calls.length, 2, 'no call without credentials');
});

test("a server's error answer is an ApiError with its status, code and headers", async () => {
  await assert.rejects(fakeServer({ error: 'rate_limited', message: 'too many attempts; try later' }, 429).api().me(), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limited');
    assert.equal(e.message, 'too many attempts; try later');
    return true;
  });
});

test('fromB64 decodes what Node encodes, at every length, and refuses what is not standard padded base64', () => {
  for (let n = 0; n < 200; n++) {
    const bytes = randomBytes(n);
    assert.deepEqual(client.fromB64(Buffer.from(bytes).toString('base64')), new Uint8Array(bytes), `${n} bytes`);
  }
  for (const bad of [
    'not base64!',
    'QUJ',
    'QUJD RA==',
    'QU=D',
    '=QUJ',
    'Q===',
    '====',
    'QUJDRA-_',
    'QUJD\u00e9A==',
    'QUJD\nRA==',
    5,
    null,
  ]) {
    assert.throws(
      () => client.fromB64(bad),
      (e) => e instanceof ApiError && e.code === 'bad_response',
      JSON.stringify(bad),
    );
  }
});
