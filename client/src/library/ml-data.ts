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
import type { MlEntry } from '../wire/answers.js';
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

/** One file's ML data decrypted with its key, or undefined if it does not open (damaged or foreign). */
async function decrypted(crypto: ClientCrypto, entry: MlEntry, file: GalleryFile): Promise<Uint8Array | undefined> {
  try {
    return await crypto.blob.decrypt(entry.encryptedData, entry.decryptionHeader, file.key);
  } catch {
    return undefined;
  }
}

/** The CLIP embedding in decrypted ML data, or undefined if it is damaged, foreign or not CLIP. */
async function clipOf(packed: Uint8Array | undefined): Promise<Float32Array | undefined> {
  if (!packed) return undefined;
  try {
    return clipEmbedding(await unpackMlData(packed)) ?? undefined;
  } catch {
    return undefined; // damaged or foreign ML data: skipped (the caller can index the file itself)
  }
}

const CURSOR = /^\d{1,16}-\d{1,16}$/;

/** One page of an album's ML data changes, opened. */
export interface ClipChanges {
  /** The CLIP embeddings that opened, of files in `files`. */
  found: { file: GalleryFile; embedding: Float32Array }[];
  /** Entries the server sent (opened or not). */
  received: number;
  /** The cursor to keep: after this page, or before the first entry of a file not listed here. */
  cursor: string | null;
}

/** A page's believed entries, each with its file. */
export type MlBatch = { entry: MlEntry; file: GalleryFile }[];
/** Opens a page's believed entries: each one's CLIP embedding, or undefined where it does not open. */
export type ClipOpener = (batch: MlBatch) => Promise<(Float32Array | undefined)[]>;

/** The default opener, in this thread: decrypted all at once (a pool's workers share them), then inflated here. */
function openHere(crypto: ClientCrypto): ClipOpener {
  return async (batch) => {
    const packed = await Promise.all(batch.map(({ entry, file }) => decrypted(crypto, entry, file)));
    const out: (Float32Array | undefined)[] = [];
    for (const p of packed) out.push(await clipOf(p));
    return out;
  };
}

/**
 * An album's ML data changed on the server after `cursor` (kept from an earlier sync; null: all
 * of it), a page at a time (by the server's update time): only entries of `files` (the album's
 * files as listed and opened) whose ML data opens with the file's key are believed. A device that
 * keeps its index locally applies each page, then keeps its cursor. `open` opens a page's
 * entries (default: here, with `crypto`; a gallery hands them to its search worker).
 */
export async function* clipChanges(
  crypto: ClientCrypto,
  api: Api,
  collectionID: number,
  files: ReadonlyMap<number, GalleryFile>,
  cursor: string | null,
  open: ClipOpener = openHere(crypto),
): AsyncGenerator<ClipChanges> {
  // The cursor to keep stops before the first entry of a file not (yet) listed here, so that a
  // later sync, which lists it, fetches that entry again.
  let kept = cursor;
  let holding = false;
  const ask = (after: string | null) => {
    const page = api.mlChanges(collectionID, after);
    page.catch(() => {}); // awaited below; not unhandled if the caller stops first
    return page;
  };
  let asked = ask(cursor);
  for (;;) {
    const page = await asked;
    if (page.next !== null && !CURSOR.test(page.next)) throw new Error('the server sent a malformed ML data cursor');
    if (page.more && (page.next === null || page.next === cursor)) throw new Error('the server repeated an ML data page');
    // The next page is fetched while this one opens (two pages held at most).
    if (page.more) asked = ask(page.next);
    const believed: MlBatch = [];
    for (const entry of page.entries.items) {
      const file = files.get(entry.fileID);
      if (!file || file.collectionID !== collectionID) {
        holding = true; // not a file of this album as listed: not believed
        continue;
      }
      if (!holding) kept = `${entry.updationTime}-${entry.fileID}`;
      believed.push({ entry, file });
    }
    const embeddings = believed.length ? await open(believed) : [];
    const found: ClipChanges['found'] = [];
    believed.forEach(({ file }, i) => {
      const embedding = embeddings[i];
      if (embedding) found.push({ file, embedding });
    });
    if (page.entries.rejected) holding = true;
    cursor = page.next ?? cursor;
    if (!holding) kept = cursor;
    yield { found, received: page.entries.items.length + page.entries.rejected, cursor: kept };
    if (!page.more) return;
  }
}
