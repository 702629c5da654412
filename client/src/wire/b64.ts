// Base64 for JSON values on the wire (standard alphabet, padded, as Ente). Synchronous on
// purpose: the core's b64 would cost a worker round trip per value.
import { ApiError } from './errors.js';

export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard, padded base64; anything else is a malformed answer. */
export function fromB64(text: unknown, what = 'a value'): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) throw malformed(what);
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw malformed(what);
  }
  // A plain loop: Uint8Array.from(s, mapper) calls the mapper per character, 20x slower (an ML data
  // page of 1000 entries, 6.4 MB of base64, took 0.5 s of the main thread that way).
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** URL-safe base64 without padding (how the X-Auth-Token header carries the token). */
export function toB64Url(bytes: Uint8Array): string {
  return toB64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const malformed = (what: string) => new ApiError(0, 'bad_response', `the server sent a malformed value (${what})`);
