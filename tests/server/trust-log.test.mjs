// The trust layer's canonical statements and signed album logs (client/src/trust): encoding,
// verification, the fold and its rules, and each way a server can lie about a log: a changed,
// dropped, reordered, replayed or forged entry, a rolled-back or forked history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLogEntryHead } from '../../contract/album-log.mjs';
import { album, core, folded, person, START, trust } from './trust-helpers.mjs';

const alice = await person(1, 'Alice@Example.test');
const bob = await person(2, 'bob@example.test');
const carol = await person(3, 'carol@example.test');
const mallory = await person(9, 'mallory@example.test'); // the server's own keys

const SCHEMA = [
  ['n', 'u64'],
  ['k', 'u8'],
  ['h', 'bytes32'],
  ['t', 'text'],
];
const VALUES = { n: 2 ** 53 - 1, k: 7, h: new Uint8Array(32).fill(5), t: 'Zoë' };

test('canonical statements: one encoding per value, and decoding refuses every other form', () => {
  const bytes = trust.encodeStatement('test/1', SCHEMA, VALUES);
  assert.deepEqual(trust.decodeStatement('test/1', SCHEMA, bytes), VALUES);
  const refuse = (b, why) =>
    assert.throws(
      () => trust.decodeStatement('test/1', SCHEMA, b),
      (e) => e.code === 'malformed',
      why,
    );
  refuse(new Uint8Array([...bytes, 0]), 'a trailing byte');
  refuse(bytes.subarray(0, bytes.length - 1), 'cut short');
  assert.throws(
    () => trust.decodeStatement('test/2', SCHEMA, bytes),
    (e) => e.code === 'malformed',
    'another tag',
  );
  const over = bytes.slice();
  over[1 + 6] = 0x00;
  over[1 + 6 + 1] = 0x20; // the u64's high word 0x0020xxxx: 2^53 and above
  refuse(over, 'a number over 2^53 - 1');
  const nfd = trust.encodeStatement('test/1', SCHEMA, { ...VALUES, t: 'Zo' }); // then splice in e + U+0308
  const decomposed = new Uint8Array([...nfd.subarray(0, nfd.length - 6), 0, 0, 0, 5, 0x5a, 0x6f, 0x65, 0xcc, 0x88]);
  refuse(decomposed, 'text not in NFC');
  const badUtf8 = new Uint8Array([...nfd.subarray(0, nfd.length - 6), 0, 0, 0, 2, 0xc3, 0x28]);
  refuse(badUtf8, 'text that is not UTF-8');
  assert.throws(
    () => trust.encodeStatement('test/1', SCHEMA, { ...VALUES, t: 'Zoe\u0308' }),
    RangeError,
    'the encoder refuses NFD',
  );
  assert.throws(() => trust.encodeStatement('test/1', SCHEMA, { ...VALUES, n: 2 ** 53 }), RangeError);
  // Every single-byte change either fails to decode or decodes to other values.
  for (let i = 0; i < bytes.length; i++) {
    const changed = bytes.slice();
    changed[i] ^= 0x01;
    let decoded;
    try {
      decoded = trust.decodeStatement('test/1', SCHEMA, changed);
    } catch {
      continue;
    }
    assert.notDeepEqual(decoded, VALUES, `byte ${i}`);
  }
});

test('an entry round-trips, and the server reads its album, sequence and previous hash from the same bytes', async () => {
  const a = await album(alice, 41);
  await a.addFile();
  await a.share(bob, 'collaborator');
  for (const { entry, bytes } of a.log) {
    assert.deepEqual(trust.decodeEntry(bytes), entry);
    const head = readLogEntryHead(bytes);
    assert.equal(head.albumId, 41);
    assert.equal(head.seq, entry.seq);
    assert.deepEqual(head.prev, entry.prev);
  }
  assert.equal(readLogEntryHead(trust.encodeStatement('test/1', SCHEMA, VALUES)), undefined);
  assert.equal(readLogEntryHead(a.log[0].bytes.subarray(0, 40)), undefined);
});

test('an honest log verifies and folds to the album: owner, name, files, members, roles, link', async () => {
  const a = await album(alice, 7);
  const f1 = await a.addFile();
  await a.addFile();
  await a.share(bob, 'collaborator');
  await a.share(carol, 'viewer');
  const byBob = await a.addFile(bob);
  await a.removeFile(f1);
  await a.rename('Holidays 2025');
  await a.append(alice, {
    op: 'role',
    memberAccountId: carol.accountId,
    memberSigningKey: carol.signing.publicKey,
    role: 'collaborator',
  });
  await a.append(alice, { op: 'link', enabled: 1, expiresAt: START + 86_400_000, allowDownload: 0 });
  await a.append(bob, { op: 'leave' });
  const { entries, state } = await folded(a.wire(), 7);
  assert.equal(entries.length, a.log.length);
  assert.equal(state.owner.accountId, alice.accountId);
  assert.deepEqual(state.owner.signingKey, alice.signing.publicKey);
  assert.deepEqual(
    [...state.files.values()].map((f) => f.addedBy),
    [alice.accountId, bob.accountId],
  );
  assert.ok(state.files.has(trust.toHex(await trust.keyWrapHash(byBob.record.encryptedKey, byBob.record.keyDecryptionNonce))));
  assert.deepEqual([...state.members.keys()], [carol.accountId], 'bob left');
  assert.equal(state.members.get(carol.accountId).role, 'collaborator');
  assert.deepEqual(state.link, { enabled: true, expiresAt: START + 86_400_000, allowDownload: false });
  assert.deepEqual(state.head, { seq: a.log.length - 1, hash: a.log.at(-1).hash });
  // Folding in two parts (a cached state, then new entries) gives the same state.
  const first = trust.foldLog(entries.slice(0, 5)).state;
  const kept = { files: [...first.files.keys()], members: [...first.members.keys()] };
  assert.deepEqual(trust.foldLog(entries.slice(5), first).state, state);
  // The fold changes in place only the maps it made: the state it started from (a cached one) is
  // left as it was, though the entries after it add, remove, share and leave.
  assert.deepEqual({ files: [...first.files.keys()], members: [...first.members.keys()] }, kept);
  assert.equal(kept.files.length, 2);
  assert.equal(kept.members.length, 2);
});

test('a log verifies from a head already verified, and the next entry must extend that head', async () => {
  const a = await album(alice, 8);
  await a.addFile();
  await a.addFile();
  const head = { seq: 1, hash: a.log[1].hash };
  const { entries, error } = await trust.verifyLog(core, 8, a.wire().slice(2), head);
  assert.equal(error, undefined);
  assert.equal(entries.length, 1);
  const wrongHead = { seq: 1, hash: a.log[0].hash };
  assert.equal((await trust.verifyLog(core, 8, a.wire().slice(2), wrongHead)).error.code, 'broken-chain');
});

/** A log of 5 entries: create, 3 files, a share. */
async function fiveEntries(albumId = 10) {
  const a = await album(alice, albumId);
  await a.addFile();
  await a.addFile();
  await a.addFile();
  await a.share(bob, 'collaborator');
  return a;
}

test('the server changes, drops, reorders or replays entries: the log stops at the last good one', async () => {
  const a = await fiveEntries();
  const cases = [];
  // A changed byte in an entry (its signature no longer verifies).
  const changed = a.wire();
  changed[2] = { ...changed[2], bytes: changed[2].bytes.slice() };
  changed[2].bytes[changed[2].bytes.length - 1] ^= 1;
  cases.push(['a byte of entry 2 changed', changed, 2, 'bad-signature']);
  // A changed signature.
  const badSig = a.wire();
  badSig[3] = { ...badSig[3], signature: badSig[3].signature.slice() };
  badSig[3].signature[0] ^= 1;
  cases.push(['the signature of entry 3 changed', badSig, 3, 'bad-signature']);
  // A dropped entry.
  const dropped = a.wire();
  dropped.splice(2, 1);
  cases.push(['entry 2 dropped', dropped, 2, 'broken-chain']);
  // Two entries swapped.
  const swapped = a.wire();
  [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
  cases.push(['entries 1 and 2 swapped', swapped, 1, 'broken-chain']);
  // An entry of another album replayed in its place.
  const other = await fiveEntries(11);
  const replayed = a.wire();
  replayed[3] = other.wire()[3];
  cases.push(["entry 3 replaced by another album's entry 3", replayed, 3, 'broken-chain']);
  // An entry duplicated.
  const duplicated = a.wire();
  duplicated.splice(3, 0, duplicated[2]);
  cases.push(['entry 2 sent twice', duplicated, 3, 'broken-chain']);
  // Garbage.
  const garbage = a.wire();
  garbage[1] = { bytes: core.randomBytes(200), signature: core.randomBytes(64) };
  cases.push(['entry 1 replaced by random bytes', garbage, 1, 'malformed']);
  for (const [what, wire, at, code] of cases) {
    const { entries, error } = await trust.verifyLog(core, 10, wire);
    assert.equal(error?.code, code, what);
    assert.equal(entries.length, at, `${what}: the entries before it are kept`);
  }
});

test('the fold refuses entries their author may not make, and keeps the state before them', async () => {
  const cases = [
    ['an entry signed by the server’s own key', async (a) => a.append(mallory, { op: 'rename', nameHash: new Uint8Array(32) })],
    ['a viewer adding a file', async (a) => a.addFile(carol)],
    ['a collaborator renaming the album', async (a) => a.append(bob, { op: 'rename', nameHash: new Uint8Array(32) })],
    [
      'a collaborator sharing the album on',
      async (a) =>
        a.append(bob, {
          op: 'share',
          memberAccountId: 9,
          memberEmail: mallory.email,
          memberBoxKey: mallory.box.publicKey,
          memberSigningKey: mallory.signing.publicKey,
          sealedKeyHash: new Uint8Array(32),
          role: 'collaborator',
        }),
    ],
    ["a collaborator removing the owner's file", async (a) => a.removeFile(a.files[0], bob)],
    ['a second create', async (a) => a.append(alice, { op: 'create', nameHash: new Uint8Array(32) })],
    ['removing a file that is not there', async (a) => a.append(alice, { op: 'remove', keyWrapHash: new Uint8Array(32) })],
    ['adding the same file twice', async (a) => a.append(alice, { ...(await keptAdd(a)) })],
    ['a member’s entry signed with another key', async (a) => a.append({ ...bob, signing: mallory.signing }, { op: 'leave' })],
    ['the owner leaving', async (a) => a.append(alice, { op: 'leave' })],
    ['sharing with the owner', async (a) => a.share(alice)],
  ];
  for (const [what, bad] of cases) {
    const a = await album(alice, 20);
    await a.addFile();
    await a.share(bob, 'collaborator');
    await a.share(carol, 'viewer');
    const before = a.log.length;
    await bad(a);
    await a.addFile(); // an honest entry after it is lost with it: it extends a bad one
    const { entries, error } = await trust.verifyLog(core, 20, a.wire());
    assert.equal(error, undefined, `${what}: the signatures and chain hold`);
    const fold = trust.foldLog(entries);
    assert.equal(fold.error?.code, 'not-allowed', what);
    assert.equal(fold.error.seq, before, what);
    assert.equal(fold.state.head.seq, before - 1, `${what}: the state is the one before it`);
  }
});

/** The add entry of the album's first file again (a replay of the same file). */
async function keptAdd(a) {
  const { entry } = a.log[1];
  const { albumId, seq, prev, time, authorAccountId, authorKey, ...body } = entry;
  return body;
}

test('a rolled-back log is detected against the head this account saw, with its time', async () => {
  const a = await fiveEntries(30);
  const seen = { seq: 4, hash: a.log[4].hash, seenAt: START + 3_600_000 };
  const { entries } = await trust.verifyLog(core, 30, a.wire().slice(0, 3));
  const finding = trust.checkSeen(30, entries, seen);
  assert.deepEqual(finding, { kind: 'rollback', albumId: 30, seen, shownSeq: 2 });
  assert.equal(
    trust.describe(finding, { album: 'Holidays' }),
    'The server showed an older version of “Holidays” than you saw on 1 March 2025 at 13:00 UTC (change 3 of 5). ' +
      'Changes made since may be hidden from you.',
  );
  assert.equal(trust.checkSeen(30, (await folded(a.wire(), 30)).entries, seen), undefined, 'the full log is fine');
  const empty = await trust.verifyLog(core, 30, []);
  assert.equal(trust.checkSeen(30, empty.entries, seen).kind, 'rollback', 'an empty log');
});

test('a fork (two members shown different histories) is detected, and the two views never join again', async () => {
  // Alice and Bob (collaborator) both append at seq 5; the server keeps each one's entry from the other.
  const a = await fiveEntries(31);
  const common = a.log.length;
  const aliceView = [...a.log];
  await a.addFile(alice);
  const alicesEntry = a.log.at(-1);
  a.log.length = common;
  await a.addFile(bob);
  await a.addFile(bob); // Bob goes on from his own view
  const bobsView = [...a.log];
  const aliceSeen = { seq: common, hash: alicesEntry.hash, seenAt: START };
  const shownToAlice = await trust.verifyLog(
    core,
    31,
    bobsView.map(({ bytes, signature }) => ({ bytes, signature })),
  );
  assert.equal(shownToAlice.error, undefined, "Bob's view is a valid log on its own");
  const finding = trust.checkSeen(31, shownToAlice.entries, aliceSeen);
  assert.equal(finding.kind, 'fork');
  assert.match(trust.describe(finding, { album: 'Holidays' }), /different history of “Holidays” than the one you saw on/);
  // Nothing Bob writes later can extend Alice's head: his entries chain from his own.
  const joined = [...aliceView, alicesEntry, ...bobsView.slice(common + 1)].map(({ bytes, signature }) => ({ bytes, signature }));
  const { error } = await trust.verifyLog(core, 31, joined);
  assert.equal(error?.code, 'broken-chain');
  // And the album's fingerprint (its head) differs between the two views.
  assert.notDeepEqual(alicesEntry.hash, bobsView[common].hash);
});
