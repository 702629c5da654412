// An account's (or a public link's) albums and files, with their keys opened, held until close()
// wipes them. Listings come from the server (parsed at the edge); what does not open is left out
// and counted, never shown half-read.
import type { Session } from '../account/session.js';
import type { ClientCrypto } from '../crypto.js';
import type { Api, KeyedFile } from '../wire/api.js';
import { openAlbum, openAlbumKey, type AccountKeys, type Album } from './albums.js';
import { MAX_BATCH_FILES } from '../../../contract/limits.mjs';
import { marksJson, newestFirst, openFile, openMarks, type GalleryFile } from './files.js';
import { decryptStream } from './streams.js';
import { uploadFile, type NewFileInput, type UploadProgress } from './upload.js';

const utf8 = new TextEncoder();

export class Library {
  readonly albums = new Map<number, Album>();
  readonly files = new Map<number, GalleryFile>();
  /** The albums (ids) each file was last listed in. */
  private readonly memberships = new Map<number, Set<number>>();
  /** Albums of the last listing that did not open (damaged, or tampered with). */
  unreadableAlbums = 0;

  /** `keys` of an account; none for a public link (its album key came in the link). */
  constructor(
    readonly crypto: ClientCrypto,
    readonly api: Api,
    readonly keys?: AccountKeys,
  ) {}

  static of(session: Session): Library {
    return new Library(session.crypto, session.api, { userId: session.id, email: session.email, ...session.keys() });
  }

  private account(): AccountKeys {
    if (!this.keys) throw new Error('a public link has no account');
    return this.keys;
  }

  /** The account's albums (owned and shared with it), names and keys opened. */
  async loadAlbums(): Promise<Album[]> {
    const keys = this.account();
    const { items, rejected } = await this.api.collections();
    this.unreadableAlbums = rejected;
    for (const c of items) {
      const known = this.albums.get(c.id);
      if (known) {
        known.sharees = c.sharees;
        continue;
      }
      try {
        const key = await openAlbumKey(this.crypto, c, keys);
        this.albums.set(c.id, await openAlbum(this.crypto, c, key, keys.userId));
      } catch {
        this.unreadableAlbums++;
      }
    }
    return [...this.albums.values()];
  }

  /** A public link's album: its key came in the link's fragment. */
  async loadPublicAlbum(key: Uint8Array): Promise<Album> {
    const answer = await this.api.publicCollection();
    const album = await openAlbum(this.crypto, answer, key);
    album.allowDownload = answer.enableDownload ?? true;
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
    const album: Album = {
      id,
      name,
      key,
      owner: { id: keys.userId, email: keys.email ?? '' },
      sharees: [],
      mine: true,
      unreadable: 0,
    };
    this.albums.set(id, album);
    return album;
  }

  /**
   * The album's files, newest first; those that do not open are counted in `album.unreadable`. A
   * file already open through another album is the same file only if this album's key wrap opens
   * to the same file key.
   */
  async loadFiles(album: Album): Promise<GalleryFile[]> {
    const { items, rejected } = await this.api.files(album.id);
    const out: GalleryFile[] = [];
    let unreadable = rejected;
    for (const albumFiles of this.memberships.values()) albumFiles.delete(album.id);
    for (const r of items) {
      let file = this.files.get(r.id);
      try {
        if (!file) {
          file = await openFile(this.crypto, album.key, r);
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
        unreadable++;
        continue;
      }
      this.member(file.id).add(album.id);
      out.push(file);
    }
    album.unreadable = unreadable;
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
    for (let i = 0; i < items.length; i += MAX_BATCH_FILES) await run(items.slice(i, i + MAX_BATCH_FILES));
  }

  /** Adds files of this account's to `album` (also its own): each keeps its other albums. */
  async addToAlbum(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => this.api.addFiles(album.id, await this.wrapFor(batch, album.key)));
    for (const f of files) this.member(f.id).add(album.id);
  }

  /** Removes files from `album` (refused by the server, whole, if one would be in no album). */
  async removeFromAlbum(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, (batch) =>
      this.api.removeFiles(
        album.id,
        batch.map((f) => f.id),
      ),
    );
    for (const f of files) this.memberships.get(f.id)?.delete(album.id);
  }

  /** Moves files from one album of this account's to another. */
  async moveToAlbum(from: Album, to: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => this.api.moveFiles(from.id, to.id, await this.wrapFor(batch, to.key)));
    for (const f of files) {
      const set = this.member(f.id);
      set.delete(from.id);
      set.add(to.id);
      if (f.collectionID === from.id) f.collectionID = to.id;
    }
  }

  async renameAlbum(album: Album, name: string): Promise<void> {
    const sealed = await this.crypto.secretbox.encrypt(utf8.encode(name), album.key);
    await this.api.renameCollection(album.id, sealed.ciphertext, sealed.nonce);
    album.name = name;
  }

  /** Deletes an album of this account's (its files must be elsewhere or in the trash first). */
  async deleteAlbum(album: Album): Promise<void> {
    await this.api.deleteCollection(album.id);
    this.albums.delete(album.id);
    for (const set of this.memberships.values()) set.delete(album.id);
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

  /** Moves files of this account's to its trash (they leave every album; their keys wrapped with the master key). */
  async trash(files: readonly GalleryFile[]): Promise<void> {
    const { masterKey } = this.account();
    await Library.batches(files, async (batch) => this.api.trashFiles(await this.wrapFor(batch, masterKey)));
    for (const f of files) {
      this.memberships.delete(f.id);
      this.files.delete(f.id);
    }
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
        out.push(file);
      } catch {
        // A record whose key does not open with the master key is not this account's to show.
      }
    }
    return out;
  }

  /** Puts trashed files back into `album`. */
  async restore(album: Album, files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, async (batch) => this.api.restoreFiles(album.id, await this.wrapFor(batch, album.key)));
    for (const f of files) {
      f.trashed = undefined;
      f.collectionID = album.id;
      this.files.set(f.id, f);
      this.member(f.id).add(album.id);
    }
  }

  /** Deletes trashed files for good (their bytes too). */
  async deleteForever(files: readonly GalleryFile[]): Promise<void> {
    await Library.batches(files, (batch) => this.api.deleteFiles(batch.map((f) => f.id)));
    for (const f of files) f.key.fill(0);
  }

  /** Encrypts and uploads one file into `album` (owned); `onProgress(stored, total)` in bytes. */
  async upload(album: Album, input: NewFileInput, onProgress?: UploadProgress): Promise<GalleryFile> {
    const file = await uploadFile(this.crypto, this.api, album, this.account().userId, input, onProgress);
    this.files.set(file.id, file);
    this.member(file.id).add(album.id);
    return file;
  }

  /** The thumbnail's bytes, decrypted. */
  async thumbnail(file: GalleryFile, signal?: AbortSignal): Promise<Uint8Array> {
    const ciphertext = await this.api.thumbnail(file.id, signal);
    return this.crypto.blob.decrypt(ciphertext, file.headers.thumbnail, file.key);
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
    let length = 0;
    for await (const part of this.contentStream(file, signal)) {
      parts.push(part);
      length += part.length;
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Wipes every album and file key and forgets them. */
  close(): void {
    for (const a of this.albums.values()) a.key.fill(0);
    for (const f of this.files.values()) f.key.fill(0);
    this.albums.clear();
    this.files.clear();
  }
}
