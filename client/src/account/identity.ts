// The account's own identity, checked at every log-in, sign-up and recovery: the box public key
// and the signing public key are recomputed from the account's own secret keys (opened with its
// master key) and must equal what the server sent, with the self-signature covering them for the
// address the person typed. A server that hands out its own keys for the account (to read what
// is shared with it, or to pass a comparison of verification IDs) is refused here, before any
// token is opened or key is used. An account made before signing keys gets them now (uploaded
// once the session is open).
import type { ClientOptions } from '../options.js';
import { makeSigningAttributes, openSigningAttributes, type SigningAttributes } from '../trust/signing-keys.js';
import { canonicalEmail, type OwnIdentity } from '../trust/identity.js';
import { sameBytes } from '../trust/bytes.js';
import type { KeyAttributes } from '../wire/api.js';
import { accountError } from './errors.js';

/** The account's identity, and the signing fields to store if the account had none yet. */
export async function ownIdentity(
  options: ClientOptions,
  email: string,
  ka: KeyAttributes,
  keys: { masterKey: Uint8Array; secretKey: Uint8Array },
): Promise<{ identity: OwnIdentity; missing?: SigningAttributes }> {
  const { crypto } = options;
  const boxPublicKey = await crypto.box.publicKey(keys.secretKey);
  if (!sameBytes(boxPublicKey, ka.publicKey)) throw accountError('identity_mismatch');
  const { signingPublicKey, encryptedSigningKey, signingKeyDecryptionNonce, identitySignature } = ka;
  if (!signingPublicKey || !encryptedSigningKey || !signingKeyDecryptionNonce || !identitySignature) {
    const made = await makeSigningAttributes(crypto, { email, boxPublicKey, masterKey: keys.masterKey });
    return { identity: { email: canonicalEmail(email), boxPublicKey, signing: made.signing }, missing: made.attributes };
  }
  try {
    const attributes = { signingPublicKey, encryptedSigningKey, signingKeyDecryptionNonce, identitySignature };
    const identity = await openSigningAttributes(crypto, { email, boxPublicKey, attributes, ...keys });
    return { identity };
  } catch (e) {
    throw accountError('identity_mismatch', e);
  }
}

/** Checks that the account the server says a session belongs to is the one just checked. */
export function checkSessionAccount(
  me: { id: number; email: string; keyAttributes: KeyAttributes },
  expected: { id?: number; identity: OwnIdentity; upgraded: boolean },
): void {
  const ka = me.keyAttributes;
  const same =
    (expected.id === undefined || me.id === expected.id) &&
    canonicalEmail(me.email) === expected.identity.email &&
    sameBytes(ka.publicKey, expected.identity.boxPublicKey) &&
    (expected.upgraded
      ? ka.signingPublicKey === undefined || sameBytes(ka.signingPublicKey, expected.identity.signing.publicKey)
      : sameBytes(ka.signingPublicKey, expected.identity.signing.publicKey));
  if (!same) throw accountError('identity_mismatch');
}
