// Spreads jobs over worker threads. Jobs wait here (not in a worker's message queue) until a
// thread has room, so an aborted job that has not started is simply dropped.
import type { WorkerThread } from './spawn.js';
import { zeroBytes } from './protocol.js';
import { closedError } from '../runtime/errors.js';

interface Job {
  task: (t: WorkerThread) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  settled: boolean;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function terminatedError(): Error {
  return closedError('the worker');
}

export class Scheduler {
  private queue: Job[] = [];
  private running = new Map<WorkerThread, number>();
  private streams = new Map<WorkerThread, number>();
  /** Jobs each thread has completed (diagnostics: shows the spread over a pool). */
  readonly completed = new Map<WorkerThread, number>();
  closed = false;

  /** `depth` jobs per thread in flight: one running, the next already waiting in the worker. */
  constructor(
    readonly threads: WorkerThread[],
    private depth = 2,
  ) {
    for (const t of threads) {
      this.running.set(t, 0);
      this.streams.set(t, 0);
      this.completed.set(t, 0);
    }
  }

  run<T>(task: (t: WorkerThread) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(terminatedError());
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { task, resolve: resolve as (v: unknown) => void, reject, signal, settled: false };
      if (signal) {
        job.onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          this.settle(job, () => reject(abortReason(signal)));
        };
        this.watch(signal, job);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Why no thread can be started any more (set when a dead thread's replacement failed to start). */
  private broken: unknown;
  /** Streams waiting for a thread while a dead one is being replaced. */
  private pinWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  /** Takes a dead thread out of service: nothing new goes to it (its own jobs have failed). */
  retire(thread: WorkerThread): void {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
  }

  /** Puts a thread in service (a dead one's replacement) and hands it waiting work. */
  add(thread: WorkerThread): void {
    this.running.set(thread, 0);
    this.streams.set(thread, 0);
    this.completed.set(thread, 0);
    this.threads.push(thread);
    for (const w of this.pinWaiters.splice(0)) w.resolve();
    this.pump();
  }

  /** A replacement could not start: with no thread left, waiting work fails instead of hanging. */
  fail(error: unknown): void {
    if (this.threads.length) return;
    this.broken = error;
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(error));
    for (const w of this.pinWaiters.splice(0)) w.reject(error);
  }

  /** The least busy thread, for a stream that stays on it until it ends. */
  async pin(): Promise<{ thread: WorkerThread; unpin: () => void }> {
    if (this.closed) throw terminatedError();
    if (this.broken !== undefined) throw this.broken;
    // While a dead thread is replaced there may be none for a moment.
    while (!this.threads.length) await new Promise<void>((resolve, reject) => this.pinWaiters.push({ resolve, reject }));
    const load = (t: WorkerThread) => this.running.get(t)! + this.streams.get(t)!;
    const thread = this.threads.reduce((a, b) => (load(b) < load(a) ? b : a));
    this.streams.set(thread, this.streams.get(thread)! + 1);
    let pinned = true;
    return {
      thread,
      unpin: () => {
        if (!pinned) return;
        pinned = false;
        this.streams.set(thread, this.streams.get(thread)! - 1);
      },
    };
  }

  /** Rejects every waiting job; the caller terminates the threads. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(terminatedError()));
    for (const w of this.pinWaiters.splice(0)) w.reject(terminatedError());
  }

  /** One listener per signal however many jobs share it (a page aborts 500 thumbnails at once). */
  private watched = new WeakMap<AbortSignal, { jobs: Set<Job>; listener: () => void }>();

  private watch(signal: AbortSignal, job: Job) {
    let entry = this.watched.get(signal);
    if (!entry) {
      const jobs = new Set<Job>();
      const listener = () => [...jobs].forEach((j) => j.onAbort!());
      entry = { jobs, listener };
      this.watched.set(signal, entry);
      signal.addEventListener('abort', listener, { once: true });
    }
    entry.jobs.add(job);
  }

  private settle(job: Job, fn: () => void) {
    if (job.settled) return;
    job.settled = true;
    const entry = job.signal && this.watched.get(job.signal);
    if (entry) {
      entry.jobs.delete(job);
      if (!entry.jobs.size) {
        job.signal!.removeEventListener('abort', entry.listener);
        this.watched.delete(job.signal!);
      }
    }
    fn();
  }

  private pump() {
    while (this.queue.length) {
      let best: WorkerThread | undefined;
      for (const t of this.threads) {
        const n = this.running.get(t)!;
        if (n < this.depth && (!best || n < this.running.get(best)!)) best = t;
      }
      if (!best) return;
      this.start(this.queue.shift()!, best);
    }
  }

  private start(job: Job, thread: WorkerThread) {
    this.running.set(thread, this.running.get(thread)! + 1);
    thread
      .guard(job.task(thread))
      .then(
        (value) => {
          if (job.settled) zeroBytes(value); // aborted meanwhile: nobody will read it
          this.settle(job, () => job.resolve(value));
        },
        (error) => this.settle(job, () => job.reject(error)),
      )
      .finally(() => {
        this.running.set(thread, this.running.get(thread)! - 1);
        this.completed.set(thread, this.completed.get(thread)! + 1);
        this.pump();
      });
  }
}
