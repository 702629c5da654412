// Pull-based streams over a worker session: every pull of the returned ReadableStream reads
// just enough source to finish one 4 MiB chunk in the worker, so memory stays bounded however
// long the stream is, and a slow consumer slows the source (backpressure).
import { CoreError, badInput, requireBytes } from '../runtime/errors.js';
import { ownedBytes, zeroBytes, withTransfer } from './protocol.js';
import type { WorkerThread } from './spawn.js';
import { abortReason } from './scheduler.js';

/** How far a worker stream got: passed to its `onProgress` after each step. */
export interface StreamProgress {
  /** Always 'stream'. */
  type: 'stream';
  /** Source bytes handed to the worker so far. */
  bytesIn: number;
  /** Output bytes emitted so far (authenticated plaintext when decrypting). */
  bytesOut: number;
}

/** Options of encryptStream and decryptStream. */
export interface StreamOptions {
  /** Cancels the stream: it errors with the signal's reason and its worker session is freed. */
  signal?: AbortSignal;
  /** Called after each step with the bytes in and out so far. */
  onProgress?: (progress: StreamProgress) => void;
  /** Finished chunks the stream may hold ahead of its reader (default 1). */
  highWaterMark?: number;
}

/**
 * Bytes a worker stream reads: a ReadableStream (a fetch body, `file.stream()`) or an (async)
 * iterable of Uint8Arrays. Its chunks are handed to the worker (transferred when they own their buffer).
 */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

interface SourceReader {
  read(): Promise<{ done?: boolean; value?: Uint8Array }>;
  cancel(reason: unknown): Promise<void>;
}

function readerOf(source: ByteSource): SourceReader {
  if (source && typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return { read: () => reader.read(), cancel: (r) => reader.cancel(r) };
  }
  const it = source as AsyncIterable<Uint8Array> & Iterable<Uint8Array>;
  const iterator =
    typeof it[Symbol.asyncIterator] === 'function'
      ? it[Symbol.asyncIterator]()
      : typeof it[Symbol.iterator] === 'function'
        ? it[Symbol.iterator]()
        : undefined;
  if (!iterator) throw badInput('the source must be a ReadableStream or an (async) iterable of Uint8Array');
  return {
    read: async () => iterator.next(),
    cancel: async () => {
      await iterator.return?.();
    },
  };
}

export interface Session {
  thread: WorkerThread;
  id: number;
  /** Called once when the stream ends, fails or is cancelled. */
  release: () => void;
}

/**
 * A worker session held on behalf of an object the caller may drop without ending it (a stream
 * read partway, an encryptor never finished): once that object is garbage collected, the
 * session is closed in the worker and its thread unpinned, so dropped streams cannot use up a
 * worker's MAX_SESSIONS_PER_WORKER and wedge the pool.
 */
export interface Lease {
  session?: Session;
  /** Set once the session was ended by its owner (finished, failed, cancelled, disposed). */
  ended: boolean;
}

const leases = new FinalizationRegistry<Lease>((lease) => {
  if (lease.ended || !lease.session) return;
  lease.ended = true;
  lease.session.thread.remote.close(lease.session.id).catch(() => {});
  lease.session.release();
});

/**
 * Ties `lease` to `owner`: collected while the lease is open, the session is freed. `owner` must
 * be a plain JS object the session's user keeps reaching while it uses the session.
 */
export function leaseFor<T extends object>(owner: T, lease: Lease): T {
  leases.register(owner, lease, lease);
  return owner;
}

/** Ends a lease normally: the owner freed its session itself. */
export function endLease(lease: Lease): void {
  lease.ended = true;
  leases.unregister(lease);
}

/** The ReadableStream that pumps `source` through an open worker session. */
export function sessionStream(
  source: ByteSource,
  session: Promise<Session> | (() => Promise<Session>),
  options: StreamOptions = {},
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const { signal, onProgress } = options;
  // The lease is tied to an object only this stream's own algorithms reach (start, pull, cancel
  // use it), not to the ReadableStream: a browser may drop and later recreate a stream's JS
  // wrapper while the stream lives, which would end a session still being read.
  const anchor = { lease: { ended: false } as Lease };
  leaseFor(anchor, anchor.lease);
  let reader: SourceReader | undefined;
  let open: Session | undefined;
  let needInput = true;
  let ended = false;
  let bytesIn = 0;
  let bytesOut = 0;
  let controller!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;

  /** Ends everything once: frees the worker's session and stops the source. */
  const finish = (reason?: unknown) => {
    if (ended) return;
    ended = true;
    endLease(anchor.lease);
    signal?.removeEventListener('abort', onAbort);
    if (open) {
      if (reason !== undefined) open.thread.remote.close(open.id).catch(() => {});
      open.release();
    }
    if (reason !== undefined) reader?.cancel(reason).catch(() => {});
  };
  const onAbort = () => {
    const reason = abortReason(signal!);
    try {
      controller.error(reason);
    } catch {
      /* already closed */
    }
    finish(reason);
  };
  const step = (input: Uint8Array | null, end: boolean) =>
    open!.thread.guard(open!.thread.remote.step(open!.id, input ? withTransfer(input) : null, end));

  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async start(c) {
        controller = c;
        if (signal?.aborted) {
          ended = true;
          if (typeof session !== 'function') {
            // opened already (encryptStream): free it
            session.then(
              (s) => {
                s.thread.remote.close(s.id).catch(() => {});
                s.release();
              },
              () => {},
            );
          }
          throw abortReason(signal);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          open = await (typeof session === 'function' ? session() : session);
          anchor.lease.session = open;
          reader = readerOf(source);
        } catch (e) {
          if (open) finish(e);
          throw e;
        }
        if (ended) {
          // aborted while opening
          open.thread.remote.close(open.id).catch(() => {});
          open.release();
          reader.cancel(abortReason(signal!)).catch(() => {});
        }
      },

      async pull(c) {
        try {
          for (;;) {
            let input: Uint8Array | null = null;
            let end = false;
            if (needInput) {
              const { done, value } = await reader!.read();
              if (ended) return;
              if (done) end = true;
              else {
                input = ownedBytes(requireBytes('stream source chunk', value));
                if (!input.length) continue;
                bytesIn += input.length;
              }
            }
            const result = await step(input, end);
            if (ended) return zeroBytes(result); // cancelled meanwhile
            needInput = result.needInput;
            const output = result.output;
            if (output?.length) {
              bytesOut += output.length;
              c.enqueue(output);
            }
            if (onProgress && (input || output?.length)) onProgress({ type: 'stream', bytesIn, bytesOut });
            if (result.done) {
              c.close();
              finish();
              return;
            }
            if (output?.length) return; // one chunk per pull: the reader sets the pace
          }
        } catch (e) {
          // The worker already dropped the session on a CoreError; nothing after it is emitted.
          if (!ended) {
            c.error(e);
            finish(e instanceof CoreError ? e : (e ?? new Error('cipherlens: stream failed')));
          }
        }
      },

      cancel(reason) {
        finish(reason ?? new DOMException('The stream was cancelled', 'AbortError'));
      },
    },
    { highWaterMark: options.highWaterMark ?? 1 },
  );
  return stream;
}

/**
 * A stream built by `make` only when first read: nothing is opened, pinned or decrypted for a
 * stream nobody reads. Its own high-water mark is 0; the inner stream's read-ahead applies.
 */
export function lazyStream(make: () => ReadableStream<Uint8Array<ArrayBuffer>>): ReadableStream<Uint8Array<ArrayBuffer>> {
  let reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>> | undefined;
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(c) {
        reader ??= make().getReader();
        const { done, value } = await reader.read();
        if (done) c.close();
        else c.enqueue(value);
      },
      cancel(reason) {
        return reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Opens a session on `thread`, releasing the pin if opening fails. */
export async function openSession(
  thread: WorkerThread,
  release: () => void,
  kind: 'encrypt' | 'decrypt',
  key: Uint8Array,
  header?: Uint8Array,
): Promise<Session & { header?: Uint8Array<ArrayBuffer> }> {
  try {
    const r = await thread.guard(thread.remote.open(kind, key, header));
    return { thread, id: r.id, header: r.header, release };
  } catch (e) {
    release();
    throw e;
  }
}
