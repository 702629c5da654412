// Ente's per-file ML data: gzip JSON with the CLIP embedding and the faces, blob-encrypted with
// the file key, so another device (or a sharee) builds its search index and its people without
// running the models again.
import { MAX_ML_QUERY_IDS } from '../../../contract/limits.mjs';
import {
  clipEmbedding,
  faceData,
  packMlData,
  unpackMlData,
  withClip,
  withFaces,
  type FaceData,
  type FaceIndex,
  type MLData,
} from 'cipherlens/search';
import type { ClientCrypto } from '../crypto.js';
import type { Api } from '../wire/api.js';
import type { GalleryFile } from './files.js';

/** Who wrote the embedding (Ente's `client` field). */
export const ML_CLIENT = 'cipherlens-gallery/1';

/** What a device indexed of a file: its CLIP embedding, its faces, or both (one ML data entry holds both). */
export interface FileMl {
  clip?: Float32Array;
  faces?: FaceIndex;
  /** The file's ML data so far (what is not given here is kept from it, e.g. the CLIP entry). */
  base?: MLData;
}

/** Stores a file's ML data (its owner only): the entry replaces the file's earlier one, so give everything indexed. */
export async function putMlData(crypto: ClientCrypto, api: Api, file: GalleryFile, { clip, faces, base }: FileMl) {
  let data: MLData | undefined = base;
  if (clip) data = withClip(data, clip, ML_CLIENT);
  if (faces) data = withFaces(data, faces, ML_CLIENT);
  if (!data) throw new TypeError('putMlData: nothing to store');
  const packed = await packMlData(data);
  const { ciphertext, header } = await crypto.blob.encrypt(packed, file.key);
  await api.putMlData(file.id, { encryptedData: ciphertext, decryptionHeader: header });
}

/** Stores `embedding` as the file's ML data (its owner only). */
export const putClipEmbedding = (crypto: ClientCrypto, api: Api, file: GalleryFile, embedding: Float32Array) =>
  putMlData(crypto, api, file, { clip: embedding });

/**
 * The ML data the server has for `files`, as it opens: entries that are missing or do not
 * decrypt, inflate and parse are skipped (the caller can index those files itself).
 */
export async function* fileMlData(
  crypto: ClientCrypto,
  api: Api,
  files: GalleryFile[],
): AsyncGenerator<{ file: GalleryFile; data: MLData }> {
  const byId = new Map(files.map((f) => [f.id, f]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += MAX_ML_QUERY_IDS) {
    const { items } = await api.mlData(ids.slice(i, i + MAX_ML_QUERY_IDS));
    for (const entry of items) {
      const file = byId.get(entry.fileID);
      if (!file) continue;
      try {
        const packed = await crypto.blob.decrypt(entry.encryptedData, entry.decryptionHeader, file.key);
        yield { file, data: await unpackMlData(packed) };
      } catch {
        // Damaged or foreign ML data: skipped.
      }
    }
  }
}

/** The CLIP embeddings the server has for `files` (ML data without one is skipped). */
export async function* clipEmbeddings(
  crypto: ClientCrypto,
  api: Api,
  files: GalleryFile[],
): AsyncGenerator<{ file: GalleryFile; embedding: Float32Array }> {
  for await (const { file, data } of fileMlData(crypto, api, files)) {
    try {
      const embedding = clipEmbedding(data);
      if (embedding) yield { file, embedding };
    } catch {
      // A malformed clip entry: skipped.
    }
  }
}

/**
 * The faces the server has for `files` (checked as Ente's readers check them; ML data without a
 * face entry, or with a malformed one, is skipped): what clustering and the people list need,
 * without running a model.
 */
export async function* fileFaces(
  crypto: ClientCrypto,
  api: Api,
  files: GalleryFile[],
): AsyncGenerator<{ file: GalleryFile; faces: FaceData }> {
  for await (const { file, data } of fileMlData(crypto, api, files)) {
    try {
      const faces = faceData(data);
      if (faces) yield { file, faces };
    } catch {
      // A malformed face entry: skipped.
    }
  }
}
