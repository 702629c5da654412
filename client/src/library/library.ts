// An account's (or a public link's) albums and files, with their keys opened, held until close()
// wipes them. Listings come from the server (parsed at the edge) and are believed only as far as
// each album's signed log vouches for them (album-trust.ts): what does not open is left out and
// counted, what the log does not vouch for is left out and reported, never shown half-read.
import type { RecordKeeper } from '../account/record.js';
import type { Session } from '../account/session.js';
import { concatBytes } from '../bytes.js';
import type { ClientCrypto } from '../crypto.js';
import type { Body, FileState } from '../trust/album-log.js';
import { sameBytes, toHex } from '../trust/bytes.js';
import { canonicalEmail, verifyIdentity } from '../trust/identity.js';
import {
  compareHashed,
  contentHeaderHash,
  hashFile,
  type HashedFile,
  keyWrapHash,
  metadataHash,
  nameHash,
  type Finding,
  thumbnailHash,
  thumbnailMatches,
} from '../trust/listing.js';
import { packFold, unpackFold } from '../trust/fold-cache.js';
import { pinContact, seeHead } from '../trust/record.js';
import { checkThumbnail, thumbnailSizeAllowed } from '../trust/thumbnail.js';
import type { Api, KeyedFile } from '../wire/api.js';
import type { FileRecord } from '../wire/answers.js';
import {
  after as listedAfter,
  AlbumFiles,
  CachedFile,
  cursorOf,
  type FileCache,
  fromCache,
  packAlbum,
  readAlbum,
} from './file-cache.js';
import {
  type AlbumTrust,
  appendEntries,
  appendEntry,
  type LogPart,
  refreshLog,
  type TrustContext,
  verifyAlbum,
} from './album-trust.js';
import { openAlbum, openAlbumKey, type AccountKeys, type Album } from './albums.js';
import { MAX_BATCH_FILES } from '../../../contract/limits.mjs';
import { marksJson, newestFirst, openFile, openMarks, type GalleryFile } from './files.js';
import { decryptStream } from './streams.js';
import { uploadFile, type NewFileInput, type UploadHooks, type UploadProgress } from './upload.js';

const utf8 = new TextEncoder();
/** Findings a member's change between the listing and the log could cause (checked twice). */
const RACY = new Set<Finding['kind']>(['name', 'owner', 'members', 'unverified-share', 'sealed-key']);

/**
 * Where the library keeps each album's verified log fold between log-ins (docs/library-cache.md):
 * bytes of `trust.packFold`, which the caller seals with a key under the master key (the library
 * never reads a cache it did not get back whole). A read that fails or bytes that do not unpack
 * start the album's log over from its first entry.
 */
export interface LogCache {
  read(albumId: number): Promise<Uint8Array | undefined>;
  write(albumId: number, bytes: Uint8Array): Promise<void>;
  /** Called by Library.close: wipe whatever key the cache holds. */
  close?(): void;
}

/** Findings after which an album's fold is not cached (its history is in question). */
const UNCACHED = new Set<Finding['kind']>(['history', 'rollback', 'fork']);

/** A thumbnail refused before it was decoded (too large, not its entry's bytes, not a bounded image). */
export class ThumbnailRejected extends Error {
  override name = 'ThumbnailRejected';
}

/** An album this account may not add to (not its own, nor a verified share as collaborator). */
export class ReadOnlyAlbum extends Error {
  override name = 'ReadOnlyAlbum';
}

/**
 * Files per organising request: each carries its signed log entries (about 480 bytes of JSON
 * each, two for a move, one per album for the trash), and a request body is at most
 * MAX_JSON_BYTES (64 KiB), so far fewer than the server's MAX_BATCH_FILES fit.
 */
const LOGGED_BATCH_FILES = Math.min(MAX_BATCH_FILES, 32);
/** Files a listing opens at once (two windows at most in flight: a bounded queue in the pool). */
const OPEN_AHEAD = 256;

export class Library {
  readonly albums = new Map<number, Album>();
  readonly files = new Map<number, GalleryFile>();
  /** The albums (ids) each file was last listed in. */
  private readonly memberships = new Map<number, Set<number>>();
  /** Each album's log entry for each of its files (by file id): what a remove or move names. */
  private readonly albumEntries = new Map<number, Map<number, FileState>>();
  /** A trashed file's content hashes (from its entries, or from its trashed record): what a restore's entry binds. */
  private readonly contentEntries = new Map<number, FileState>();
  /** The same for a trashed file listed by the server, but for the thumbnail's hash. */
  private readonly trashedContent = new Map<
    number,
    Pick<FileState, 'contentHeaderHash' | 'contentSize' | 'thumbnailSize' | 'metadataHash'>
  >();

  /**
   * A file's content hashes for a new entry: from its entry in an album, or (a file trashed before
   * this session) from its trashed record, its thumbnail read and opened under the file key first
   * (so the entry binds bytes that are the file's own).
   */
  private async contentOf(f: GalleryFile): Promise<Omit<FileState, 'keyWrapHash' | 'addedBy' | 'addedAt' | 'seq'> | undefined> {
    const known = f.entry ?? this.contentEntries.get(f.id);
    if (known) return known;
    const trashed = this.trashedContent.get(f.id);
    if (!trashed || !thumbnailSizeAllowed(trashed.thumbnailSize)) return undefined;
    const ciphertext = await this.api.thumbnail(f.id);
    if (ciphertext.length !== trashed.thumbnailSize) return undefined;
    (await this.crypto.blob.decrypt(ciphertext.slice(), f.headers.thumbnail, f.key)).fill(0);
    return { ...trashed, thumbnailHash: await thumbnailHash(f.headers.thumbnail, ciphertext) };
  }
  /** Albums of the last listing that did not open (damaged, or tampered with). */
  unreadableAlbums = 0;
  private readonly trustContext: TrustContext;

  /**
   * `keys` of an account (its signing key signs its log entries); none for a public link (its
   * album key came in the link). `keeper`: the account record, for the album heads seen and the
   * pinned owners.
   */
  constructor(
    readonly crypto: ClientCrypto,
    readonly api: Api,
    readonly keys?: AccountKeys,
    readonly keeper?: RecordKeeper,
    private readonly logCache?: LogCache,
    private readonly fileCache?: FileCache,
  ) {
    this.trustContext = {
      crypto,
      api,
      keeper,
      me: keys && {
        accountId: keys.userId,
        boxKey: keys.publicKey,
        signingKey: keys.signing.publicKey,
        signingSecretKey: keys.signing.secretKey,
      },
    };
  }

  static of(session: Session, keeper?: RecordKeeper, logCache?: LogCache, fileCache?: FileCache): Library {
    return new Library(
      session.crypto,
      session.api,
      { userId: session.id, email: session.email, ...session.keys(), signing: session.signing() },
      keeper,
      logCache,
      fileCache,
    );
  }

  /** The head each album's cached fold is at (read or written in this session). */
  private readonly cachedHeads = new Map<number, number>();

  /** The album's fold as this device last verified it, or undefined (none, or it does not unpack: start over). */
  private async cachedTrust(albumId: number): Promise<AlbumTrust | undefined> {
    const bytes = await this.logCache?.read(albumId).catch(() => undefined);
    if (!bytes) return undefined;
    try {
      const { state, hashes } = unpackFold(bytes, albumId);
      this.cachedHeads.set(albumId, state.head.seq);
      const entries = hashes.map((hash, seq) => ({ seq, hash }));
      return { state, entries, findings: [], ownerCompared: false, writable: false };
    } catch {
      return undefined;
    }
  }

  /** Keeps the album's verified fold for the next log-in (not one whose history is in question). */
  private async cacheTrust(album: Album): Promise<void> {
    const trust = album.trust;
    if (!this.logCache || !trust?.state || trust.findings.some((f) => UNCACHED.has(f.kind))) return;
    // Unchanged since read or written (at 100,000 files the page is about 20 MB to seal and store).
    if (this.cachedHeads.get(album.id) === trust.state.head.seq) return;
    this.cachedHeads.set(album.id, trust.state.head.seq);
    const bytes = packFold(
      trust.state,
      trust.entries.map((e) => e.hash),
    );
    await this.logCache.write(album.id, bytes).catch(() => undefined); // a cache that cannot be written is only slower
  }

  private account(): AccountKeys {
    if (!this.keys) throw new Error('a public link has no account');
    return this.keys;
  }

  /** The account's albums (owned and shared with it), names and keys opened, logs verified. */
  async loadAlbums(): Promise<Album[]> {
    const keys = this.account();
    // The heads this account's other devices saw since, and its pins, come with the record.
    await this.keeper?.load();
    const { items, rejected } = await this.api.collections();
    this.unreadableAlbums = rejected;
    const listed: Album[] = [];
    for (const c of items) {
      let album = this.albums.get(c.id);
      if (album) album.sharees = c.sharees;
      else {
        try {
          const { key, mine } = await openAlbumKey(this.crypto, c, keys);
          album = await openAlbum(this.crypto, c, key, mine);
        } catch {
          this.unreadableAlbums++;
          continue;
        }
        this.albums.set(c.id, album);
      }
      album.listed = c;
      listed.push(album);
    }
    // Each album's log read and checked side by side (a worker pool verifies the signatures).
    // A log this device verified before (kept in memory, or in the log cache) is read only after its head.
    await Promise.all(
      listed.map(async (album) => {
        const previous = album.trust ?? (await this.cachedTrust(album.id));
        album.trust = await verifyAlbum(this.trustContext, album.listed!, album.mine, previous);
      }),
    );
    // A member's change between the listing and the log reads as a difference: those that differ
    // are listed and read once more, and only what holds both times is reported.
    const differing = listed.filter((a) => a.trust?.findings.some((f) => RACY.has(f.kind)));
    if (differing.length) {
      const again = new Map((await this.api.collections()).items.map((c) => [c.id, c]));
      for (const album of differing) {
        const c = again.get(album.id);
        if (!c) continue;
        album.listed = c;
        album.sharees = c.sharees;
        album.trust = await verifyAlbum(this.trustContext, c, album.mine, album.trust);
      }
    }
    await this.pinOwners();
    await this.noteSeen();
    await Promise.all(listed.map((album) => this.cacheTrust(album)));
    return [...this.albums.values()];
  }

  /**
   * Owners of shares first seen: their identity (self-signed) is pinned if it signs their album's
   * log, as not compared yet; a different one is a finding, never a silent pin.
   */
  private async pinOwners() {
    const keeper = this.keeper;
    if (!keeper) return;
    for (const album of this.albums.values()) {
      const state = album.trust?.state;
      if (album.mine || !state || !album.owner || album.trust?.findings.length) continue;
      const email = canonicalEmail(album.owner.email);
      if (keeper.record.contacts[email]) continue;
      let contact: Awaited<ReturnType<Api['publicKey']>>;
      try {
        contact = await this.api.publicKey(email);
      } catch {
        continue;
      }
      const signing = contact.signingPublicKey;
      const signature = contact.identitySignature;
      const identity = signing && signature && { email, boxPublicKey: contact.publicKey, signingPublicKey: signing, signature };
      const holds =
        identity &&
        (await verifyIdentity(this.crypto, identity).then(
          () => true,
          () => false,
        ));
      if (
        !identity ||
        !holds ||
        !sameBytes(identity.signingPublicKey, state.owner.signingKey) ||
        contact.id !== state.owner.accountId
      ) {
        album.trust?.findings.push({ kind: 'owner-key', albumId: album.id, ownerEmail: email });
        if (album.trust) album.trust.writable = false;
        continue;
      }
      await keeper.update((r) =>
        r.contacts[email] ? r : pinContact(r, identity, contact.id, { verified: false, now: Date.now() }),
      );
    }
  }

  /** Records the head of each verified album as seen (one write of the account record, if any moved). */
  async noteSeen() {
    const keeper = this.keeper;
    if (!keeper) return;
    const moved = [...this.albums.values()].filter((a) => {
      const head = a.trust?.state?.head;
      const seen = keeper.record.albums[a.id];
      const blocked = a.trust?.findings.some((f) => f.kind === 'rollback' || f.kind === 'fork' || f.kind === 'history');
      return head && !blocked && (!seen || seen.seq < head.seq);
    });
    if (!moved.length) return;
    await keeper.update((r) => moved.reduce((rec, a) => seeHead(rec, a.id, a.trust!.state!.head, Date.now()), r));
  }

  /** A public link's album: its key came in the link's fragment, its owner's signing key too (new links). */
  async loadPublicAlbum(key: Uint8Array, ownerKey?: Uint8Array): Promise<Album> {
    const c = await this.api.publicCollection();
    const album = await openAlbum(this.crypto, c, key);
    const listed = { ...c, owner: { id: 0, email: '' }, encryptedKey: new Uint8Array(0), keyDecryptionNonce: null, sharees: [] };
    album.trust = await verifyAlbum(this.trustContext, listed, false);
    // A link viewer has no account: the log is checked against the owner's key in the link.
    album.trust.findings = album.trust.findings.filter((f) => f.kind === 'history');
    const state = album.trust.state;
    if (state && !sameBytes(await nameHash(c.encryptedName, c.nameDecryptionNonce), state.nameHash))
      album.trust.findings.push({ kind: 'name', albumId: c.id });
    if (!ownerKey || !state || !sameBytes(state.owner.signingKey, ownerKey))
      album.trust.findings.push({ kind: 'owner-key', albumId: c.id, ownerEmail: 'the link' });
    else if (!state.link.enabled || (state.link.expiresAt > 0 && state.link.expiresAt <= Date.now()))
      album.trust.findings.push({ kind: 'link-off', albumId: c.id });
    this.albums.set(album.id, album);
    return album;
  }

  async createAlbum(name: string): Promise<Album> {
    const keys = this.account();
    const key = await this.crypto.generateKey();
    const wrapped = await this.crypto.secretbox.encrypt(key.slice(), keys.masterKey);
    const sealedName = await this.crypto.secretbox.encrypt(utf8.encode(name), key);
    const { id } = await this.api.createCollection({
      encryptedKey: wrapped.ciphertext,
      keyDecryptionNonce: wrapped.nonce,
      encryptedName: sealedName.ciphertext,
      nameDecryptionNonce: sealedName.nonce,
    });
    const trust: AlbumTrust = { entries: [], findings: [], role: 'owner', ownerCompared: true, writable: true };
    await appendEntry(
      this.trustContext,
      id,
      trust,
      { op: 'create', nameHash: await nameHash(sealedName.ciphertext, sealedName.nonce) },
      (logEntry) => this.api.appendLog(id, logEntry),
    );
    const album: Album = {
      id,
      name,
      key,
      owner: { id: keys.userId, email: keys.email ?? '' },
      sharees: [],
      mine: true,
      unreadable: 0,
      trust,
    };
    this.albums.set(id, album);
    await this.noteSeen();
    return album;
  }

  /** Renames an album of this account's (the name's ciphertext goes with its log entry). */
  async rename(album: Album, name: string): Promise<void> {
    if (!album.mine || !album.trust) throw new ReadOnlyAlbum('Only its owner renames an album.');
    const sealed = await this.crypto.secretbox.encrypt(utf8.encode(name), album.key);
    const body = { op: 'rename' as const, nameHash: await nameHash(sealed.ciphertext, sealed.nonce) };
    await appendEntry(this.trustContext, album.id, album.trust, body, (logEntry) =>
      this.api.rename(album.id, { encryptedName: sealed.ciphertext, nameDecryptionNonce: sealed.nonce }, logEntry),
    );
    album.name = name;
    await this.noteSeen();
  }

  /** Where else a file (by its key wrap's hash) is in a log: the album id, for a "moved" finding. */
  private elsewhere = (albumId: number) => (hex: string) => {
    for (const a of this.albums.values()) if (a.id !== albumId && a.trust?.state?.files.has(hex)) return a.id;
    return undefined;
  };

  /**
   * The album's files, newest first: those its log vouches for (all that open, for an album with
   * no log); what the listing adds, leaves out or changes is in `album.fileFindings`, and those
   * that do not open are counted in `album.unreadable`. With a file cache (an album with a log),
   * only the records changed since the cached listing are listed, hashed and opened.
   */
  async loadFiles(album: Album): Promise<GalleryFile[]> {
    if (!album.trust?.state || !this.fileCache) return this.loadAllFiles(album);
    let kept = this.albumFiles.get(album.id);
    if (!kept) {
      kept = await readAlbum(this.fileCache, album.id).catch(() => undefined);
      if (kept) this.albumFiles.set(album.id, kept);
    }
    const out = kept && (await this.loadChangedFiles(album, kept));
    if (out) return out;
    // No cache, or one that cannot be applied: the album in full, as with none, cached anew.
    this.dropAlbumFiles(album.id);
    return this.loadAllFiles(album, new AlbumFiles(album.id));
  }

  /** Files kept per album (docs/library-cache.md): the listing as last applied, and what it opened to. */
  private readonly albumFiles = new Map<number, AlbumFiles>();

  private dropAlbumFiles(albumId: number) {
    this.albumFiles.get(albumId)?.wipe();
    this.albumFiles.delete(albumId);
  }

  /** The records changed since `kept`'s cursor, hashed and put in it; false if the server's pages cannot be applied. */
  private async listChanges(album: Album, kept: AlbumFiles): Promise<boolean> {
    if (!kept.last) return false;
    let cursor: { updationTime: number; id: number } = kept.last;
    const changed = new Set<number>();
    for (;;) {
      // A cursor the server refuses (410: older than the removals it keeps), or an answer that
      // does not parse: the album is listed in full instead (which re-checks everything).
      // (The page is checked as it parses: each list in order after the cursor, no file twice,
      // `next` its last change.)
      const page = await this.api.fileChanges(album.id, { after: cursorOf(cursor) }).catch(() => undefined);
      if (!page) return false;
      // A record that did not parse would be left out uncounted: listed in full instead.
      if (page.files.rejected) return false;
      // Records and removals in one order (update time, then id), as the server merged them.
      const changes: { id: number; updationTime: number; record?: FileRecord }[] = [
        ...page.files.items.map((r) => ({ id: r.id, updationTime: r.updationTime, record: r })),
        ...page.removed.map((r) => ({ ...r, record: undefined })),
      ].sort((x, y) => x.updationTime - y.updationTime || x.id - y.id);
      for (const c of changes) {
        if (!listedAfter(c, cursor) || changed.has(c.id)) return false;
        changed.add(c.id);
        cursor = c;
        if (c.record) kept.put(await hashFile(c.record), c.record);
        else kept.remove(c.id, c);
      }
      if (page.next === null || !changes.length) return true;
    }
  }

  /**
   * The album from its cached files and the changes since (undefined: they cannot be applied,
   * the caller loads the album in full). The same comparison and the same files as loadAllFiles.
   */
  private async loadChangedFiles(album: Album, kept: AlbumFiles): Promise<GalleryFile[] | undefined> {
    const trust = album.trust!;
    const listAndCompare = async () => {
      if (!(await this.listChanges(album, kept))) return undefined;
      const error = await refreshLog(this.trustContext, album.id, trust);
      if (error && !trust.findings.some((f) => f.kind === 'history'))
        trust.findings.push({ kind: 'history', albumId: album.id, error });
      if (!trust.state) return undefined;
      return compareHashed(trust.state, kept.listing(), this.elsewhere(album.id));
    };
    let compared = await listAndCompare();
    if (compared && !compared.equal) compared = await listAndCompare();
    if (!compared) return undefined;
    await this.cacheTrust(album);
    const listed = kept.files;
    const refused = (album.fileFindings ?? []).filter((f) => f.kind === 'thumbnail' && listed.has(f.fileId));
    album.fileFindings = [...compared.findings, ...refused];
    // A file the log now vouches for that was not opened before (its ciphertext is not kept): in full.
    if (compared.files.some(({ record: f }) => f.opened === undefined && !f.record)) return undefined;
    const out = await this.openListed(album, compared.files, 0, kept);
    // A listing the log does not vouch for whole is not kept: a lie (a file re-listed, say) would
    // outlive it, no later change undoing it. The next listing starts from the cache as stored.
    if (compared.equal) await this.writeAlbumFiles(kept);
    else this.dropAlbumFiles(album.id);
    return out;
  }

  /** Writes the album's changed file pages, then its manifest (a cache that cannot be written is only slower). */
  private async writeAlbumFiles(kept: AlbumFiles) {
    const cache = this.fileCache;
    if (!cache || this.fileCacheRefused) return;
    try {
      const { writes, written } = packAlbum(kept);
      for (const { page, bytes } of writes) await cache.write(kept.albumId, page, bytes);
      written();
    } catch {
      // Pages written without their manifest do not match the one kept: the next log-in loads in
      // full. A cache that refuses (another tab writes it) is not packed again this session.
      this.fileCacheRefused = true;
    }
  }
  private fileCacheRefused = false;

  /**
   * The album's files listed in full, compared and opened (no file cache, or one to start over);
   * with `kept`, every record is put in it and the album's file pages written anew.
   */
  private async loadAllFiles(album: Album, kept?: AlbumFiles): Promise<GalleryFile[]> {
    const trust = album.trust;
    // The listing first, then the log brought up to date (so it is at least as new); a member's
    // change in between reads as a difference, so a listing that differs is read once more.
    const listAndCompare = async () => {
      const listing = await this.api.files(album.id);
      if (!trust?.state) return { listing, hashed: undefined, compared: undefined };
      const error = await refreshLog(this.trustContext, album.id, trust);
      if (error && !trust.findings.some((f) => f.kind === 'history'))
        trust.findings.push({ kind: 'history', albumId: album.id, error });
      if (!trust.state) return { listing, hashed: undefined, compared: undefined };
      const hashed: (HashedFile & { record: FileRecord })[] = [];
      for (const record of listing.items) hashed.push({ ...(await hashFile(record)), record });
      return { listing, hashed, compared: compareHashed(trust.state, hashed, this.elsewhere(album.id)) };
    };
    let { listing, hashed, compared } = await listAndCompare();
    if (compared && !compared.equal) ({ listing, hashed, compared } = await listAndCompare());
    await this.cacheTrust(album); // the log as now verified, for the next log-in
    const { items, rejected } = listing;
    // A thumbnail refused earlier stays said (it is not downloaded again).
    const refused = (album.fileFindings ?? []).filter((f) => f.kind === 'thumbnail' && items.some((r) => r.id === f.fileId));
    album.fileFindings = compared ? [...compared.findings, ...refused] : refused;
    // Kept for the next log-in only when every record parsed (one that did not is counted, not kept).
    // Kept only when the log vouches for the whole listing (see loadChangedFiles).
    const keep =
      kept && hashed && compared?.equal && !rejected && new Set(items.map((r) => r.id)).size === items.length ? kept : undefined;
    if (keep) {
      for (const h of hashed!) keep.put(h, h.record);
      this.albumFiles.set(album.id, keep);
    }
    const records = compared
      ? compared.files.map(({ record, entry }) => ({ record: keep?.files.get(record.id) ?? record.record, entry }))
      : items.map((record) => ({ record, entry: undefined as GalleryFile['entry'] }));
    const out = await this.openListed(album, records, rejected, keep);
    if (keep) await this.writeAlbumFiles(keep);
    return out;
  }

  /**
   * Opens the listed files (or takes them from the cache, or from this session) and makes them
   * the album's; `unreadable` counts records that did not parse. Each record opened is kept in
   * `kept` with what it opened to.
   */
  private async openListed(
    album: Album,
    records: readonly { record: FileRecord | CachedFile; entry: GalleryFile['entry'] }[],
    unreadable: number,
    kept?: AlbumFiles,
  ): Promise<GalleryFile[]> {
    const out: GalleryFile[] = [];
    for (const albumFiles of this.memberships.values()) albumFiles.delete(album.id);
    this.albumEntries.delete(album.id);
    // The record each listed file is opened from (none: unchanged since the file cache, taken from it).
    const rawOf = (record: FileRecord | CachedFile) => (record instanceof CachedFile ? record.record : record);
    // Files new to this library are opened OPEN_AHEAD at a time (the pool's workers share them;
    // one after another kept one worker busy), then taken in order as before.
    const opening = new Map<number, Promise<GalleryFile>>();
    const openAhead = (from: number) => {
      for (const { record } of records.slice(from, from + OPEN_AHEAD)) {
        const r = rawOf(record);
        if (!r || this.files.has(r.id) || opening.has(r.id)) continue;
        const p = openFile(this.crypto, album.key, r);
        p.catch(() => {}); // awaited below
        opening.set(r.id, p);
      }
    };
    openAhead(0);
    for (const [i, { record, entry }] of records.entries()) {
      if (i % OPEN_AHEAD === 0) openAhead(i + OPEN_AHEAD); // the next window, while this one is taken
      const cached = record instanceof CachedFile ? record : undefined;
      const r = rawOf(record);
      let file = this.files.get(record.id);
      try {
        if (!r) {
          // Unchanged since the cache: what it opened to then (a key that did not open stays so).
          const opened = cached!.opened;
          if (!opened || opened === 'unreadable') throw new Error('it did not open');
          if (!file) {
            file = fromCache(cached!, opened);
            this.files.set(file.id, file);
          } else if (!sameBytes(file.key, cached!.key)) throw new Error('a different key for the same file');
        } else if (!file) {
          const p = opening.get(r.id);
          opening.delete(r.id); // a record listed twice: the second is opened on its own if the first fails
          file = await (p ?? openFile(this.crypto, album.key, r));
          this.files.set(r.id, file);
        } else {
          const key = await this.crypto.secretbox.decrypt(r.encryptedKey.slice(), r.keyDecryptionNonce, album.key);
          const same = key.length === file.key.length && key.every((b, i) => b === file!.key[i]);
          key.fill(0);
          if (!same) throw new Error('a different key for the same file');
          if (r.magicMetadata && r.magicMetadata.version !== file.magicVersion)
            await openMarks(this.crypto, file, r.magicMetadata);
        }
      } catch {
        if (cached && r) kept?.open(cached, undefined, 'unreadable');
        unreadable++;
        continue;
      }
      if (cached && r) {
        const { meta, archived, favourite, magicVersion } = file;
        kept?.open(cached, file.key, { meta, archived, favourite, magicVersion });
      }
      if (entry) {
        file.entry = entry;
        this.entriesOf(album.id).set(file.id, entry);
      }
      this.member(file.id).add(album.id);
      out.push(file);
    }
    // Records listed but not opened (the log did not vouch for them) keep no ciphertext.
    if (kept) for (const f of kept.files.values()) f.record = undefined;
    // Opened but not taken (the library got the file from another album meanwhile): its key is wiped.
    for (const p of opening.values()) p.then((f) => f.key.fill(0)).catch(() => {});
    album.unreadable = unreadable;
    await this.noteSeen();
    return out.sort(newestFirst);
  }

  private member(fileId: number): Set<number> {
    let set = this.memberships.get(fileId);
    if (!set) this.memberships.set(fileId, (set = new Set()));
    return set;
  }

  /** The albums `file` is in (as last listed). */
  albumsOf(file: GalleryFile): Album[] {
    return [...(this.memberships.get(file.id) ?? [])].map((id) => this.albums.get(id)).filter((a): a is Album => !!a);
  }

  // ---- organising: every change to an album's files goes through these (one place to sign them) ----

  /** Each file key wrapped with `key` (an album's, or the master key for the trash). */
  private async wrapFor(files: readonly GalleryFile[], key: Uint8Array): Promise<KeyedFile[]> {
    const out: KeyedFile[] = [];
    for (const f of files) {
      const { ciphertext, nonce } = await this.crypto.secretbox.encrypt(f.key.slice(), key);
      out.push({ id: f.id, encryptedKey: ciphertext, keyDecryptionNonce: nonce });
    }
    return out;
  }

  /** `run` over `items` in batches the server takes. */
  private static async batches<T>(items: readonly T[], run: (batch: T[]) => Promise<void>) {
    for (let i = 0; i < items.length; i += LOGGED_BATCH_FILES) await run(items.slice(i, i + LOGGED_BATCH_FILES));
  }

  private entriesOf(albumId: number): Map<number, FileState> {
    let map = this.albumEntries.get(albumId);
    if (!map) this.albumEntries.set(albumId, (map = new Map()));
    return map;
  }

  /**
   * The log entries that add `wraps` (the files' keys wrapped for `album`) to its log: the
   * content, thumbnail and metadata hashes from the file's entry in another album (the same
   * bytes), the key wrap's hash of this one. None for an album with no log.
   */
  private async addBodies(album: Album, files: readonly GalleryFile[], wraps: readonly KeyedFile[]): Promise<LogPart[]> {
    const trust = album.trust;
    if (!trust?.state) return [];
    const bodies: Body[] = [];
    for (const [i, f] of files.entries()) {
      const from = await this.contentOf(f);
      if (!from) throw new ReadOnlyAlbum(`“${f.meta.title}” is in no album’s history: it cannot be added here.`);
      const wrap = wraps[i]!;
      bodies.push({
        op: 'add',
        keyWrapHash: await keyWrapHash(wrap.encryptedKey, wrap.keyDecryptionNonce),
        contentHeaderHash: from.contentHeaderHash,
        contentSize: from.contentSize,
        thumbnailHash: from.thumbnailHash,
        thumbnailSize: from.thumbnailSize,
        metadataHash: from.metadataHash,
      });
    }
    return [{ albumId: album.id, trust, bodies }];
  }

  /** The log entries that remove `files` from `album` (each by its entry there); none for an album with no log. */
  private removeBodies(album: Album, files: readonly GalleryFile[]): LogPart[] {
    const trust = album.trust;
    if (!trust?.state) return [];
    const known = this.entriesOf(album.id);
    const bodies: Body[] = [];
    for (const f of files) {
      const entry = known.get(f.id);
      if (!entry)
        throw new ReadOnlyAlbum(`“${f.meta.title}” is not in the history of “${album.name}”: it cannot be removed here.`);
      bodies.push({ op: 'remove', keyWrapHash: entry.keyWrapHash });
    }
    return [{ albumId: album.id, trust, bodies }];
  }

  /** Files' entries as the log now has them, after an add (by the key wraps' hashes). */
  private async noteAdded(album: Album, files: readonly GalleryFile[], wraps: readonly KeyedFile[]) {
    const state = album.trust?.state;
    for (const [i, f] of files.entries()) {
      this.member(f.id).add(album.id);
      if (!state) continue;
      const wrap = wraps[i]!;
      const entry = state.files.get(toHex(await keyWrapHash(wrap.encryptedKey, wrap.keyDecryptionNonce)));
      if (entry) {
        this.entriesOf(album.id).set(f.id, entry);
        f.entry ??= entry;
      }
    }
  }

  private noteRemoved(album: Album, files: readonly GalleryFile[]) {
    for (const f of files) {
      this.memberships.get(f.id)?.delete(album.id);
      this.albumEntries.get(album.id)?.delete(f.id);
    }
  }

  /** Adds files of this account's to `album` (also its own): each keeps its other albums; the album's log says so. */
  async addToAlbum(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => {
      const wraps = await this.wrapFor(batch, album.key);
      const parts = await this.addBodies(album, batch, wraps);
      await appendEntries(this.trustContext, parts, (logEntries) => this.api.addFiles(album.id, wraps, logEntries));
      await this.noteAdded(album, batch, wraps);
    });
    await this.noteSeen();
  }

  /** Removes files from `album` (refused by the server, whole, if one would be in no album); its log says so. */
  async removeFromAlbum(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => {
      const parts = this.removeBodies(album, batch);
      await appendEntries(this.trustContext, parts, (logEntries) =>
        this.api.removeFiles(
          album.id,
          batch.map((f) => f.id),
          logEntries,
        ),
      );
      this.noteRemoved(album, batch);
    });
    await this.noteSeen();
  }

  /** Moves files from one album of this account's to another (a remove in one log, an add in the other). */
  async moveToAlbum(from: Album, to: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => {
      const wraps = await this.wrapFor(batch, to.key);
      const parts = [...this.removeBodies(from, batch), ...(await this.addBodies(to, batch, wraps))];
      await appendEntries(this.trustContext, parts, (logEntries) => this.api.moveFiles(from.id, to.id, wraps, logEntries));
      this.noteRemoved(from, batch);
      await this.noteAdded(to, batch, wraps);
      for (const f of batch) if (f.collectionID === from.id) f.collectionID = to.id;
    });
    await this.noteSeen();
  }

  /** Deletes an album of this account's (its files must be elsewhere or in the trash first). */
  async deleteAlbum(album: Album): Promise<void> {
    await this.api.deleteCollection(album.id);
    this.albums.delete(album.id);
    this.dropAlbumFiles(album.id);
    for (const set of this.memberships.values()) set.delete(album.id);
    this.albumEntries.delete(album.id);
    album.key.fill(0);
  }

  /** Files only in `album` (deleting it would leave them in none). */
  onlyIn(album: Album, files: readonly GalleryFile[]): GalleryFile[] {
    return files.filter((f) => {
      const set = this.memberships.get(f.id);
      return !set || (set.size === 1 && set.has(album.id));
    });
  }

  /** Sets this account's marks on its own file (archived, favourite): the next version of its magic metadata. */
  async setMarks(file: GalleryFile, marks: { archived?: boolean; favourite?: boolean }): Promise<void> {
    const next = { archived: marks.archived ?? !!file.archived, favourite: marks.favourite ?? !!file.favourite };
    const { ciphertext, header } = await this.crypto.blob.encrypt(utf8.encode(marksJson(next)), file.key);
    const version = (file.magicVersion ?? 0) + 1;
    await this.api.putMagicMetadata(file.id, { version, encryptedData: ciphertext, decryptionHeader: header });
    Object.assign(file, next, { magicVersion: version });
  }

  /** Moves files of this account's to its trash (they leave every album, each album's log says so; their keys wrapped with the master key). */
  async trash(files: readonly GalleryFile[]): Promise<void> {
    const { masterKey } = this.account();
    await Library.batches(files, async (batch) => {
      const parts: LogPart[] = [];
      for (const album of this.albums.values()) {
        const leaving = batch.filter((f) => this.memberships.get(f.id)?.has(album.id));
        if (leaving.length) parts.push(...this.removeBodies(album, leaving));
      }
      const wraps = await this.wrapFor(batch, masterKey);
      await appendEntries(this.trustContext, parts, (logEntries) => this.api.trashFiles(wraps, logEntries));
    });
    for (const f of files) {
      // What the file's bytes hash to stays known, for a restore in this session.
      if (f.entry) this.contentEntries.set(f.id, f.entry);
      for (const album of this.memberships.get(f.id) ?? []) this.albumEntries.get(album)?.delete(f.id);
      this.memberships.delete(f.id);
      this.files.delete(f.id);
    }
    await this.noteSeen();
  }

  /** This account's storage: bytes used (uploads, the trash included) and its quota (null: none). */
  async usage(): Promise<{ usedBytes: number; quotaBytes: number | null }> {
    const { usedBytes, quotaBytes } = await this.api.usage();
    return { usedBytes, quotaBytes };
  }

  /** This account's trash, newest first, opened with the master key. */
  async loadTrash(): Promise<GalleryFile[]> {
    const { masterKey } = this.account();
    const { items } = await this.api.trash();
    const out: GalleryFile[] = [];
    for (const r of items) {
      try {
        const file = await openFile(this.crypto, masterKey, r, r.collectionID || 0);
        file.trashed = { at: r.trashedAt, deleteBy: r.deleteBy, albumId: r.collectionID };
        // What a restore's log entry binds (the thumbnail's hash is read when restoring).
        if (!this.contentEntries.has(r.id))
          this.trashedContent.set(r.id, {
            contentHeaderHash: await contentHeaderHash(r.file.decryptionHeader),
            contentSize: r.file.size,
            thumbnailSize: r.thumbnail.size,
            metadataHash: await metadataHash(r.metadata.decryptionHeader, r.metadata.encryptedData),
          });
        out.push(file);
      } catch {
        // A record whose key does not open with the master key is not this account's to show.
      }
    }
    return out;
  }

  /** Puts trashed files back into `album` (an add in its log). */
  async restore(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => {
      const wraps = await this.wrapFor(batch, album.key);
      const parts = await this.addBodies(album, batch, wraps);
      await appendEntries(this.trustContext, parts, (logEntries) => this.api.restoreFiles(album.id, wraps, logEntries));
      for (const f of batch) {
        f.trashed = undefined;
        f.collectionID = album.id;
        this.files.set(f.id, f);
      }
      await this.noteAdded(album, batch, wraps);
    });
    await this.noteSeen();
  }

  /** Deletes trashed files for good (their bytes too). */
  async deleteForever(files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, (batch) => this.api.deleteFiles(batch.map((f) => f.id)));
    for (const f of files) f.key.fill(0);
  }

  /** Encrypts and uploads one file into `album` (its own, or shared as collaborator); `onProgress(stored, total)` in bytes. */
  async upload(album: Album, input: NewFileInput, onProgress?: UploadProgress, hooks?: UploadHooks): Promise<GalleryFile> {
    const trust = album.trust;
    if (!trust?.writable) throw new ReadOnlyAlbum(`Nothing can be added to “${album.name}”: it is read-only.`);
    let added: Uint8Array | undefined;
    const file = await uploadFile(
      this.crypto,
      this.api,
      album,
      this.account().userId,
      input,
      onProgress,
      async (record, parts) => {
        added = await keyWrapHash(record.encryptedKey, record.keyDecryptionNonce);
        const body = {
          op: 'add' as const,
          keyWrapHash: added,
          contentHeaderHash: await contentHeaderHash(record.file.decryptionHeader),
          contentSize: parts.contentSize,
          thumbnailHash: await thumbnailHash(record.thumbnail.decryptionHeader, parts.thumbnail),
          thumbnailSize: parts.thumbnail.length,
          metadataHash: await metadataHash(record.metadata.decryptionHeader, record.metadata.encryptedData),
        };
        return appendEntry(this.trustContext, album.id, trust, body, (logEntry) => this.api.createFile(record, logEntry));
      },
      hooks,
    );
    file.entry = added && trust.state?.files.get(toHex(added));
    if (file.entry) this.entriesOf(album.id).set(file.id, file.entry);
    this.files.set(file.id, file);
    this.member(file.id).add(album.id);
    await this.noteSeen();
    return file;
  }

  /** Removes a file from its album (owner, or the collaborator who added it): record and bytes. */
  async removeFile(album: Album, file: GalleryFile): Promise<void> {
    const trust = album.trust;
    if (!trust?.state || !file.entry)
      throw new ReadOnlyAlbum('This photo is not in the album’s history: it cannot be removed here.');
    const body = { op: 'remove' as const, keyWrapHash: file.entry.keyWrapHash };
    await appendEntry(this.trustContext, album.id, trust, body, (logEntry) => this.api.removeFile(file.id, logEntry));
    this.files.delete(file.id);
    file.key.fill(0);
    await this.noteSeen();
  }

  /**
   * The thumbnail's bytes, decrypted: refused (ThumbnailRejected) before anything decodes them
   * if they are too large, are not the bytes its log entry bound, or declare too many pixels.
   */
  async thumbnail(file: GalleryFile, signal?: AbortSignal): Promise<Uint8Array> {
    const size = file.entry?.thumbnailSize ?? file.sizes?.thumbnail;
    if (size !== undefined && !thumbnailSizeAllowed(size)) throw new ThumbnailRejected('the thumbnail is too large');
    const ciphertext = await this.api.thumbnail(file.id, signal);
    if (file.entry && !(await thumbnailMatches(file.entry, file.headers.thumbnail, ciphertext))) {
      const album = this.albums.get(file.collectionID);
      if (album && !album.fileFindings?.some((f) => f.kind === 'thumbnail' && f.fileId === file.id))
        (album.fileFindings ??= []).push({ kind: 'thumbnail', albumId: album.id, fileId: file.id });
      throw new ThumbnailRejected('the server sent a thumbnail that is not the photo’s own');
    }
    const plain = await this.crypto.blob.decrypt(ciphertext, file.headers.thumbnail, file.key);
    const check = checkThumbnail(plain);
    if (!check.ok) throw new ThumbnailRejected(`the thumbnail was refused: ${check.reason}`);
    return plain;
  }

  /** The file's plaintext as authenticated chunks, decrypted while it downloads. */
  async *contentStream(file: GalleryFile, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const res = await this.api.fileContents(file.id, { signal });
    if (!res.body) throw new Error('the download has no body');
    yield* decryptStream(this.crypto, res.body, file.headers.file, file.key);
  }

  /** The whole file's plaintext. */
  async contents(file: GalleryFile, signal?: AbortSignal): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const part of this.contentStream(file, signal)) parts.push(part);
    return concatBytes(parts);
  }

  /** Every finding about `album`: its log and listing, and its files. */
  findings(album: Album): Finding[] {
    return [...(album.trust?.findings ?? []), ...(album.fileFindings ?? [])];
  }

  /** The trust context (for sharing's log entries). */
  context(): TrustContext {
    return this.trustContext;
  }

  /** Wipes every album and file key and forgets them. */
  close(): void {
    for (const a of this.albums.values()) a.key.fill(0);
    for (const f of this.files.values()) f.key.fill(0);
    this.albums.clear();
    this.files.clear();
    for (const kept of this.albumFiles.values()) kept.wipe();
    this.albumFiles.clear();
    this.logCache?.close?.();
    this.fileCache?.close?.();
  }
}
