// People across devices: Ente's user entities over the server (docs/server-api.md, "User
// entities"). Two devices of one account share the cgroup key (wrapped by the master key, stored
// once; a device that loses the race uses the winner's) and see each other's people, changes and
// deletions by diff; another account reaches none of them; malformed requests are refused; and
// the client believes nothing the server sends about them that it cannot check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nameCluster, renamePerson, removeFacesFromPerson, ENTITY_MAX_BYTES } from '../../js/dist/search.js';
import { api, b64, client, clientOptions, core, login, signup, startTestServer } from './helpers.mjs';

let server, alice, bob, phone, laptop, bobSession;
const cluster = (n, id = `cluster_${String(n).padStart(22, 'A')}`) => ({ id, faces: [`${n}_0.10000_0.10000_0.20000_0.20000`] });

before(async () => {
  server = await startTestServer();
  alice = await signup(server.url, 'alice@example.org', 'pw');
  bob = await signup(server.url, 'bob@example.org', 'pw');
  phone = (await login(server.url, alice.email, 'pw')).session;
  laptop = (await login(server.url, alice.email, 'pw')).session;
  bobSession = (await login(server.url, bob.email, 'pw')).session;
});
after(() => server?.close());

/** An API for `session` whose answers to `route` go through `edit(json)` first (a lying server). */
function lyingApi(session, route, edit) {
  const fetchEdited = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    if (url.pathname !== route.path || (init?.method ?? 'GET') !== route.method || !res.ok) return res;
    const json = edit(await res.json());
    return new Response(JSON.stringify(json), { status: res.status, headers: res.headers });
  };
  return client.createApi(clientOptions(server.url, { fetch: fetchEdited }), { token: session.token });
}

test('the cgroup key: made once by the first device, opened by the second; a device that loses the race takes the winner’s', async () => {
  assert.equal((await api(server.url, 'GET', '/api/user-entity/key?type=cgroup', { token: phone.token })).status, 404);
  const made = await client.openEntityKey(core, phone.api, phone.masterKey);
  const opened = await client.openEntityKey(core, laptop.api, laptop.masterKey);
  assert.equal(made.length, 32);
  assert.deepEqual(opened, made);
  const stored = await phone.api.entityKey('cgroup');
  assert.deepEqual(core.secretbox.decrypt(stored.encryptedKey, stored.header, alice.masterKey), made);

  // Bob's two devices race: the second one's POST arrives after the first stored its key.
  let winner;
  const racing = async (input, init) => {
    if (new URL(String(input)).pathname === client.ROUTES.createEntityKey.path && !winner) {
      winner = await client.openEntityKey(core, bobSession.api, bobSession.masterKey);
    }
    return fetch(input, init);
  };
  const slow = client.createApi(clientOptions(server.url, { fetch: racing }), { token: bobSession.token });
  const got = await client.openEntityKey(core, slow, bob.masterKey);
  assert.ok(winner, 'the other device stored its key first');
  assert.deepEqual(got, winner, 'the loser uses the winner’s key');
  assert.notDeepEqual(got, made, 'and each account has its own');
  const second = await api(server.url, 'POST', '/api/user-entity/key', {
    token: bobSession.token,
    body: { type: 'cgroup', encryptedKey: b64(new Uint8Array(48)), header: b64(new Uint8Array(24)) },
  });
  assert.equal(second.status, 409, 'a key is never replaced');
});

test('people made, renamed, corrected and deleted on one device reach the other by diff', async () => {
  const keyPhone = await client.openEntityKey(core, phone.api, phone.masterKey);
  const keyLaptop = await client.openEntityKey(core, laptop.api, laptop.masterKey);
  const ann = await client.savePerson(core, phone.api, keyPhone, nameCluster('Ann', cluster(1)));
  const ben = await client.savePerson(core, phone.api, keyPhone, nameCluster('Ben', cluster(2)));
  assert.match(ann.id, /^cgroup_[0-9a-f]{32}$/);
  assert.ok(ben.updatedAt > ann.updatedAt);

  const first = await client.pullPeople(core, laptop.api, keyLaptop);
  assert.deepEqual(
    first.people.map((p) => [p.id, p.data.name, p.data.assigned]),
    [
      [ann.id, 'Ann', [cluster(1)]],
      [ben.id, 'Ben', [cluster(2)]],
    ],
  );
  assert.deepEqual([first.deleted, first.unreadable, first.latest], [[], 0, ben.updatedAt]);

  // The laptop renames Ann and takes a wrong face out of her; the phone deletes Ben.
  const changed = removeFacesFromPerson(renamePerson(first.people[0].data, 'Ann B.'), cluster(1).faces);
  const saved = await client.savePerson(core, laptop.api, keyLaptop, changed, ann.id);
  assert.equal(saved.id, ann.id);
  await client.deletePerson(phone.api, ben.id);

  const next = await client.pullPeople(core, phone.api, keyPhone, ben.updatedAt);
  assert.deepEqual(
    next.people.map((p) => [p.id, p.data.name, p.data.assigned, p.data.rejectedFaceIDs]),
    [[ann.id, 'Ann B.', [], cluster(1).faces]],
  );
  assert.deepEqual(next.deleted, [ben.id]);
  assert.deepEqual((await client.pullPeople(core, phone.api, keyPhone, next.latest)).people, [], 'nothing newer');
  const all = await client.pullPeople(core, phone.api, keyPhone);
  assert.deepEqual(
    all.people.map((p) => p.id),
    [ann.id],
    'each entity once, at its latest',
  );
  assert.deepEqual(all.deleted, [ben.id], 'a tombstone stays');
  const updateDeleted = await api(server.url, 'PUT', `/api/user-entity/entity/${ben.id}`, {
    token: phone.token,
    body: { encryptedData: b64(new Uint8Array(40)), header: b64(new Uint8Array(24)) },
  });
  assert.equal(updateDeleted.status, 404, 'a deleted entity is not updated');
});

test('the diff pages oldest change first, and every change gets a later time', async () => {
  const key = await client.openEntityKey(core, phone.api, phone.masterKey);
  const made = [];
  for (const n of [3, 4, 5]) made.push(await client.savePerson(core, phone.api, key, nameCluster(`P${n}`, cluster(n))));
  const since = made[0].updatedAt - 1;
  const page1 = await phone.api.entityDiff('cgroup', since, 2);
  assert.deepEqual(
    page1.diff.items.map((e) => e.id),
    [made[0].id, made[1].id],
  );
  const page2 = await phone.api.entityDiff('cgroup', page1.diff.items[1].updatedAt, 2);
  assert.deepEqual(
    page2.diff.items.map((e) => e.id),
    [made[2].id],
  );
  const times = [...page1.diff.items, ...page2.diff.items].map((e) => e.updatedAt);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
  assert.equal(new Set(times).size, times.length);
  assert.equal((await phone.api.entityDiff('location', 0)).diff.items.length, 0, 'by type');
});

test('another account reaches none of them', async () => {
  const key = await client.openEntityKey(core, phone.api, phone.masterKey);
  const mine = await client.savePerson(core, phone.api, key, nameCluster('Private', cluster(9)));
  const body = { encryptedData: b64(new Uint8Array(40)), header: b64(new Uint8Array(24)) };
  for (const [method, extra] of [
    ['PUT', { body }],
    ['DELETE', {}],
  ]) {
    const r = await api(server.url, method, `/api/user-entity/entity/${mine.id}`, { token: bobSession.token, ...extra });
    assert.equal(r.status, 404, method);
  }
  const bobs = await bobSession.api.entityDiff('cgroup', 0);
  assert.ok(!bobs.diff.items.some((e) => e.id === mine.id));
  const still = await client.pullPeople(core, phone.api, key, mine.updatedAt - 1);
  assert.deepEqual(
    still.people.map((p) => p.data.name),
    ['Private'],
    'untouched',
  );
  assert.equal((await api(server.url, 'GET', '/api/user-entity/entity/diff?type=cgroup')).status, 401, 'signed in only');
});

test('malformed requests are refused and store nothing', async () => {
  const token = phone.token;
  const header = b64(new Uint8Array(24));
  const post = (body) => api(server.url, 'POST', '/api/user-entity/entity', { token, body });
  for (const type of ['CGroup', '../x', '', 'a'.repeat(33), 7]) {
    assert.equal((await post({ type, encryptedData: b64(new Uint8Array(40)), header })).status, 400, `type ${type}`);
  }
  assert.equal(
    (await post({ type: 'cgroup', encryptedData: b64(new Uint8Array(40)), header: b64(new Uint8Array(23)) })).status,
    400,
  );
  assert.equal((await post({ type: 'cgroup', encryptedData: 'not base64!', header })).status, 400);
  const big = await post({ type: 'cgroup', encryptedData: b64(new Uint8Array(client.limits.MAX_ENTITY_BYTES + 1)), header });
  assert.equal(big.status, 413);
  assert.equal(client.limits.MAX_ENTITY_BYTES, ENTITY_MAX_BYTES + 17, "the package's cap plus the blob's tag");
  assert.equal((await post({ type: 'location', encryptedData: b64(new Uint8Array(40)), header })).status, 409, 'no key yet');
  const key = (body) => api(server.url, 'POST', '/api/user-entity/key', { token, body });
  assert.equal((await key({ type: 'location', encryptedKey: b64(new Uint8Array(32)), header })).status, 400, 'not a wrapped key');
  for (const q of ['type=cgroup&sinceTime=-1', 'type=cgroup&sinceTime=x', 'type=cgroup&limit=501', 'type=Cgroup', '']) {
    assert.equal((await api(server.url, 'GET', `/api/user-entity/entity/diff?${q}`, { token })).status, 400, q);
  }
  for (const id of ['x', 'cgroup_../../etc', `cgroup_${'0'.repeat(32)}`]) {
    assert.equal(
      (await api(server.url, 'DELETE', `/api/user-entity/entity/${encodeURIComponent(id)}`, { token })).status,
      404,
      id,
    );
  }
  assert.equal((await phone.api.entityDiff('location', 0)).diff.items.length, 0);
});

test('a lying server: a key that is not the account’s, a changed or retyped entity, a diff going back, a tombstone with data', async () => {
  const key = await client.openEntityKey(core, phone.api, phone.masterKey);
  const person = await client.savePerson(core, phone.api, key, nameCluster('Zoe', cluster(7)));
  const since = person.updatedAt - 1;

  const bobsKey = await bobSession.api.entityKey('cgroup');
  const substituted = lyingApi(phone, client.ROUTES.entityKey, (k) => ({
    ...k,
    encryptedKey: b64(bobsKey.encryptedKey),
    header: b64(bobsKey.header),
  }));
  await assert.rejects(client.openEntityKey(core, substituted, phone.masterKey), { code: 'AUTH_FAILED' });

  const editDiff = (fn) => lyingApi(phone, client.ROUTES.entityDiff, (d) => ({ diff: d.diff.map(fn) }));
  const flipped = editDiff((e) => {
    const data = Buffer.from(e.encryptedData, 'base64');
    data[data.length - 1] ^= 1;
    return { ...e, encryptedData: data.toString('base64') };
  });
  const pulled = await client.pullPeople(core, flipped, key, since);
  assert.deepEqual([pulled.people, pulled.unreadable], [[], 1], 'a changed entity is left out and counted');

  const retyped = await client.pullPeople(
    core,
    editDiff((e) => ({ ...e, type: 'location' })),
    key,
    since,
  );
  assert.deepEqual([retyped.people, retyped.unreadable], [[], 1]);

  const tombstoneWithData = await client.pullPeople(
    core,
    editDiff((e) => ({ ...e, isDeleted: true })),
    key,
    since,
  );
  assert.deepEqual([tombstoneWithData.people, tombstoneWithData.deleted, tombstoneWithData.unreadable], [[], [], 1]);

  const backwards = editDiff((e) => ({ ...e, updatedAt: 1 }));
  await assert.rejects(client.pullPeople(core, backwards, key, since), { code: 'bad_response' });

  const honest = await client.pullPeople(core, phone.api, key, since);
  assert.deepEqual(
    honest.people.map((p) => p.data.name),
    ['Zoe'],
  );
});
