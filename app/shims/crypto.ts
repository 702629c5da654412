// The two parts of Node's `crypto` that fast-srp-hap uses, for the browser bundle:
// createHash (sync SHA-1/256/512 from @noble/hashes) and randomBytes (crypto.getRandomValues).
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

const HASHES = { sha1, sha256, sha512 };

export function createHash(name: string) {
  const hash = HASHES[name as keyof typeof HASHES];
  if (!hash) throw new Error(`unsupported hash ${name}`);
  const h = hash.create();
  const api = {
    update(data: string | Uint8Array) {
      h.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return api;
    },
    digest() {
      return Buffer.from(h.digest());
    },
  };
  return api;
}

export function randomBytes(n: number, callback?: (error: Error | null, bytes: Buffer) => void) {
  const bytes = Buffer.alloc(n);
  crypto.getRandomValues(bytes);
  if (!callback) return bytes;
  queueMicrotask(() => callback(null, bytes));
  return undefined;
}

export default { createHash, randomBytes };
