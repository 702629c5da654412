// An account's identity: its X25519 box key (Ente's public key) and its Ed25519 signing key,
// bound to each other and to the account's email by a self-signature (docs/formats.md,
// "Identities"). The client never believes the keys a server hands it for its own account: it
// recomputes both public keys from its own secret keys on every log-in and unlock. A contact's
// keys are believed only with a valid self-signature for the address asked about.
import { sameBytes, sha256 } from './bytes.js';
import { encodeStatement } from './canonical.js';
import { type Bytes, type TrustCrypto, verifies } from './crypto.js';
import { TrustError } from './errors.js';

export const IDENTITY_TAG = 'cipherlens/identity/1';
export const IDENTITY_SCHEMA = [
  ['email', 'text'],
  ['boxPublicKey', 'bytes32'],
  ['signingPublicKey', 'bytes32'],
] as const;
const VERIFICATION_ID_TAG = 'cipherlens/verification-id/1';
const VERIFICATION_ID_SCHEMA = [
  ['boxPublicKey', 'bytes32'],
  ['signingPublicKey', 'bytes32'],
] as const;

/** An account's public identity as a server hands it out, and its self-signature. */
export interface Identity {
  email: string;
  boxPublicKey: Uint8Array;
  signingPublicKey: Uint8Array;
  signature: Uint8Array;
}

/**
 * The form of an email address that pins, signatures and comparisons use: trimmed, Unicode
 * NFC, lower case (and NFC again: lower-casing can leave a sequence NFC would compose).
 */
export function canonicalEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/** The bytes an identity's self-signature covers. */
export const identityStatement = (email: string, boxPublicKey: Uint8Array, signingPublicKey: Uint8Array) =>
  encodeStatement(IDENTITY_TAG, IDENTITY_SCHEMA, { email: canonicalEmail(email), boxPublicKey, signingPublicKey });

/** The self-signature binding `email`'s box key to its signing key. */
export async function signIdentity(
  crypto: TrustCrypto,
  email: string,
  boxPublicKey: Uint8Array,
  signingSecretKey: Uint8Array,
): Promise<Bytes> {
  const signingPublicKey = signingSecretKey.subarray(32, 64); // libsodium's secret key: seed ‖ public key
  return crypto.sign.detached(identityStatement(email, boxPublicKey, signingPublicKey), signingSecretKey);
}

/** Throws TrustError 'bad-signature' unless the identity's self-signature verifies. */
export async function verifyIdentity(crypto: TrustCrypto, identity: Identity): Promise<void> {
  const statement = identityStatement(identity.email, identity.boxPublicKey, identity.signingPublicKey);
  if (!(await verifies(crypto, identity.signature, statement, identity.signingPublicKey))) {
    throw new TrustError('bad-signature', `the keys given for ${canonicalEmail(identity.email)} are not signed by that account`);
  }
}

/**
 * The verification ID two people compare: 24 BIP39 words of SHA-256 over both public keys
 * (Ente's covers the box key alone; this one also covers the signing key that signs shares
 * and album changes).
 */
export async function verificationId(crypto: TrustCrypto, boxPublicKey: Uint8Array, signingPublicKey: Uint8Array) {
  const digest = await sha256(encodeStatement(VERIFICATION_ID_TAG, VERIFICATION_ID_SCHEMA, { boxPublicKey, signingPublicKey }));
  return crypto.mnemonic.fromKey(digest);
}

/** An account's own keys once checked: its box key and its signing key pair. */
export interface OwnIdentity {
  email: string;
  boxPublicKey: Bytes;
  signing: { publicKey: Bytes; secretKey: Bytes };
}

/**
 * Checks what the server says about this account against its own secret keys: both public keys
 * are recomputed from the secret key and the signing seed (both opened with the master key) and
 * must equal the ones the server sent, and the self-signature must cover them for the address
 * the person typed. Throws TrustError 'identity' otherwise. The caller owns (and wipes) the
 * returned signing secret key.
 */
export async function checkOwnIdentity(
  crypto: TrustCrypto,
  {
    email,
    claimed,
    secretKey,
    signingSeed,
  }: { email: string; claimed: Identity; secretKey: Uint8Array; signingSeed: Uint8Array },
): Promise<OwnIdentity> {
  const boxPublicKey = await crypto.box.publicKey(secretKey);
  if (!sameBytes(boxPublicKey, claimed.boxPublicKey)) {
    throw new TrustError('identity', "the server sent a public key that is not this account's");
  }
  const signing = await crypto.sign.seedKeypair(signingSeed);
  if (!sameBytes(signing.publicKey, claimed.signingPublicKey)) {
    signing.secretKey.fill(0);
    throw new TrustError('identity', "the server sent a signing key that is not this account's");
  }
  const statement = identityStatement(email, boxPublicKey, signing.publicKey);
  if (!(await verifies(crypto, claimed.signature, statement, signing.publicKey))) {
    signing.secretKey.fill(0);
    throw new TrustError('identity', "this account's keys are not signed for the address it logged in with");
  }
  return { email: canonicalEmail(email), boxPublicKey, signing };
}
