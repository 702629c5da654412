// createCoreWorker / createWorkerPool: the core's API, asynchronous, served by worker threads.
// Payloads cross by transfer, keys by copy; key derivation gets a thread of its own that is
// terminated afterwards, so Argon2's memory goes back to the system.
import * as Comlink from 'comlink';
import type { CryptoCore } from '../crypto/core.js';
import type { Core } from '../search/core.js';
import type { CoreErrorCode } from '../runtime/errors.js';
import { CoreError, closedError, requireBytes } from '../runtime/errors.js';
import { compileBuild, type CoreBuild, type CoreFlavor, type LoadOptions } from '../runtime/loader.js';
import { INTERACTIVE_LIMITS, withSensitiveLimitsAsync, type DerivedKey } from '../crypto/keys.js';
import { SALT_BYTES } from '../crypto/sizes.js';
import { ownedBytes, type ApiShape } from './protocol.js';
import { CORE_ROUTES, routeOf, transfers, wireArgs, type PathsWith } from './routes.js';
import { spawnWorker, type SpawnOptions, type WorkerEntry, type WorkerThread } from './spawn.js';
import { Scheduler, abortReason, terminatedError } from './scheduler.js';
import {
  endLease,
  lazyStream,
  leaseFor,
  openSession,
  sessionStream,
  type ByteSource,
  type Lease,
  type StreamOptions,
  type StreamProgress,
} from './streams.js';

export type { ByteSource, StreamOptions, StreamProgress };

/** Before and after each Argon2 attempt, with the parameters tried. */
export interface KdfProgress {
  /** Always 'kdf'. */
  type: 'kdf';
  /** Reported before an attempt starts and after it ends. */
  phase: 'before' | 'after';
  /** 1 for the first attempt; deriveSensitiveKey makes a second at half the memory if the first gets none. */
  attempt: number;
  /** The attempt's Argon2 passes. */
  opsLimit: number;
  /** The attempt's Argon2 memory, bytes. */
  memLimit: number;
  /** After: whether this attempt produced the key, and if not, why. */
  ok?: boolean;
  /** After a failed attempt: its CoreError code (OUT_OF_MEMORY: the next attempt follows). */
  error?: CoreErrorCode;
  /** After: the attempt's wall time, seconds. */
  seconds?: number;
}

/** What a call's or a stream's `onProgress` receives. */
export type Progress = KdfProgress | StreamProgress;

/** Options for every call made through `worker.with(options)`. */
export interface CallOptions {
  /** Drops the job if it has not started; rejects at once if it has (a KDF's thread is killed). */
  signal?: AbortSignal;
  /** Key derivation reports each Argon2 attempt, before and after. */
  onProgress?: (progress: KdfProgress) => void;
}

/** Where a worker or pool loads its core from, and which build it serves. */
export interface WorkerOptions extends LoadOptions, SpawnOptions {
  /** 'crypto' serves the smaller build without CLIP search (see loadCryptoCore); default 'full'. */
  flavor?: CoreFlavor;
}

type Fn = (...args: never[]) => unknown;
/** Every function of T returning a promise instead; plain values stay. */
export type Async<T> = {
  [K in keyof T]: T[K] extends Fn
    ? (...args: Parameters<T[K]>) => Promise<Awaited<ReturnType<T[K]>>>
    : T[K] extends object
      ? Async<T[K]>
      : T[K];
};

/**
 * A StreamEncryptor in a worker (`worker.stream.createEncryptor(key)`): its session stays on one
 * thread. Dropped unfinished, it is freed when garbage collected.
 */
export interface AsyncStreamEncryptor {
  /** The 24-byte secretstream header, known before any data: store it (Ente's `decryptionHeader`). */
  readonly header: Uint8Array<ArrayBuffer>;
  /** Ciphertext of every chunk these bytes complete. Bytes of PAYLOAD_TRANSFER_BYTES or more are transferred. */
  update(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  /** The FINAL chunk; ends the session (later calls: CLOSED). */
  final(): Promise<Uint8Array<ArrayBuffer>>;
  /** Ends the session without finishing; idempotent. */
  dispose(): Promise<void>;
}

/** A StreamDecryptor in a worker (`worker.stream.createDecryptor(header, key)`). */
export interface AsyncStreamDecryptor {
  /** Plaintext of every chunk these bytes complete and authenticate (AUTH_FAILED names the chunk). */
  update(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
  /** The FINAL chunk's plaintext (TRUNCATED if it never came); ends the session. */
  final(): Promise<Uint8Array<ArrayBuffer>>;
  /** Ends the session without finishing; idempotent. */
  dispose(): Promise<void>;
}

/** The incremental stream API across a worker: sessions pinned to one thread. */
export interface AsyncStreamApi {
  /** As core.stream.createEncryptor, in the worker (with `header`: that stream started over). */
  createEncryptor(key: Uint8Array, header?: Uint8Array): Promise<AsyncStreamEncryptor>;
  /** As core.stream.createDecryptor, in the worker. */
  createDecryptor(header: Uint8Array, key: Uint8Array): Promise<AsyncStreamDecryptor>;
}

/** The core API, every call returning a promise. */
export type AsyncCore<C extends CryptoCore = Core> = Omit<Async<C>, 'stream'> & {
  /** Secretstream in Ente's layout, answered by the worker (whole buffers, or incremental sessions). */
  stream: Omit<Async<C['stream']>, 'createEncryptor' | 'createDecryptor'> & AsyncStreamApi;
};

/** `createCoreWorker()` / `createWorkerPool(n)`: the core API in worker threads, plus streams and controls. */
export type CoreWorker<C extends CryptoCore = Core> = AsyncCore<C> & WorkerControls<C>;

/** What a worker or pool adds to the core API: streams, per-call options, diagnostics, terminate. */
export interface WorkerControls<C extends CryptoCore = Core> {
  /** Worker threads serving jobs. */
  readonly size: number;
  /** The same API with an AbortSignal and/or progress callback for every call made through it. */
  with(options: CallOptions): AsyncCore<C>;
  /** Plaintext of each authenticated 4 MiB chunk, as it completes. */
  decryptStream(
    source: ByteSource,
    header: Uint8Array,
    key: Uint8Array,
    options?: StreamOptions,
  ): ReadableStream<Uint8Array<ArrayBuffer>>;
  /** Ente's chunked layout; `header` is known before any data flows. */
  encryptStream(source: ByteSource, key: Uint8Array, options?: StreamOptions): Promise<EncryptedStream>;
  /** Jobs completed by each thread so far, and throw-away key-derivation threads alive now. */
  stats(): PoolStats;
  /** Open stream sessions over all threads (0 once every stream ended or was cancelled). */
  openSessions(): Promise<number>;
  /** Diagnostics of each serving thread: wasm memory size, bytes malloc'd in it, open stream sessions. */
  threadStats(): Promise<ThreadStats[]>;
  /** Ends every thread; idempotent. Calls after it (and unfinished ones) reject with CoreError CLOSED. */
  terminate(): Promise<void>;
}

/** encryptStream's result: the header at once, the ciphertext as it is read. */
export interface EncryptedStream {
  /** The 24-byte secretstream header: store it beside the file (Ente's `decryptionHeader`). */
  header: Uint8Array<ArrayBuffer>;
  /** The ciphertext in Ente's layout, one 4 MiB + 17-byte chunk per read. */
  stream: ReadableStream<Uint8Array<ArrayBuffer>>;
}

/** A pool's job counts. */
export interface PoolStats {
  /** Jobs each serving thread has completed (how evenly the pool spreads them). */
  completed: number[];
  /** Throw-away key-derivation threads alive now. */
  kdfWorkers: number;
}

/** One serving thread's diagnostics. */
export interface ThreadStats {
  /** Its wasm memory's size, bytes. */
  heapSize: number;
  /** Bytes malloc'd in it now. */
  heapInUse: number;
  /** Stream sessions open on it. */
  sessions: number;
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What every thread of a pool instantiates: one compiled module and which build it is. */
interface ThreadCore {
  wasmModule: WebAssembly.Module;
  flavor: CoreFlavor;
}

type Spawn = () => Promise<WorkerThread>;

async function startThread(spawn: Spawn, core: ThreadCore): Promise<{ thread: WorkerThread; shape: ApiShape }> {
  const thread = await spawn();
  try {
    const shape = await thread.guard(thread.remote.init(core));
    return { thread, shape };
  } catch (e) {
    await thread.terminate();
    throw e;
  }
}

type KdfPath = PathsWith<typeof CORE_ROUTES, 'kdf-thread'>;
type SessionPath = PathsWith<typeof CORE_ROUTES, 'session'>;

/** Key derivation in a thread of its own, terminated afterwards (or on abort). */
function kdfRunner(spawn: Spawn, core: ThreadCore, closed: () => boolean) {
  const threads = new Set<WorkerThread>();
  let live = 0;

  const inThread = async <T>(
    signal: AbortSignal | undefined,
    fn: (call: (path: string, args: unknown[]) => Promise<unknown>) => Promise<T>,
  ): Promise<T> => {
    if (signal?.aborted) throw abortReason(signal);
    if (closed()) throw terminatedError();
    live++;
    const starting = startThread(spawn, core);
    try {
      const { thread } = await abortable(starting, signal);
      threads.add(thread);
      const call = (path: string, args: unknown[]) => thread.guard(thread.remote.call(path, args) as Promise<unknown>);
      return await abortable(fn(call), signal);
    } finally {
      // Also when aborted while the thread was still starting: it is terminated once it is up.
      await starting
        .then(
          ({ thread }) => {
            threads.delete(thread);
            return thread.terminate();
          },
          () => {},
        )
        .finally(() => live--);
    }
  };

  /** One Argon2 attempt with progress before and after. */
  const attempt = async (
    call: (path: string, args: unknown[]) => Promise<unknown>,
    options: CallOptions,
    n: number,
    password: unknown,
    salt: Uint8Array,
    opsLimit: number,
    memLimit: number,
    bounds?: unknown,
  ): Promise<Uint8Array<ArrayBuffer>> => {
    const report = (p: Omit<KdfProgress, 'type' | 'attempt' | 'opsLimit' | 'memLimit'>) =>
      options.onProgress?.({ type: 'kdf', attempt: n, opsLimit, memLimit, ...p });
    report({ phase: 'before' });
    const t0 = performance.now();
    try {
      const key = (await call('deriveKey', [
        password,
        salt,
        opsLimit,
        memLimit,
        ...(bounds === undefined ? [] : [bounds]),
      ])) as Uint8Array<ArrayBuffer>;
      report({ phase: 'after', ok: true, seconds: (performance.now() - t0) / 1000 });
      return key;
    } catch (e) {
      if (options.signal?.aborted) throw e; // killed, not finished: no "after"
      report({
        phase: 'after',
        ok: false,
        error: e instanceof CoreError ? e.code : undefined,
        seconds: (performance.now() - t0) / 1000,
      });
      throw e;
    }
  };

  const deriveKey = (
    options: CallOptions,
    password: unknown,
    salt: Uint8Array,
    opsLimit: number,
    memLimit: number,
    bounds?: unknown,
  ) => inThread(options.signal, (call) => attempt(call, options, 1, password, salt, opsLimit, memLimit, bounds));

  const deriveInteractiveKey = (options: CallOptions, password: unknown): Promise<DerivedKey> =>
    inThread(options.signal, async (call) => {
      const salt = (await call('randomBytes', [SALT_BYTES])) as Uint8Array<ArrayBuffer>;
      const { opsLimit, memLimit } = INTERACTIVE_LIMITS;
      const key = await attempt(call, options, 1, password, salt, opsLimit, memLimit);
      return { key, salt, opsLimit, memLimit };
    });

  // One throw-away thread per attempt, so each attempt reports its own progress.
  const deriveSensitiveKey = (options: CallOptions, password: unknown): Promise<DerivedKey> =>
    inThread(options.signal, async (call) => {
      const salt = (await call('randomBytes', [SALT_BYTES])) as Uint8Array<ArrayBuffer>;
      return withSensitiveLimitsAsync(async ({ opsLimit, memLimit }, n) => ({
        key: await attempt(call, options, n, password, salt, opsLimit, memLimit),
        salt,
        opsLimit,
        memLimit,
      }));
    });

  // One runner per 'kdf-thread' route: a new one does not compile until it has its runner here.
  const runners: Record<KdfPath, (options: CallOptions, args: unknown[]) => Promise<unknown>> = {
    deriveKey: (options, args) =>
      deriveKey(options, args[0], args[1] as Uint8Array, args[2] as number, args[3] as number, args[4]),
    deriveInteractiveKey: (options, args) => deriveInteractiveKey(options, args[0]),
    deriveSensitiveKey: (options, args) => deriveSensitiveKey(options, args[0]),
  };

  return {
    threads,
    /** Key-derivation threads alive now (starting, deriving or being terminated). */
    live: () => live,
    run: (path: KdfPath, options: CallOptions, args: unknown[]): Promise<unknown> => runners[path](options, args),
  };
}

/**
 * What a pool runs: a worker entry and the builds it can serve. The crypto API and the full API
 * each pass their own (crypto-pool.ts, core-pool.ts), so a bundle holds only its worker.
 */
export interface PoolKind {
  worker: WorkerEntry;
  build(flavor: CoreFlavor): CoreBuild;
  defaultFlavor: CoreFlavor;
}

/** `n` worker threads sharing one compiled module, serving the async core API. */
export async function startPool(kind: PoolKind, n: number, options: WorkerOptions = {}): Promise<CoreWorker<CryptoCore>> {
  if (!Number.isSafeInteger(n) || n < 1) throw new CoreError('BAD_INPUT', 'a pool needs at least one worker');
  const flavor = options.flavor ?? kind.defaultFlavor;
  const core: ThreadCore = { wasmModule: await compileBuild(options, kind.build(flavor)), flavor }; // compiled once, instantiated by every thread
  const spawnOptions: SpawnOptions = { workerUrl: options.workerUrl };
  const spawn = () => spawnWorker(kind.worker, spawnOptions);
  const started = await Promise.allSettled(Array.from({ length: n }, () => startThread(spawn, core)));
  const failure = started.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
  const ok = started
    .filter((s) => s.status === 'fulfilled')
    .map((s) => (s as PromiseFulfilledResult<{ thread: WorkerThread; shape: ApiShape }>).value);
  if (failure) {
    await Promise.all(ok.map((s) => s.thread.terminate()));
    throw failure.reason;
  }
  const threads = ok.map((s) => s.thread); // the live threads: the scheduler retires and adds in place
  const shape = ok[0].shape;
  const scheduler = new Scheduler(threads);
  const kdf = kdfRunner(spawn, core, () => scheduler.closed);

  // A thread that dies (crash, out of memory, killed) fails only its own jobs and streams; a
  // new thread takes its place, so the pool keeps serving and a retry works.
  const replaceOnDeath = (dead: WorkerThread) =>
    dead.onDeath(() => {
      if (scheduler.closed) return;
      scheduler.retire(dead);
      dead.terminate().catch(() => {}); // a browser Worker that reported an error may still run
      startThread(spawn, core).then(
        ({ thread }) => {
          if (scheduler.closed) return thread.terminate();
          replaceOnDeath(thread);
          scheduler.add(thread);
        },
        (e) => scheduler.fail(e),
      );
    });
  threads.forEach(replaceOnDeath);

  // async: a bad argument (e.g. bytes already transferred) rejects like every other failure.
  const invoke = async (path: string, args: unknown[], options: CallOptions) => {
    const route = routeOf(CORE_ROUTES, path);
    if (route === 'kdf-thread') return kdf.run(path as KdfPath, options, args);
    const wire = wireArgs(route, args);
    return scheduler.run((t) => t.remote.call(path, wire) as Promise<unknown>, options.signal);
  };

  /** An object-mirror of a session on one pinned thread. */
  const sessionObject = async (kind: 'encrypt' | 'decrypt', key: Uint8Array, header?: Uint8Array) => {
    const { thread, unpin } = await scheduler.pin();
    const s = await openSession(thread, unpin, kind, key, header);
    const lease: Lease = { session: s, ended: false }; // dropped unfinished: freed when collected
    let open = true;
    const end = () => {
      if (open) {
        endLease(lease);
        s.release();
      }
      open = false;
    };
    const guard = async <T>(fn: () => Promise<T>, last = false): Promise<T> => {
      if (!open) throw closedError(`the ${kind === 'encrypt' ? 'encryptor' : 'decryptor'}`);
      try {
        return await thread.guard(fn());
      } catch (e) {
        end(); // the worker dropped the session
        throw e;
      } finally {
        if (last) end();
      }
    };
    return leaseFor(
      {
        ...(s.header ? { header: s.header } : {}),
        update: (bytes: Uint8Array) =>
          guard(() => {
            requireBytes('bytes', bytes);
            if (!transfers(bytes)) return thread.remote.update(s.id, bytes); // copied: stays the caller's
            const owned = ownedBytes(bytes);
            return thread.remote.update(s.id, Comlink.transfer(owned, [owned.buffer as ArrayBuffer]));
          }),
        final: () => guard(() => thread.remote.final(s.id), true),
        // Idempotent: after the end there is nothing to free.
        dispose: async () => {
          if (open) await guard(() => thread.remote.close(s.id), true);
        },
      },
      lease,
    );
  };

  // One opener per 'session' route: a new one does not compile until it has its opener here.
  const sessionOpeners: Record<SessionPath, (...args: Uint8Array[]) => unknown> = {
    'stream.createEncryptor': (key, header) => sessionObject('encrypt', key, header),
    'stream.createDecryptor': (header, key) => sessionObject('decrypt', key, header),
  };

  const mirror = (callOptions: CallOptions): AsyncCore<CryptoCore> => {
    const root: Record<string, unknown> = {};
    const place = (path: string, value: unknown) => {
      const parts = path.split('.');
      let obj = root;
      for (const p of parts.slice(0, -1)) obj = (obj[p] ??= {}) as Record<string, unknown>;
      obj[parts[parts.length - 1]] = value;
    };
    for (const [path, value] of Object.entries(shape.values)) place(path, value);
    for (const path of shape.functions) place(path, (...args: unknown[]) => invoke(path, args, callOptions));
    for (const [path, open] of Object.entries(sessionOpeners)) place(path, open);
    return root as unknown as AsyncCore<CryptoCore>;
  };

  const pinnedSession = async (kind: 'encrypt' | 'decrypt', key: Uint8Array, header?: Uint8Array) => {
    const { thread, unpin } = await scheduler.pin();
    return openSession(thread, unpin, kind, key, header);
  };

  let ending: Promise<void> | undefined;
  const worker: CoreWorker<CryptoCore> = {
    ...mirror({}),
    size: threads.length,
    with: (callOptions) => mirror(callOptions),

    decryptStream(source, header, key, streamOptions = {}) {
      // Opened on the first read (not at all if its signal is already aborted by then).
      return lazyStream(() => sessionStream(source, () => pinnedSession('decrypt', key, header), streamOptions));
    },

    async encryptStream(source, key, streamOptions = {}) {
      const session = await pinnedSession('encrypt', key);
      return { header: session.header!, stream: sessionStream(source, Promise.resolve(session), streamOptions) };
    },

    stats: () => ({ completed: threads.map((t) => scheduler.completed.get(t)!), kdfWorkers: kdf.live() }),

    async openSessions() {
      const counts = await Promise.all(threads.map((t) => t.guard(t.remote.sessionCount() as Promise<number>)));
      return counts.reduce((a, b) => a + b, 0);
    },

    threadStats: () =>
      Promise.all(
        threads.map(async (t) => {
          const ask = (p: unknown) => t.guard(p as Promise<number>);
          const [heapSize, heapInUse, sessions] = await Promise.all([
            ask(t.remote.call('memory.heapSize', [])),
            ask(t.remote.call('memory.heapInUse', [])),
            ask(t.remote.sessionCount()),
          ]);
          return { heapSize, heapInUse, sessions };
        }),
      ),

    // Idempotent; every call after it rejects with CoreError CLOSED.
    terminate() {
      ending ??= (async () => {
        scheduler.close();
        await Promise.all([...threads, ...kdf.threads].map((t) => t.terminate()));
      })();
      return ending;
    },
  };
  return worker;
}
