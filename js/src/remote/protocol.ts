// What the main thread and the worker agree on: the host's RPC surface, how errors cross
// (as CoreError with code and chunkIndex), and how byte buffers cross (transferred, not copied).
import * as Comlink from 'comlink';
import { CoreError, isDetached, transferredError } from '../runtime/errors.js';
import type { CoreFlavor } from '../runtime/loader.js';

/** Posted by the worker once it listens, so no call can be sent before it is heard. */
export const READY = { cipherlensWorkerReady: true } as const;

/** The core's shape: dotted paths of its functions and its plain values. */
export interface ApiShape {
  functions: string[];
  values: Record<string, unknown>;
}

/** One step of a stream session: at most one finished chunk per step keeps memory bounded. */
export interface StepResult {
  output?: Uint8Array<ArrayBuffer>;
  /** The input handed over so far is used up; send more (or end). */
  needInput: boolean;
  /** The session is finished and freed. */
  done: boolean;
}

export type SessionKind = 'encrypt' | 'decrypt';

/**
 * Open stream sessions one worker holds at most: each takes 8 MiB of its wasm memory, so 64 is
 * 512 MiB, far from the 4 GiB where allocation would fail. One more: OUT_OF_MEMORY.
 */
export const MAX_SESSIONS_PER_WORKER = 64;

/** What the worker exposes through comlink. */
export interface HostApi {
  /** Loads the core; `flavor` says which build wasmModule/wasmUrl/wasmBinary is (default 'full'). */
  init(options: {
    wasmModule?: WebAssembly.Module;
    wasmUrl?: string;
    wasmBinary?: Uint8Array;
    flavor?: CoreFlavor;
  }): Promise<ApiShape>;
  call(path: string, args: unknown[]): unknown;
  open(kind: SessionKind, key: Uint8Array, header?: Uint8Array): { id: number; header?: Uint8Array<ArrayBuffer> };
  step(id: number, input: Uint8Array | null, end: boolean): StepResult;
  update(id: number, bytes: Uint8Array): Uint8Array<ArrayBuffer>;
  final(id: number): Uint8Array<ArrayBuffer>;
  close(id: number): void;
  sessionCount(): number;
}

interface WireError {
  isError: boolean;
  value: unknown;
}

/** An error as it crosses: its class's name, message, stack, its own fields and its cause. */
interface ErrorFields {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  cause?: ErrorFields | { value: unknown };
}

/** Error classes rebuilt on arrival by name (the class of `name`'s instances), beside the built-ins. */
const errorClasses = new Map<string, abstract new (...args: never[]) => Error>([['CoreError', CoreError]]);

/**
 * Makes errors named `name` arrive as instances of `errorClass` with every field they had. The
 * search side registers ModelError (search-client.ts, search-host.ts): the crypto entry's
 * bundles keep nothing of search.
 */
export function registerErrorClass(name: string, errorClass: abstract new (...args: never[]) => Error): void {
  errorClasses.set(name, errorClass);
}

const BUILT_IN_ERRORS: Record<string, ErrorConstructor> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};
const isPlainValue = (v: unknown) => v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v);

function errorToWire(e: Error, depth = 0): ErrorFields {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (k !== 'cause' && isPlainValue(v)) fields[k] = v;
  const cause = (e as { cause?: unknown }).cause;
  const wire: ErrorFields = { name: e.name, message: e.message, stack: e.stack, fields };
  if (cause instanceof Error && depth < 3) wire.cause = errorToWire(cause, depth + 1);
  else if (cause !== undefined && isPlainValue(cause)) wire.cause = { value: cause };
  return wire;
}

function errorFromWire(w: ErrorFields): Error {
  const cause = w.cause && ('name' in w.cause ? errorFromWire(w.cause) : w.cause.value);
  const options = w.cause ? { cause } : undefined;
  let e: Error;
  const registered = errorClasses.get(w.name);
  if (registered) {
    // An instance of the class without running its constructor (which may reword the message).
    e = Reflect.construct(Error, [w.message, options], registered) as Error;
  } else if (typeof DOMException === 'function' && w.name === 'AbortError') {
    e = new DOMException(w.message, w.name);
  } else {
    e = new (BUILT_IN_ERRORS[w.name] ?? Error)(w.message, options);
  }
  Object.assign(e, w.fields);
  if (e.name !== w.name) Object.defineProperty(e, 'name', { value: w.name, configurable: true, writable: true });
  if (w.stack !== undefined) Object.defineProperty(e, 'stack', { value: w.stack, configurable: true, writable: true });
  return e;
}

/**
 * Replaces comlink's "throw" handler (which keeps only message, name and stack) with one that
 * carries every field of an error (a CoreError's code and chunkIndex, a ModelError's code and
 * model, a cause) and rebuilds it as its own class on arrival (registerErrorClass).
 * Both threads install it (idempotent).
 */
export function installErrorHandler(): void {
  const original = Comlink.transferHandlers.get('throw');
  if (!original || (original as { cipherlens?: boolean }).cipherlens) return;
  const handler = {
    cipherlens: true,
    canHandle: original.canHandle,
    serialize(thrown: unknown): [WireError, Transferable[]] {
      const { value } = thrown as { value: unknown };
      if (value instanceof Error) return [{ isError: true, value: errorToWire(value) }, []];
      return [{ isError: false, value }, []];
    },
    deserialize(wire: WireError): never {
      if (!wire.isError) throw wire.value;
      throw errorFromWire(wire.value as ErrorFields);
    },
  };
  Comlink.transferHandlers.set('throw', handler as unknown as Comlink.TransferHandler<unknown, unknown>);
}

/** True when `bytes` is the whole of a transferable (non-shared) ArrayBuffer. */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

/**
 * `bytes` itself when its buffer can be transferred without taking anything else along,
 * otherwise a copy of just its bytes (a view into a larger or shared buffer, a pooled Buffer).
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return ownsBuffer(bytes) ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** The ArrayBuffers of the Uint8Arrays in `value` (itself, an array or an object's fields). */
export function buffersOf(value: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): Set<ArrayBuffer> {
  if (value instanceof Uint8Array) {
    if (ownsBuffer(value)) out.add(value.buffer as ArrayBuffer);
  } else if (value && typeof value === 'object' && depth < 2) {
    for (const v of Object.values(value)) buffersOf(v, out, depth + 1);
  }
  return out;
}

/** Marks `value`'s byte buffers for transfer when it is posted by comlink. */
export function withTransfer<T>(value: T): T {
  if (!value || typeof value !== 'object') return value; // comlink keys transfers by object
  if (value instanceof Uint8Array && isDetached(value)) throw transferredError('the bytes');
  return Comlink.transfer(value, [...buffersOf(value)]);
}

/** Zeroes every Uint8Array in `value` (plaintext or keys nobody will read any more). */
export function zeroBytes(value: unknown, depth = 0): void {
  if (value instanceof Uint8Array) {
    if (value.byteLength) value.fill(0);
  } else if (value && typeof value === 'object' && depth < 2) {
    for (const v of Object.values(value)) zeroBytes(v, depth + 1);
  }
}
