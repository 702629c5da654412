// An account reopened without its password: from keys this device kept (a reloaded tab's, or
// those a local key unwrapped in a new tab). The session token the server sealed to the account
// is opened again and checked with the server, which must still know the session and describe
// the same account; an ended session (expired, logged out, or ended by a recovery elsewhere) is
// the ApiError 401 the caller shows as such.
import type { ClientOptions } from '../options.js';
import { wipe } from '../crypto.js';
import { createApi } from '../wire/api.js';
import { toB64Url } from '../wire/b64.js';
import { accountError } from './errors.js';
import { Session } from './session.js';

/** What a device keeps to reopen an account: its keys and the sealed token, and who it is. */
export interface KeptSession {
  id: number;
  email: string;
  publicKey: Uint8Array;
  encryptedToken: Uint8Array;
  masterKey: Uint8Array;
  secretKey: Uint8Array;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reopens `kept` (its keys are the session's from now on, wiped if it fails). */
export async function resumeSession(options: ClientOptions, kept: KeptSession): Promise<Session> {
  const { masterKey, secretKey } = kept;
  try {
    const bytes = await options.crypto.box.sealOpen(kept.encryptedToken.slice(), kept.publicKey, secretKey.slice());
    const token = toB64Url(bytes);
    wipe(bytes);
    const me = await createApi(options, { token }).me();
    // The server answers for this token: it must be the account these keys belong to.
    if (me.id !== kept.id || me.email !== kept.email || !same(me.keyAttributes.publicKey, kept.publicKey))
      throw accountError('keys_do_not_open');
    return new Session(options, token, me.id, me.email, me.keyAttributes, kept.encryptedToken, { masterKey, secretKey });
  } catch (e) {
    wipe(masterKey, secretKey);
    throw e;
  }
}
