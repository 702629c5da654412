// Signed album logs (docs/formats.md, "Signed album logs"): every change to an album is an
// entry signed by its author and chained to the one before by hash and sequence number. The
// server stores entries opaquely and enforces only their order; the client verifies each
// signature and link, then folds the entries into the album's state (its owner, name, files,
// members and link), which is the only thing a server's listing is compared with.
//
// Each entry's `prev` is the head its author saw when writing it: a server that shows two
// members different histories (a fork) can never show either of them the other's later
// entries, because they extend a head that member never saw.
import { LOG_ENTRY_TAG, LOG_HASH_BYTES, readLogEntryHead } from '../../../contract/album-log.mjs';
import { sameBytes, sha256, toHex } from './bytes.js';
import { type Fields, Reader, Writer } from './canonical.js';
import { type TrustCrypto, verifies } from './crypto.js';
import { TrustError } from './errors.js';

export type Role = 'viewer' | 'collaborator';
const ROLES: readonly Role[] = ['viewer', 'collaborator']; // encoded as index + 1
const roleCode = (role: Role) => ROLES.indexOf(role) + 1;
const roleOf = (code: number, seq: number): Role => {
  const role = ROLES[code - 1];
  if (!role) throw new TrustError('malformed', `entry ${seq}: unknown role ${code}`, seq);
  return role;
};

/** What every entry says first: where it sits (album, sequence, previous head), when, and who wrote it. */
const HEAD = [
  ['albumId', 'u64'],
  ['seq', 'u64'],
  ['prev', 'bytes32'],
  ['time', 'u64'],
  ['authorAccountId', 'u64'],
  ['authorKey', 'bytes32'],
] as const;

/** Each kind of change and its fields, in encoding order; the op's code is its index. */
const OPS = {
  /** Seq 0: the album exists; its author is the owner. `nameHash` binds the encrypted name. */
  create: [['nameHash', 'bytes32']],
  /** A file joins the album: the hashes of its key wrap, content header, thumbnail and metadata. */
  add: [
    ['keyWrapHash', 'bytes32'],
    ['contentHeaderHash', 'bytes32'],
    ['contentSize', 'u64'],
    ['thumbnailHash', 'bytes32'],
    ['thumbnailSize', 'u64'],
    ['metadataHash', 'bytes32'],
  ],
  remove: [['keyWrapHash', 'bytes32']],
  rename: [['nameHash', 'bytes32']],
  /** The owner's share statement: who (account, address, both keys), the sealed key's hash, the role. */
  share: [
    ['memberAccountId', 'u64'],
    ['memberEmail', 'text'],
    ['memberBoxKey', 'bytes32'],
    ['memberSigningKey', 'bytes32'],
    ['sealedKeyHash', 'bytes32'],
    ['role', 'u8'],
  ],
  unshare: [
    ['memberAccountId', 'u64'],
    ['memberSigningKey', 'bytes32'],
  ],
  role: [
    ['memberAccountId', 'u64'],
    ['memberSigningKey', 'bytes32'],
    ['role', 'u8'],
  ],
  /** A public link on or off (expiresAt 0: never), and whether its viewers may download. */
  link: [
    ['enabled', 'u8'],
    ['expiresAt', 'u64'],
    ['allowDownload', 'u8'],
  ],
  /** A member leaves (its own entry). */
  leave: [],
} as const;
type Ops = typeof OPS;
export type Op = keyof Ops;
const OP_NAMES = Object.keys(OPS) as Op[];

type Head = Fields<typeof HEAD>;
/** An entry's body by op, with `role` as a name rather than its code. */
export type Body = {
  [K in Op]: { op: K } & (K extends 'share' | 'role' ? Omit<Fields<Ops[K]>, 'role'> & { role: Role } : Fields<Ops[K]>);
}[Op];
export type Entry = Head & Body;

const ZERO_HASH = new Uint8Array(LOG_HASH_BYTES);

/** An entry's canonical bytes (what its author signs). */
export function encodeEntry(entry: Entry): Uint8Array<ArrayBuffer> {
  const w = new Writer().tag(LOG_ENTRY_TAG).fields(HEAD, entry);
  const code = OP_NAMES.indexOf(entry.op);
  if (code < 0) throw new RangeError(`unknown op ${entry.op}`);
  w.field('op', 'u8', code);
  const body = { ...entry } as Record<string, unknown>;
  if ('role' in entry) body.role = roleCode(entry.role);
  for (const [name, type] of OPS[entry.op]) w.field(name, type, body[name]);
  return w.bytes();
}

/** An entry from its canonical bytes; TrustError 'malformed' for anything else. */
export function decodeEntry(bytes: Uint8Array): Entry {
  const r = new Reader(bytes).tag(LOG_ENTRY_TAG);
  const head = r.fields(HEAD);
  const code = r.field('u8') as number;
  const op = OP_NAMES[code];
  if (!op) throw new TrustError('malformed', `entry ${head.seq}: unknown change ${code}`, head.seq);
  const body = r.fields(OPS[op]) as Record<string, unknown>;
  r.end();
  if ('role' in body) body.role = roleOf(body.role as number, head.seq);
  return { ...head, op, ...body } as Entry;
}

/** An entry as stored and sent: its bytes, its author's signature, and its hash (the next entry's prev). */
export interface SignedEntry {
  entry: Entry;
  bytes: Uint8Array;
  signature: Uint8Array;
  hash: Uint8Array;
}

/** SHA-256(entry ‖ signature): how the next entry and an album's head refer to this one. */
export const entryHash = (bytes: Uint8Array, signature: Uint8Array) => sha256(bytes, signature);

/** Signs `entry` with its author's signing secret key (whose public key must be `entry.authorKey`). */
export async function signEntry(crypto: TrustCrypto, entry: Entry, signingSecretKey: Uint8Array): Promise<SignedEntry> {
  if (!sameBytes(signingSecretKey.subarray(32, 64), entry.authorKey)) throw new RangeError("authorKey is not the signer's key");
  const bytes = encodeEntry(entry);
  const signature = await crypto.sign.detached(bytes, signingSecretKey);
  return { entry, bytes, signature, hash: await entryHash(bytes, signature) };
}

/** The head of a log: the last entry's sequence number and hash. */
export interface LogHead {
  seq: number;
  hash: Uint8Array;
}

/** What the next entry of a log must carry to extend `head` (none: the log is empty). */
export const nextPlace = (head: LogHead | undefined) => ({ seq: head ? head.seq + 1 : 0, prev: head ? head.hash : ZERO_HASH });

/**
 * Verifies a log as a server sent it, from its first entry or from `after` (a head already
 * verified): each entry must be canonical, belong to `albumId`, follow the one before by
 * sequence and hash, and carry a valid signature by the key it names. Resolves to the entries
 * that hold, and the error that stopped it (a later entry is never used: it extends a bad one).
 */
export async function verifyLog(
  crypto: TrustCrypto,
  albumId: number,
  wire: readonly { bytes: Uint8Array; signature: Uint8Array }[],
  after?: LogHead,
): Promise<{ entries: SignedEntry[]; error?: TrustError }> {
  const entries: SignedEntry[] = [];
  let place = nextPlace(after);
  // Signatures are checked together (a worker pool runs them side by side); the chain in order.
  const signed = wire.map(async ({ bytes, signature }) => {
    const head = readLogEntryHead(bytes);
    let entry: Entry | undefined;
    try {
      entry = decodeEntry(bytes);
    } catch (e) {
      return { head, error: e as TrustError };
    }
    const good = signature.length === 64 && (await verifies(crypto, signature, bytes, entry.authorKey));
    return { head, entry, good, hash: await entryHash(bytes, signature) };
  });
  for (let i = 0; i < wire.length; i++) {
    const { bytes, signature } = wire[i];
    const r = await signed[i];
    const seq = r.head?.seq ?? place.seq;
    if (!r.entry) return { entries, error: r.error ?? new TrustError('malformed', `entry ${place.seq} is malformed`, place.seq) };
    const { entry } = r;
    if (entry.albumId !== albumId) {
      return {
        entries,
        error: new TrustError('broken-chain', `entry ${seq} belongs to album ${entry.albumId}, not ${albumId}`, seq),
      };
    }
    if (entry.seq !== place.seq || !sameBytes(entry.prev, place.prev)) {
      return { entries, error: new TrustError('broken-chain', `entry ${seq} does not follow entry ${place.seq - 1}`, seq) };
    }
    if (!r.good) return { entries, error: new TrustError('bad-signature', `entry ${seq} is not signed by its author`, seq) };
    const hash = r.hash as Uint8Array;
    entries.push({ entry, bytes, signature, hash });
    place = nextPlace({ seq: entry.seq, hash });
  }
  return { entries };
}

// ---- the fold: a log's entries to the album's state ----

export interface FileState {
  keyWrapHash: Uint8Array;
  contentHeaderHash: Uint8Array;
  contentSize: number;
  thumbnailHash: Uint8Array;
  thumbnailSize: number;
  metadataHash: Uint8Array;
  addedBy: number;
  addedAt: number;
  seq: number;
}

export interface Member {
  accountId: number;
  email: string;
  boxKey: Uint8Array;
  signingKey: Uint8Array;
  role: Role;
  sealedKeyHash: Uint8Array;
  since: number;
}

export interface AlbumState {
  albumId: number;
  owner: { accountId: number; signingKey: Uint8Array };
  nameHash: Uint8Array;
  createdAt: number;
  /** By hex of keyWrapHash (a file's identity in the log: its wrapped key is unique). */
  files: Map<string, FileState>;
  /** By account id. */
  members: Map<number, Member>;
  link: { enabled: boolean; expiresAt: number; allowDownload: boolean };
  head: LogHead;
  updatedAt: number;
}

const notAllowed = (seq: number, why: string) => new TrustError('not-allowed', `entry ${seq}: ${why}`, seq);

/**
 * The maps one fold made (copies of its start's), which it changes in place: a fold of n entries
 * then copies the album's files once, not at every entry (O(n), not O(n^2): 100,000 adds copied
 * 5 billion map entries). The start's maps are never changed.
 */
type Owned = WeakSet<Map<unknown, unknown>>;
function writable<K, V>(map: Map<K, V>, owned: Owned): Map<K, V> {
  if (owned.has(map)) return map;
  const copy = new Map(map);
  owned.add(copy);
  return copy;
}

/**
 * Applies one verified entry to `state` (undefined before the first); throws TrustError
 * 'not-allowed' before changing anything. Maps in `owned` are changed in place.
 */
function apply(state: AlbumState | undefined, { entry: e, hash }: SignedEntry, owned: Owned): AlbumState {
  const author = { accountId: e.authorAccountId, key: e.authorKey };
  if (e.op === 'create') {
    if (state) throw notAllowed(e.seq, 'an album is created once, by its first entry');
    return {
      albumId: e.albumId,
      owner: { accountId: author.accountId, signingKey: author.key },
      nameHash: e.nameHash,
      createdAt: e.time,
      files: new Map(),
      members: new Map(),
      link: { enabled: false, expiresAt: 0, allowDownload: false },
      head: { seq: e.seq, hash },
      updatedAt: e.time,
    };
  }
  if (!state) throw notAllowed(e.seq, 'the first entry must create the album');
  const isOwner = author.accountId === state.owner.accountId && sameBytes(author.key, state.owner.signingKey);
  const asMember = state.members.get(author.accountId);
  const isMember = asMember !== undefined && sameBytes(asMember.signingKey, author.key);
  const ownerOnly = () => {
    if (!isOwner) throw notAllowed(e.seq, `only the owner may ${e.op === 'link' ? 'change the public link' : e.op}`);
  };
  const member = (accountId: number, key: Uint8Array) => {
    const m = state.members.get(accountId);
    if (!m || !sameBytes(m.signingKey, key)) throw notAllowed(e.seq, `account ${accountId} is not a member`);
    return m;
  };
  const next: AlbumState = { ...state, head: { seq: e.seq, hash }, updatedAt: e.time };
  switch (e.op) {
    case 'add': {
      if (!isOwner && !(isMember && asMember.role === 'collaborator'))
        throw notAllowed(e.seq, 'only the owner and collaborators add files');
      const id = toHex(e.keyWrapHash);
      if (state.files.has(id)) throw notAllowed(e.seq, 'the file is already in the album');
      const { op: _, albumId: __, seq, prev: ___, time, authorAccountId, authorKey: ____, ...file } = e;
      next.files = writable(state.files, owned).set(id, { ...file, addedBy: authorAccountId, addedAt: time, seq });
      break;
    }
    case 'remove': {
      const id = toHex(e.keyWrapHash);
      const file = state.files.get(id);
      if (!file) throw notAllowed(e.seq, 'the file is not in the album');
      const ownFile = isMember && asMember.role === 'collaborator' && file.addedBy === author.accountId;
      if (!isOwner && !ownFile) throw notAllowed(e.seq, 'only the owner, or the collaborator who added it, removes a file');
      next.files = writable(state.files, owned);
      next.files.delete(id);
      break;
    }
    case 'rename':
      ownerOnly();
      next.nameHash = e.nameHash;
      break;
    case 'share':
      ownerOnly();
      if (e.memberAccountId === state.owner.accountId || state.members.has(e.memberAccountId))
        throw notAllowed(e.seq, `account ${e.memberAccountId} is already in the album`);
      next.members = writable(state.members, owned).set(e.memberAccountId, {
        accountId: e.memberAccountId,
        email: e.memberEmail,
        boxKey: e.memberBoxKey,
        signingKey: e.memberSigningKey,
        role: e.role,
        sealedKeyHash: e.sealedKeyHash,
        since: e.time,
      });
      break;
    case 'unshare':
      ownerOnly();
      member(e.memberAccountId, e.memberSigningKey);
      next.members = writable(state.members, owned);
      next.members.delete(e.memberAccountId);
      break;
    case 'role': {
      ownerOnly();
      const m = member(e.memberAccountId, e.memberSigningKey);
      next.members = writable(state.members, owned).set(m.accountId, { ...m, role: e.role });
      break;
    }
    case 'link':
      ownerOnly();
      if (e.enabled > 1 || e.allowDownload > 1) throw new TrustError('malformed', `entry ${e.seq}: a flag is not 0 or 1`, e.seq);
      next.link = { enabled: e.enabled === 1, expiresAt: e.expiresAt, allowDownload: e.allowDownload === 1 };
      break;
    case 'leave':
      if (!isMember) throw notAllowed(e.seq, 'only a member leaves');
      next.members = writable(state.members, owned);
      next.members.delete(author.accountId);
      break;
  }
  return next;
}

/**
 * The album's state after `entries` (verified by verifyLog), from `start` (the state at the
 * head they extend) or from nothing. Stops at the first entry that is not allowed and returns
 * the state before it with that error.
 */
export function foldLog(
  entries: readonly SignedEntry[],
  start?: AlbumState,
): { state: AlbumState | undefined; error?: TrustError } {
  let state = start;
  const owned: Owned = new WeakSet();
  for (const e of entries) {
    try {
      state = apply(state, e, owned);
    } catch (error) {
      if (error instanceof TrustError) return { state, error };
      throw error;
    }
  }
  return { state };
}
