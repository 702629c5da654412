// An account's signing key in its key attributes (docs/formats.md, "Key attributes"): four
// fields beside Ente's, which stay as they are. The 32-byte Ed25519 seed is wrapped with the
// master key as Ente wraps the box secret key; the public key and the self-signature travel in
// the clear. Made at sign-up, or at the first unlock of an account made before them.
import type { Bytes, TrustCrypto } from './crypto.js';
import { TrustError } from './errors.js';
import { checkOwnIdentity, type Identity, type OwnIdentity, signIdentity } from './identity.js';

/** The four fields, as bytes. */
export interface SigningAttributes {
  signingPublicKey: Bytes;
  encryptedSigningKey: Bytes;
  signingKeyDecryptionNonce: Bytes;
  identitySignature: Bytes;
}

export const SIGNING_ATTRIBUTE_BYTES = Object.freeze({
  signingPublicKey: 32,
  encryptedSigningKey: 32 + 16,
  signingKeyDecryptionNonce: 24,
  identitySignature: 64,
});

/**
 * A new signing key for `email`'s account: the attributes to store and the key pair (whose
 * secret key the caller owns and wipes).
 */
export async function makeSigningAttributes(
  crypto: TrustCrypto,
  { email, boxPublicKey, masterKey }: { email: string; boxPublicKey: Uint8Array; masterKey: Uint8Array },
): Promise<{ attributes: SigningAttributes; signing: { publicKey: Bytes; secretKey: Bytes } }> {
  const seed = await crypto.randomBytes(32);
  try {
    const signing = await crypto.sign.seedKeypair(seed);
    const wrapped = await crypto.secretbox.encrypt(seed.slice(), masterKey);
    const identitySignature = await signIdentity(crypto, email, boxPublicKey, signing.secretKey);
    return {
      attributes: {
        signingPublicKey: signing.publicKey,
        encryptedSigningKey: wrapped.ciphertext,
        signingKeyDecryptionNonce: wrapped.nonce,
        identitySignature,
      },
      signing,
    };
  } finally {
    seed.fill(0);
  }
}

/**
 * Opens the signing key with the master key and checks the whole identity the server sent
 * against the account's own secret keys (checkOwnIdentity). TrustError 'identity' when the
 * seed does not open or any key or signature does not hold.
 */
export async function openSigningAttributes(
  crypto: TrustCrypto,
  {
    email,
    boxPublicKey,
    attributes,
    masterKey,
    secretKey,
  }: {
    email: string;
    boxPublicKey: Uint8Array;
    attributes: { [K in keyof SigningAttributes]: Uint8Array };
    masterKey: Uint8Array;
    secretKey: Uint8Array;
  },
): Promise<OwnIdentity> {
  let seed: Uint8Array;
  try {
    seed = await crypto.secretbox.decrypt(
      attributes.encryptedSigningKey.slice(),
      attributes.signingKeyDecryptionNonce,
      masterKey,
    );
  } catch {
    throw new TrustError('identity', "this account's signing key does not open with its master key");
  }
  try {
    const claimed: Identity = {
      email,
      boxPublicKey,
      signingPublicKey: attributes.signingPublicKey,
      signature: attributes.identitySignature,
    };
    return await checkOwnIdentity(crypto, { email, claimed, secretKey, signingSeed: seed });
  } finally {
    seed.fill(0);
  }
}
