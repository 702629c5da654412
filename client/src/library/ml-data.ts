// Ente's per-file ML data: gzip JSON with the CLIP embedding, blob-encrypted with the file key,
// so another device (or a sharee) builds its search index without running the image model.
import { MAX_ML_QUERY_IDS } from '../../../contract/limits.mjs';
import { clipEmbedding, packMlData, unpackMlData, withClip } from 'cipherlens/search';
import type { ClientCrypto } from '../crypto.js';
import type { Api } from '../wire/api.js';
import type { GalleryFile } from './files.js';

/** Who wrote the embedding (Ente's `client` field). */
export const ML_CLIENT = 'cipherlens-gallery/1';

/** Stores `embedding` as the file's ML data (its owner only). */
export async function putClipEmbedding(crypto: ClientCrypto, api: Api, file: GalleryFile, embedding: Float32Array) {
  const packed = await packMlData(withClip(undefined, embedding, ML_CLIENT));
  const { ciphertext, header } = await crypto.blob.encrypt(packed, file.key);
  await api.putMlData(file.id, { encryptedData: ciphertext, decryptionHeader: header });
}

/**
 * The CLIP embeddings the server has for `files`, as they open: ML data that is missing,
 * damaged or not CLIP is skipped (the caller can index those files itself).
 */
export async function* clipEmbeddings(
  crypto: ClientCrypto,
  api: Api,
  files: GalleryFile[],
): AsyncGenerator<{ file: GalleryFile; embedding: Float32Array }> {
  const byId = new Map(files.map((f) => [f.id, f]));
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += MAX_ML_QUERY_IDS) {
    const { items } = await api.mlData(ids.slice(i, i + MAX_ML_QUERY_IDS));
    for (const entry of items) {
      const file = byId.get(entry.fileID);
      if (!file) continue;
      try {
        const packed = await crypto.blob.decrypt(entry.encryptedData, entry.decryptionHeader, file.key);
        const embedding = clipEmbedding(await unpackMlData(packed));
        if (embedding) yield { file, embedding };
      } catch {
        // Damaged or foreign ML data: skipped.
      }
    }
  }
}
