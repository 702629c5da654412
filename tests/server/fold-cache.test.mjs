// The album log's fold as the device-local library cache keeps it (client/src/trust/fold-cache.ts,
// docs/library-cache.md): packed and unpacked to the same state and entry hashes, extended by the
// log's new entries only (verified from the cached head), still finding a rollback or a fork
// against the account record's head, and refusing bytes that are not a fold of this album.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { album, core, folded, person, START, trust } from './trust-helpers.mjs';

const alice = await person(1, 'alice@example.test');
const bob = await person(2, 'bob@example.test');
const carol = await person(3, 'carol@example.test');

/** An album whose log has every kind of entry the fold keeps: files added and removed, members, roles, a link. */
async function busyAlbum(albumId) {
  const a = await album(alice, albumId);
  const f1 = await a.addFile();
  await a.addFile();
  await a.share(bob, 'collaborator');
  await a.share(carol, 'viewer');
  await a.addFile(bob);
  await a.removeFile(f1);
  await a.rename('Holidays 2025');
  await a.append(alice, { op: 'link', enabled: 1, expiresAt: START + 86_400_000, allowDownload: 0 });
  return a;
}

const hashesOf = (entries) => entries.map((e) => e.hash);

test('a fold packs and unpacks to the same state and entry hashes', async () => {
  const a = await busyAlbum(41);
  const { entries, state } = await folded(a.wire(), 41);
  const bytes = trust.packFold(state, hashesOf(entries));
  const back = trust.unpackFold(bytes, 41);
  assert.deepEqual(back.state, state);
  assert.deepEqual(back.hashes, hashesOf(entries));
  assert.equal(back.state.files.size, 2);
  assert.equal(back.state.members.get(carol.accountId).role, 'viewer');
  // Files are a fixed-width table of 168 bytes each, the entry hashes 32 each.
  const again = trust.packFold(back.state, back.hashes);
  assert.deepEqual(again, bytes);
  assert.throws(() => trust.packFold(state, hashesOf(entries).slice(1)), /needs/);
});

test('a cached fold is extended by the new entries only, verified from its head, to the fold of the whole log', async () => {
  const a = await busyAlbum(42);
  const before = await folded(a.wire(), 42);
  const cached = trust.unpackFold(trust.packFold(before.state, hashesOf(before.entries)), 42);
  // Others change the album while this device is away.
  const f = await a.addFile(bob);
  await a.append(alice, {
    op: 'role',
    memberAccountId: carol.accountId,
    memberSigningKey: carol.signing.publicKey,
    role: 'collaborator',
  });
  await a.removeFile(f);
  await a.append(bob, { op: 'leave' });
  const fresh = a.wire().slice(cached.state.head.seq + 1); // what `GET /log?since=head+1` returns
  assert.equal(fresh.length, 4);
  const verified = await trust.verifyLog(core, 42, fresh, cached.state.head);
  assert.equal(verified.error, undefined);
  const grown = trust.foldLog(verified.entries, cached.state);
  assert.equal(grown.error, undefined);
  const whole = await folded(a.wire(), 42);
  assert.deepEqual(grown.state, whole.state);
  assert.deepEqual([...cached.hashes, ...hashesOf(verified.entries)], hashesOf(whole.entries));
  // A server that serves entries not extending the cached head is refused, not folded.
  const other = await busyAlbum(42);
  await other.addFile();
  const forged = other.wire().slice(cached.state.head.seq + 1);
  assert.equal((await trust.verifyLog(core, 42, forged, cached.state.head)).error.code, 'broken-chain');
});

test('rollback and fork are still found against the account record with a cached fold', async () => {
  const a = await busyAlbum(43);
  const { entries, state } = await folded(a.wire().slice(0, 6), 43);
  const cached = trust.unpackFold(trust.packFold(state, hashesOf(entries)), 43);
  const asEntries = (hashes) => hashes.map((hash) => ({ hash }));
  // Another device saw entry 7: the server shows this one nothing after the cached head.
  const seen = { seq: 7, hash: a.log[7].hash, seenAt: START };
  assert.deepEqual(trust.checkSeen(43, asEntries(cached.hashes), seen), { kind: 'rollback', albumId: 43, seen, shownSeq: 5 });
  // With the new entries read after the cached head, the record's head is there: no finding.
  const fresh = await trust.verifyLog(core, 43, a.wire().slice(6), cached.state.head);
  assert.equal(trust.checkSeen(43, asEntries([...cached.hashes, ...hashesOf(fresh.entries)]), seen), undefined);
  // The record saw another entry at a cached sequence: a fork.
  const forked = { seq: 3, hash: a.log[4].hash, seenAt: START };
  assert.equal(trust.checkSeen(43, asEntries(cached.hashes), forked).kind, 'fork');
});

test('bytes that are not a fold of this album are refused with a TrustError', async () => {
  const a = await busyAlbum(44);
  const { entries, state } = await folded(a.wire(), 44);
  const bytes = trust.packFold(state, hashesOf(entries));
  const refused = (b, albumId = 44) =>
    assert.throws(() => trust.unpackFold(b, albumId), { name: 'TrustError', code: 'malformed' });
  refused(bytes, 45); // another album's
  refused(bytes.subarray(0, bytes.length - 1)); // cut short
  refused(Uint8Array.of(...bytes, 0)); // a byte more
  refused(new Uint8Array(0));
  const changed = (at, value) => {
    const b = bytes.slice();
    b[at] = value;
    return b;
  };
  refused(changed(0, 0x58)); // not the magic
  refused(changed(4, 2)); // another format version
  refused(changed(9, 0x20 ^ bytes[9])); // the header no longer JSON
  // The last entry hash no longer the head's.
  refused(changed(bytes.length - 1, bytes.at(-1) ^ 1));
  // A file's seq (the last 8 bytes of its record) past the head.
  const headerLength = new DataView(bytes.buffer).getUint32(5);
  const firstFile = 9 + headerLength + 4;
  const late = bytes.slice();
  new DataView(late.buffer).setFloat64(firstFile + 168 - 8, state.head.seq + 1);
  refused(late);
  // The same file twice.
  const twice = bytes.slice();
  twice.copyWithin(firstFile + 168, firstFile, firstFile + 168);
  refused(twice);
});
