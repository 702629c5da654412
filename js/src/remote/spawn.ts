// Starts one worker thread running a worker entry (worker/*.ts): a module Worker in browsers, a
// worker_threads Worker in Node; waits until it listens and hands back a comlink proxy.
import * as Comlink from 'comlink';
import { type READY, installErrorHandler, type HostApi } from './protocol.js';
import { importNode, isNode } from '../runtime/env.js';
import { closedError } from '../runtime/errors.js';

export interface WorkerThread<H = HostApi> {
  readonly remote: Comlink.Remote<H>;
  /**
   * `call`, rejected if the thread dies first (crash, exit, terminate). Not Promise.race with a
   * never-settling promise: every race would stay subscribed to it and keep its result alive.
   * While a call is pending the thread keeps a Node process alive (an idle pool never does).
   */
  guard<T>(call: Promise<T>): Promise<T>;
  /** Calls `fn` once when the thread dies (crash, exit, terminate), with the cause. */
  onDeath(fn: (cause: unknown) => void): void;
  terminate(): Promise<void>;
}

export interface SpawnOptions {
  /** Where the worker entry is, for bundlers that do not emit it themselves (e.g. esbuild). */
  workerUrl?: string | URL;
}

/**
 * A worker entry of the package. Each is declared in its own module with a literal
 * `new Worker(new URL('…', import.meta.url), { type: 'module' })`: the pattern bundlers (Vite,
 * webpack) recognise to emit the worker, and only the entries an app imports are emitted.
 */
export interface WorkerEntry<H = HostApi> {
  /** The entry's URL (Node's worker_threads). */
  url(): URL;
  /** Starts it as a browser module Worker. */
  start(): Worker;
  /** The methods of the host it serves (looked up once on the proxy: see `methods`). */
  methods: readonly (keyof H & string)[];
}

/** The methods of the core host (worker/core-worker.ts, worker/crypto-worker.ts). */
export const CORE_HOST_METHODS: readonly (keyof HostApi)[] = [
  'init',
  'call',
  'open',
  'step',
  'update',
  'final',
  'close',
  'sessionCount',
];

/** Who waits on a thread, so they can be failed when it dies. */
function deathWatch(hold: () => void, release: () => void) {
  let cause: unknown;
  let dead = false;
  const waiting = new Set<(e: unknown) => void>();
  const mourners: Array<(e: unknown) => void> = [];
  return {
    fail(e: unknown) {
      if (dead) return;
      dead = true;
      cause = e;
      for (const reject of waiting) reject(e);
      waiting.clear();
      for (const fn of mourners.splice(0)) fn(e);
    },
    onDeath(fn: (e: unknown) => void) {
      if (dead) queueMicrotask(() => fn(cause));
      else mourners.push(fn);
    },
    guard<T>(call: Promise<T>): Promise<T> {
      if (dead) return Promise.reject(cause);
      hold();
      return new Promise<T>((resolve, reject) => {
        waiting.add(reject);
        call.then(resolve, reject).finally(() => {
          waiting.delete(reject);
          release();
        });
      });
    },
  };
}

/**
 * The host's methods, looked up once: every property read on a comlink proxy builds a new
 * proxy (and registers it for finalization), which costs more than a small job itself.
 */
function methods<H>(remote: Comlink.Remote<H>, names: readonly (keyof H & string)[]): Comlink.Remote<H> {
  return Object.fromEntries(names.map((n) => [n, remote[n as keyof Comlink.Remote<H>]])) as unknown as Comlink.Remote<H>;
}

const isReady = (data: unknown) => !!data && (data as typeof READY).cipherlensWorkerReady === true;

interface NodeWorker {
  on(event: string, fn: (arg: unknown) => void): void;
  off(event: string, fn: (arg: unknown) => void): void;
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

async function spawnNode<H>(url: URL, names: readonly (keyof H & string)[]): Promise<WorkerThread<H>> {
  const { Worker } = await importNode('node:worker_threads');
  const { default: nodeEndpoint } = await importNode('comlink/dist/esm/node-adapter.mjs');
  const worker: NodeWorker = new Worker(url);
  let holds = 0;
  const watch = deathWatch(
    () => {
      if (holds++ === 0) worker.ref();
    },
    () => {
      if (--holds === 0) worker.unref();
    },
  );
  let closing = false;
  worker.on('error', (e) => watch.fail(e));
  worker.on('exit', (code) =>
    watch.fail(closing ? closedError('the worker') : new Error(`cipherlens: worker exited (code ${code})`)),
  );
  await watch.guard(
    new Promise<void>((resolve) => {
      const onMessage = (data: unknown) => {
        if (!isReady(data)) return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
    }),
  );
  return {
    remote: methods(Comlink.wrap<H>(nodeEndpoint(worker)), names),
    guard: watch.guard,
    onDeath: watch.onDeath,
    terminate: async () => {
      closing = true;
      // A terminating worker's handle does not keep Node's event loop alive (ref() or not), so a
      // process with nothing else to do could end before terminate() resolves: exit code 13 at
      // a top-level await, or a test cut short. A timer holds the loop until the exit comes.
      const hold = setInterval(() => {}, 1 << 30);
      try {
        await worker.terminate();
      } finally {
        clearInterval(hold);
      }
    },
  };
}

async function spawnBrowser<H>(entry: WorkerEntry<H>, url?: URL): Promise<WorkerThread<H>> {
  const worker = url ? new Worker(url, { type: 'module', name: 'cipherlens' }) : entry.start();
  const watch = deathWatch(
    () => {},
    () => {},
  );
  worker.addEventListener('error', (e) =>
    watch.fail(new Error(`cipherlens: worker failed: ${(e as ErrorEvent).message ?? 'load error'}`)),
  );
  await watch.guard(
    new Promise<void>((resolve) => {
      const onMessage = (e: MessageEvent) => {
        if (!isReady(e.data)) return;
        worker.removeEventListener('message', onMessage);
        resolve();
      };
      worker.addEventListener('message', onMessage);
    }),
  );
  return {
    remote: methods(Comlink.wrap<H>(worker), entry.methods),
    guard: watch.guard,
    onDeath: watch.onDeath,
    terminate: async () => {
      worker.terminate();
      watch.fail(closedError('the worker'));
    },
  };
}

// Through a variable: bundlers treat `new URL(x, import.meta.url)` as a file to emit.
const here = import.meta.url;

export function spawnWorker<H>(entry: WorkerEntry<H>, options: SpawnOptions = {}): Promise<WorkerThread<H>> {
  installErrorHandler();
  const url = options.workerUrl ? new URL(options.workerUrl, here) : undefined;
  return isNode ? spawnNode(url ?? entry.url(), entry.methods) : spawnBrowser(entry, url);
}
