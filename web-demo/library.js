// Albums and their files, Ente's way: an album (collection) has a random key, wrapped by the
// owner's master key or sealed to a sharee's public key; each file has its own key wrapped by the
// album's key; contents are stream-encrypted, thumbnail and metadata blob-encrypted. All of it
// runs in `core`, the worker pool; this module keeps the unwrapped keys (wiped by close()).
import { CHUNK_BYTES, CIPHER_CHUNK_BYTES } from '../js/dist/crypto.js';
import { fromB64, toB64 } from './api.js';
import { describeFile, streamingType } from './media.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const STREAM_OVERHEAD = CIPHER_CHUNK_BYTES - CHUNK_BYTES;

/** Ente's file types in metadata. */
export const FILE_TYPE = { image: 0, video: 1 };

/** Ciphertext bytes of a `size`-byte file in Ente's stream layout (4 MiB chunks, each + overhead). */
export const cipherSize = (size) => size + Math.max(1, Math.ceil(size / CHUNK_BYTES)) * STREAM_OVERHEAD;

export class Library {
  /** `api` from createApi; `keys` = { masterKey, publicKey, secretKey } of an account, or none (public link). */
  constructor(core, api, keys = {}) {
    this.core = core;
    this.api = api;
    this.keys = keys;
    this.albums = new Map(); // id → { id, name, key, owner, sharees, mine }
    this.files = new Map(); // id → { id, collectionID, ownerID, key, meta, record }
  }

  /**
   * The account's albums (owned and shared with it), names and keys opened. One that does not
   * open (damaged, or tampered with by the server) is left out and counted in `unreadableAlbums`.
   */
  async loadAlbums() {
    const { core, keys } = this;
    const list = await this.api.collections();
    this.unreadableAlbums = 0;
    for (const c of list) {
      if (this.albums.has(c.id)) continue;
      try {
        const key = c.keyDecryptionNonce
          ? await core.secretbox.decrypt(fromB64(c.encryptedKey), fromB64(c.keyDecryptionNonce), keys.masterKey)
          : await core.box.sealOpen(fromB64(c.encryptedKey), keys.publicKey, keys.secretKey);
        await this.addAlbum({ ...c, key });
      } catch {
        this.unreadableAlbums++;
      }
    }
    return [...this.albums.values()];
  }

  /** A public link's album: its key came in the link's fragment. */
  async loadPublicAlbum(key) {
    const c = await this.api.publicCollection();
    return this.addAlbum({ ...c, key, owner: null, sharees: [] });
  }

  async addAlbum({ id, key, encryptedName, nameDecryptionNonce, owner, sharees }) {
    const name = fromUtf8.decode(await this.core.secretbox.decrypt(fromB64(encryptedName), fromB64(nameDecryptionNonce), key));
    const album = { id, name, key, owner, sharees: sharees ?? [], mine: Boolean(owner && owner.id === this.keys.userId) };
    this.albums.set(id, album);
    return album;
  }

  async createAlbum(name) {
    const { core } = this;
    const key = await core.generateKey();
    const wrapped = await core.secretbox.encrypt(key.slice(), this.keys.masterKey);
    const sealedName = await core.secretbox.encrypt(utf8.encode(name), key);
    const { id } = await this.api.createCollection({
      encryptedKey: toB64(wrapped.ciphertext),
      keyDecryptionNonce: toB64(wrapped.nonce),
      encryptedName: toB64(sealedName.ciphertext),
      nameDecryptionNonce: toB64(sealedName.nonce),
    });
    const album = { id, name, key, owner: { id: this.keys.userId }, sharees: [], mine: true };
    this.albums.set(id, album);
    return album;
  }

  /**
   * The album's files, newest first, keys and metadata opened. A file whose key or metadata does
   * not open (damaged, or tampered with) is left out and counted in `album.unreadable`.
   */
  async loadFiles(album) {
    const records = await this.api.files(album.id);
    const out = [];
    album.unreadable = 0;
    for (const r of records) {
      let file = this.files.get(r.id);
      if (!file) {
        try {
          file = await this.openFile(album, r);
        } catch {
          album.unreadable++;
          continue;
        }
        this.files.set(r.id, file);
      }
      out.push(file);
    }
    return out.sort((a, b) => b.meta.creationTime - a.meta.creationTime || b.id - a.id);
  }

  async openFile(album, r) {
    const key = await this.core.secretbox.decrypt(fromB64(r.encryptedKey), fromB64(r.keyDecryptionNonce), album.key);
    try {
      const meta = JSON.parse(
        fromUtf8.decode(
          await this.core.blob.decrypt(fromB64(r.metadata.encryptedData), fromB64(r.metadata.decryptionHeader), key),
        ),
      );
      if (typeof meta?.title !== 'string') throw new Error('metadata without a title');
      return { id: r.id, collectionID: r.collectionID, ownerID: r.ownerID, key, meta, record: r };
    } catch (e) {
      key.fill(0);
      throw e;
    }
  }

  /**
   * Encrypts and uploads one File into `album`: contents stream-encrypted in the pool as they
   * upload (resumably), thumbnail and metadata blob-encrypted. `progress(done, total)` in bytes.
   * Resolves to the new file (with its thumbnail's plaintext, for search to index).
   */
  async upload(album, blob, progress = () => {}) {
    const { core } = this;
    const described = await describeFile(blob);
    const mimeType = described.fileType === FILE_TYPE.video ? ((await streamingType(blob)) ?? blob.type) : blob.type;
    const meta = {
      title: blob.name,
      creationTime: (blob.lastModified || Date.now()) * 1000, // Ente: microseconds
      modificationTime: Date.now() * 1000,
      size: blob.size,
      fileType: described.fileType,
      width: described.width,
      height: described.height,
      mimeType,
    };
    const key = await core.generateKey();
    const { header, stream } = await core.encryptStream(blob.stream(), key);
    const objectKey = await this.api.upload(cipherSize(blob.size), stream, progress);
    const thumb = await core.blob.encrypt(described.thumbnail.slice(), key);
    const thumbKey = await this.api.upload(thumb.ciphertext.length, [thumb.ciphertext]);
    const sealedMeta = await core.blob.encrypt(utf8.encode(JSON.stringify(meta)), key);
    const wrapped = await core.secretbox.encrypt(key.slice(), album.key);
    const record = {
      collectionID: album.id,
      encryptedKey: toB64(wrapped.ciphertext),
      keyDecryptionNonce: toB64(wrapped.nonce),
      file: { objectKey, decryptionHeader: toB64(header) },
      thumbnail: { objectKey: thumbKey, decryptionHeader: toB64(thumb.header) },
      metadata: { encryptedData: toB64(sealedMeta.ciphertext), decryptionHeader: toB64(sealedMeta.header) },
    };
    const { id } = await this.api.createFile(record);
    const file = { id, collectionID: album.id, ownerID: this.keys.userId, key, meta, record: { ...record, id } };
    this.files.set(id, file);
    return { file, thumbnail: described.thumbnail };
  }

  /** The thumbnail's JPEG bytes, decrypted in the pool. */
  async thumbnail(file) {
    const ciphertext = await this.api.thumbnail(file.id);
    return this.core.blob.decrypt(ciphertext, fromB64(file.record.thumbnail.decryptionHeader), file.key);
  }

  /** The whole file's plaintext (photos; videos MediaSource cannot stream). */
  async contents(file) {
    const res = await this.api.fileResponse(file.id);
    return new Response(this.core.decryptStream(res.body, fromB64(file.record.file.decryptionHeader), file.key)).arrayBuffer();
  }

  /** The file's plaintext as an authenticated chunk stream, decrypting while it downloads. */
  async contentStream(file, signal) {
    const res = await this.api.fileResponse(file.id);
    return this.core.decryptStream(res.body, fromB64(file.record.file.decryptionHeader), file.key, { signal });
  }

  close() {
    for (const a of this.albums.values()) a.key.fill(0);
    for (const f of this.files.values()) f.key.fill(0);
    this.albums.clear();
    this.files.clear();
  }
}
