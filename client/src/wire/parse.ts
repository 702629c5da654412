// Parsers for the server's answers: every value the server sends is checked for its shape here,
// at the edge, before any other code sees it. Base64 fields come out as bytes of the expected
// length. A mismatch is an ApiError 'bad_response' naming the field (the server is untrusted).
import { fromB64 } from './b64.js';
import { ApiError } from './errors.js';

export type Parser<T> = (value: unknown, at: string) => T;
export type Parsed<P> = P extends Parser<infer T> ? T : never;

export const malformed = (at: string, what: string) =>
  new ApiError(0, 'bad_response', `the server sent a malformed answer: ${at} ${what}`);

/** Base64 bytes: exactly `length` bytes, or between `min` and `max`. */
export const bytes =
  (length?: number, { min = 0, max = Number.POSITIVE_INFINITY } = {}): Parser<Uint8Array<ArrayBuffer>> =>
  (value, at) => {
    const b = fromB64(value, at);
    if (length !== undefined ? b.length !== length : b.length < min || b.length > max)
      throw malformed(at, length !== undefined ? `is not ${length} bytes` : `is not ${min}-${max} bytes`);
    return b;
  };

/** A safe integer in [min, max]. */
export const int =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (value, at) => {
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
      throw malformed(at, `is not an integer in [${min}, ${max}]`);
    return value as number;
  };

/** A positive integer id. */
export const id: Parser<number> = int(1);

export const string =
  (max = 1024): Parser<string> =>
  (value, at) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > max) throw malformed(at, 'is not a string');
    return value;
  };

/** A field that may be absent (undefined). */
export const optional =
  <T>(p: Parser<T>): Parser<T | undefined> =>
  (value, at) =>
    value === undefined ? undefined : p(value, at);

export const boolean: Parser<boolean> = (value, at) => {
  if (typeof value !== 'boolean') throw malformed(at, 'is not true or false');
  return value;
};

/** One of the strings `values`. */
export const oneOf =
  <V extends string>(...values: V[]): Parser<V> =>
  (value, at) => {
    if (!values.includes(value as V)) throw malformed(at, `is not one of ${values.join(', ')}`);
    return value as V;
  };

export const nullable =
  <T>(p: Parser<T>): Parser<T | null> =>
  (value, at) =>
    value === null ? null : p(value, at);

export const array =
  <T>(p: Parser<T>, max = Number.POSITIVE_INFINITY): Parser<T[]> =>
  (value, at) => {
    if (!Array.isArray(value) || value.length > max) throw malformed(at, 'is not a list');
    return value.map((v, i) => p(v, `${at}[${i}]`));
  };

/**
 * A list whose items are parsed one by one: those that do not parse are left out and counted
 * (one damaged record does not hide the others).
 */
export const eachOf =
  <T>(p: Parser<T>, max = Number.POSITIVE_INFINITY): Parser<{ items: T[]; rejected: number }> =>
  (value, at) => {
    if (!Array.isArray(value) || value.length > max) throw malformed(at, 'is not a list');
    const items: T[] = [];
    let rejected = 0;
    value.forEach((v, i) => {
      try {
        items.push(p(v, `${at}[${i}]`));
      } catch {
        rejected++;
      }
    });
    return { items, rejected };
  };

/** An object with these fields (others are ignored and not copied). */
export const object =
  <S extends Record<string, Parser<unknown>>>(shape: S): Parser<{ [K in keyof S]: Parsed<S[K]> }> =>
  (value, at) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(at, 'is not an object');
    const out: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(shape)) out[name] = p((value as Record<string, unknown>)[name], `${at}.${name}`);
    return out as { [K in keyof S]: Parsed<S[K]> };
  };

/** Parses the answer `value` of `what` with `p`. */
export const parse = <T>(p: Parser<T>, value: unknown, what: string): T => p(value, what);
