import type { CryptoModule } from '../wasm/cipherlens.mjs';

/** The core's status codes (wasm/common/status.hpp) in order from 1: the one list of them. The
 *  module exports each as STATUS_<code>; checkStatusCodes compares them when a module loads. */
export const CORE_ERROR_CODES = ['AUTH_FAILED', 'TRUNCATED', 'BAD_INPUT', 'OUT_OF_MEMORY', 'CLOSED'] as const;

/**
 * What went wrong, as a stable code callers can switch on: AUTH_FAILED (wrong key or tampered
 * data), TRUNCATED (data ends before its last part), BAD_INPUT (wrong length, type, encoding...),
 * OUT_OF_MEMORY (an allocation failed, a limit was reached), CLOSED (used after terminate(),
 * dispose() or its end).
 */
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

export function isCoreErrorCode(value: unknown): value is CoreErrorCode {
  return CORE_ERROR_CODES.includes(value as CoreErrorCode);
}

/** Throws if the module numbers its statuses differently from this package (a mismatched build). */
export function checkStatusCodes(mod: CryptoModule): void {
  CORE_ERROR_CODES.forEach((code, i) => {
    const built = mod[`STATUS_${code}` as const];
    if (built !== i + 1)
      throw new Error(`cipherlens: the wasm module has STATUS_${code} = ${built}, this package expects ${i + 1}`);
  });
}

/** The one error type of cipherlens. `chunkIndex` names the failing chunk of a stream. */
export class CoreError extends Error {
  /** What went wrong: AUTH_FAILED, TRUNCATED, BAD_INPUT, OUT_OF_MEMORY or CLOSED. */
  readonly code: CoreErrorCode;
  /** For streams: the index (from 0) of the chunk that failed. */
  readonly chunkIndex?: number;

  constructor(code: CoreErrorCode, message: string, chunkIndex?: number) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    if (chunkIndex !== undefined && chunkIndex >= 0) this.chunkIndex = chunkIndex;
  }
}

export function codeOf(status: number): CoreErrorCode {
  return CORE_ERROR_CODES[status - 1] ?? 'BAD_INPUT';
}

export function badInput(message: string): CoreError {
  return new CoreError('BAD_INPUT', message);
}

/** The error for using something after it was closed: a worker after terminate(), a search or
 *  index after dispose(), a stream or hasher after it finished. `what` names it. */
export function closedError(what: string): CoreError {
  return new CoreError('CLOSED', `${what} was closed (terminated, disposed or finished) and cannot be used any more`);
}

/** Whether a view's buffer was transferred away (to a worker): it reads as empty from then on. */
export function isDetached(bytes: Uint8Array): boolean {
  if (bytes.byteLength !== 0) return false;
  const buffer = bytes.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {
    new Uint8Array(buffer); // Node 20 has no .detached; a view on a detached buffer cannot be made
    return false;
  } catch {
    return true;
  }
}

/** The error for bytes used again after they were transferred to a worker. */
export function transferredError(name: string): CoreError {
  return badInput(
    `${name} was transferred to a worker by an earlier call and is now empty (detached); ` +
      'pass a copy (bytes.slice()) to a worker call if you still need the bytes afterwards',
  );
}

/** Checks that `value` is a Uint8Array (of `length` bytes when given) that still holds its bytes. */
export function requireBytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw badInput(`${name} must be a Uint8Array`);
  if (isDetached(value)) throw transferredError(name);
  if (length !== undefined && value.length !== length) {
    throw badInput(`${name} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

/** Checks that `value` is a string. */
export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw badInput(`${name} must be a string`);
  return value;
}
