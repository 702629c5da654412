// The object a worker serves: the whole synchronous core behind one generic `call`, plus stream
// sessions that hand back at most one finished 4 MiB chunk per step (bounded memory, and the
// caller's pull decides when the next chunk is worked on).
import type { CryptoCore } from '../crypto/core.js';
import type { CoreFlavor, LoadOptions } from '../runtime/loader.js';
import { CoreError, badInput, requireBytes } from '../runtime/errors.js';
import type { StreamDecryptor, StreamEncryptor } from '../crypto/stream.js';
import { CHUNK_BYTES, CIPHER_CHUNK_BYTES } from '../crypto/sizes.js';
import { MAX_SESSIONS_PER_WORKER, withTransfer, zeroBytes, type HostApi, type SessionKind, type StepResult } from './protocol.js';
import { CORE_ROUTES, describe, functionAt, routeOf } from './routes.js';

interface Session {
  kind: SessionKind;
  state: StreamEncryptor | StreamDecryptor;
  /** Input bytes per chunk: chunk boundaries never fall inside one update, so each yields <= 1 chunk. */
  unit: number;
  consumed: number;
  pending: Uint8Array | null;
  at: number;
}

/** Lets go of used-up input; plaintext (encrypt input) is zeroed first. */
function release(s: Session) {
  if (s.pending && s.kind === 'encrypt') s.pending.fill(0);
  s.pending = null;
}

/** Loads the core a worker serves: its entry decides which builds it can load. */
export type LoadFlavor = (flavor: CoreFlavor | undefined, options: LoadOptions) => Promise<CryptoCore>;

export function createHost(load: LoadFlavor): HostApi {
  let core: CryptoCore | undefined; // or the full Core: sessions and calls need only this much
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  const sessions = new Map<number, Session>();
  let nextId = 1;

  const live = (): CryptoCore => {
    if (!core) throw badInput('the worker was not initialised');
    return core;
  };

  const session = (id: number): Session => {
    const s = sessions.get(id);
    if (!s) throw badInput(`no open stream session ${id} (finished, failed or cancelled)`);
    return s;
  };

  /** Frees a session's wasm state (the destructor zeroes it) and any plaintext it still holds. */
  const drop = (id: number) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    s.state.dispose();
    release(s);
  };

  /** Runs fn on session `id`; any error ends the session so nothing more comes out of it. */
  const guarded = <T>(id: number, fn: (s: Session) => T): T => {
    const s = session(id);
    try {
      return fn(s);
    } catch (e) {
      drop(id);
      throw e;
    }
  };

  return {
    async init(options) {
      if (!core) {
        const { flavor, ...rest } = options;
        core = await load(flavor, rest);
        for (const path of describe(core, CORE_ROUTES).functions) functions.set(path, functionAt(core, path));
      }
      return describe(core, CORE_ROUTES);
    },

    async call(path, args) {
      live();
      const fn = functions.get(path);
      // Sessions are opened through open(); not-served functions are not in `functions`.
      if (!fn || routeOf(CORE_ROUTES, path) === 'session') throw badInput(`no core function named ${path}`);
      try {
        // Awaited before the finally: async core functions (mlData) still use their arguments.
        return withTransfer(await fn(...args));
      } finally {
        zeroBytes(args); // this thread's copies of keys and messages
      }
    },

    open(kind, key, header) {
      const c = live();
      try {
        if (sessions.size >= MAX_SESSIONS_PER_WORKER) {
          throw new CoreError('OUT_OF_MEMORY', `a worker holds at most ${MAX_SESSIONS_PER_WORKER} open streams`);
        }
        const state =
          kind === 'encrypt' ? c.stream.createEncryptor(key, header) : c.stream.createDecryptor(header as Uint8Array, key);
        const id = nextId++;
        const unit = kind === 'encrypt' ? CHUNK_BYTES : CIPHER_CHUNK_BYTES;
        sessions.set(id, { kind, state, unit, consumed: 0, pending: null, at: 0 });
        return kind === 'encrypt' ? { id, header: (state as StreamEncryptor).header.slice() } : { id };
      } finally {
        zeroBytes(key);
      }
    },

    step(id, input, end): StepResult {
      return guarded(id, (s) => {
        if (input) {
          requireBytes('stream input', input);
          if (s.pending) throw badInput('stream input sent before the previous input was used up');
          s.pending = input;
          s.at = 0;
        }
        while (s.pending && s.at < s.pending.length) {
          const n = Math.min(s.unit - (s.consumed % s.unit), s.pending.length - s.at);
          const output = s.state.update(s.pending.subarray(s.at, s.at + n));
          s.at += n;
          s.consumed += n;
          if (output.length) {
            const needInput = s.at >= s.pending.length;
            if (needInput) release(s);
            return withTransfer({ output, needInput, done: false });
          }
        }
        release(s);
        if (!end) return { needInput: true, done: false };
        const output = s.state.final(); // frees the state; TRUNCATED if the FINAL chunk never came
        sessions.delete(id);
        return withTransfer({ output, needInput: false, done: true });
      });
    },

    update(id, bytes) {
      return guarded(id, (s) => {
        try {
          return withTransfer(s.state.update(bytes));
        } finally {
          if (s.kind === 'encrypt') zeroBytes(bytes);
        }
      });
    },

    final(id) {
      return guarded(id, (s) => {
        const output = s.state.final();
        sessions.delete(id);
        return withTransfer(output);
      });
    },

    close(id) {
      drop(id);
    },

    sessionCount: () => sessions.size,
  };
}
