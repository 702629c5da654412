// The crypto the trust layer needs, as the package's core offers it in this thread (CryptoCore)
// or through workers (CoreWorker): every call is awaited, so either serves. Worker calls copy
// these arguments (sign.*, box.publicKey, mnemonic) or take a copy the caller no longer needs
// (secretbox.encrypt's message), so nothing the caller keeps is detached.
type Awaitable<T> = T | Promise<T>;
/** Bytes the core returns (never a view of shared memory). */
export type Bytes = Uint8Array<ArrayBuffer>;
type KeyPair = { publicKey: Bytes; secretKey: Bytes };

export interface TrustCrypto {
  sign: {
    seedKeypair(seed: Uint8Array): Awaitable<KeyPair>;
    detached(message: Uint8Array, secretKey: Uint8Array): Awaitable<Bytes>;
    verifyDetached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Awaitable<void>;
  };
  box: { publicKey(secretKey: Uint8Array): Awaitable<Bytes> };
  secretbox: {
    encrypt(message: Uint8Array, key: Uint8Array): Awaitable<{ ciphertext: Bytes; nonce: Bytes }>;
    decrypt(ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): Awaitable<Bytes>;
  };
  mnemonic: { fromKey(key: Uint8Array): Awaitable<string> };
  randomBytes(length: number): Awaitable<Bytes>;
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
