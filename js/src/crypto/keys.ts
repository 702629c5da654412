import type { Heap } from '../runtime/heap.js';
import { badInput, CoreError, requireBytes } from '../runtime/errors.js';
import { KEY_BYTES, LOGIN_SUBKEY_BYTES, SALT_BYTES } from './sizes.js';

export const MiB = 1024 * 1024;

/** Argon2's cost parameters, as Ente stores them beside a derived key. */
export interface Argon2Limits {
  /** Passes over the memory. */
  opsLimit: number;
  /** Memory, bytes. */
  memLimit: number;
}

/** Ente's interactive limits (login with a fresh key). */
export const INTERACTIVE_LIMITS: Readonly<Argon2Limits> = { opsLimit: 2, memLimit: 64 * MiB };
/**
 * Ente's sensitive derivation: 16 passes over 256 MiB; where that memory cannot be had, half the
 * memory for twice the passes, down to 128 MiB. The limits to try, in order.
 */
export const SENSITIVE_ATTEMPTS: readonly Readonly<Argon2Limits>[] = [
  { opsLimit: 16, memLimit: 256 * MiB },
  { opsLimit: 32, memLimit: 128 * MiB },
];

/**
 * The costliest Argon2 deriveKey accepts: key attributes come from the server, which could
 * otherwise make a login run for hours or claim all memory. memLimit at most libsodium's
 * MEMLIMIT_SENSITIVE (1 GiB); work (opsLimit x memLimit) at most 4 GiB, the strength of Ente's
 * sensitive derivation (SENSITIVE_ATTEMPTS: 16 x 256 MiB or 32 x 128 MiB). A caller can lower
 * both (KdfBounds).
 */
export const ARGON2_BOUNDS: Readonly<Required<KdfBounds>> = {
  maxMemLimit: 1024 * MiB,
  maxWork: SENSITIVE_ATTEMPTS[0].opsLimit * SENSITIVE_ATTEMPTS[0].memLimit,
};

/** Lower bounds for one derivation (each at most ARGON2_BOUNDS'); larger limits are BAD_INPUT. */
export interface KdfBounds {
  /** The most memory (bytes) the derivation may use; at most ARGON2_BOUNDS.maxMemLimit (1 GiB). */
  maxMemLimit?: number;
  /** The most work (opsLimit x memLimit) it may do; at most ARGON2_BOUNDS.maxWork (4 GiB). */
  maxWork?: number;
}

function requireBound(name: keyof KdfBounds, value: unknown): number {
  const max = ARGON2_BOUNDS[name];
  if (value === undefined) return max;
  if (typeof value !== 'number' || !(value > 0) || value > max) throw badInput(`${name} must be a number in (0, ${max}]`);
  return value;
}

/** Checks opsLimit and memLimit against the bounds before any memory is allocated. */
export function requireArgon2Limits(opsLimit: number, memLimit: number, bounds: KdfBounds = {}): void {
  if (bounds === null || typeof bounds !== 'object') throw badInput('bounds must be an object');
  const maxMem = requireBound('maxMemLimit', bounds.maxMemLimit);
  const maxWork = requireBound('maxWork', bounds.maxWork);
  if (memLimit > maxMem) throw badInput(`memLimit ${memLimit} is above the bound of ${maxMem} bytes`);
  if (opsLimit * memLimit > maxWork) {
    throw badInput(`opsLimit x memLimit (${opsLimit} x ${memLimit}) is above the bound of ${maxWork}`);
  }
}

type Limits = (typeof SENSITIVE_ATTEMPTS)[number];
const isOutOfMemory = (e: unknown) => e instanceof CoreError && e.code === 'OUT_OF_MEMORY';
const sensitiveOutOfMemory = () =>
  new CoreError('OUT_OF_MEMORY', 'not enough memory for a sensitive key derivation (needs 128 MiB)');

/** Runs `attempt` with each of SENSITIVE_ATTEMPTS (n counts from 1) until one is not out of memory. */
export function withSensitiveLimits<T>(attempt: (limits: Limits, n: number) => T): T {
  for (const [i, limits] of SENSITIVE_ATTEMPTS.entries()) {
    try {
      return attempt(limits, i + 1);
    } catch (e) {
      if (!isOutOfMemory(e)) throw e;
    }
  }
  throw sensitiveOutOfMemory();
}

/** withSensitiveLimits for attempts that run elsewhere (a worker thread per attempt). */
export async function withSensitiveLimitsAsync<T>(attempt: (limits: Limits, n: number) => Promise<T>): Promise<T> {
  for (const [i, limits] of SENSITIVE_ATTEMPTS.entries()) {
    try {
      return await attempt(limits, i + 1);
    } catch (e) {
      if (!isOutOfMemory(e)) throw e;
    }
  }
  throw sensitiveOutOfMemory();
}

/** What a derivation produced, with the parameters to store beside the account. */
export interface DerivedKey {
  /** The 32-byte key (Ente's key-encryption key). */
  key: Uint8Array<ArrayBuffer>;
  /** The random 16-byte salt it was derived with: store it with the account (Ente's `kekSalt`). */
  salt: Uint8Array<ArrayBuffer>;
  /** Argon2 passes used: store it (Ente's `opsLimit`). */
  opsLimit: number;
  /** Argon2 memory used, in bytes: store it (Ente's `memLimit`). */
  memLimit: number;
}

const utf8 = new TextEncoder();

/** Passwords enter Argon2 as UTF-8 bytes. */
export function passwordBytes(password: string | Uint8Array): Uint8Array {
  if (typeof password === 'string') return utf8.encode(password);
  return requireBytes('password', password);
}

function requireLimit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw badInput(`${name} must be a positive integer`);
  }
  return value;
}

export function makeKeys(heap: Heap) {
  const { mod } = heap;

  const generateKey = (): Uint8Array<ArrayBuffer> =>
    heap.scope((a) => {
      const key = a.alloc(KEY_BYTES);
      mod.generateKey(key);
      return heap.read(key, KEY_BYTES);
    });

  const randomBytes = (length: number): Uint8Array<ArrayBuffer> =>
    heap.scope((a) => {
      const out = a.alloc(requireLimit('length', length));
      mod.randomBytes(out, length);
      return heap.read(out, length);
    });

  const deriveKey = (
    password: string | Uint8Array,
    salt: Uint8Array,
    opsLimit: number,
    memLimit: number,
    bounds: KdfBounds = {},
  ): Uint8Array<ArrayBuffer> => {
    const pw = passwordBytes(password);
    requireBytes('salt', salt, SALT_BYTES);
    requireLimit('opsLimit', opsLimit);
    requireLimit('memLimit', memLimit);
    requireArgon2Limits(opsLimit, memLimit, bounds);
    return heap.scope((a) => {
      const key = a.alloc(KEY_BYTES);
      heap.check(mod.deriveKey(key, KEY_BYTES, a.put(pw), pw.length, a.put(salt), opsLimit, memLimit));
      return heap.read(key, KEY_BYTES);
    });
  };

  const deriveSensitiveKey = (password: string | Uint8Array): DerivedKey => {
    const salt = randomBytes(SALT_BYTES);
    return withSensitiveLimits(({ opsLimit, memLimit }) => ({
      key: deriveKey(password, salt, opsLimit, memLimit),
      salt,
      opsLimit,
      memLimit,
    }));
  };

  const deriveInteractiveKey = (password: string | Uint8Array): DerivedKey => {
    const salt = randomBytes(SALT_BYTES);
    const { opsLimit, memLimit } = INTERACTIVE_LIMITS;
    return { key: deriveKey(password, salt, opsLimit, memLimit), salt, opsLimit, memLimit };
  };

  const deriveLoginSubKey = (kek: Uint8Array): Uint8Array<ArrayBuffer> => {
    requireBytes('kek', kek, KEY_BYTES);
    return heap.scope((a) => {
      const out = a.alloc(LOGIN_SUBKEY_BYTES);
      mod.deriveLoginSubKey(out, a.put(kek));
      return heap.read(out, LOGIN_SUBKEY_BYTES);
    });
  };

  return {
    /** 32 random bytes: a new master, collection or file key (`crypto_secretbox_keygen`). */
    generateKey,
    /** `length` random bytes (a positive integer; above 2^31 - 1: OUT_OF_MEMORY). */
    randomBytes,
    /**
     * Argon2id v1.3 (`crypto_pwhash`): a 32-byte key from a password (string as UTF-8, or bytes)
     * and a 16-byte salt. Limits from a server are bounded: memLimit above 1 GiB or opsLimit x
     * memLimit above 4 GiB is BAD_INPUT, and `bounds` can lower both; memory that cannot be had is
     * OUT_OF_MEMORY.
     */
    deriveKey,
    /**
     * Ente's sign-up derivation: a random salt, 256 MiB x 16 passes, or where that memory cannot
     * be had 128 MiB x 32 passes; OUT_OF_MEMORY if neither. Returns the key with what to store.
     */
    deriveSensitiveKey,
    /** Ente's interactive derivation: a random salt, 64 MiB x 2 passes. */
    deriveInteractiveKey,
    /**
     * Ente's SRP password: the first 16 bytes of `crypto_kdf_derive_from_key(32, 1, "loginctx", kek)`.
     * `kek` must be 32 bytes (BAD_INPUT otherwise).
     */
    deriveLoginSubKey,
  };
}
