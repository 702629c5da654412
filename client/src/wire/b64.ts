// Base64 for JSON values on the wire (standard alphabet, padded, as Ente). Synchronous on
// purpose: the core's b64 would cost a worker round trip per value.
import { ApiError } from './errors.js';

export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Each character code's 6-bit value, 255 for a character outside the alphabet. */
const VALUES = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes standard, padded base64; anything else is a malformed answer. By hand, in one pass that
 * checks and decodes: a regular expression, atob and a copy took 1.2 s of the main thread for a
 * new device's 10 ML data pages (6.4 MB of base64 each) in a Chromium profile.
 */
export function fromB64(text: unknown, what = 'a value'): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || text.length % 4 !== 0) throw malformed(what);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - pad);
  const end = text.length - pad;
  let o = 0;
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUES[c] : 255;
    if (v === 255) throw malformed(what);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
    }
  }
  return bytes;
}

/** URL-safe base64 without padding (how the X-Auth-Token header carries the token). */
export function toB64Url(bytes: Uint8Array): string {
  return toB64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const malformed = (what: string) => new ApiError(0, 'bad_response', `the server sent a malformed value (${what})`);
