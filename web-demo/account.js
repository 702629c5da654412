// Accounts as Ente does them. Sign-up: the sensitive Argon2id derivation makes the key-encryption
// key (KEK), which wraps a random master key; the master key wraps the key pair's secret key and
// the recovery key; SRP is set up from the KEK's login subkey. Only the wrapped forms, the salts
// and the SRP verifier leave the device. Every derivation and (un)wrapping runs in `core`, the
// worker pool; the page keeps the master key and the secret key until lock.
import { createApi, fromB64, toB64, ApiError } from './api.js';
import { srpSetup, srpLogin } from './srp-client.js';

export class AccountError extends Error {}

const wipe = (...keys) => keys.forEach((k) => k?.fill(0));

async function wrap(core, value, key) {
  const { ciphertext, nonce } = await core.secretbox.encrypt(value.slice(), key); // the copy moves to the worker
  return { ciphertext: toB64(ciphertext), nonce: toB64(nonce) };
}

async function unwrap(core, ciphertext, nonce, key, wrongKeyMessage) {
  try {
    return await core.secretbox.decrypt(fromB64(ciphertext), fromB64(nonce), key);
  } catch (e) {
    if (e?.code === 'AUTH_FAILED') throw new AccountError(wrongKeyMessage);
    throw e;
  }
}

/** A KDF progress callback for `core.with({ onProgress })` that reports to `progress(label)`. */
const kdfProgress = (progress, what) => (p) => {
  if (p.type === 'kdf' && p.phase === 'before') {
    progress(`${what} (Argon2id, ${p.memLimit / 2 ** 20} MiB, ${p.opsLimit} passes)…`);
  }
};

/** The login subkey's SRP verifier for a new KEK, as the API's fields. */
async function srpFields(core, kek) {
  const subKey = await core.deriveLoginSubKey(kek);
  const { srpUserID, srpSalt, srpVerifier } = await srpSetup(subKey); // the subkey moves to the SRP worker
  return { srpUserID, srpSalt: toB64(srpSalt), srpVerifier: toB64(srpVerifier) };
}

/** Opens the session token the server sealed to our public key (Ente: URL-safe base64 of the bytes). */
async function openToken(core, encryptedToken, publicKey, secretKey) {
  const bytes = await core.box.sealOpen(fromB64(encryptedToken), publicKey, secretKey);
  return core.b64.encodeURLSafe(bytes);
}

/** An unlocked account: its API client and keys. `lock()` wipes the keys. */
export class Session {
  constructor(core, { token, id, email, keyAttributes, masterKey, secretKey }) {
    this.core = core;
    this.api = createApi({ token });
    this.id = id;
    this.email = email;
    this.keyAttributes = keyAttributes;
    this.publicKey = fromB64(keyAttributes.publicKey);
    this.masterKey = masterKey;
    this.secretKey = secretKey;
  }

  async lock() {
    wipe(this.masterKey, this.secretKey);
    this.masterKey = this.secretKey = null;
    await this.api.logout().catch(() => {}); // the token stops working; the keys are gone anyway
  }
}

async function openSession(core, token, masterKey, secretKey) {
  const api = createApi({ token });
  const me = await api.me();
  return new Session(core, { token, ...me, masterKey, secretKey });
}

/** Sign-up; resolves to `{ session, recoveryPhrase }`. `progress(label)` while deriving. */
export async function signUp(core, email, password, progress) {
  progress('Deriving your key…');
  const kek = await core.with({ onProgress: kdfProgress(progress, 'Deriving your key') }).deriveSensitiveKey(password);
  progress('Creating your keys…');
  const masterKey = await core.generateKey();
  const recoveryKey = await core.generateKey();
  const { publicKey, secretKey } = await core.box.keypair();
  try {
    const encryptedKey = await wrap(core, masterKey, kek.key);
    const secret = await wrap(core, secretKey, masterKey);
    const byRecovery = await wrap(core, masterKey, recoveryKey);
    const recovery = await wrap(core, recoveryKey, masterKey);
    const keyAttributes = {
      kekSalt: toB64(kek.salt),
      opsLimit: kek.opsLimit,
      memLimit: kek.memLimit,
      encryptedKey: encryptedKey.ciphertext,
      keyDecryptionNonce: encryptedKey.nonce,
      publicKey: toB64(publicKey),
      encryptedSecretKey: secret.ciphertext,
      secretKeyDecryptionNonce: secret.nonce,
      masterKeyEncryptedWithRecoveryKey: byRecovery.ciphertext,
      masterKeyDecryptionNonce: byRecovery.nonce,
      recoveryKeyEncryptedWithMasterKey: recovery.ciphertext,
      recoveryKeyDecryptionNonce: recovery.nonce,
    };
    const srp = await srpFields(core, kek.key);
    await createApi().signUp({ email, keyAttributes, ...srp });
    const recoveryPhrase = await core.mnemonic.fromKey(recoveryKey);
    // Sign-up does not hand out a session: log in with SRP as every later login does.
    const session = await loginWithKek(core, email, kek.key, masterKey.slice(), secretKey.slice());
    return { session, recoveryPhrase };
  } finally {
    wipe(kek.key, recoveryKey, masterKey, secretKey);
  }
}

/** SRP with the KEK's login subkey; resolves to the server's verify answer (M2 checked). */
async function srpProve(core, email, kek, attrs) {
  const api = createApi();
  attrs ??= await api.srpAttributes(email);
  const subKey = await core.deriveLoginSubKey(kek);
  const srp = srpLogin(attrs.srpUserID, fromB64(attrs.srpSalt), subKey); // the subkey moves to the SRP worker
  try {
    const { sessionID, srpB } = await api.srpSession(attrs.srpUserID, toB64(await srp.A()));
    let answer;
    try {
      answer = await api.srpVerify(sessionID, toB64(await srp.M1(fromB64(srpB))));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw new AccountError('Wrong email or password');
      if (e instanceof ApiError && e.status === 429)
        throw new AccountError('Too many attempts: wait a few minutes and try again');
      throw e;
    }
    await srp.checkM2(fromB64(answer.srpM2));
    return answer;
  } finally {
    srp.end();
  }
}

/** Logs in with a KEK already derived; takes ownership of the keys passed (when known). */
async function loginWithKek(core, email, kek, masterKey, secretKey) {
  const answer = await srpProve(core, email, kek);
  const attrs = answer.keyAttributes;
  masterKey ??= await unwrap(core, attrs.encryptedKey, attrs.keyDecryptionNonce, kek, 'Wrong email or password');
  secretKey ??= await unwrap(
    core,
    attrs.encryptedSecretKey,
    attrs.secretKeyDecryptionNonce,
    masterKey,
    'Your account keys do not open',
  );
  const token = await openToken(core, answer.encryptedToken, fromB64(attrs.publicKey), secretKey);
  return openSession(core, token, masterKey, secretKey);
}

/** Login: re-derives the KEK with the account's own limits (progress shown), then SRP. */
export async function logIn(core, email, password, progress) {
  const attrs = await createApi().srpAttributes(email);
  progress(`Deriving your key (Argon2id, ${attrs.memLimit / 2 ** 20} MiB, ${attrs.opsLimit} passes)…`);
  const kek = await core.deriveKey(password, fromB64(attrs.kekSalt), attrs.opsLimit, attrs.memLimit);
  try {
    progress('Logging in…');
    return await loginWithKek(core, email, kek);
  } finally {
    wipe(kek);
  }
}

/**
 * Recovery with the 24-word phrase: it opens the master key, which opens the key pair, which
 * answers the server's challenge; a new password's KEK re-wraps the same master key and a new
 * SRP verifier replaces the old one. Resolves to a session.
 */
export async function recover(core, email, phrase, newPassword, progress) {
  const api = createApi();
  progress('Checking your phrase…');
  const r = await api.recoveryBegin(email);
  let recoveryKey;
  try {
    recoveryKey = await core.mnemonic.toKey(phrase);
  } catch {
    throw new AccountError('That is not a valid recovery phrase');
  }
  let masterKey;
  let secretKey;
  let challenge;
  let kek;
  try {
    masterKey = await unwrap(
      core,
      r.masterKeyEncryptedWithRecoveryKey,
      r.masterKeyDecryptionNonce,
      recoveryKey,
      'That recovery phrase does not belong to this account',
    );
    secretKey = await unwrap(core, r.encryptedSecretKey, r.secretKeyDecryptionNonce, masterKey, 'Your account keys do not open');
    const publicKey = fromB64(r.publicKey);
    challenge = await core.box.sealOpen(fromB64(r.encryptedChallenge), publicKey, secretKey.slice());
    progress('Deriving your new key…');
    kek = await core.with({ onProgress: kdfProgress(progress, 'Deriving your new key') }).deriveSensitiveKey(newPassword);
    const encryptedKey = await wrap(core, masterKey, kek.key);
    const { encryptedToken } = await api.recoveryComplete({
      challengeID: r.challengeID,
      challenge: toB64(challenge),
      kekSalt: toB64(kek.salt),
      encryptedKey: encryptedKey.ciphertext,
      keyDecryptionNonce: encryptedKey.nonce,
      memLimit: kek.memLimit,
      opsLimit: kek.opsLimit,
      ...(await srpFields(core, kek.key)),
    });
    const token = await openToken(core, encryptedToken, publicKey, secretKey);
    const session = await openSession(core, token, masterKey, secretKey);
    masterKey = secretKey = null; // the session owns them now
    return session;
  } finally {
    wipe(recoveryKey, challenge, kek?.key, masterKey, secretKey);
  }
}
