// Sign-up: the new account's keys (keys.ts) go to the server wrapped, with the SRP verifier;
// then a login over SRP, as every later one, hands out the session. The recovery key comes
// back as Ente's 24-word phrase to write down.
import type { ClientOptions, OnStep } from '../options.js';
import { createApi } from '../wire/api.js';
import { makeAccountKeys } from './keys.js';
import { logInWithKek } from './login.js';
import type { Session } from './session.js';

export async function signUp(
  options: ClientOptions,
  email: string,
  password: string,
  onStep?: OnStep,
): Promise<{ session: Session; recoveryPhrase: string }> {
  const keys = await makeAccountKeys(options, email, password, onStep);
  try {
    const api = createApi(options);
    await api.signUp(email, keys.keyAttributes, keys.srp);
    const recoveryPhrase = await options.crypto.mnemonic.fromKey(keys.recoveryKey);
    const attrs = await api.srpAttributes(email);
    const session = await logInWithKek(options, email, attrs, keys.kek, {
      masterKey: keys.masterKey.slice(),
      secretKey: keys.secretKey.slice(),
    });
    return { session, recoveryPhrase };
  } finally {
    keys.wipe();
  }
}
