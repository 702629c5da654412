// Ente's per-file ML data: gzip JSON with the CLIP embedding and the faces, blob-encrypted with
// the file key, so another device (or a sharee) builds its search index and its people without
// running the models again.
import { LISTING_PAGE_MAX, MAX_ML_QUERY_IDS } from '../../../contract/limits.mjs';
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

/** Decrypted ML data inflated and parsed, or undefined if it is not ML data. */
async function unpacked(packed: Uint8Array | undefined): Promise<MLData | undefined> {
  if (!packed) return undefined;
  try {
    return await unpackMlData(packed);
  } catch {
    return undefined; // damaged or foreign ML data: skipped (the caller can index the file itself)
  }
}

/** `read(data)`, or undefined when that entry of the ML data is malformed. */
function entryOf<T>(data: MLData, read: (data: MLData) => T | null | undefined): T | undefined {
  try {
    return read(data) ?? undefined;
  } catch {
    return undefined;
  }
}

const CURSOR = /^\d{1,16}-\d{1,16}$/;

/** One page of an album's ML data changes, opened. */
export interface MlChanges<T> {
  /** What opened (and read), of files in `files`. */
  found: T[];
  /** Entries the server sent (opened or not). */
  received: number;
  /** The cursor to keep: after this page, or before the first entry of a file not listed here. */
  cursor: string | null;
}
/** One page of an album's CLIP embeddings changed on the server. */
export type ClipChanges = MlChanges<{ file: GalleryFile; embedding: Float32Array }>;
/** One page of an album's faces changed on the server. */
export type FaceChanges = MlChanges<{ file: GalleryFile; faces: FaceData }>;
/** Which album's ML data changes to read: `files` as listed, after `cursor`, `limit` a page. */
type ChangesOf = [
  crypto: ClientCrypto,
  api: Api,
  collectionID: number,
  files: ReadonlyMap<number, GalleryFile>,
  cursor: string | null,
  limit?: number,
];

/** A page's believed entries, each with its file. */
export type MlBatch = { entry: MlEntry; file: GalleryFile }[];
/** Opens a page's believed entries: what each gives, or undefined where it does not open. */
export type MlOpener<T> = (batch: MlBatch) => Promise<(T | undefined)[]>;
/** Opens a page's believed entries to their CLIP embeddings (the gallery's search worker does). */
export type ClipOpener = MlOpener<Float32Array>;

/**
 * The paging of an album's ML data changes after `cursor` (kept from an earlier sync; null: all
 * of it), by the server's update time, `limit` entries a page (the server's largest by default):
 * only entries of `files` (the album's files as listed and opened) are believed, and `open` opens
 * those of a page together. The next page is asked for while one opens (two held at most).
 */
async function* changes<T>(
  [, api, collectionID, files, cursor, limit]: ChangesOf,
  open: MlOpener<T>,
): AsyncGenerator<MlChanges<T>> {
  // The cursor to keep stops before the first entry of a file not (yet) listed here, so that a
  // later sync, which lists it, fetches that entry again.
  let kept = cursor;
  let holding = false;
  const ask = (after: string | null) => {
    const page = api.mlChanges(collectionID, after, limit);
    page.catch(() => {}); // awaited below; not unhandled if the caller stops first
    return page;
  };
  let asked = ask(cursor);
  for (;;) {
    const page = await asked;
    if (page.next !== null && !CURSOR.test(page.next)) throw new Error('the server sent a malformed ML data cursor');
    if (page.more && (page.next === null || page.next === cursor)) throw new Error('the server repeated an ML data page');
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
    const opened = believed.length ? await open(believed) : [];
    const found: T[] = [];
    for (const value of opened) if (value !== undefined) found.push(value);
    if (page.entries.rejected) holding = true;
    cursor = page.next ?? cursor;
    if (!holding) kept = cursor;
    yield { found, received: page.entries.items.length + page.entries.rejected, cursor: kept };
    if (!page.more) return;
  }
}

/**
 * An album's ML data changed on the server after `cursor`, a page at a time (`changes`): each
 * believed entry whose ML data opens with the file's key, here (decrypted all at once, the pool's
 * workers sharing them, then inflated and parsed one by one). A device that keeps what it read
 * applies each page, then keeps its cursor.
 */
export const mlChanges = (...of: ChangesOf): AsyncGenerator<MlChanges<{ file: GalleryFile; data: MLData }>> =>
  changes(of, async (batch) => {
    const packed = await Promise.all(batch.map(({ entry, file }) => decrypted(of[0], entry, file)));
    const out: ({ file: GalleryFile; data: MLData } | undefined)[] = [];
    for (const [i, { file }] of batch.entries()) {
      const data = await unpacked(packed[i]);
      out.push(data && { file, data });
    }
    return out;
  });

/** mlChanges with what `pick` reads of each entry (undefined: left out). */
async function* picked<T>(of: ChangesOf, pick: (file: GalleryFile, data: MLData) => T | undefined): AsyncGenerator<MlChanges<T>> {
  for await (const { found, ...page } of mlChanges(...of)) {
    const out: T[] = [];
    for (const { file, data } of found) {
      const value = pick(file, data);
      if (value) out.push(value);
    }
    yield { ...page, found: out };
  }
}

/**
 * The CLIP embeddings in an album's ML data changes (what is believed, and the cursor): opened here
 * (mlChanges), or by `open` (the gallery's search worker, off its main thread).
 */
export function clipChanges(
  ...[crypto, api, collectionID, files, cursor, limit, open]: [...ChangesOf, ClipOpener?]
): AsyncGenerator<ClipChanges> {
  const of: ChangesOf = [crypto, api, collectionID, files, cursor, limit];
  if (open) {
    return changes<{ file: GalleryFile; embedding: Float32Array }>(of, async (batch) =>
      (await open(batch)).map((embedding, i) => embedding && { file: batch[i].file, embedding }),
    );
  }
  return picked(of, (file, data) => {
    const embedding = entryOf(data, clipEmbedding);
    return embedding && { file, embedding };
  });
}

/** The faces in an album's ML data changes (mlChanges: what is believed, and the cursor). */
export const faceChanges = (...of: ChangesOf): AsyncGenerator<FaceChanges> =>
  picked(of, (file, data) => {
    const faces = entryOf(data, faceData);
    return faces && { file, faces };
  });

/**
 * The faces of a library's files, read from each album's ML data changes with a cursor kept per
 * album (the route search reads, `limit` entries a page): the first pull reads an album's faces
 * in (its photos / limit) requests, each later one only what changed since. The cursors live as
 * long as this object: the faces are kept in memory only, so a new session reads them anew.
 */
export class FaceFeed {
  private readonly cursors = new Map<number, string | null>();
  /** Every file pulled for, by album: a later pull for a few new files still lists the rest (an unlisted file holds its album's cursor back). */
  private readonly albums = new Map<number, Map<number, GalleryFile>>();

  constructor(
    private readonly crypto: ClientCrypto,
    private readonly api: Api,
    private readonly limit = LISTING_PAGE_MAX,
  ) {}

  /** The faces whose ML data changed since the last pull, of the files pulled for so far and `files`. */
  async pull(files: Iterable<GalleryFile>): Promise<{ file: GalleryFile; faces: FaceData }[]> {
    const touched = new Set<number>();
    for (const f of files) {
      let album = this.albums.get(f.collectionID);
      if (!album) this.albums.set(f.collectionID, (album = new Map()));
      album.set(f.id, f);
      touched.add(f.collectionID);
    }
    const out: { file: GalleryFile; faces: FaceData }[] = [];
    for (const id of touched) {
      const album = this.albums.get(id)!;
      for await (const page of faceChanges(this.crypto, this.api, id, album, this.cursors.get(id) ?? null, this.limit)) {
        for (const found of page.found) out.push(found);
        this.cursors.set(id, page.cursor);
      }
    }
    return out;
  }
}
