// An album's file records as this device last listed and opened them (docs/library-cache.md, step
// 3): per file the hashes of the parts its log entry binds (so the comparison with the fold runs
// again without the record's bytes), the stream headers and sizes, and what opening gave (the file
// key, the metadata, the marks). A log-in then asks the server only for records changed since the
// cursor and opens only those. Kept in pages of PAGE_FILES files (a change rewrites its page, not
// the album) and a manifest naming each page's generation, written last: a page that is not the
// generation its manifest names (a write cut short, an older page) makes the whole album load in
// full again. The caller seals the bytes (a key under the master key); unpacking still checks
// every length and field, and any doubt throws (the album then loads as with no cache).
import type { FileRecord } from '../wire/answers.js';
import type { HashedFile } from '../trust/listing.js';
import type { GalleryFile } from './files.js';
import { checkMetadata, type FileMeta } from './metadata.js';

/** Where the library keeps each album's file pages: `page` is `manifest` or `files-<n>`. */
export interface FileCache {
  read(albumId: number, page: string): Promise<Uint8Array | undefined>;
  write(albumId: number, page: string, bytes: Uint8Array): Promise<void>;
  /** Called by Library.close: wipe whatever key the cache holds. */
  close?(): void;
}

/** Files per page: about 1.2 MB sealed, so one change rewrites that much, not the album's 24 MB at 100,000. */
export const PAGE_FILES = 5000;
const FORMAT = 1;
const MAGIC = 0x434c4650; // "CLFP"
const HASH = 32;
const HEADER = 24;
const KEY = 32;
/** id, collectionID, ownerID, updationTime, sizes, marks version: 7 float64; state, marks; 3 hashes, 2 headers, the key. */
const RECORD = 7 * 8 + 2 + 3 * HASH + 2 * HEADER + KEY; // 234 bytes
const PAGE_HEAD = 4 + 4 + 8 + 4 + 8 + 4;

/** What opening a record gave besides its key (the GalleryFile fields that come from its bytes). */
export interface Opened {
  meta: FileMeta;
  archived?: boolean;
  favourite?: boolean;
  magicVersion?: number;
}

const KWH = 0;
const CHH = KWH + HASH;
const MDH = CHH + HASH;
const FH = MDH + HASH;
const TH = FH + HEADER;
const KEY_AT = TH + HEADER;
const PARTS = KEY_AT + KEY;

/**
 * A listed record, reduced to what the comparison and the gallery need of it. Its byte parts
 * (hashes, headers, the key) are one array, read through views made when asked: 100,000 files
 * kept as six arrays each cost more in the collector than unpacking them.
 */
export class CachedFile implements HashedFile {
  /** Opened (the log vouched for it), 'unreadable' (it did not open), or undefined (not opened: the log did not vouch for it). */
  opened?: Opened | 'unreadable';
  /** The record as listed in this session (its ciphertext: what opening it needs). */
  record?: FileRecord;
  constructor(
    readonly id: number,
    readonly collectionID: number,
    readonly ownerID: number,
    readonly updationTime: number,
    readonly fileSize: number,
    readonly thumbnailSize: number,
    readonly keyWrapHex: string,
    /** The hashes, the stream headers and the file key (zeros until opened). */
    readonly parts: Uint8Array,
    /** The page it is kept in. */
    public page: number,
  ) {}
  get keyWrapHash() {
    return this.parts.subarray(KWH, CHH);
  }
  get contentHeaderHash() {
    return this.parts.subarray(CHH, MDH);
  }
  get metadataHash() {
    return this.parts.subarray(MDH, FH);
  }
  get fileHeader() {
    return this.parts.subarray(FH, TH);
  }
  get thumbnailHeader() {
    return this.parts.subarray(TH, KEY_AT);
  }
  /** The file key, once opened (wiped with the cache). */
  get key() {
    return this.parts.subarray(KEY_AT, PARTS);
  }
}

/** The cursor after a record: its update time, then its id (the server's paged listing's order). */
export const cursorOf = (f: { updationTime: number; id: number }) => `${f.updationTime}-${f.id}`;
/** Whether `a` comes after `b` in the listing's order. */
export const after = (a: { updationTime: number; id: number }, b: { updationTime: number; id: number }) =>
  a.updationTime > b.updationTime || (a.updationTime === b.updationTime && a.id > b.id);

/** An album's cached files: the server's listing as last applied, by id, in pages. */
export class AlbumFiles {
  readonly files = new Map<number, CachedFile>();
  /** Each page's generation (as written) and whether it changed since. */
  pages: { generation: number; dirty: boolean; count: number }[] = [];
  /** The last record listed (the listing's cursor), or undefined (nothing listed yet). */
  last?: { updationTime: number; id: number };

  constructor(readonly albumId: number) {}

  /** The listing as the server claims it now, in its order (update time, then id). */
  listing(): CachedFile[] {
    return [...this.files.values()].sort((a, b) => a.updationTime - b.updationTime || a.id - b.id);
  }

  /** A record listed (new, or changed: it replaces the one kept, in its page), with its parts' hashes. */
  put(h: HashedFile, r: FileRecord): CachedFile {
    const old = this.files.get(r.id);
    let page = old?.page;
    if (page === undefined) {
      page = this.pages.findIndex((p) => p.count < PAGE_FILES);
      if (page < 0) page = this.pages.push({ generation: 0, dirty: true, count: 0 }) - 1;
      this.pages[page]!.count++;
    }
    old?.key.fill(0);
    this.pages[page]!.dirty = true;
    const parts = new Uint8Array(PARTS);
    parts.set(h.keyWrapHash, KWH);
    parts.set(h.contentHeaderHash, CHH);
    parts.set(h.metadataHash, MDH);
    parts.set(r.file.decryptionHeader, FH);
    parts.set(r.thumbnail.decryptionHeader, TH);
    const f = new CachedFile(
      r.id,
      r.collectionID,
      r.ownerID,
      r.updationTime,
      r.file.size,
      r.thumbnail.size,
      hex(h.keyWrapHash),
      parts,
      page,
    );
    f.record = r;
    this.files.set(r.id, f);
    if (!this.last || after(f, this.last)) this.last = { updationTime: f.updationTime, id: f.id };
    return f;
  }

  /** A record the server says left the album (`at`: the removal's place in the listing's order). */
  remove(id: number, at: { updationTime: number; id: number }) {
    if (!this.last || after(at, this.last)) this.last = { updationTime: at.updationTime, id: at.id };
    const old = this.files.get(id);
    if (!old) return;
    this.files.delete(id);
    const page = this.pages[old.page]!;
    page.count--;
    page.dirty = true;
    old.key.fill(0);
  }

  /** What opening `f`'s record gave: its key and the rest, or that it did not open. */
  open(f: CachedFile, key: Uint8Array | undefined, opened: Opened | 'unreadable') {
    if (key) f.key.set(key);
    else f.key.fill(0);
    f.opened = opened;
    f.record = undefined;
    this.pages[f.page]!.dirty = true;
  }

  get dirty() {
    return this.pages.some((p) => p.dirty);
  }

  /** Wipes every file key kept. */
  wipe() {
    for (const f of this.files.values()) f.key.fill(0);
    this.files.clear();
  }
}

const utf8 = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** trust's toHex, by table (100,000 key-wrap hashes per unpack at 100,000 files). */
function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A fresh generation: random, so a page left from another write never matches by chance. */
function newGeneration(): number {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return (hi! & 0x1fffff) * 2 ** 32 + lo!;
}

class Malformed extends Error {
  override name = 'Malformed';
}
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Malformed(`file cache: ${what}`);
};
const safeId = (n: number) => Number.isSafeInteger(n) && n > 0;
const safeCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * The album's changed pages (with a new generation), then its manifest: the bytes to store, in
 * that order (none when nothing changed), and `written()` to call once all are stored (until then
 * the pages count as changed: a write that failed is tried again whole).
 */
export function packAlbum(album: AlbumFiles): { writes: { page: string; bytes: Uint8Array }[]; written(): void } {
  if (!album.dirty) return { writes: [], written() {} };
  const generation = newGeneration();
  const byPage: CachedFile[][] = album.pages.map(() => []);
  for (const f of album.files.values()) byPage[f.page]!.push(f);
  const packed = album.pages.filter((p) => p.dirty);
  const writes: { page: string; bytes: Uint8Array }[] = [];
  for (const [n, p] of album.pages.entries())
    if (p.dirty) writes.push({ page: `files-${n}`, bytes: packPage(album.albumId, n, generation, byPage[n]!) });
  const manifest = {
    format: FORMAT,
    albumId: album.albumId,
    last: album.last ?? null,
    pages: album.pages.map((p) => (p.dirty ? generation : p.generation)),
  };
  writes.push({ page: 'manifest', bytes: utf8.encode(JSON.stringify(manifest)) });
  return {
    writes,
    written() {
      for (const p of packed) Object.assign(p, { generation, dirty: false });
    },
  };
}

function packPage(albumId: number, index: number, generation: number, files: readonly CachedFile[]): Uint8Array {
  const metas = utf8.encode(JSON.stringify(files.map((f) => (f.opened && f.opened !== 'unreadable' ? f.opened.meta : null))));
  const bytes = new Uint8Array(PAGE_HEAD + files.length * RECORD + 4 + metas.length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, MAGIC);
  v.setUint32(4, FORMAT);
  v.setFloat64(8, albumId);
  v.setUint32(16, index);
  v.setFloat64(20, generation);
  v.setUint32(28, files.length);
  let o = PAGE_HEAD;
  for (const f of files) {
    const opened = f.opened && f.opened !== 'unreadable' ? f.opened : undefined;
    for (const n of [f.id, f.collectionID, f.ownerID, f.updationTime, f.fileSize, f.thumbnailSize, opened?.magicVersion ?? -1]) {
      v.setFloat64(o, n);
      o += 8;
    }
    bytes[o++] = opened ? 1 : f.opened === 'unreadable' ? 2 : 0;
    bytes[o++] = opened?.archived === undefined ? 0 : 4 | (opened.archived ? 1 : 0) | (opened.favourite ? 2 : 0);
    bytes.set(f.parts, o);
    if (!opened) bytes.fill(0, o + KEY_AT, o + PARTS);
    o += PARTS;
  }
  v.setUint32(o, metas.length);
  bytes.set(metas, o + 4);
  return bytes;
}

/** The manifest's bytes: the pages to read and their generations. Throws Malformed. */
export function unpackManifest(
  bytes: Uint8Array,
  albumId: number,
): { last?: { updationTime: number; id: number }; pages: number[] } {
  let m: { format?: unknown; albumId?: unknown; last?: { updationTime?: unknown; id?: unknown } | null; pages?: unknown };
  try {
    m = JSON.parse(fromUtf8.decode(bytes)) as typeof m;
  } catch {
    throw new Malformed('file cache: the manifest is not JSON');
  }
  check(m !== null && typeof m === 'object' && m.format === FORMAT && m.albumId === albumId, 'another format or album');
  check(Array.isArray(m.pages) && m.pages.every((g) => safeCount(g as number)), 'pages');
  const last = m.last;
  if (last !== null)
    check(typeof last === 'object' && !!last && safeCount(last.updationTime as number) && safeId(last.id as number), 'cursor');
  return {
    last: last ? { updationTime: last.updationTime as number, id: last.id as number } : undefined,
    pages: m.pages as number[],
  };
}

/** Adds the files of one page's bytes to `album` (checked against the manifest's generation). Throws Malformed. */
export function unpackPage(bytes: Uint8Array, album: AlbumFiles, index: number, generation: number) {
  check(bytes.length >= PAGE_HEAD, 'a short page');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  check(v.getUint32(0) === MAGIC && v.getUint32(4) === FORMAT, 'another format');
  check(v.getFloat64(8) === album.albumId && v.getUint32(16) === index, 'another album or page');
  check(v.getFloat64(20) === generation, 'another generation than its manifest');
  const count = v.getUint32(28);
  check(count <= PAGE_FILES && bytes.length >= PAGE_HEAD + count * RECORD + 4, 'its length');
  const metaAt = PAGE_HEAD + count * RECORD;
  const metaLength = v.getUint32(metaAt);
  check(bytes.length === metaAt + 4 + metaLength, 'its length');
  let metas: unknown;
  try {
    metas = JSON.parse(fromUtf8.decode(bytes.subarray(metaAt + 4)));
  } catch {
    throw new Malformed('file cache: metadata is not JSON');
  }
  check(Array.isArray(metas) && metas.length === count, 'its metadata');
  album.pages[index] = { generation, dirty: false, count };
  let o = PAGE_HEAD;
  for (let i = 0; i < count; i++) {
    const n: number[] = [];
    for (let k = 0; k < 7; k++, o += 8) n.push(v.getFloat64(o));
    const [id, collectionID, ownerID, updationTime, fileSize, thumbnailSize, magicVersion] = n as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    check(safeId(id) && safeId(collectionID) && safeId(ownerID), 'ids');
    check(safeCount(updationTime) && safeCount(fileSize) && safeCount(thumbnailSize), 'sizes');
    check(magicVersion === -1 || safeId(magicVersion), 'a marks version');
    check(!album.files.has(id), 'a file kept twice');
    const state = bytes[o++]!;
    const marks = bytes[o++]!;
    check(state <= 2 && marks <= 7 && (marks === 0 || (marks & 4) !== 0), 'a state');
    // A view of the page (its bytes are the cache's own copy): no copy per file.
    const parts = bytes.subarray(o, (o += PARTS));
    const key = parts.subarray(KEY_AT, PARTS);
    const metaJson = (metas as unknown[])[i];
    let opened: CachedFile['opened'];
    if (state === 1) {
      check(metaJson !== null && typeof metaJson === 'object', 'metadata');
      let meta: FileMeta;
      try {
        meta = checkMetadata(metaJson);
      } catch {
        throw new Malformed('file cache: metadata');
      }
      opened = { meta };
      if (magicVersion !== -1) opened.magicVersion = magicVersion;
      if (marks) Object.assign(opened, { archived: (marks & 1) !== 0, favourite: (marks & 2) !== 0 });
    } else {
      check(metaJson === null && key.every((b) => b === 0) && magicVersion === -1 && marks === 0, 'an unopened file');
      opened = state === 2 ? 'unreadable' : undefined;
    }
    const f = new CachedFile(
      id,
      collectionID,
      ownerID,
      updationTime,
      fileSize,
      thumbnailSize,
      hex(parts.subarray(KWH, CHH)),
      parts,
      index,
    );
    f.opened = opened;
    album.files.set(id, f);
  }
}

/** Reads an album's cached files (the manifest, then each page), or throws (none, or any doubt). */
export async function readAlbum(cache: FileCache, albumId: number): Promise<AlbumFiles | undefined> {
  const manifestBytes = await cache.read(albumId, 'manifest');
  if (!manifestBytes) return undefined;
  const { last, pages } = unpackManifest(manifestBytes, albumId);
  const album = new AlbumFiles(albumId);
  try {
    const read = await Promise.all(pages.map((_, n) => cache.read(albumId, `files-${n}`)));
    for (const [n, bytes] of read.entries()) {
      check(!!bytes, 'a page is missing');
      unpackPage(bytes!, album, n, pages[n]!);
    }
    check(!!last || album.files.size === 0, 'files without a cursor');
    for (const f of album.files.values()) check(!last || !after(f, last), 'a file after the cursor');
  } catch (e) {
    album.wipe();
    throw e;
  }
  album.last = last;
  return album;
}

/** The file as opening its record gave it (its key a copy: Library.close wipes the file's, the cache wipes its own). */
export function fromCache(f: CachedFile, opened: Opened): GalleryFile {
  const file: GalleryFile = {
    id: f.id,
    collectionID: f.collectionID,
    ownerID: f.ownerID,
    key: f.key.slice(),
    meta: opened.meta,
    headers: { file: f.fileHeader, thumbnail: f.thumbnailHeader },
    sizes: { file: f.fileSize, thumbnail: f.thumbnailSize },
  };
  if (opened.magicVersion !== undefined) file.magicVersion = opened.magicVersion;
  if (opened.archived !== undefined) Object.assign(file, { archived: opened.archived, favourite: opened.favourite });
  return file;
}
