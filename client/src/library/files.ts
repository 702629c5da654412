// Files, Ente's way: each has its own key, wrapped by its album's key; contents are
// stream-encrypted, thumbnail and metadata blob-encrypted with the file key.
import type { ClientCrypto } from '../crypto.js';
import type { FileState } from '../trust/album-log.js';
import type { FileRecord, TrashedRecord } from '../wire/answers.js';
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
  /** Its owner's private marks (Ente's magic metadata: archived, favourite), opened, and their version. */
  archived?: boolean;
  favourite?: boolean;
  magicVersion?: number;
  /** In the trash: when it went there and when the server deletes it (ms), and the album it was in. */
  trashed?: { at: number; deleteBy: number; albumId: number };
  /** The album log's entry for it (what its thumbnail's bytes are checked against). */
  entry?: FileState;
}

/** Ente's visibility values in magic metadata. */
const VISIBILITY_ARCHIVED = 1;

/** The owner's marks (magic metadata JSON), as far as they make sense; anything else is no mark. */
export function parseMarks(json: string): { archived: boolean; favourite: boolean } {
  const m = JSON.parse(json) as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object') throw new Error('magic metadata is not an object');
  return { archived: m.visibility === VISIBILITY_ARCHIVED, favourite: m.favourite === true };
}

export const marksJson = (marks: { archived: boolean; favourite: boolean }) =>
  JSON.stringify({ visibility: marks.archived ? VISIBILITY_ARCHIVED : 0, favourite: marks.favourite });

const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A listed file with its key and metadata opened (the key unwrapped with `wrapKey`: its album's
 * key, or the master key in the trash); throws if either does not open. Magic metadata that does
 * not open is left out (the file shows unmarked).
 */
export async function openFile(
  crypto: ClientCrypto,
  wrapKey: Uint8Array,
  r: FileRecord | TrashedRecord,
  collectionID = r.collectionID,
): Promise<GalleryFile> {
  const key = await crypto.secretbox.decrypt(r.encryptedKey.slice(), r.keyDecryptionNonce, wrapKey);
  try {
    const json = fromUtf8.decode(await crypto.blob.decrypt(r.metadata.encryptedData.slice(), r.metadata.decryptionHeader, key));
    const file: GalleryFile = {
      id: r.id,
      collectionID,
      ownerID: r.ownerID,
      key,
      meta: parseMetadata(json),
      headers: { file: r.file.decryptionHeader, thumbnail: r.thumbnail.decryptionHeader },
      sizes: { file: r.file.size, thumbnail: r.thumbnail.size },
    };
    await openMarks(crypto, file, r.magicMetadata);
    return file;
  } catch (e) {
    key.fill(0);
    throw e;
  }
}

/** Sets `file`'s marks from its magic metadata (none, or one that does not open: unmarked). */
export async function openMarks(crypto: ClientCrypto, file: GalleryFile, magic: FileRecord['magicMetadata']) {
  if (!magic) return;
  try {
    const json = fromUtf8.decode(await crypto.blob.decrypt(magic.encryptedData.slice(), magic.decryptionHeader, file.key));
    Object.assign(file, parseMarks(json), { magicVersion: magic.version });
  } catch {
    file.magicVersion = magic.version; // unreadable marks are replaced by the next write
  }
}

/** Newest first (Ente's order), ties by id. */
export const newestFirst = (a: GalleryFile, b: GalleryFile) => b.meta.creationTime - a.meta.creationTime || b.id - a.id;
