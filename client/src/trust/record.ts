// The account record (docs/formats.md, "The account record"): one JSON document encrypted under
// the master key, which the server stores opaquely and versions (compare-and-swap), so that
// every device of an account shares the same pinned contacts and the highest head it has seen
// of each album. Devices merge instead of overwriting: a pin is never silently replaced (two
// devices shown different keys for one address leave a conflict to warn about), and an album's
// seen head only moves forward (two different heads at one sequence number are a fork).
import type { LogHead } from './album-log.js';
import { fromB64, toB64 } from '../wire/b64.js';
import { fromHex, toHex } from './bytes.js';
import type { TrustCrypto } from './crypto.js';
import { TrustError } from './errors.js';
import { canonicalEmail, type Identity } from './identity.js';
import type { SeenHead } from './listing.js';

export const RECORD_FORMAT = 1;

/** A contact's identity as this account pinned it (keys in base64). */
export interface PinnedContact {
  accountId: number;
  boxPublicKey: string;
  signingPublicKey: string;
  pinnedAt: number;
  /** The two verification IDs were compared (shown side by side and confirmed). */
  verified: boolean;
  verifiedAt?: number;
  /** Another identity a device of this account was shown for the same address. */
  conflict?: { accountId: number; boxPublicKey: string; signingPublicKey: string; seenAt: number };
}

/** The highest head of an album seen (hash in hex). */
export interface RecordHead {
  seq: number;
  hash: string;
  seenAt: number;
}

export interface AccountRecord {
  format: typeof RECORD_FORMAT;
  /** The account it belongs to: a record of another account is refused. */
  accountId: number;
  /** The server's version of this content (written inside too, so the server cannot relabel it). */
  version: number;
  /** By canonical email. */
  contacts: Record<string, PinnedContact>;
  /** By album id. */
  albums: Record<string, RecordHead>;
  /** Albums whose heads two devices saw differ at one sequence number (a fork), by album id. */
  forks: Record<string, { seq: number; hashes: string[]; seenAt: number }>;
}

export const emptyRecord = (accountId: number): AccountRecord => ({
  format: RECORD_FORMAT,
  accountId,
  version: 0,
  contacts: {},
  albums: {},
  forks: {},
});

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The record encrypted under the master key (secretbox, random nonce), as version `version`. */
export async function sealRecord(crypto: TrustCrypto, record: AccountRecord, masterKey: Uint8Array, version: number) {
  const plain = utf8.encode(JSON.stringify({ ...record, version }));
  const { ciphertext, nonce } = await crypto.secretbox.encrypt(plain, masterKey);
  return { version, encryptedData: ciphertext, decryptionNonce: nonce };
}

const bad = (why: string) => new TrustError('record', `the account record does not hold up: ${why}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isKey = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return fromB64(v).length === 32 && toB64(fromB64(v)) === v;
  } catch {
    return false;
  }
};
const isHash = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function parseContact(email: string, c: unknown): PinnedContact {
  if (!isObject(c) || email !== canonicalEmail(email)) throw bad(`contact ${email}`);
  const { accountId, boxPublicKey, signingPublicKey, pinnedAt, verified, verifiedAt, conflict } = c;
  if (!isId(accountId) || !isKey(boxPublicKey) || !isKey(signingPublicKey) || !isTime(pinnedAt) || typeof verified !== 'boolean')
    throw bad(`contact ${email}`);
  if (verifiedAt !== undefined && !isTime(verifiedAt)) throw bad(`contact ${email}`);
  if (conflict !== undefined) {
    if (
      !isObject(conflict) ||
      !isId(conflict.accountId) ||
      !isKey(conflict.boxPublicKey) ||
      !isKey(conflict.signingPublicKey) ||
      !isTime(conflict.seenAt)
    )
      throw bad(`contact ${email}`);
  }
  return c as unknown as PinnedContact;
}

/**
 * Opens a record the server sent as `version`: it must decrypt under the master key, belong to
 * `accountId` and say it is that version (an older one relabelled is refused). TrustError
 * 'record' otherwise.
 */
export async function openRecord(
  crypto: TrustCrypto,
  sealed: { version: number; encryptedData: Uint8Array; decryptionNonce: Uint8Array },
  masterKey: Uint8Array,
  accountId: number,
): Promise<AccountRecord> {
  let value: unknown;
  try {
    value = JSON.parse(
      fromUtf8.decode(await crypto.secretbox.decrypt(sealed.encryptedData.slice(), sealed.decryptionNonce, masterKey)),
    );
  } catch {
    throw bad('it does not open with this account’s key');
  }
  if (!isObject(value) || value.format !== RECORD_FORMAT) throw bad('unknown format');
  if (value.accountId !== accountId) throw bad('it belongs to another account');
  if (value.version !== sealed.version) throw bad(`it is version ${value.version}, sent as ${sealed.version}`);
  const { contacts, albums, forks } = value;
  if (!isObject(contacts) || !isObject(albums) || !isObject(forks)) throw bad('missing parts');
  for (const [email, c] of Object.entries(contacts)) parseContact(email, c);
  for (const [id, h] of Object.entries(albums)) {
    if (!/^[1-9]\d*$/.test(id) || !isObject(h) || !isTime(h.seq) || !isHash(h.hash) || !isTime(h.seenAt))
      throw bad(`album ${id}`);
  }
  for (const [id, f] of Object.entries(forks)) {
    if (!/^[1-9]\d*$/.test(id) || !isObject(f) || !isTime(f.seq) || !Array.isArray(f.hashes) || !f.hashes.every(isHash))
      throw bad(`album ${id}`);
  }
  return value as unknown as AccountRecord;
}

// ---- contacts ----

const sameIdentity = (a: { accountId: number; boxPublicKey: string; signingPublicKey: string }, b: typeof a) =>
  a.accountId === b.accountId && a.boxPublicKey === b.boxPublicKey && a.signingPublicKey === b.signingPublicKey;

export type ContactCheck =
  /** No pin for this address yet: ask, showing both verification IDs, before pinning. */
  | { status: 'first-use' }
  /** The identity pinned for this address. */
  | { status: 'pinned'; contact: PinnedContact }
  /** Not the pinned one (its keys, its account id, or the pin itself is in conflict). Never proceed silently. */
  | { status: 'changed'; contact: PinnedContact; what: ('keys' | 'account' | 'conflict')[] };

/** How an identity (already verified: verifyIdentity) for account `accountId` stands against the pins. */
export function checkContact(record: AccountRecord, identity: Identity, accountId: number): ContactCheck {
  const contact = record.contacts[canonicalEmail(identity.email)];
  if (!contact) return { status: 'first-use' };
  const what: ('keys' | 'account' | 'conflict')[] = [];
  if (contact.boxPublicKey !== toB64(identity.boxPublicKey) || contact.signingPublicKey !== toB64(identity.signingPublicKey))
    what.push('keys');
  if (contact.accountId !== accountId) what.push('account');
  if (contact.conflict) what.push('conflict');
  return what.length ? { status: 'changed', contact, what } : { status: 'pinned', contact };
}

/** The record with `identity` pinned for its address (a new pin; `verified` if the IDs were compared). */
export function pinContact(
  record: AccountRecord,
  identity: Identity,
  accountId: number,
  { verified, now }: { verified: boolean; now: number },
): AccountRecord {
  const email = canonicalEmail(identity.email);
  const pin: PinnedContact = {
    accountId,
    boxPublicKey: toB64(identity.boxPublicKey),
    signingPublicKey: toB64(identity.signingPublicKey),
    pinnedAt: now,
    verified,
    ...(verified ? { verifiedAt: now } : {}),
  };
  const old = record.contacts[email];
  if (old && !sameIdentity(old, pin)) throw new RangeError(`${email} is pinned to another identity`);
  return { ...record, contacts: { ...record.contacts, [email]: old ? mergeContact(old, pin) : pin } };
}

/** The pinned keys as bytes, for comparisons. */
export const pinnedKeys = (c: PinnedContact) => ({
  boxPublicKey: fromB64(c.boxPublicKey),
  signingPublicKey: fromB64(c.signingPublicKey),
});

function mergeContact(a: PinnedContact, b: PinnedContact): PinnedContact {
  if (sameIdentity(a, b)) {
    const verifiedAt = [a.verifiedAt, b.verifiedAt].filter((t) => t !== undefined).sort((x, y) => x - y)[0];
    return {
      ...a,
      pinnedAt: Math.min(a.pinnedAt, b.pinnedAt),
      verified: a.verified || b.verified,
      ...(verifiedAt !== undefined ? { verifiedAt } : {}),
      ...(a.conflict || b.conflict ? { conflict: a.conflict ?? b.conflict } : {}),
    };
  }
  // Two identities for one address: the earlier pin stays, the other is kept as a conflict.
  const [kept, other] = a.pinnedAt <= b.pinnedAt ? [a, b] : [b, a];
  const { accountId, boxPublicKey, signingPublicKey, pinnedAt } = other;
  return { ...kept, conflict: kept.conflict ?? { accountId, boxPublicKey, signingPublicKey, seenAt: pinnedAt } };
}

// ---- album heads ----

/** The highest head of `albumId` this account has seen, if any. */
export function seenHead(record: AccountRecord, albumId: number): SeenHead | undefined {
  const h = record.albums[albumId];
  return h && { seq: h.seq, hash: fromHex(h.hash), seenAt: h.seenAt };
}

/** The record with `head` seen for `albumId` (it only moves forward; the same sequence with another hash is a fork). */
export function seeHead(record: AccountRecord, albumId: number, head: LogHead, now: number): AccountRecord {
  return mergeRecords(record, {
    ...emptyRecord(record.accountId),
    albums: { [albumId]: { seq: head.seq, hash: toHex(head.hash), seenAt: now } },
  });
}

/** Whether two devices saw different heads of `albumId` at one sequence number. */
export const forked = (record: AccountRecord, albumId: number) => record.forks[albumId] !== undefined;

function mergeHead(id: string, a: RecordHead, b: RecordHead, forks: AccountRecord['forks']): RecordHead {
  if (a.seq !== b.seq) return a.seq > b.seq ? a : b;
  if (a.hash === b.hash) return a.seenAt <= b.seenAt ? a : b;
  const hashes = [...new Set([...(forks[id]?.hashes ?? []), a.hash, b.hash])].sort();
  forks[id] = { seq: a.seq, hashes, seenAt: Math.min(a.seenAt, b.seenAt) };
  return a.seenAt <= b.seenAt ? a : b;
}

/**
 * Two versions of the record merged (another device's write and this one's changes): every pin
 * and seen head of either, conflicts and forks kept. The version is the higher of the two.
 */
export function mergeRecords(a: AccountRecord, b: AccountRecord): AccountRecord {
  if (a.accountId !== b.accountId) throw new RangeError('records of two accounts');
  const contacts = { ...a.contacts };
  for (const [email, c] of Object.entries(b.contacts)) contacts[email] = contacts[email] ? mergeContact(contacts[email], c) : c;
  const forks = { ...a.forks };
  for (const [id, f] of Object.entries(b.forks)) {
    forks[id] = forks[id] ? { ...f, hashes: [...new Set([...forks[id].hashes, ...f.hashes])].sort() } : f;
  }
  const albums = { ...a.albums };
  for (const [id, h] of Object.entries(b.albums)) albums[id] = albums[id] ? mergeHead(id, albums[id], h, forks) : h;
  return { format: RECORD_FORMAT, accountId: a.accountId, version: Math.max(a.version, b.version), contacts, albums, forks };
}
