// Recovery with the 24-word phrase (or the recovery key itself): it opens the master key, which
// opens the key pair, which answers the server's sealed challenge; a new password's KEK re-wraps
// the same master key and a new SRP verifier replaces the old one.
import type { ClientOptions, OnStep } from '../options.js';
import { deriveNewKek, wipe, wrap } from '../crypto.js';
import { createApi } from '../wire/api.js';
import { toB64Url } from '../wire/b64.js';
import { accountError } from './errors.js';
import { kdfSteps, srpFor } from './keys.js';
import { ownIdentity } from './identity.js';
import { unwrapKey } from './login.js';
import { openSession, type Session } from './session.js';

export async function recover(
  options: ClientOptions,
  email: string,
  phraseOrKey: string | Uint8Array,
  newPassword: string,
  onStep?: OnStep,
): Promise<Session> {
  const { crypto } = options;
  const api = createApi(options);
  onStep?.('Checking your phrase…');
  const r = await api.recoveryBegin(email);
  let recoveryKey: Uint8Array;
  try {
    recoveryKey = typeof phraseOrKey === 'string' ? await crypto.mnemonic.toKey(phraseOrKey) : phraseOrKey.slice();
  } catch (e) {
    throw accountError('bad_phrase', e);
  }
  let masterKey: Uint8Array | undefined;
  let secretKey: Uint8Array | undefined;
  let challenge: Uint8Array | undefined;
  let kek: Uint8Array | undefined;
  try {
    masterKey = await unwrapKey(
      options,
      r.masterKeyEncryptedWithRecoveryKey,
      r.masterKeyDecryptionNonce,
      recoveryKey,
      'wrong_phrase',
    );
    secretKey = await unwrapKey(options, r.encryptedSecretKey, r.secretKeyDecryptionNonce, masterKey, 'keys_do_not_open');
    // The public key the challenge is opened with, and the session later, is the one this
    // account's own secret key gives, never the server's word for it.
    const publicKey = await crypto.box.publicKey(secretKey);
    challenge = await crypto.box.sealOpen(r.encryptedChallenge.slice(), publicKey, secretKey.slice());
    onStep?.('Deriving your new key…');
    const derived = await deriveNewKek(
      crypto,
      newPassword,
      options.kdf ?? 'sensitive',
      kdfSteps(onStep, 'Deriving your new key'),
    );
    kek = derived.key;
    const encryptedKey = await wrap(crypto, masterKey, kek);
    const { encryptedToken } = await api.recoveryComplete({
      challengeID: r.challengeID,
      challenge,
      kekSalt: derived.salt,
      encryptedKey: encryptedKey.ciphertext,
      keyDecryptionNonce: encryptedKey.nonce,
      memLimit: derived.memLimit,
      opsLimit: derived.opsLimit,
      ...(await srpFor(options, kek)),
    });
    // The key attributes (with the signing key's) come from the server again: checked as at login.
    const { identity, missing } = await ownIdentity(
      options,
      email,
      await meAfter(options, encryptedToken, secretKey, publicKey),
      {
        masterKey,
        secretKey,
      },
    );
    const session = await openSession(options, encryptedToken, { masterKey, secretKey }, { identity, missing });
    masterKey = secretKey = undefined; // the session owns them now
    return session;
  } finally {
    wipe(recoveryKey, challenge, kek, masterKey, secretKey);
  }
}

/** The account's key attributes as the server now states them, read with the new session's token. */
async function meAfter(options: ClientOptions, encryptedToken: Uint8Array, secretKey: Uint8Array, publicKey: Uint8Array) {
  const bytes = await options.crypto.box.sealOpen(encryptedToken.slice(), publicKey, secretKey);
  const token = toB64Url(bytes);
  wipe(bytes);
  return (await createApi(options, { token }).me()).keyAttributes;
}
