// indexFiles: a whole library through decode, preprocess, inference and the index, with bounded
// memory (at most `concurrency` files pulled and not yet finished), resume (files already in the
// index are skipped), checkpoints (the encrypted index handed to `persist` every N files and at
// the end), cancellation and per-file failures. The same loop serves createSearch (in-thread) and
// createSearchWorker (each step a call to the worker), so both behave alike.
import { CoreError, badInput } from '../runtime/errors.js';
import type { EncodedImage } from './image-decode.js';
import type { FaceIndex } from './face-index.js';

/** One file of the library: its id and its encoded image, as bytes or a Blob/File. */
export type IndexFileItem =
  | {
      /** A non-negative safe integer (Ente's file id). */
      fileId: number;
      /** The encoded image (JPEG, PNG, WebP...). */
      bytes: Uint8Array;
      /** Not with bytes. */
      blob?: undefined;
    }
  | {
      /** A non-negative safe integer (Ente's file id). */
      fileId: number;
      /** The encoded image as a Blob or File, read only as far as the decoder needs. */
      blob: Blob;
      /** Not with a blob. */
      bytes?: undefined;
    };

/** Milliseconds spent in each step (one file's, or totals). */
export interface IndexTimings {
  /** Reading and decoding the encoded image. */
  decode: number;
  /** Float models: `core.clip.preprocess`; RGBA models: the downscale, if the decoder could not. */
  preprocess: number;
  /** The image model's inference. */
  inference: number;
  /** The upsert into the index. */
  index: number;
}

/** A file indexFiles skipped because it is no decodable image. */
export interface IndexFailure {
  /** The file's id. */
  fileId: number;
  /** Why (a CoreError, code BAD_INPUT for a file that is no decodable image). */
  error: CoreError;
}

/** What indexFiles reports after each file. */
export interface IndexProgress {
  /** The file just finished. */
  fileId: number;
  /** Files finished so far: indexed + skipped + failed. */
  done: number;
  /** Files indexed so far. */
  indexed: number;
  /** Files skipped so far (already in the index). */
  skipped: number;
  /** Files that failed so far (no decodable image). */
  failed: number;
  /** The number of files, when known (an array's length, or the `total` option). */
  total?: number;
  /** What happened to this file. */
  status: 'indexed' | 'skipped' | 'failed';
  /** Why this file failed (failed files only). */
  error?: CoreError;
  /** This file's time per step (indexed files only). */
  timings?: IndexTimings;
  /** This file's normalised embedding (indexed files only): what a gallery uploads as its ML data. */
  embedding?: Float32Array;
  /** Face indexing (createFaceIndexer): this file's faces, as Ente's ML data stores them. */
  faceIndex?: FaceIndex;
}

/** Options of indexFiles. */
export interface IndexFilesOptions {
  /** Called after each file. */
  onProgress?: (progress: IndexProgress) => void;
  /** Stops pulling files: the run waits for the files in flight, writes a checkpoint and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Receives the index encrypted with `key` (as `save(key)` gives it) every `checkpointEvery` indexed files, after an abort, and at the end. */
  persist?: (encryptedIndex: Uint8Array<ArrayBuffer>) => unknown;
  /** The 32-byte key checkpoints are encrypted with (needed with `persist`; not zeroed: it stays yours). */
  key?: Uint8Array;
  /** Indexed files between checkpoints (default 50). */
  checkpointEvery?: number;
  /** Files pulled from `files` and not yet finished, at most (default 2: the next file is read, fetched
   *  or sent to the worker while one is processed; files are decoded and embedded one at a time). */
  concurrency?: number;
  /** The number of files, for progress (default: `files.length` when it has one). */
  total?: number;
}

/** What indexFiles did, once every file was pulled. */
export interface IndexFilesResult {
  /** Files indexed. */
  indexed: number;
  /** Files skipped because the index already had them (resume). */
  skipped: number;
  /** Files that are no decodable image, with the CoreError of each. */
  failed: IndexFailure[];
  /** Totals over the indexed files, ms. */
  timings: IndexTimings;
}

/** The files indexFiles pulls: any (async) iterable, e.g. an array or a generator reading them lazily. */
export type IndexFiles = Iterable<IndexFileItem> | AsyncIterable<IndexFileItem>;

/** What the loop needs from a search, in the thread or across it. */
export interface IndexSteps {
  has(fileId: number): boolean | Promise<boolean>;
  /** Decodes and indexes one file; a CoreError means this file is bad (skipped, reported). What it
   *  returns besides the timings (the embedding, the faces) goes into the file's progress. */
  indexFile(
    fileId: number,
    image: EncodedImage,
  ): Promise<{ timings: IndexTimings } & Pick<IndexProgress, 'embedding' | 'faceIndex'>>;
  save(key: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

/** indexFiles' default `checkpointEvery`: an encrypted checkpoint every 50 indexed files. */
export const DEFAULT_CHECKPOINT_EVERY = 50;
/** indexFiles' default `concurrency`: files pulled and not yet finished. */
export const DEFAULT_INDEX_CONCURRENCY = 2;

const positiveInt = (name: string, v: number | undefined, fallback: number) => {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw badInput(`${name} must be a positive integer, got ${String(v)}`);
  return n;
};

function itemImage(item: IndexFileItem): { fileId: number; image: EncodedImage } {
  const { fileId, bytes, blob } = (item ?? {}) as Partial<IndexFileItem>;
  if (typeof fileId !== 'number' || !Number.isSafeInteger(fileId) || fileId < 0) {
    throw badInput(`each file needs a fileId that is a non-negative safe integer, got ${String(fileId)}`);
  }
  const image = bytes ?? blob;
  if (!(image instanceof Uint8Array) && !(typeof Blob === 'function' && image instanceof Blob)) {
    throw badInput(`file ${fileId} has neither bytes (Uint8Array) nor a blob (Blob)`);
  }
  return { fileId, image };
}

/**
 * Runs the calls given to it one after another, each once the previous has settled: a photo goes
 * from decode to its last inference before the next starts (in a worker, inference holds the
 * thread, so a decode started beside it would only finish after it, and its time would count the
 * wait); calls that wait hold their encoded bytes, never decoded pixels.
 */
export function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const next = turn.then(fn);
    turn = next.catch(() => undefined);
    return next;
  };
}

/** Timings of nothing yet, to add to. */
export const zeroTimings = (): IndexTimings => ({ decode: 0, preprocess: 0, inference: 0, index: 0 });

/** Milliseconds of one photo's face indexing (face-index.ts), step by step. */
export interface FaceTimings {
  /** Decoding the file (and downscaling it to maxImageSide). */
  decode: number;
  /** The letterbox. */
  letterbox: number;
  /** The detector model. */
  detect: number;
  /** Post-processing, alignment and blur of every face. */
  align: number;
  /** The embedder model, every face. */
  embed: number;
}

/** A photo's face timings in indexFiles' four steps: letterbox and alignment are preprocessing,
 *  both models inference. */
export const asIndexTimings = (t: FaceTimings): IndexTimings => ({
  ...zeroTimings(),
  decode: t.decode,
  preprocess: t.letterbox + t.align,
  inference: t.detect + t.embed,
});

/** Resolves with `p`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function runIndexFiles(files: IndexFiles, options: IndexFilesOptions, steps: IndexSteps): Promise<IndexFilesResult> {
  const { onProgress, signal, persist, key } = options;
  const checkpointEvery = positiveInt('checkpointEvery', options.checkpointEvery, DEFAULT_CHECKPOINT_EVERY);
  const concurrency = positiveInt('concurrency', options.concurrency, DEFAULT_INDEX_CONCURRENCY);
  if (persist !== undefined && typeof persist !== 'function') throw badInput('persist must be a function');
  if (persist && !(key instanceof Uint8Array)) throw badInput('persist needs the key (32 bytes) checkpoints are encrypted with');
  const total = options.total ?? (Array.isArray(files) ? files.length : undefined);
  const iterable = files as Partial<AsyncIterable<IndexFileItem> & Iterable<IndexFileItem>> | null;
  const iterator = iterable?.[Symbol.asyncIterator]?.() ?? iterable?.[Symbol.iterator]?.();
  if (!iterator) throw badInput('files must be an iterable or async iterable of { fileId, bytes | blob }');

  const result: IndexFilesResult = { indexed: 0, skipped: 0, failed: [], timings: zeroTimings() };
  let unsaved = 0; // indexed since the last checkpoint
  let stop: { error: unknown } | undefined;
  let checkpoints: Promise<void> = Promise.resolve();

  // One at a time, in order: a later checkpoint never lands before an earlier one.
  const checkpoint = () => {
    unsaved = 0;
    checkpoints = checkpoints
      .catch(() => undefined)
      .then(async () => {
        await persist!(await steps.save(key!));
      });
    return checkpoints;
  };

  const report = (fileId: number, status: IndexProgress['status'], extra: Partial<IndexProgress> = {}) => {
    const done = result.indexed + result.skipped + result.failed.length;
    onProgress?.({
      fileId,
      done,
      indexed: result.indexed,
      skipped: result.skipped,
      failed: result.failed.length,
      total,
      status,
      ...extra,
    });
  };

  const one = async (item: IndexFileItem) => {
    const { fileId, image } = itemImage(item);
    if (await steps.has(fileId)) {
      result.skipped++;
      report(fileId, 'skipped');
      return;
    }
    let indexed: Awaited<ReturnType<IndexSteps['indexFile']>>;
    try {
      indexed = await steps.indexFile(fileId, image);
    } catch (e) {
      if (!(e instanceof CoreError || (e as Error)?.name === 'CoreError')) throw e;
      result.failed.push({ fileId, error: e as CoreError });
      report(fileId, 'failed', { error: e as CoreError });
      return;
    }
    result.indexed++;
    const { timings, embedding, faceIndex } = indexed;
    for (const k of Object.keys(timings) as (keyof IndexTimings)[]) result.timings[k] += timings[k];
    report(fileId, 'indexed', { timings, ...(embedding && { embedding }), ...(faceIndex && { faceIndex }) });
    if (persist && ++unsaved >= checkpointEvery) await checkpoint();
  };

  const inFlight = new Set<Promise<void>>();
  let exhausted = false;
  let pulling = false; // a next() the source has not answered yet
  try {
    while (!stop && !signal?.aborted) {
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      pulling = true;
      const next = await untilAborted(Promise.resolve(iterator.next()), signal);
      pulling = false;
      if (next.done) {
        exhausted = true;
        break;
      }
      const task: Promise<void> = one(next.value)
        .catch((error) => {
          stop ??= { error };
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  } catch (error) {
    if (!signal?.aborted) stop ??= { error }; // an abort is reported below, with its reason
  }
  await Promise.all(inFlight); // files already started finish (and count)
  if (!exhausted) {
    // Closes the source (its finally blocks run). Not awaited while it still owes a next(): an
    // async generator answers return() only after that, which may be never (a stalled fetch).
    const closing = Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => undefined);
    if (!pulling) await closing;
  }
  // The last checkpoint: after an abort or a failure too, so what was done is kept.
  if (persist && unsaved > 0) checkpoint();
  await checkpoints.catch((error) => {
    stop ??= { error };
  });
  if (stop) throw stop.error;
  if (signal?.aborted) throw signal.reason;
  return result;
}
