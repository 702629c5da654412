// On-device search with cipherlens' CLIP search worker. Photos are indexed with the package's
// indexFiles (decoded, embedded and upserted in the worker, a bounded number at a time), and each
// embedding is stored as Ente's per-file ML data (client/src/library/ml-data.ts), so another
// device rebuilds the index from that data without running the image model again, and a closed
// tab resumes: what has ML data is not indexed twice. The app ships the small test models the
// build generates (they understand colour words).
//
// The index is kept on this device between log-ins (a compact index with its pages in IndexedDB,
// sealed with a random key kept wrapped under the master key: local-key.ts), with a sync cursor per album: a
// log-in fetches only the ML data that changed on the server since the last sync.
import { createSearchWorker, type MLData, type SearchWorker } from 'cipherlens/search';
import {
  clipChanges,
  fileMlData,
  limits,
  putMlData,
  wipe,
  type ClipOpener,
  type ClientCrypto,
  type GalleryFile,
  type Library,
} from '../../client/src/index.js';
import { localKey } from './local-key.js';

const MODELS = { textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx' };
const QUERY_LIMIT = 24;
const CLIP_DIMS = 512;
const KEY_BYTES = limits.SIZES.key;
const KEY_NAME = 'wrapped-key';

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** What the local index keeps with its snapshot: the ML data cursor of each album it is current to. */
interface SyncState {
  cursors: Record<string, string>;
}
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function readState(meta: Uint8Array | undefined): SyncState {
  try {
    const state = meta && JSON.parse(fromUtf8.decode(meta));
    if (state && typeof state.cursors === 'object' && state.cursors) return { cursors: { ...state.cursors } };
  } catch {
    // An unreadable state starts over (the index is still sealed and authenticated).
  }
  return { cursors: {} };
}

export type Progress = (done: number, total: number) => void;

/** `v` scaled to length 1 (ML data from another client may not be). */
function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

export class GallerySearch {
  private worker: SearchWorker | null = null;
  private readonly indexed = new Set<number>();
  /** Each file's embedding (search keeps them in its worker; near-duplicate grouping needs them here). */
  private readonly vectors = new Map<number, Float32Array>();
  private state: SyncState = { cursors: {} };
  /** Ends the hold on this account's local index (a Web Lock: one tab writes it at a time). */
  private release: (() => void) | null = null;
  /** Whether the index is this device's local one (else it lives in memory for this session). */
  private persistent = false;
  /** Set by close(): an open() still under way ends what it started. */
  private closed = false;
  /** Photos the local index held when search opened (from an earlier log-in on this device). */
  fromCache = 0;
  /** The index or its cursors changed since it was last saved (saving 100,000 photos' snapshot
   * when nothing changed was 0.3 s of a log-in with the local index). */
  private dirty = true;
  fromMlData = 0;
  indexedHere = 0;

  /** `writer`: the account's writer lock, taken by the gallery (writer-lock.ts); none: search takes it itself. */
  constructor(
    private readonly crypto: ClientCrypto,
    private readonly library: Library,
    private readonly base: URL,
    private readonly writer?: { held: Promise<boolean> },
  ) {}

  get ready(): boolean {
    return this.worker !== null;
  }

  async open(onProgress?: (label: string, loaded?: number, total?: number) => void): Promise<void> {
    const keys = this.library.keys;
    if (!keys) throw new Error('search needs an account');
    const database = `cipherlens-index-${keys.userId}`;
    // Another tab of this account holds the local index: this one searches from memory.
    if (!(await (this.writer ? this.writer.held : this.hold(database)))) {
      this.worker = await this.start(null, database, onProgress);
      this.stillOpen();
      return;
    }
    this.stillOpen();
    const key = await localKey(this.crypto, keys.masterKey, keys.userId, KEY_NAME);
    const attempt = async () => {
      const copy = key.slice(); // the worker's copy (wiped there); this thread's wiped below
      try {
        return await this.start(copy, database, onProgress);
      } finally {
        wipe(copy);
      }
    };
    try {
      this.worker = await attempt().catch(async () => {
        // The local index does not open (damaged, or sealed with a key since replaced): it is
        // only a cache of the server's ML data, so it starts anew.
        await deleteDatabase(database);
        return attempt();
      });
    } catch (e) {
      this.close();
      throw e;
    } finally {
      wipe(key);
    }
    this.stillOpen();
    this.persistent = true;
    this.state = readState(await this.worker.meta());
    this.fromCache = await this.worker.size();
    this.dirty = this.fromCache === 0; // a new or empty index is saved once
  }

  /** Throws if close() came while opening (a lock during the log-in): what was started is ended. */
  private stillOpen() {
    if (!this.closed) return;
    this.close();
    throw new Error('search was closed');
  }

  /** Takes the Web Lock named `name` if no other tab has it; held until close(). */
  private hold(name: string): Promise<boolean> {
    if (!navigator.locks) return Promise.resolve(true);
    return new Promise((granted) => {
      navigator.locks
        .request(name, { ifAvailable: true }, (lock) => {
          granted(lock !== null);
          return lock ? new Promise<void>((resolve) => (this.release = resolve)) : undefined;
        })
        .catch(() => granted(false));
    });
  }

  /** The search worker, its compact index in IndexedDB `database` sealed with `key` (none: in memory). */
  private start(key: Uint8Array | null, database: string, onProgress?: (label: string, loaded?: number, total?: number) => void) {
    return createSearchWorker({
      ...(key ? { compactIndex: { key, indexedDb: { database } } } : {}),
      ...MODELS,
      baseUrl: new URL('models/', this.base).href,
      workerUrl: new URL('search-worker.js', this.base).href,
      wasmUrl: new URL('cipherlens.wasm', this.base).href,
      wasmPaths: new URL('ort/', this.base).href,
      numThreads: 1,
      onProgress: ({ model, loaded, total }) => onProgress?.(`Loading ${model}…`, loaded, total ?? undefined),
    });
  }

  private live(): SearchWorker {
    if (!this.worker) throw new Error('search is not open');
    return this.worker;
  }

  /**
   * Indexes `files` here (the only place image inference runs), from their thumbnails
   * (`thumbnailOf(file)` gives the bytes), and stores each embedding as the file's ML data.
   * `onProgress(done, total)` after each file; a thumbnail that does not decode is skipped.
   */
  async index(files: GalleryFile[], thumbnailOf: (file: GalleryFile) => Promise<Uint8Array>, onProgress?: Progress) {
    const worker = this.live();
    const byId = new Map(files.map((f) => [f.id, f]));
    // One ML data entry holds the CLIP embedding and the faces: what the file has (its faces,
    // found on this or another device) is kept beside the new embedding.
    const existing = new Map<number, MLData>();
    for await (const { file, data } of fileMlData(this.crypto, this.library.api, files)) existing.set(file.id, data);
    const uploads: Promise<void>[] = [];
    // A thumbnail that does not come (refused, say) is handed over empty: indexFiles reports it as a
    // bad file and goes on, so one photo never stops search.
    async function* thumbnails() {
      for (const file of files) yield { fileId: file.id, bytes: await thumbnailOf(file).catch(() => new Uint8Array(0)) };
    }
    await worker.indexFiles(thumbnails(), {
      total: files.length,
      onProgress: ({ fileId, status, embedding, done, total }) => {
        if (status === 'indexed' && embedding) {
          this.indexed.add(fileId);
          this.vectors.set(fileId, normalised(embedding));
          this.indexedHere++;
          this.dirty = true;
          uploads.push(
            putMlData(this.crypto, this.library.api, byId.get(fileId)!, { clip: embedding, base: existing.get(fileId) }),
          );
        }
        onProgress?.(done, total ?? files.length);
      },
    });
    await Promise.all(uploads);
    // The ML data just written is in the index already: move the cursors past it.
    await this.fetchChanges(new Set(files.map((f) => f.collectionID)));
  }

  /**
   * Moves the cursors of the albums of `files` past ML data this device just wrote for them (the
   * faces people.ts adds beside the CLIP entry), so the next log-in does not fetch it again.
   */
  async caughtUp(files: GalleryFile[]) {
    if (this.worker) await this.fetchChanges(new Set(files.map((f) => f.collectionID)));
  }

  /**
   * Adds the ML data that changed on the server since the cursors, for `albums`, and saves the
   * index with the cursors moved on. Only entries of files the library listed are believed.
   */
  private async fetchChanges(albums: Iterable<number>, onFetched?: (received: number) => void) {
    const worker = this.live();
    let received = 0;
    for (const album of albums) {
      const files = new Map([...this.library.files].filter(([, f]) => f.collectionID === album));
      const cursor = this.state.cursors[album] ?? null;
      for await (const page of clipChanges(this.crypto, this.library.api, album, files, cursor, undefined, this.opener)) {
        await this.addAll(page.found.filter((e) => e.embedding.length === CLIP_DIMS));
        if (page.cursor && page.cursor !== this.state.cursors[album]) {
          this.state.cursors[album] = page.cursor;
          this.dirty = true;
        }
        received += page.received;
        onFetched?.(received);
      }
    }
    if (this.persistent && this.dirty) {
      this.dirty = false; // before the save: a change made while it runs marks the index again
      try {
        await worker.persist(utf8.encode(JSON.stringify(this.state)));
      } catch (e) {
        this.dirty = true;
        throw e;
      }
    }
  }

  /**
   * Brings the index up to `files` (every album's): first from the ML data that changed on the
   * server since this device's last sync, album by album (no inference; on a new device that is
   * all of it, a page of up to 1000 at a time), then indexing here those still missing that
   * `canUpload` (their owner's device writes their ML data). The index and its cursors are saved
   * on this device after each step.
   */
  async sync(
    files: GalleryFile[],
    thumbnailOf: (file: GalleryFile) => Promise<Uint8Array>,
    {
      canUpload = () => true,
      onProgress,
      onFetched,
    }: { canUpload?: (f: GalleryFile) => boolean; onProgress?: Progress; onFetched?: (received: number) => void } = {},
  ) {
    const worker = this.live();
    await this.fetchChanges(new Set(files.map((f) => f.collectionID)), onFetched);
    // What the local index already has, asked in one call (one per photo took 7-15 s at 100,000).
    const unknown = files.filter((f) => !this.indexed.has(f.id));
    const present = await worker.hasMany(unknown.map((f) => f.id));
    unknown.forEach((f, i) => present[i] && this.indexed.add(f.id));
    const rest = files.filter((f) => !this.indexed.has(f.id) && canUpload(f));
    if (rest.length) await this.index(rest, thumbnailOf, onProgress);
  }

  /**
   * Opens a page of ML data in the search worker (decrypted, inflated and parsed there: on this
   * thread that was most of a new device's wait), the files' keys handed over for the call.
   */
  private readonly opener: ClipOpener = async (batch) => {
    const keys = new Uint8Array(batch.length * KEY_BYTES);
    batch.forEach(({ file }, i) => keys.set(file.key, i * KEY_BYTES));
    let opened: Uint8Array;
    let embeddings: Float32Array;
    try {
      ({ opened, embeddings } = await this.live().openMlClips(
        batch.map(({ entry }) => entry.encryptedData),
        batch.map(({ entry }) => entry.decryptionHeader),
        keys,
      ));
    } finally {
      wipe(keys);
    }
    let next = 0;
    return batch.map((_, i) => (opened[i] ? embeddings.subarray(next * CLIP_DIMS, ++next * CLIP_DIMS) : undefined));
  };

  /** Adds embeddings from ML data, a batch at a time; one the index refuses is left to be indexed here. */
  private async addAll(found: { file: GalleryFile; embedding: Float32Array }[]) {
    if (!found.length) return;
    const worker = this.live();
    const embeddings = new Float32Array(found.length * CLIP_DIMS);
    found.forEach(({ embedding }, i) => embeddings.set(embedding, i * CLIP_DIMS));
    // Counted once per photo, and not when the local index had it already: this device's own ML
    // data comes back after it indexed the photo, and a file's ML data changes when its faces are
    // added beside its CLIP entry (app/src/people.ts) after the cursors moved.
    const known = new Set(found.filter(({ file }) => this.indexed.has(file.id)).map(({ file }) => file.id));
    if (this.fromCache) {
      const rest = found.filter(({ file }) => !known.has(file.id)).map(({ file }) => file.id);
      const inIndex = await worker.hasMany(rest);
      rest.forEach((id, i) => inIndex[i] && known.add(id));
    }
    const added = (id: number, embedding: Float32Array) => {
      if (!known.has(id)) this.fromMlData++;
      this.dirty = true;
      this.indexed.add(id);
      this.vectors.set(id, normalised(embedding));
    };
    try {
      await worker.addMany(
        found.map(({ file }) => file.id),
        embeddings,
      );
      for (const { file, embedding } of found) added(file.id, embedding);
    } catch {
      for (const { file, embedding } of found) {
        try {
          await worker.add(file.id, embedding);
          added(file.id, embedding);
        } catch {
          // Refused by the index: the photo is indexed here instead.
        }
      }
    }
  }

  /** The embeddings of those of `ids` that have one, one after another (`dims` floats each). */
  embeddings(ids: number[]): { ids: number[]; vectors: Float32Array; dims: number } {
    const found = ids.filter((id) => this.vectors.has(id));
    const dims = found.length ? this.vectors.get(found[0])!.length : 1;
    const vectors = new Float32Array(found.length * dims);
    found.forEach((id, i) => vectors.set(this.vectors.get(id)!.subarray(0, dims), i * dims));
    return { ids: found, vectors, dims };
  }

  query(text: string) {
    return this.live().query(text, { limit: QUERY_LIMIT });
  }

  status(): string {
    const cached = this.fromCache ? `${this.fromCache} photos from this device's index, ` : '';
    return `Search ready: ${cached}${this.fromMlData} photos from ML data, ${this.indexedHere} indexed here`;
  }

  close(): void {
    this.closed = true;
    this.worker?.terminate();
    this.worker = null;
    this.release?.();
    this.release = null;
  }
}
