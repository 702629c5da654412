// An account reopened without its password: from keys this device kept (a reloaded tab's, or
// those a local key unwrapped in a new tab). The session token the server sealed to the account
// is opened again and checked with the server, which must still know the session and describe
// the same account; an ended session (expired, logged out, or ended by a recovery elsewhere) is
// the ApiError 401 the caller shows as such. The identity is rebuilt as at log-in (identity.ts):
// from the account's key attributes with its own keys, never from the server's word.
import type { ClientOptions } from '../options.js';
import { wipe } from '../crypto.js';
import { createApi } from '../wire/api.js';
import { toB64Url } from '../wire/b64.js';
import { accountError } from './errors.js';
import { checkSessionAccount, ownIdentity } from './identity.js';
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
    if (me.id !== kept.id || !same(me.keyAttributes.publicKey, kept.publicKey)) throw accountError('keys_do_not_open');
    // Both public keys from the account's own secret keys, the self-signature checked for its address.
    const { identity, missing } = await ownIdentity(options, kept.email, me.keyAttributes, { masterKey, secretKey });
    if (missing) {
      // A device keeps an account only after a log-in or sign-up stored its signing keys: a
      // listing without them is the server's, and is not answered with new keys.
      wipe(identity.signing.secretKey);
      throw accountError('identity_mismatch');
    }
    checkSessionAccount(me, { id: kept.id, identity, upgraded: false });
    const keys = { masterKey, secretKey };
    return new Session(options, token, me.id, me.email, me.keyAttributes, kept.encryptedToken, keys, identity);
  } catch (e) {
    wipe(masterKey, secretKey);
    throw e;
  }
}
