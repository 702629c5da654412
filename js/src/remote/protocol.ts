// What the main thread and the worker agree on: the host's RPC surface, how errors cross
// (as CoreError with code and chunkIndex), and how byte buffers cross (transferred, not copied).
import * as Comlink from 'comlink';
import { CoreError, isCoreErrorCode, isDetached, transferredError, type CoreErrorCode } from '../runtime/errors.js';
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

/**
 * Replaces comlink's "throw" handler (which keeps only message, name and stack) with one that
 * also carries a CoreError's code and chunkIndex and rebuilds a real CoreError on arrival.
 * Other errors cross as comlink sends them. Both threads install it (idempotent).
 */
export function installErrorHandler(): void {
  const original = Comlink.transferHandlers.get('throw');
  if (!original || (original as { cipherlens?: boolean }).cipherlens) return;
  const handler = {
    cipherlens: true,
    canHandle: original.canHandle,
    serialize(thrown: unknown): [WireError, Transferable[]] {
      const { value } = thrown as { value: unknown };
      if (value instanceof Error) {
        const e = value as Error & { code?: unknown; chunkIndex?: unknown };
        return [
          { isError: true, value: { message: e.message, name: e.name, stack: e.stack, code: e.code, chunkIndex: e.chunkIndex } },
          [],
        ];
      }
      return [{ isError: false, value }, []];
    },
    deserialize(wire: WireError): never {
      if (!wire.isError) throw wire.value;
      const v = wire.value as { message: string; name: string; stack?: string; code?: CoreErrorCode; chunkIndex?: number };
      if (v.name === 'CoreError' && isCoreErrorCode(v.code)) {
        throw new CoreError(v.code, v.message, typeof v.chunkIndex === 'number' ? v.chunkIndex : undefined);
      }
      throw Object.assign(new Error(v.message), v);
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
