// What lets a new tab or a restarted browser unlock with the password without the account's full
// derivation (Ente's "intermediate" key): a local KEK derived with Argon2id's interactive limits
// (64 MiB, 2 passes) wraps the master key; with the secret key (wrapped by the master key) and
// the sealed session token, the whole record is sealed with the device's wrapping key and kept in
// IndexedDB. Unlocking it opens the same server session; if that ended, the person logs in.
import { AccountError, wipe, type KeptSession, type Session } from '../../../client/src/index.js';
import type { CoreWorker, CryptoCore, Progress } from 'cipherlens';
import { db } from './db.js';
import { open, pack, seal, unpack, type Sealed } from './vault.js';

const RECORD = 'account';

/** The unlock record: who it is for and how the local KEK is derived, in the clear. */
export interface UnlockRecord {
  v: 1;
  id: number;
  email: string;
  publicKey: Uint8Array;
  kek: { salt: Uint8Array; opsLimit: number; memLimit: number };
  sealed: Sealed;
}

const aad = (r: Omit<UnlockRecord, 'sealed' | 'v'>) =>
  `unlock|${r.id}|${r.email}|${r.kek.opsLimit}|${r.kek.memLimit}|${[...r.kek.salt]}|${[...r.publicKey]}`;

/** Makes this device's unlock record for the signed-in `session` from its password. */
export async function keepDevice(core: CoreWorker<CryptoCore>, session: Session, password: string): Promise<void> {
  const { masterKey, secretKey } = session.keys();
  const kek = await core.deriveInteractiveKey(password);
  let plain: Uint8Array | undefined;
  try {
    const master = await core.secretbox.encrypt(masterKey.slice(), kek.key);
    const secret = await core.secretbox.encrypt(secretKey.slice(), masterKey.slice());
    plain = pack([master.ciphertext, master.nonce, secret.ciphertext, secret.nonce, session.encryptedToken]);
    const who = {
      id: session.id,
      email: session.email,
      publicKey: session.publicKey,
      kek: { salt: kek.salt, opsLimit: kek.opsLimit, memLimit: kek.memLimit },
    };
    const record: UnlockRecord = { v: 1, ...who, sealed: await seal(plain, aad(who)) };
    await db.put('unlock', RECORD, record);
  } finally {
    wipe(kek.key, plain);
  }
}

export async function deviceRecord(): Promise<UnlockRecord | undefined> {
  try {
    return await db.get<UnlockRecord>('unlock', RECORD);
  } catch {
    return undefined;
  }
}

/**
 * The kept session `record` holds, unlocked with `password` (Argon2id at the record's interactive
 * limits); a wrong password is AccountError 'wrong_password'.
 */
export async function unlockDevice(
  core: CoreWorker<CryptoCore>,
  record: UnlockRecord,
  password: string,
  onKdf?: (p: Progress) => void,
): Promise<KeptSession> {
  const plain = await open(record.sealed, aad(record));
  const [encKey, keyNonce, encSecret, secretNonce, encryptedToken] = unpack(plain, 5);
  const { salt, opsLimit, memLimit } = record.kek;
  const kek = await core.with({ onProgress: onKdf }).deriveKey(password, salt, opsLimit, memLimit);
  let masterKey: Uint8Array;
  try {
    masterKey = await core.secretbox.decrypt(encKey, keyNonce, kek);
  } catch (e) {
    if ((e as { code?: string }).code === 'AUTH_FAILED') throw new AccountError('wrong_password', 'Wrong password', { cause: e });
    throw e;
  } finally {
    wipe(kek);
  }
  const secretKey = await core.secretbox.decrypt(encSecret, secretNonce, masterKey.slice());
  return { id: record.id, email: record.email, publicKey: record.publicKey, encryptedToken, masterKey, secretKey };
}

export async function forgetDevice(): Promise<void> {
  await db.delete('unlock', RECORD).catch(() => {});
}
