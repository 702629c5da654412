// Login as Ente does it: the account's salt and limits, the KEK re-derived from the password,
// SRP over the KEK's login subkey (the server's proof M2 checked), then the master key and the
// secret key unwrapped and the sealed session token opened.
import type { ClientOptions, OnStep } from '../options.js';
import { wipe } from '../crypto.js';
import { createApi, type Api } from '../wire/api.js';
import { ApiError } from '../wire/errors.js';
import type { SrpAttributes, SrpVerify } from '../wire/answers.js';
import { accountError, type AccountErrorCode } from './errors.js';
import { ownIdentity } from './identity.js';
import { openSession, type Session } from './session.js';

/** Decrypts a wrapped key; a failure to authenticate is the AccountError `code`. */
export async function unwrapKey(
  options: ClientOptions,
  ciphertext: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  code: AccountErrorCode,
): Promise<Uint8Array> {
  try {
    return await options.crypto.secretbox.decrypt(ciphertext.slice(), nonce, key);
  } catch (e) {
    if ((e as { code?: string })?.code === 'AUTH_FAILED') throw accountError(code, e);
    throw e;
  }
}

/** SRP with the KEK's login subkey; resolves to the server's verify answer, its M2 checked. */
export async function proveSrp(options: ClientOptions, api: Api, attrs: SrpAttributes, kek: Uint8Array): Promise<SrpVerify> {
  const subKey = await options.crypto.deriveLoginSubKey(kek);
  const srp = options.srp.login(attrs.srpUserID, attrs.srpSalt, subKey);
  try {
    const { sessionID, srpB } = await api.srpSession(attrs.srpUserID, await srp.A());
    let answer: SrpVerify;
    try {
      answer = await api.srpVerify(sessionID, await srp.M1(srpB));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw accountError('wrong_password', e);
      if (e instanceof ApiError && e.status === 429) throw accountError('rate_limited', e);
      throw e;
    }
    try {
      await srp.checkM2(answer.srpM2);
    } catch (e) {
      throw accountError('server_not_proven', e);
    }
    return answer;
  } finally {
    srp.end();
  }
}

/**
 * Logs in with a KEK already derived, as `email` (the address the person typed). Keys already
 * known (sign-up's) are taken over; otherwise they are unwrapped from the answer's key
 * attributes. Either way the account's identity is checked against them (account/identity.ts).
 */
export async function logInWithKek(
  options: ClientOptions,
  email: string,
  attrs: SrpAttributes,
  kek: Uint8Array,
  known?: { masterKey: Uint8Array; secretKey: Uint8Array },
): Promise<Session> {
  const answer = await proveSrp(options, createApi(options), attrs, kek);
  const ka = answer.keyAttributes;
  let masterKey = known?.masterKey;
  let secretKey = known?.secretKey;
  let signingKey: Uint8Array | undefined;
  try {
    masterKey ??= await unwrapKey(options, ka.encryptedKey, ka.keyDecryptionNonce, kek, 'wrong_password');
    secretKey ??= await unwrapKey(options, ka.encryptedSecretKey, ka.secretKeyDecryptionNonce, masterKey, 'keys_do_not_open');
    const { identity, missing } = await ownIdentity(options, email, ka, { masterKey, secretKey });
    signingKey = identity.signing.secretKey;
    return await openSession(options, answer.encryptedToken, { masterKey, secretKey }, { identity, missing, id: answer.id });
  } catch (e) {
    wipe(masterKey, secretKey, signingKey);
    throw e;
  }
}

/** Login: re-derives the KEK with the account's own limits (`onStep` says so), then SRP. */
export async function logIn(options: ClientOptions, email: string, password: string, onStep?: OnStep): Promise<Session> {
  const attrs = await createApi(options).srpAttributes(email);
  onStep?.(`Deriving your key (Argon2id, ${attrs.memLimit / 2 ** 20} MiB, ${attrs.opsLimit} passes)…`);
  const kek = await options.crypto.deriveKey(password, attrs.kekSalt, attrs.opsLimit, attrs.memLimit);
  try {
    onStep?.('Logging in…');
    return await logInWithKek(options, email, attrs, kek);
  } finally {
    wipe(kek);
  }
}
