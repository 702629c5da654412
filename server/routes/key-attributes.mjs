// Checks an account's key attributes (Ente's object, and the signing key's fields beside it)
// field by field; returns a clean copy.
import { SIZES } from '../config.mjs';
import { b64Field, intField, objectField } from '../http.mjs';

const WRAPPED_KEY = SIZES.key + SIZES.mac; // a 32-byte key under secretbox

export const KEY_ATTRIBUTE_BYTES = Object.freeze({
  kekSalt: SIZES.salt,
  encryptedKey: WRAPPED_KEY,
  keyDecryptionNonce: SIZES.nonce,
  publicKey: SIZES.publicKey,
  encryptedSecretKey: WRAPPED_KEY,
  secretKeyDecryptionNonce: SIZES.nonce,
  masterKeyEncryptedWithRecoveryKey: WRAPPED_KEY,
  masterKeyDecryptionNonce: SIZES.nonce,
  recoveryKeyEncryptedWithMasterKey: WRAPPED_KEY,
  recoveryKeyDecryptionNonce: SIZES.nonce,
});

/** The signing key's fields (docs/formats.md, "Key attributes: the signing key"), all or none. */
export const SIGNING_ATTRIBUTE_BYTES = Object.freeze({
  signingPublicKey: 32,
  encryptedSigningKey: WRAPPED_KEY,
  signingKeyDecryptionNonce: SIZES.nonce,
  identitySignature: 64,
});

/** The four signing fields of `attrs`, or {} when it has none of them. */
export function signingAttributesField(attrs) {
  const names = Object.keys(SIGNING_ATTRIBUTE_BYTES);
  if (names.every((name) => attrs[name] === undefined)) return {};
  return Object.fromEntries(names.map((name) => [name, b64Field(attrs, name, { bytes: SIGNING_ATTRIBUTE_BYTES[name] })]));
}

/** Argon2 limits as libsodium accepts them (the client bounds what it will run). */
export function argonLimits(obj) {
  return {
    memLimit: intField(obj, 'memLimit', { min: 8192, max: 2 ** 32 }),
    opsLimit: intField(obj, 'opsLimit', { min: 1, max: 2 ** 32 }),
  };
}

export function keyAttributesField(body) {
  const attrs = objectField(body, 'keyAttributes');
  const out = {};
  for (const [name, bytes] of Object.entries(KEY_ATTRIBUTE_BYTES)) out[name] = b64Field(attrs, name, { bytes });
  return { ...out, ...argonLimits(attrs), ...signingAttributesField(attrs) };
}
