// Request bodies are built with bytes; on the wire every byte value is standard base64 (as Ente).
import { toB64 } from './b64.js';

export type WireForm<T> = T extends Uint8Array
  ? string
  : T extends readonly (infer U)[]
    ? WireForm<U>[]
    : T extends object
      ? { [K in keyof T]: WireForm<T[K]> }
      : T;

/** `value` with every Uint8Array in it as base64 text. */
export function toWire<T>(value: T): WireForm<T> {
  if (value instanceof Uint8Array) return toB64(value) as WireForm<T>;
  if (Array.isArray(value)) return value.map(toWire) as WireForm<T>;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)])) as WireForm<T>;
  }
  return value as WireForm<T>;
}
