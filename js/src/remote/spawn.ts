// Starts one worker thread running worker/core-worker.ts: a module Worker in browsers, a
// worker_threads Worker in Node; waits until it listens and hands back a comlink proxy.
import * as Comlink from 'comlink';
import { READY, installErrorHandler, type HostApi } from './protocol.js';

export interface WorkerThread {
  readonly remote: Comlink.Remote<HostApi>;
  /** Rejects when the thread dies (crash, exit, terminate): pending calls race against it. */
  readonly dead: Promise<never>;
  /** Keeps a Node process alive while work is pending (an idle pool never does). */
  hold(): void;
  release(): void;
  terminate(): Promise<void>;
}

export interface SpawnOptions {
  /** Where the worker entry is, for bundlers that move it (default: dist/worker/core-worker.js). */
  workerUrl?: string | URL;
}

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const isReady = (data: unknown) => !!data && (data as typeof READY).cipherlensWorkerReady === true;

interface NodeWorker {
  on(event: string, fn: (arg: unknown) => void): void;
  off(event: string, fn: (arg: unknown) => void): void;
  postMessage(message: unknown, transfer?: unknown[]): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

async function spawnNode(url: URL): Promise<WorkerThread> {
  const { Worker } = await import(/* webpackIgnore: true */ 'node:worker_threads' as string);
  const { default: nodeEndpoint } = await import(/* webpackIgnore: true */ 'comlink/dist/esm/node-adapter.mjs' as string);
  const worker: NodeWorker = new Worker(url);
  let failed: (e: unknown) => void = () => {};
  const dead = new Promise<never>((_, reject) => (failed = reject));
  dead.catch(() => {});
  worker.on('error', (e) => failed(e));
  worker.on('exit', (code) => failed(new Error(`cipherlens: worker exited (code ${code})`)));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (data: unknown) => {
      if (!isReady(data)) return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    dead.catch(reject);
  });
  let holds = 0;
  worker.unref();
  return {
    remote: Comlink.wrap<HostApi>(nodeEndpoint(worker)),
    dead,
    hold: () => {
      if (holds++ === 0) worker.ref();
    },
    release: () => {
      if (--holds === 0) worker.unref();
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

async function spawnBrowser(url?: URL): Promise<WorkerThread> {
  // The literal `new URL(..., import.meta.url)` inside `new Worker` is what bundlers look for.
  const worker = url ? new Worker(url, { type: 'module', name: 'cipherlens' })
    : new Worker(new URL('../worker/core-worker.js', import.meta.url), { type: 'module', name: 'cipherlens' });
  let failed: (e: unknown) => void = () => {};
  const dead = new Promise<never>((_, reject) => (failed = reject));
  dead.catch(() => {});
  worker.addEventListener('error', (e) => failed(new Error(`cipherlens: worker failed: ${(e as ErrorEvent).message ?? 'load error'}`)));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      if (!isReady(e.data)) return;
      worker.removeEventListener('message', onMessage);
      resolve();
    };
    worker.addEventListener('message', onMessage);
    dead.catch(reject);
  });
  return {
    remote: Comlink.wrap<HostApi>(worker),
    dead,
    hold: () => {},
    release: () => {},
    terminate: async () => {
      worker.terminate();
      failed(new Error('cipherlens: worker terminated'));
    },
  };
}

export function spawnWorker(options: SpawnOptions = {}): Promise<WorkerThread> {
  installErrorHandler();
  const url = options.workerUrl ? new URL(options.workerUrl, import.meta.url) : undefined;
  return isNode ? spawnNode(url ?? new URL('../worker/core-worker.js', import.meta.url)) : spawnBrowser(url);
}
