// People: Ente's "cgroup" user entities. The per-type entity key wrapped by the master key and the
// encrypted entities against libsodium.js and Node's zlib (independent references) in both
// directions; cgroup data against Ente web's Zod schema (RemoteCGroupData) and the form Ente's
// mobile client writes; the user's actions (name, merge, ignore, remove a wrong face) as Ente's
// clients apply them; reconciling clustering with people; the people list Ente's web app shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { core, sodium, randomBytes, catchCoreError } from './helpers.mjs';
import {
  parseCGroupData,
  nameCluster,
  ignoreCluster,
  addClusterToPerson,
  renamePerson,
  removeFacesFromPerson,
  reconcileClusters,
  people,
  ENTITY_MAX_BYTES,
} from '../../js/dist/index.js';
import { hostileTable } from './hostile-table.mjs';

const record = hostileTable(import.meta.url);

// ---- Ente web's RemoteCGroupData (web/packages/new/photos/services/user-entity/index.ts).
const nullToUndefined = (v) => (v === null ? undefined : v);
const nullishToEmpty = (v) => v ?? [];
const RemoteFaceCluster = z.looseObject({ id: z.string(), faces: z.string().array() });
const RemoteCGroupData = z.looseObject({
  name: z.string().nullish().transform(nullToUndefined),
  assigned: z
    .array(RemoteFaceCluster.nullish())
    .nullish()
    .transform((arr) => (arr ?? []).filter((x) => x != null)),
  rejectedFaceIDs: z.array(z.string()).nullish().transform(nullishToEmpty),
  manuallyAssigned: z.array(z.number()).nullish().transform(nullishToEmpty),
  isHidden: z.boolean(),
  avatarFaceID: z.string().nullish().transform(nullToUndefined),
  isPinned: z.boolean().nullish().transform(Boolean),
  hideFromMemories: z.boolean().nullish().transform(Boolean),
});

const pull = (ciphertext, header, key) =>
  sodium.crypto_secretstream_xchacha20poly1305_pull(
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key),
    ciphertext,
  );
function push(message, key, tag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  return { encryptedData: sodium.crypto_secretstream_xchacha20poly1305_push(state, message, null, tag), header };
}

const cluster = (id, n, file = 1) => ({ id, faces: Array.from({ length: n }, (_, i) => `${file + i}_${id}`) });

test('the entity key: a random key secretbox-wrapped by the master key, both ways with libsodium.js', () => {
  const masterKey = core.generateKey();
  const { key, encrypted } = core.entities.createKey(masterKey);
  assert.equal(key.length, 32);
  assert.equal(encrypted.header.length, 24);
  assert.deepEqual(sodium.crypto_secretbox_open_easy(encrypted.encryptedKey, encrypted.header, masterKey), key);
  assert.deepEqual(core.entities.openKey(encrypted, masterKey), key);
  const nonce = randomBytes(24);
  const other = randomBytes(32);
  assert.deepEqual(
    core.entities.openKey({ encryptedKey: sodium.crypto_secretbox_easy(other, nonce, masterKey), header: nonce }, masterKey),
    other,
  );
  const e = catchCoreError(() => core.entities.openKey(encrypted, core.generateKey()));
  assert.equal(e.code, 'AUTH_FAILED');
  record('entities.openKey', 'the wrapped entity key under another master key; a bit flipped', e, 'no key returned');
  const flipped = { ...encrypted, encryptedKey: encrypted.encryptedKey.map((b, i) => (i === 3 ? b ^ 1 : b)) };
  assert.equal(catchCoreError(() => core.entities.openKey(flipped, masterKey)).code, 'AUTH_FAILED');
});

test('entities: cgroups as gzip(JSON) in a blob, location tags as JSON, against libsodium.js and zlib', async () => {
  const key = core.generateKey();
  const data = { name: 'Ada', assigned: [cluster('cluster_a', 3)], isHidden: false, birthDate: '1815-12-10' };
  const cg = await core.entities.encrypt('cgroup', data, key);
  assert.deepEqual(JSON.parse(gunzipSync(pull(cg.encryptedData, cg.header, key).message)), data);
  const loc = await core.entities.encrypt('location', { name: 'home', radius: 2 }, key);
  assert.deepEqual(JSON.parse(Buffer.from(pull(loc.encryptedData, loc.header, key).message)), { name: 'home', radius: 2 });
  // What Ente's clients made (libsodium.js, zlib) opens here.
  assert.deepEqual(await core.entities.decrypt('cgroup', push(gzipSync(JSON.stringify(data)), key), key), data);
  assert.deepEqual(await core.entities.decrypt('location', push(Buffer.from('{"a":1}'), key), key), { a: 1 });
  // Ente's web client pulls without looking at the tag: `legacy` does the same; strict refuses.
  const untagged = push(gzipSync('{"x":2}'), key, sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  await assert.rejects(core.entities.decrypt('cgroup', untagged, key), { code: 'BAD_INPUT' });
  assert.deepEqual(await core.entities.decrypt('cgroup', untagged, key, { legacy: true }), { x: 2 });
});

test('hostile entities: a wrong key, a gzip bomb, no JSON, an unknown type', async () => {
  const key = core.generateKey();
  const cg = await core.entities.encrypt('cgroup', { name: 'x' }, key);
  await assert.rejects(core.entities.decrypt('cgroup', cg, core.generateKey()), { code: 'AUTH_FAILED' });
  // 64 MiB of zeros gzip to ~64 KiB: inflation stops at the cap.
  const bomb = push(gzipSync(Buffer.alloc(64 * 1024 * 1024)), key);
  assert.ok(bomb.encryptedData.length < 100_000);
  const e = await core.entities.decrypt('cgroup', bomb, key).catch((x) => x);
  assert.equal(e.code, 'BAD_INPUT');
  record(
    'entities.decrypt',
    `an authentic cgroup whose gzip inflates to 64 MiB (cap ${ENTITY_MAX_BYTES / 2 ** 20} MiB)`,
    e,
    'stops reading at the cap',
  );
  await assert.rejects(core.entities.decrypt('cgroup', push(gzipSync('not json'), key), key), { code: 'BAD_INPUT' });
  await assert.rejects(core.entities.decrypt('location', push(Buffer.from([0xff, 0xfe]), key), key), { code: 'BAD_INPUT' });
  await assert.rejects(core.entities.encrypt('album', {}, key), { code: 'BAD_INPUT' });
  await assert.rejects(core.entities.decrypt('cgroup', cg, key.subarray(1)), { code: 'BAD_INPUT' });
});

test("cgroup data reads as Ente web's schema reads it, other keys kept; bad data is BAD_INPUT", () => {
  // Ente mobile's toJson, with its extra keys; Ente web's ignore form; nulls where Ente allows them.
  const fixtures = [
    {
      name: 'Ada',
      assigned: [cluster('cluster_a', 2)],
      rejectedFaceIDs: ['9_x'],
      avatarFaceID: null,
      isHidden: false,
      isPinned: true,
      hideFromMemories: false,
      birthDate: '1815-12-10',
      email: null,
      userID: null,
      manuallyAssigned: [4, 5],
    },
    { name: '', assigned: [cluster('cluster_b', 1)], isHidden: true, isPinned: false, hideFromMemories: false },
    {
      name: null,
      assigned: [null, cluster('cluster_c', 3)],
      rejectedFaceIDs: null,
      manuallyAssigned: null,
      isHidden: false,
      isPinned: null,
    },
  ];
  for (const f of fixtures) {
    const ours = parseCGroupData(structuredClone(f));
    const theirs = RemoteCGroupData.parse(structuredClone(f));
    assert.deepEqual(ours, JSON.parse(JSON.stringify(theirs)));
  }
  // Mobile may omit isHidden (it defaults to false); Ente web would refuse the entity.
  assert.equal(parseCGroupData({ assigned: [] }).isHidden, false);
  for (const bad of [
    [],
    'x',
    { assigned: 'a' },
    { assigned: [{ faces: [] }] },
    { rejectedFaceIDs: [1] },
    { isHidden: 'yes' },
    { name: 5 },
  ]) {
    assert.throws(() => parseCGroupData(bad), { code: 'BAD_INPUT' });
  }
});

test("the user's actions, as Ente's clients apply them", () => {
  const a = cluster('cluster_a', 3),
    b = cluster('cluster_b', 2, 10);
  const ada = nameCluster('Ada', a);
  // Ente web's addCGroup payload, with the lists its schema fills in.
  assert.deepEqual(ada, {
    name: 'Ada',
    assigned: [a],
    rejectedFaceIDs: [],
    manuallyAssigned: [],
    isHidden: false,
    isPinned: false,
    hideFromMemories: false,
  });
  assert.deepEqual(ignoreCluster(b), { ...nameCluster('', b), isHidden: true });
  // Merging un-rejects the merged cluster's faces; other keys survive every action.
  const withExtra = { ...ada, rejectedFaceIDs: ['10_cluster_b', '99_x'], birthDate: 'x' };
  const merged = addClusterToPerson(withExtra, b);
  assert.deepEqual(merged.assigned, [a, b]);
  assert.deepEqual(merged.rejectedFaceIDs, ['99_x']);
  assert.equal(merged.birthDate, 'x');
  assert.equal(renamePerson(merged, 'Ada L.').name, 'Ada L.');
  // Removing a wrong face: out of its cluster (an emptied cluster goes), into the rejected faces.
  const removed = removeFacesFromPerson(merged, ['10_cluster_b', '11_cluster_b', '1_cluster_a']);
  assert.deepEqual(removed.assigned, [{ id: 'cluster_a', faces: ['2_cluster_a', '3_cluster_a'] }]);
  assert.deepEqual(removed.rejectedFaceIDs.sort(), ['10_cluster_b', '11_cluster_b', '1_cluster_a', '99_x']);
});

test('reconciling a clustering run with the people, and the people list', () => {
  const a = cluster('cluster_a', 3),
    b = cluster('cluster_b', 12, 20),
    c = cluster('cluster_c', 4, 40);
  const cgroups = [
    { id: 'g1', updatedAt: 1, data: nameCluster('Ada', a) },
    { id: 'g2', updatedAt: 2, data: ignoreCluster(c) },
  ];
  const grownA = { ...a, faces: [...a.faces, '7_new'] };
  const result = { clusters: [grownA, c, b], modifiedClusterIDs: new Set(['cluster_a', 'cluster_b']), faces: 20 };
  const { changed, localClusters } = reconcileClusters(result, cgroups);
  assert.deepEqual(
    changed.map((g) => [g.id, g.data.assigned]),
    [['g1', [grownA]]],
  );
  assert.deepEqual(localClusters, [b]);

  const face = (id, score = 0.9) => ({ faceID: id, detection: { box: {}, landmarks: [] }, score, blur: 100, embedding: [] });
  const files = [];
  for (const id of [...grownA.faces, ...b.faces, ...c.faces])
    files.push({ fileId: Number.parseInt(id, 10), time: Number.parseInt(id, 10), faces: [face(id)] });
  const list = people({ files, cgroups: changed.concat(cgroups[1]), clusters: localClusters });
  // Ada (named) first; the ignored cgroup hidden; the local cluster of 12 shown, unnamed.
  assert.deepEqual(
    list.map((p) => [p.type, p.id, p.name, p.fileIds.length]),
    [
      ['cgroup', 'g1', 'Ada', 4],
      ['cluster', 'cluster_b', undefined, 12],
    ],
  );
  assert.equal(list[0].displayFaceID, '7_new'); // the newest face
  const all = people(
    { files, cgroups: changed.concat(cgroups[1]), clusters: [b, cluster('cluster_small', 3, 70)] },
    { includeHidden: true },
  );
  assert.deepEqual(
    all.map((p) => [p.id, p.isHidden]),
    [
      ['g1', false],
      ['g2', true],
      ['cluster_b', false],
    ],
  );
});
