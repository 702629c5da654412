// The crypto the trust layer needs, as the package's core offers it in this thread (CryptoCore)
// or through workers (CoreWorker): every call is awaited, so either serves. Worker calls copy
// these arguments (sign.*, box.publicKey, mnemonic) or take a copy the caller no longer needs
// (secretbox.encrypt's message), so nothing the caller keeps is detached.
type Awaitable<T> = T | Promise<T>;
type KeyPair = { publicKey: Uint8Array; secretKey: Uint8Array };

export interface TrustCrypto {
  sign: {
    seedKeypair(seed: Uint8Array): Awaitable<KeyPair>;
    detached(message: Uint8Array, secretKey: Uint8Array): Awaitable<Uint8Array>;
    verifyDetached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Awaitable<void>;
  };
  box: { publicKey(secretKey: Uint8Array): Awaitable<Uint8Array> };
  secretbox: {
    encrypt(message: Uint8Array, key: Uint8Array): Awaitable<{ ciphertext: Uint8Array; nonce: Uint8Array }>;
    decrypt(ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Awaitable<Uint8Array>;
  };
  mnemonic: { fromKey(key: Uint8Array): Awaitable<string> };
  randomBytes(length: number): Awaitable<Uint8Array>;
}

/** True if `signature` verifies (a CoreError AUTH_FAILED, or any failure, is false). */
export async function verifies(crypto: TrustCrypto, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) {
  try {
    await crypto.sign.verifyDetached(signature, message, publicKey);
    return true;
  } catch {
    return false;
  }
}
