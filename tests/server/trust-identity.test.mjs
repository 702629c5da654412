// Identities and the account record (client/src/trust): an account's own keys checked against
// its secret keys, contacts' self-signatures, the verification ID over both keys, canonical
// emails, and the encrypted record of pins and seen heads, merged across devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { core, person, START, trust } from './trust-helpers.mjs';

const alice = await person(1, 'alice@example.test');
const bob = await person(2, 'bob@example.test');
const mallory = await person(9, 'mallory@example.test');

test('canonical email: trimmed, NFC, lower case, and stable', () => {
  assert.equal(trust.canonicalEmail('  Friend@Example.TEST \n'), 'friend@example.test');
  assert.equal(trust.canonicalEmail('Zoe\u0308@example.test'), trust.canonicalEmail('Zoë@Example.test'));
  for (const e of ['İstanbul@example.test', 'ΣΊΣΥΦΟΣ@example.test', 'a\u0301@B.c', ' x@y ']) {
    const once = trust.canonicalEmail(e);
    assert.equal(trust.canonicalEmail(once), once, e);
    assert.equal(once, once.normalize('NFC'), e);
  }
});

async function account(email) {
  const masterKey = core.generateKey();
  const box = core.box.keypair();
  const { attributes, signing } = await trust.makeSigningAttributes(core, { email, boxPublicKey: box.publicKey, masterKey });
  return { email, masterKey, box, attributes, signing };
}

test("an account's own identity is checked against its own secret keys; each server substitution is refused", async () => {
  const me = await account('Alice@Example.test');
  const open = (over = {}) =>
    trust.openSigningAttributes(core, {
      email: 'alice@example.test',
      boxPublicKey: me.box.publicKey,
      attributes: me.attributes,
      masterKey: me.masterKey,
      secretKey: me.box.secretKey,
      ...over,
    });
  const ok = await open();
  assert.deepEqual(ok.signing.publicKey, me.signing.publicKey);
  assert.deepEqual(ok.boxPublicKey, me.box.publicKey);
  assert.equal(ok.email, 'alice@example.test');
  assert.equal(me.attributes.encryptedSigningKey.length, trust.SIGNING_ATTRIBUTE_BYTES.encryptedSigningKey);

  const other = await account('alice@example.test'); // the server's own keys, self-signed for her address
  const refused = async (what, over) => {
    await assert.rejects(open(over), (e) => e.name === 'TrustError' && e.code === 'identity', what);
  };
  await refused("the server's box public key in her key attributes", { boxPublicKey: other.box.publicKey });
  await refused("the server's signing public key (and its self-signature)", {
    attributes: {
      ...me.attributes,
      signingPublicKey: other.signing.publicKey,
      identitySignature: other.attributes.identitySignature,
    },
  });
  await refused('another account’s wrapped signing key', {
    attributes: { ...me.attributes, encryptedSigningKey: other.attributes.encryptedSigningKey },
  });
  await refused('a self-signature for another address', { email: 'bob@example.test' });
  const flipped = me.attributes.identitySignature.slice();
  flipped[5] ^= 1;
  await refused('a changed self-signature', { attributes: { ...me.attributes, identitySignature: flipped } });
});

test("a contact's identity holds only with its self-signature for the address asked about", async () => {
  await trust.verifyIdentity(core, bob.identity);
  await trust.verifyIdentity(core, { ...bob.identity, email: ' Bob@Example.TEST' }); // canonical form signs
  const refused = (what, identity) =>
    assert.rejects(trust.verifyIdentity(core, identity), (e) => e.code === 'bad-signature', what);
  await refused("Bob's signing key with the server's box key", { ...bob.identity, boxPublicKey: mallory.box.publicKey });
  await refused("Alice's real identity handed out as Bob's", { ...alice.identity, email: bob.email });
  await refused("the server's keys signed by the server, with Bob's signature", {
    ...mallory.identity,
    signature: bob.identity.signature,
  });
});

test('the verification ID covers both public keys', async () => {
  const id = await trust.verificationId(core, bob.box.publicKey, bob.signing.publicKey);
  assert.equal(id.split(' ').length, 24);
  assert.equal(await trust.verificationId(core, bob.box.publicKey, bob.signing.publicKey), id);
  assert.notEqual(await trust.verificationId(core, mallory.box.publicKey, bob.signing.publicKey), id, 'another box key');
  assert.notEqual(await trust.verificationId(core, bob.box.publicKey, mallory.signing.publicKey), id, 'another signing key');
  assert.notEqual(id, core.verificationId(bob.box.publicKey), "not Ente's ID of the box key alone");
});

test('the account record: sealed under the master key, bound to its account and version', async () => {
  const masterKey = core.generateKey();
  let record = trust.emptyRecord(1);
  record = trust.pinContact(record, bob.identity, bob.accountId, { verified: true, now: START });
  record = trust.seeHead(record, 7, { seq: 3, hash: new Uint8Array(32).fill(3) }, START);
  const sealed = await trust.sealRecord(core, record, masterKey, 4);
  const opened = await trust.openRecord(core, sealed, masterKey, 1);
  assert.equal(opened.version, 4);
  assert.deepEqual(opened.contacts, record.contacts);
  assert.deepEqual(trust.seenHead(opened, 7), { seq: 3, hash: new Uint8Array(32).fill(3), seenAt: START });
  const refused = (what, s, key = masterKey, accountId = 1) =>
    assert.rejects(trust.openRecord(core, s, key, accountId), (e) => e.code === 'record', what);
  await refused('another master key', sealed, core.generateKey());
  await refused("another account's record (same key, another id)", sealed, masterKey, 2);
  await refused('an older record relabelled as newer', { ...sealed, version: 5 });
  const flipped = { ...sealed, encryptedData: sealed.encryptedData.slice() };
  flipped.encryptedData[3] ^= 1;
  await refused('a changed byte', flipped);
  const badShape = await trust.sealRecord(core, { ...record, contacts: { 'Bob@x': record.contacts[bob.email] } }, masterKey, 4);
  await refused('a contact under a non-canonical address', badShape);
});

test('contacts: first use, pinned, changed keys or account, and a conflict between two devices', () => {
  let record = trust.emptyRecord(1);
  assert.deepEqual(trust.checkContact(record, bob.identity, 2), { status: 'first-use' });
  record = trust.pinContact(record, { ...bob.identity, email: 'BOB@example.test ' }, 2, { verified: false, now: START });
  assert.equal(trust.checkContact(record, bob.identity, 2).status, 'pinned', 'pinned under the canonical address');
  assert.deepEqual(trust.checkContact(record, { ...mallory.identity, email: bob.email }, 2).what, ['keys']);
  assert.deepEqual(trust.checkContact(record, bob.identity, 9).what, ['account']);
  assert.throws(
    () => trust.pinContact(record, { ...mallory.identity, email: bob.email }, 9, { verified: false, now: START }),
    RangeError,
  );
  // Comparing IDs later marks the same pin verified.
  const verified = trust.pinContact(record, bob.identity, 2, { verified: true, now: START + 5 });
  assert.equal(verified.contacts[bob.email].verified, true);
  assert.equal(verified.contacts[bob.email].pinnedAt, START);
  // A second device was shown the server's keys for Bob and pinned them: merging keeps the first pin, flags the conflict.
  const otherDevice = trust.pinContact(trust.emptyRecord(1), { ...mallory.identity, email: bob.email }, 9, {
    verified: false,
    now: START + 60_000,
  });
  const merged = trust.mergeRecords(otherDevice, verified);
  assert.equal(
    merged.contacts[bob.email].signingPublicKey,
    trust.checkContact(verified, bob.identity, 2).contact.signingPublicKey,
  );
  assert.equal(merged.contacts[bob.email].conflict.accountId, 9);
  const check = trust.checkContact(merged, bob.identity, 2);
  assert.deepEqual([check.status, check.what], ['changed', ['conflict']]);
  assert.deepEqual(trust.mergeRecords(verified, otherDevice).contacts, merged.contacts, 'merging is symmetric');
});

test('seen heads only move forward, and two heads at one sequence number are kept as a fork', () => {
  const h = (n) => new Uint8Array(32).fill(n);
  let r = trust.seeHead(trust.emptyRecord(1), 7, { seq: 5, hash: h(5) }, START);
  r = trust.seeHead(r, 7, { seq: 3, hash: h(3) }, START + 1);
  assert.equal(trust.seenHead(r, 7).seq, 5, 'an older head does not replace a newer one');
  r = trust.seeHead(r, 7, { seq: 6, hash: h(6) }, START + 2);
  assert.deepEqual(trust.seenHead(r, 7), { seq: 6, hash: h(6), seenAt: START + 2 });
  assert.equal(trust.forked(r, 7), false);
  const otherDevice = trust.seeHead(trust.emptyRecord(1), 7, { seq: 6, hash: h(9) }, START + 3);
  const merged = trust.mergeRecords(r, otherDevice);
  assert.equal(trust.forked(merged, 7), true);
  assert.deepEqual(merged.forks[7].hashes, [trust.toHex(h(6)), trust.toHex(h(9))]);
  assert.deepEqual(trust.seenHead(merged, 7).hash, h(6), 'the earlier-seen head is kept');
  assert.deepEqual(trust.mergeRecords(otherDevice, r), merged, 'merging is symmetric');
  assert.throws(() => trust.mergeRecords(r, trust.emptyRecord(2)), RangeError);
});
