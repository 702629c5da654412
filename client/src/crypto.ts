// The crypto the client runs: the package's core, in this thread (`loadCryptoCore()`, as the
// Node tests use it) or in workers (`createWorkerPool`, as the app does). Every call is awaited,
// so both serve; a worker's payload-first calls detach what they are given, so the client only
// ever hands them copies of what it keeps.
import type { CoreWorker, CryptoCore, Progress } from 'cipherlens';

export type ClientCrypto = CryptoCore | CoreWorker<CryptoCore>;

/** Wipes key material the client is done with. */
export const wipe = (...keys: (Uint8Array | null | undefined)[]) => {
  for (const k of keys) k?.fill(0);
};

/** `value` secretbox-encrypted with `key` (a copy travels, `value` stays the caller's). */
export async function wrap(crypto: ClientCrypto, value: Uint8Array, key: Uint8Array) {
  const { ciphertext, nonce } = await crypto.secretbox.encrypt(value.slice(), key);
  return { ciphertext, nonce };
}

/** Ente's key derivations, by strength: sign-up's (sensitive) or the interactive one. */
export type KdfStrength = 'sensitive' | 'interactive';

/** Derives a new KEK (random salt); `onKdf` hears each Argon2 attempt on a worker pool. */
export function deriveNewKek(crypto: ClientCrypto, password: string, strength: KdfStrength, onKdf?: (p: Progress) => void) {
  const c = onKdf && 'with' in crypto ? crypto.with({ onProgress: onKdf }) : crypto;
  return strength === 'sensitive' ? c.deriveSensitiveKey(password) : c.deriveInteractiveKey(password);
}
