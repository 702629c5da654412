// What a server lists, compared with what the album's log folds to. A listing is accepted only
// if it equals the fold: every difference is a finding (messages.ts words it), and only files
// the log vouches for, with every part matching, are ever shown.
import type { AlbumState, FileState, LogHead } from './album-log.js';
import { sameBytes, sha256, toHex } from './bytes.js';
import type { TrustError } from './errors.js';
import { canonicalEmail } from './identity.js';

// ---- the hashes a log entry binds, each over fixed-size parts first, then the variable one ----

/** A file key's wrap (secretbox under the album key): nonce ‖ encryptedKey. */
export const keyWrapHash = (encryptedKey: Uint8Array, nonce: Uint8Array) => sha256(nonce, encryptedKey);
/** The content stream's header (the ciphertext itself is authenticated under the file key). */
export const contentHeaderHash = (header: Uint8Array) => sha256(header);
/** The thumbnail: its header, then its ciphertext. */
export const thumbnailHash = (header: Uint8Array, ciphertext: Uint8Array) => sha256(header, ciphertext);
/** The metadata: its header, then its ciphertext. */
export const metadataHash = (header: Uint8Array, encryptedData: Uint8Array) => sha256(header, encryptedData);
/** An album's encrypted name: its nonce, then its ciphertext. */
export const nameHash = (encryptedName: Uint8Array, nonce: Uint8Array) => sha256(nonce, encryptedName);
/** The album key sealed to a member. */
export const sealedKeyHash = (sealed: Uint8Array) => sha256(sealed);

// ---- findings ----

/** The highest head of an album this account has seen (kept in its account record). */
export interface SeenHead {
  seq: number;
  hash: Uint8Array;
  seenAt: number;
}

export type Finding =
  /** The log ends before a head this account already saw. */
  | { kind: 'rollback'; albumId: number; seen: SeenHead; shownSeq: number }
  /** The log has another entry where this account saw one: two histories (a fork). */
  | { kind: 'fork'; albumId: number; seen: SeenHead }
  /** An entry that is malformed, unsigned, out of order or not its author's to make. */
  | { kind: 'history'; albumId: number; error: TrustError }
  /** Files of the log the listing left out. */
  | { kind: 'withheld'; albumId: number; count: number }
  /** Listed files no entry added. */
  | { kind: 'injected'; albumId: number; fileIds: number[] }
  /** Listed files that belong to another album (its log added them there). */
  | { kind: 'moved'; albumId: number; fileIds: number[] }
  /** Listed files whose parts differ from what their entry bound. */
  | { kind: 'altered'; albumId: number; fileIds: number[]; parts: FilePart[] }
  /** A file listed twice. */
  | { kind: 'duplicated'; albumId: number; fileIds: number[] }
  /** A thumbnail whose bytes are not the ones its entry bound. */
  | { kind: 'thumbnail'; albumId: number; fileId: number }
  /** The listed name is not the one the log last set. */
  | { kind: 'name'; albumId: number }
  /** The listed owner is not the log's. */
  | { kind: 'owner'; albumId: number }
  /** The listed members are not the log's. */
  | { kind: 'members'; albumId: number; added: string[]; missing: string[] }
  /** Listed as this account's own, but its key is not wrapped with this account's master key. */
  | { kind: 'not-yours'; albumId: number }
  /** A shared album with no share statement for this account signed by its owner. */
  | { kind: 'unverified-share'; albumId: number; ownerEmail: string }
  /** The key this account got is not the one the owner's share statement sealed. */
  | { kind: 'sealed-key'; albumId: number; ownerEmail: string }
  /** The album's owner signs with another key than the one pinned for that address. */
  | { kind: 'owner-key'; albumId: number; ownerEmail: string }
  /** A public link the log says is off (or expired), still served. */
  | { kind: 'link-off'; albumId: number };

export type FilePart = 'content header' | 'content size' | 'thumbnail' | 'thumbnail size' | 'metadata';

// ---- the log against what this account saw before ----

/**
 * Checks a verified log against the highest head this account saw of it: the log must reach
 * that head (else the server rolled it back) and hold the same entry there (else it forked).
 */
export function checkSeen(
  albumId: number,
  entries: readonly { hash: Uint8Array }[],
  seen: SeenHead | undefined,
): Finding | undefined {
  if (!seen) return undefined;
  const last = entries.length - 1;
  if (last < seen.seq) return { kind: 'rollback', albumId, seen, shownSeq: last };
  if (!sameBytes(entries[seen.seq].hash, seen.hash)) return { kind: 'fork', albumId, seen };
  return undefined;
}

/** The head to remember after accepting `head`: it only moves forward. */
export function nextSeen(seen: SeenHead | undefined, head: LogHead, now: number): SeenHead {
  if (seen && seen.seq >= head.seq) return seen;
  return { seq: head.seq, hash: head.hash, seenAt: now };
}

// ---- an album as listed ----

export interface ListedAlbum {
  id: number;
  owner: { id: number; email: string };
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array | null;
  encryptedName: Uint8Array;
  nameDecryptionNonce: Uint8Array;
  sharees: readonly { id: number; email: string }[];
}

/** This account as the comparison needs it. */
export interface Me {
  accountId: number;
  signingKey: Uint8Array;
  boxKey: Uint8Array;
}

/**
 * Compares an album's listing with its fold. `mine` is whether its key opened with this
 * account's master key, the only proof of ownership; `ownerKey`, for a shared album, is the
 * signing key pinned for its owner's address (undefined: the owner is not pinned yet, so the
 * log's own owner is used and the caller shows the owner as not compared).
 */
export async function compareAlbum(
  state: AlbumState,
  listed: ListedAlbum,
  me: Me,
  { mine, ownerKey }: { mine: boolean; ownerKey?: Uint8Array },
): Promise<Finding[]> {
  const albumId = listed.id;
  const ownerEmail = canonicalEmail(listed.owner.email);
  const findings: Finding[] = [];
  if (mine) {
    if (!sameBytes(state.owner.signingKey, me.signingKey)) findings.push({ kind: 'not-yours', albumId });
  } else if (listed.owner.id === me.accountId) {
    // Listed as this account's own, yet its key is not wrapped with this account's master key:
    // the server made it (and can read whatever goes into it).
    findings.push({ kind: 'not-yours', albumId });
  } else {
    if (ownerKey && !sameBytes(state.owner.signingKey, ownerKey)) findings.push({ kind: 'owner-key', albumId, ownerEmail });
    const member = state.members.get(me.accountId);
    if (!member || !sameBytes(member.signingKey, me.signingKey) || !sameBytes(member.boxKey, me.boxKey)) {
      findings.push({ kind: 'unverified-share', albumId, ownerEmail });
    } else if (!sameBytes(await sealedKeyHash(listed.encryptedKey), member.sealedKeyHash)) {
      findings.push({ kind: 'sealed-key', albumId, ownerEmail });
    }
  }
  if (listed.owner.id !== state.owner.accountId) findings.push({ kind: 'owner', albumId });
  if (!sameBytes(await nameHash(listed.encryptedName, listed.nameDecryptionNonce), state.nameHash)) {
    findings.push({ kind: 'name', albumId });
  }
  const listedMembers = new Set(listed.sharees.map((s) => `${s.id} ${canonicalEmail(s.email)}`));
  const logMembers = new Set([...state.members.values()].map((m) => `${m.accountId} ${m.email}`));
  const added = [...listedMembers].filter((m) => !logMembers.has(m)).map((m) => m.split(' ')[1]);
  const missing = [...logMembers].filter((m) => !listedMembers.has(m)).map((m) => m.split(' ')[1]);
  if (added.length || missing.length) findings.push({ kind: 'members', albumId, added, missing });
  return findings;
}

// ---- an album's files as listed ----

export interface ListedFile {
  id: number;
  collectionID: number;
  encryptedKey: Uint8Array;
  keyDecryptionNonce: Uint8Array;
  file: { decryptionHeader: Uint8Array; size: number };
  thumbnail: { decryptionHeader: Uint8Array; size: number };
  metadata: { encryptedData: Uint8Array; decryptionHeader: Uint8Array };
}

/** What the comparison needs of a listed file: its ids, sizes and the hashes of its parts (`hashFile`). */
export interface HashedFile {
  id: number;
  collectionID: number;
  keyWrapHash: Uint8Array;
  contentHeaderHash: Uint8Array;
  metadataHash: Uint8Array;
  fileSize: number;
  thumbnailSize: number;
  /** keyWrapHash in hex, if the caller has it already (the fold is keyed by it). */
  keyWrapHex?: string;
}

/** The hashes of a listed file's parts a log entry binds (three SHA-256). */
export async function hashFile(r: ListedFile): Promise<HashedFile> {
  return {
    id: r.id,
    collectionID: r.collectionID,
    keyWrapHash: await keyWrapHash(r.encryptedKey, r.keyDecryptionNonce),
    contentHeaderHash: await contentHeaderHash(r.file.decryptionHeader),
    metadataHash: await metadataHash(r.metadata.decryptionHeader, r.metadata.encryptedData),
    fileSize: r.file.size,
    thumbnailSize: r.thumbnail.size,
  };
}

/**
 * Compares a files listing with the album's fold. Resolves to the files the log vouches for
 * (each with its entry, which a later thumbnail download is checked against), the findings, and
 * whether the listing equals the fold. `elsewhere(keyWrapHashHex)` names another album whose
 * fold holds a file (a move), if the caller knows one.
 */
export async function compareFiles<F extends ListedFile>(
  state: AlbumState,
  listed: readonly F[],
  elsewhere: (keyWrapHashHex: string) => number | undefined = () => undefined,
): Promise<{ files: { record: F; entry: FileState }[]; findings: Finding[]; equal: boolean }> {
  const hashed: (HashedFile & { record: F })[] = [];
  for (const record of listed) hashed.push({ ...(await hashFile(record)), record });
  const { files, findings, equal } = compareHashed(state, hashed, elsewhere);
  return { files: files.map(({ record, entry }) => ({ record: record.record, entry })), findings, equal };
}

/**
 * compareFiles over the parts' hashes, computed earlier (by `hashFile`, of the same bytes): what
 * the library's file cache compares again after a log-in, hashing only records changed since.
 */
export function compareHashed<F extends HashedFile>(
  state: AlbumState,
  listed: readonly F[],
  elsewhere: (keyWrapHashHex: string) => number | undefined = () => undefined,
): { files: { record: F; entry: FileState }[]; findings: Finding[]; equal: boolean } {
  const albumId = state.albumId;
  const files: { record: F; entry: FileState }[] = [];
  const injected: number[] = [];
  const moved: number[] = [];
  const duplicated: number[] = [];
  const altered: number[] = [];
  const parts = new Set<FilePart>();
  const seen = new Set<string>();
  for (const r of listed) {
    const id = r.keyWrapHex ?? toHex(r.keyWrapHash);
    const entry = state.files.get(id);
    if (!entry || r.collectionID !== albumId) {
      (elsewhere(id) !== undefined || r.collectionID !== albumId ? moved : injected).push(r.id);
      continue;
    }
    if (seen.has(id)) {
      duplicated.push(r.id);
      continue;
    }
    seen.add(id);
    const wrong: FilePart[] = [];
    if (!sameBytes(r.contentHeaderHash, entry.contentHeaderHash)) wrong.push('content header');
    if (r.fileSize !== entry.contentSize) wrong.push('content size');
    if (r.thumbnailSize !== entry.thumbnailSize) wrong.push('thumbnail size');
    if (!sameBytes(r.metadataHash, entry.metadataHash)) wrong.push('metadata');
    if (wrong.length) {
      altered.push(r.id);
      for (const p of wrong) parts.add(p);
      continue;
    }
    files.push({ record: r, entry });
  }
  const findings: Finding[] = [];
  const withheld = state.files.size - seen.size;
  if (withheld > 0) findings.push({ kind: 'withheld', albumId, count: withheld });
  if (injected.length) findings.push({ kind: 'injected', albumId, fileIds: injected });
  if (moved.length) findings.push({ kind: 'moved', albumId, fileIds: moved });
  if (altered.length) findings.push({ kind: 'altered', albumId, fileIds: altered, parts: [...parts] });
  if (duplicated.length) findings.push({ kind: 'duplicated', albumId, fileIds: duplicated });
  return { files, findings, equal: findings.length === 0 };
}

/**
 * Checks a thumbnail's downloaded ciphertext against its entry before anything decrypts or
 * decodes it: its size first (a longer one is never hashed), then its hash.
 */
export async function thumbnailMatches(entry: FileState, header: Uint8Array, ciphertext: Uint8Array): Promise<boolean> {
  if (ciphertext.length !== entry.thumbnailSize) return false;
  return sameBytes(await thumbnailHash(header, ciphertext), entry.thumbnailHash);
}
