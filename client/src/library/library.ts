// An account's (or a public link's) albums and files, with their keys opened, held until close()
// wipes them. Listings come from the server (parsed at the edge); what does not open is left out
// and counted, never shown half-read.
import type { Session } from '../account/session.js';
import type { ClientCrypto } from '../crypto.js';
import type { Api } from '../wire/api.js';
import { openAlbum, openAlbumKey, type AccountKeys, type Album } from './albums.js';
import { newestFirst, openFile, type GalleryFile } from './files.js';
import { decryptStream } from './streams.js';
import { uploadFile, type NewFileInput, type UploadHooks, type UploadProgress } from './upload.js';

const utf8 = new TextEncoder();

export class Library {
  readonly albums = new Map<number, Album>();
  readonly files = new Map<number, GalleryFile>();
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
    const album = await openAlbum(this.crypto, await this.api.publicCollection(), key);
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

  /** The album's files, newest first; those that do not open are counted in `album.unreadable`. */
  async loadFiles(album: Album): Promise<GalleryFile[]> {
    const { items, rejected } = await this.api.files(album.id);
    const out: GalleryFile[] = [];
    let unreadable = rejected;
    for (const r of items) {
      let file = this.files.get(r.id);
      if (!file || file.collectionID !== album.id) {
        try {
          file = await openFile(this.crypto, album, r);
        } catch {
          unreadable++;
          continue;
        }
        this.files.set(r.id, file);
      }
      out.push(file);
    }
    album.unreadable = unreadable;
    return out.sort(newestFirst);
  }

  /** Encrypts and uploads one file into `album` (owned); `onProgress(stored, total)` in bytes. */
  async upload(album: Album, input: NewFileInput, onProgress?: UploadProgress, hooks?: UploadHooks): Promise<GalleryFile> {
    const file = await uploadFile(this.crypto, this.api, album, this.account().userId, input, onProgress, hooks);
    this.files.set(file.id, file);
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
