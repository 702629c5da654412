// An album log's verified fold as bytes, for the gallery's device-local library cache
// (docs/library-cache.md): the AlbumState a fold reached and the hash of every entry up to its
// head (checkSeen compares the account record's highest head with the hash at that sequence), so
// the next log-in reads only the entries after the head and folds them onto this state instead
// of fetching, verifying and folding the whole log again. The caller seals these bytes with a key
// under the master key; unpacking checks every length and field anyway (a damaged or foreign
// page is a TrustError, never a half-read state). Files are a fixed-width table, not JSON: at
// 100,000 files that is 16.8 MB and one pass, where JSON of the same would be about twice that.
import type { AlbumState, FileState, LogHead, Member, Role } from './album-log.js';
import { toHex } from './bytes.js';
import { TrustError } from './errors.js';

const MAGIC = [0x43, 0x4c, 0x46, 0x43]; // "CLFC"
const VERSION = 1;
const HASH = 32;
/** keyWrapHash, contentHeaderHash, thumbnailHash, metadataHash; contentSize, thumbnailSize, addedBy, addedAt, seq. */
const FILE_BYTES = 4 * HASH + 5 * 8;
const ROLES: readonly Role[] = ['viewer', 'collaborator'];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
const bad = (why: string) => new TrustError('malformed', `the cached fold ${why}`);

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
function unb64(text: unknown, length: number, what: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw bad(`has no ${what}`);
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    throw bad(`has a bad ${what}`);
  }
  if (raw.length !== length) throw bad(`has a ${what} of ${raw.length} bytes`);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
function int(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad(`has a bad ${what}`);
  return value;
}

/** `state` (a fold's result) and `hashes[seq]` of every entry 0..head.seq, as bytes. */
export function packFold(state: AlbumState, hashes: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (hashes.length !== state.head.seq + 1)
    throw new Error(`a fold to entry ${state.head.seq} needs ${state.head.seq + 1} hashes`);
  const header = utf8.encode(
    JSON.stringify({
      albumId: state.albumId,
      owner: { accountId: state.owner.accountId, signingKey: b64(state.owner.signingKey) },
      nameHash: b64(state.nameHash),
      createdAt: state.createdAt,
      members: [...state.members.values()].map((m) => ({
        ...m,
        boxKey: b64(m.boxKey),
        signingKey: b64(m.signingKey),
        sealedKeyHash: b64(m.sealedKeyHash),
      })),
      link: state.link,
      head: { seq: state.head.seq, hash: b64(state.head.hash) },
      updatedAt: state.updatedAt,
    }),
  );
  const files = [...state.files.values()];
  const out = new Uint8Array(4 + 1 + 4 + header.length + 4 + files.length * FILE_BYTES + hashes.length * HASH);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  view.setUint32(5, header.length);
  out.set(header, 9);
  let at = 9 + header.length;
  view.setUint32(at, files.length);
  at += 4;
  for (const f of files) {
    for (const h of [f.keyWrapHash, f.contentHeaderHash, f.thumbnailHash, f.metadataHash]) {
      out.set(h, at);
      at += HASH;
    }
    for (const n of [f.contentSize, f.thumbnailSize, f.addedBy, f.addedAt, f.seq]) {
      view.setFloat64(at, n);
      at += 8;
    }
  }
  for (const h of hashes) {
    if (h.length !== HASH) throw new Error('an entry hash is 32 bytes');
    out.set(h, at);
    at += HASH;
  }
  return out;
}

/** The fold and entry hashes packFold wrote for album `albumId`; TrustError 'malformed' for anything else. */
export function unpackFold(bytes: Uint8Array, albumId: number): { state: AlbumState; hashes: Uint8Array<ArrayBuffer>[] } {
  if (bytes.length < 13 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('is not one');
  if (bytes[4] !== VERSION) throw bad(`has format ${bytes[4]}, not ${VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(5);
  if (9 + headerLength + 4 > bytes.length) throw bad('is cut short');
  // biome-ignore lint/suspicious/noExplicitAny: every field is checked below before it is used
  let h: Record<string, any>;
  try {
    h = JSON.parse(fromUtf8.decode(bytes.subarray(9, 9 + headerLength)));
  } catch {
    throw bad('has an unreadable header');
  }
  if (!h || typeof h !== 'object') throw bad('has an unreadable header');
  if (h.albumId !== albumId) throw bad(`is of album ${String(h.albumId)}, not ${albumId}`);
  const headSeq = int(h.head?.seq, 'head');
  if (headSeq < 0) throw bad('has a bad head');
  let at = 9 + headerLength;
  const fileCount = view.getUint32(at);
  at += 4;
  if (bytes.length !== at + fileCount * FILE_BYTES + (headSeq + 1) * HASH) throw bad('has the wrong length');
  const members = new Map<number, Member>();
  if (!Array.isArray(h.members)) throw bad('has no members');
  for (const m of h.members) {
    if (!m || typeof m.email !== 'string' || !ROLES.includes(m.role)) throw bad('has a bad member');
    const member: Member = {
      accountId: int(m.accountId, 'member'),
      email: m.email,
      boxKey: unb64(m.boxKey, 32, 'member key'),
      signingKey: unb64(m.signingKey, 32, 'member key'),
      role: m.role,
      sealedKeyHash: unb64(m.sealedKeyHash, HASH, 'member key hash'),
      since: int(m.since, 'member time'),
    };
    if (members.has(member.accountId)) throw bad('names a member twice');
    members.set(member.accountId, member);
  }
  const link = h.link;
  if (!link || typeof link.enabled !== 'boolean' || typeof link.allowDownload !== 'boolean') throw bad('has a bad link');
  const files = new Map<string, FileState>();
  const copy = (n: number) => {
    const out = bytes.slice(at, at + n);
    at += n;
    return out;
  };
  const num = () => {
    const n = view.getFloat64(at);
    at += 8;
    if (!Number.isSafeInteger(n)) throw bad('has a bad file');
    return n;
  };
  for (let i = 0; i < fileCount; i++) {
    const f: FileState = {
      keyWrapHash: copy(HASH),
      contentHeaderHash: copy(HASH),
      thumbnailHash: copy(HASH),
      metadataHash: copy(HASH),
      contentSize: num(),
      thumbnailSize: num(),
      addedBy: num(),
      addedAt: num(),
      seq: num(),
    };
    if (f.seq > headSeq) throw bad('has a file from after its head');
    const key = toHex(f.keyWrapHash);
    if (files.has(key)) throw bad('names a file twice');
    files.set(key, f);
  }
  const hashes: Uint8Array<ArrayBuffer>[] = [];
  for (let s = 0; s <= headSeq; s++) hashes.push(copy(HASH));
  const head: LogHead = { seq: headSeq, hash: unb64(h.head.hash, HASH, 'head hash') };
  if (!hashes[headSeq].every((b, i) => b === head.hash[i])) throw bad("'s head is not its last entry");
  const state: AlbumState = {
    albumId,
    owner: { accountId: int(h.owner?.accountId, 'owner'), signingKey: unb64(h.owner?.signingKey, 32, 'owner key') },
    nameHash: unb64(h.nameHash, HASH, 'name hash'),
    createdAt: int(h.createdAt, 'time'),
    files,
    members,
    link: { enabled: link.enabled, expiresAt: int(link.expiresAt, 'link expiry'), allowDownload: link.allowDownload },
    head,
    updatedAt: int(h.updatedAt, 'time'),
  };
  return { state, hashes };
}
