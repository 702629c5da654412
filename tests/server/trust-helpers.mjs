// Builders for the trust layer's unit tests: people with real key pairs (the package's core),
// albums whose signed logs they write, and the listings an honest server would send, so each
// test changes one thing the way a lying server would.
import { loadCryptoCore } from '../../js/dist/crypto.js';
import { trust } from '../../build/client/index.mjs';

export const core = await loadCryptoCore();
export { trust };

const T0 = Date.UTC(2025, 2, 1, 12, 0); // 1 March 2025, 12:00 UTC
let clock = T0;
/** A time that moves a minute each call, so entries carry distinct times. */
export const tick = () => (clock += 60_000);
export const START = T0;

/** A person: account id, canonical email, box and signing key pairs, self-signed identity. */
export async function person(accountId, email) {
  const box = core.box.keypair();
  const signing = core.sign.keypair();
  const signature = await trust.signIdentity(core, email, box.publicKey, signing.secretKey);
  const identity = { email, boxPublicKey: box.publicKey, signingPublicKey: signing.publicKey, signature };
  const me = { accountId, signingKey: signing.publicKey, boxKey: box.publicKey };
  return { accountId, email: trust.canonicalEmail(email), box, signing, identity, me };
}

/** A file as an uploader makes it (random bytes stand in for its ciphertexts) and as the server lists it. */
export function fileParts(albumKey) {
  const fileKey = core.generateKey();
  const wrap = core.secretbox.encrypt(fileKey, albumKey);
  const thumbnail = core.blob.encrypt(core.randomBytes(300), fileKey);
  const metadata = core.blob.encrypt(new TextEncoder().encode('{"title":"x.jpg"}'), fileKey);
  const contentHeader = core.randomBytes(24);
  return {
    fileKey,
    thumbnailBytes: thumbnail.ciphertext,
    record: (id, collectionID) => ({
      id,
      collectionID,
      encryptedKey: wrap.ciphertext,
      keyDecryptionNonce: wrap.nonce,
      file: { decryptionHeader: contentHeader, size: 5000 },
      thumbnail: { decryptionHeader: thumbnail.header, size: thumbnail.ciphertext.length },
      metadata: { encryptedData: metadata.ciphertext, decryptionHeader: metadata.header },
    }),
  };
}

/** The add entry's fields for a listed record and its thumbnail bytes. */
export async function addFields(record, thumbnailBytes) {
  return {
    op: 'add',
    keyWrapHash: await trust.keyWrapHash(record.encryptedKey, record.keyDecryptionNonce),
    contentHeaderHash: await trust.contentHeaderHash(record.file.decryptionHeader),
    contentSize: record.file.size,
    thumbnailHash: await trust.thumbnailHash(record.thumbnail.decryptionHeader, thumbnailBytes),
    thumbnailSize: record.thumbnail.size,
    metadataHash: await trust.metadataHash(record.metadata.decryptionHeader, record.metadata.encryptedData),
  };
}

/**
 * An album owned by `owner`, with its key, its name's ciphertext and its log; `append(author,
 * body)` signs the next entry as `author`; `listing(me)` is the album as an honest server lists it.
 */
export async function album(owner, albumId, name = 'Holidays') {
  const key = core.generateKey();
  const wrapped = core.secretbox.encrypt(key, core.generateKey());
  let sealedName = core.secretbox.encrypt(new TextEncoder().encode(name), key);
  const a = {
    id: albumId,
    key,
    owner,
    log: [],
    files: [], // { record, thumbnailBytes, id }
    sealed: new Map(), // accountId -> sealed key
    members: new Map(), // accountId -> person
    nextFileId: albumId * 1000,
    head: () => {
      const last = a.log.at(-1);
      return last && { seq: last.entry.seq, hash: last.hash };
    },
    async append(author, body) {
      const { seq, prev } = trust.nextPlace(a.head());
      const entry = {
        albumId,
        seq,
        prev,
        time: tick(),
        authorAccountId: author.accountId,
        authorKey: author.signing.publicKey,
        ...body,
      };
      const signed = await trust.signEntry(core, entry, author.signing.secretKey);
      a.log.push(signed);
      return signed;
    },
    async addFile(author = owner) {
      const parts = fileParts(key);
      const record = parts.record(a.nextFileId++, albumId);
      await a.append(author, await addFields(record, parts.thumbnailBytes));
      const f = { record, thumbnailBytes: parts.thumbnailBytes, by: author };
      a.files.push(f);
      return f;
    },
    async removeFile(f, author = owner) {
      await a.append(author, {
        op: 'remove',
        keyWrapHash: await trust.keyWrapHash(f.record.encryptedKey, f.record.keyDecryptionNonce),
      });
      a.files = a.files.filter((x) => x !== f);
    },
    async share(member, role = 'viewer') {
      const sealed = core.box.seal(key, member.box.publicKey);
      a.sealed.set(member.accountId, sealed);
      a.members.set(member.accountId, member);
      await a.append(owner, {
        op: 'share',
        memberAccountId: member.accountId,
        memberEmail: member.email,
        memberBoxKey: member.box.publicKey,
        memberSigningKey: member.signing.publicKey,
        sealedKeyHash: await trust.sealedKeyHash(sealed),
        role,
      });
    },
    async unshare(member) {
      a.members.delete(member.accountId);
      a.sealed.delete(member.accountId);
      await a.append(owner, { op: 'unshare', memberAccountId: member.accountId, memberSigningKey: member.signing.publicKey });
    },
    async rename(newName) {
      sealedName = core.secretbox.encrypt(new TextEncoder().encode(newName), key);
      await a.append(owner, { op: 'rename', nameHash: await trust.nameHash(sealedName.ciphertext, sealedName.nonce) });
    },
    /** The album as an honest server lists it to `viewer`. */
    listing(viewer) {
      const mine = viewer.accountId === owner.accountId;
      return {
        id: albumId,
        owner: { id: owner.accountId, email: owner.email },
        encryptedKey: mine ? wrapped.ciphertext : a.sealed.get(viewer.accountId),
        keyDecryptionNonce: mine ? wrapped.nonce : null,
        encryptedName: sealedName.ciphertext,
        nameDecryptionNonce: sealedName.nonce,
        sharees: [...a.members.values()].map((m) => ({ id: m.accountId, email: m.email })),
      };
    },
    records: () => a.files.map((f) => f.record),
    wire: () => a.log.map(({ bytes, signature }) => ({ bytes, signature })),
  };
  await a.append(owner, { op: 'create', nameHash: await trust.nameHash(sealedName.ciphertext, sealedName.nonce) });
  return a;
}

/** Verifies and folds an album's log as a client would (throws on any error). */
export async function folded(wire, albumId) {
  const { entries, error } = await trust.verifyLog(core, albumId, wire);
  if (error) throw error;
  const { state, error: foldError } = trust.foldLog(entries);
  if (foldError) throw foldError;
  return { entries, state };
}
