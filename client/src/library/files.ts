// Files, Ente's way: each has its own key, wrapped by its album's key; contents are
// stream-encrypted, thumbnail and metadata blob-encrypted with the file key.
import type { ClientCrypto } from '../crypto.js';
import type { FileState } from '../trust/album-log.js';
import type { FileRecord } from '../wire/answers.js';
import type { Album } from './albums.js';
import { parseMetadata, type FileMeta } from './metadata.js';

export interface GalleryFile {
  id: number;
  collectionID: number;
  ownerID: number;
  /** The file key, opened (wiped by Library.close()). */
  key: Uint8Array;
  meta: FileMeta;
  /** The stream headers of the contents and the thumbnail. */
  headers: { file: Uint8Array; thumbnail: Uint8Array };
  /** The ciphertext sizes the server reported (undefined for a file uploaded here). */
  sizes?: { file: number; thumbnail: number };
  /** The album log's entry for it (what its thumbnail's bytes are checked against). */
  entry?: FileState;
}

const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A listed file with its key and metadata opened; throws if either does not open. */
export async function openFile(crypto: ClientCrypto, album: Album, r: FileRecord): Promise<GalleryFile> {
  const key = await crypto.secretbox.decrypt(r.encryptedKey.slice(), r.keyDecryptionNonce, album.key);
  try {
    const json = fromUtf8.decode(await crypto.blob.decrypt(r.metadata.encryptedData.slice(), r.metadata.decryptionHeader, key));
    return {
      id: r.id,
      collectionID: r.collectionID,
      ownerID: r.ownerID,
      key,
      meta: parseMetadata(json),
      headers: { file: r.file.decryptionHeader, thumbnail: r.thumbnail.decryptionHeader },
      sizes: { file: r.file.size, thumbnail: r.thumbnail.size },
    };
  } catch (e) {
    key.fill(0);
    throw e;
  }
}

/** Newest first (Ente's order), ties by id. */
export const newestFirst = (a: GalleryFile, b: GalleryFile) => b.meta.creationTime - a.meta.creationTime || b.id - a.id;
