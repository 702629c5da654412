// Encrypting and uploading one file into an album: a new file key; the contents
// stream-encrypted as they upload (resumably, one ciphertext chunk per piece); the thumbnail and
// metadata blob-encrypted; the key wrapped with the album key; then the record that claims both
// uploads. The caller describes the file (thumbnail bytes, metadata): pixels are not the
// client's business.
import { CHUNK_BYTES, CIPHER_CHUNK_BYTES } from 'cipherlens';
import type { ClientCrypto } from '../crypto.js';
import type { Api, NewFile } from '../wire/api.js';
import type { Album } from './albums.js';
import type { GalleryFile } from './files.js';
import type { FileMeta } from './metadata.js';
import { encryptStream, type Source } from './streams.js';

const STREAM_OVERHEAD = CIPHER_CHUNK_BYTES - CHUNK_BYTES;
const utf8 = new TextEncoder();

/** Ciphertext bytes of a `size`-byte file in Ente's stream layout (4 MiB chunks, each + overhead). */
export const cipherSize = (size: number) => size + Math.max(1, Math.ceil(size / CHUNK_BYTES)) * STREAM_OVERHEAD;

export interface NewFileInput {
  /** The contents, read once as they upload. */
  contents: Source;
  /** Bytes the contents have. */
  size: number;
  /** The thumbnail (JPEG bytes). */
  thumbnail: Uint8Array;
  meta: FileMeta;
}

export type UploadProgress = (stored: number, total: number) => void;

/**
 * An upload cut off earlier (a closed tab), to finish: its file key and stream header, and the
 * object the server holds part of. The contents must be the same bytes (the caller checks the
 * file's hash): the stream starts over from the header, so the same ciphertext comes out and only
 * what the server lacks is sent.
 */
export interface ResumeFrom {
  key: Uint8Array;
  header: Uint8Array;
  objectKey: string;
}

/** Hooks of a resumable upload: told its key, header and object once it has them. */
export interface UploadHooks {
  resume?: ResumeFrom;
  onStarted?: (started: ResumeFrom) => void | Promise<void>;
}

/**
 * Creates the file record once its objects are stored: the plain API call, or (the library's)
 * one that sends the record with its signed album log entry. `parts` are what the entry binds
 * beyond the record: the thumbnail's ciphertext and the contents' ciphertext size.
 */
export type CreateFile = (record: NewFile, parts: { thumbnail: Uint8Array; contentSize: number }) => Promise<{ id: number }>;

export async function uploadFile(
  crypto: ClientCrypto,
  api: Api,
  album: Album,
  userId: number,
  input: NewFileInput,
  onProgress?: UploadProgress,
  create: CreateFile = (record) => api.createFile(record),
  hooks: UploadHooks = {},
): Promise<GalleryFile> {
  const { resume } = hooks;
  const key = resume ? resume.key.slice() : await crypto.generateKey();
  try {
    const { header, ciphertext } = await encryptStream(crypto, input.contents, key, resume?.header);
    const objectKey = await api.upload(cipherSize(input.size), ciphertext, {
      onProgress,
      objectKey: resume?.objectKey,
      onCreated: (objectKey) => hooks.onStarted?.({ key: key.slice(), header, objectKey }),
    });
    const thumb = await crypto.blob.encrypt(input.thumbnail.slice(), key);
    const thumbKey = await api.upload(thumb.ciphertext.length, [thumb.ciphertext]);
    const meta = await crypto.blob.encrypt(utf8.encode(JSON.stringify(input.meta)), key);
    const wrapped = await crypto.secretbox.encrypt(key.slice(), album.key);
    const { id } = await create(
      {
        collectionID: album.id,
        encryptedKey: wrapped.ciphertext,
        keyDecryptionNonce: wrapped.nonce,
        file: { objectKey, decryptionHeader: header },
        thumbnail: { objectKey: thumbKey, decryptionHeader: thumb.header },
        metadata: { encryptedData: meta.ciphertext, decryptionHeader: meta.header },
      },
      { thumbnail: thumb.ciphertext, contentSize: cipherSize(input.size) },
    );
    return {
      id,
      collectionID: album.id,
      ownerID: userId,
      key,
      meta: input.meta,
      headers: { file: header, thumbnail: thumb.header },
      sizes: { file: cipherSize(input.size), thumbnail: thumb.ciphertext.length },
    };
  } catch (e) {
    key.fill(0);
    throw e;
  }
}
