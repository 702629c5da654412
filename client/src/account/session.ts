// An unlocked account: its API client (with the session token), who it is (its identity, checked
// against its own secret keys: account/identity.ts) and its keys, until lock() wipes them and
// ends the session on the server.
import type { ClientOptions } from '../options.js';
import { wipe } from '../crypto.js';
import type { OwnIdentity } from '../trust/identity.js';
import type { SigningAttributes } from '../trust/signing-keys.js';
import { createApi, type Api, type KeyAttributes } from '../wire/api.js';
import { toB64Url } from '../wire/b64.js';
import { checkSessionAccount } from './identity.js';

export class Session {
  readonly api: Api;
  readonly publicKey: Uint8Array;
  masterKey: Uint8Array | null;
  secretKey: Uint8Array | null;

  constructor(
    readonly options: ClientOptions,
    readonly token: string,
    readonly id: number,
    readonly email: string,
    readonly keyAttributes: KeyAttributes,
    /** The token as the server sealed it to this account's public key. */
    readonly encryptedToken: Uint8Array,
    keys: { masterKey: Uint8Array; secretKey: Uint8Array },
    /** Both public keys and the signing key pair, as checked against the secret keys. */
    readonly identity: OwnIdentity,
  ) {
    this.api = createApi(options, { token });
    this.publicKey = identity.boxPublicKey;
    this.masterKey = keys.masterKey;
    this.secretKey = keys.secretKey;
  }

  get crypto() {
    return this.options.crypto;
  }

  /** The account's keys (throws once locked). */
  keys() {
    if (!this.masterKey || !this.secretKey) throw new Error('the account is locked');
    return { masterKey: this.masterKey, secretKey: this.secretKey, publicKey: this.publicKey };
  }

  /** The signing key pair (throws once locked). */
  signing() {
    if (!this.masterKey) throw new Error('the account is locked');
    return this.identity.signing;
  }

  /** Wipes the keys; the session stays open on the server (an app lock, a new tab unlocks it). */
  wipeKeys() {
    wipe(this.masterKey, this.secretKey, this.identity.signing.secretKey);
    this.masterKey = this.secretKey = null;
  }

  /** Wipes the keys and ends the session on the server (the keys are gone either way). */
  async lock() {
    this.wipeKeys();
    await this.api.logout().catch(() => {});
  }
}

/**
 * Opens the session token the server sealed to the account's public key (Ente: the header
 * carries its bytes in URL-safe base64) and the account it belongs to, which must be the one
 * `identity` was checked for (and `id`, if known). An account without signing fields gets
 * `missing` stored now. Owns the keys passed.
 */
export async function openSession(
  options: ClientOptions,
  encryptedToken: Uint8Array,
  keys: { masterKey: Uint8Array; secretKey: Uint8Array },
  { identity, missing, id }: { identity: OwnIdentity; missing?: SigningAttributes; id?: number },
): Promise<Session> {
  const { crypto } = options;
  const bytes = await crypto.box.sealOpen(encryptedToken.slice(), identity.boxPublicKey, keys.secretKey);
  const token = toB64Url(bytes);
  wipe(bytes);
  const api = createApi(options, { token });
  const me = await api.me();
  checkSessionAccount(me, { id, identity, upgraded: missing !== undefined });
  if (missing) await api.putIdentity(missing);
  const keyAttributes = missing ? { ...me.keyAttributes, ...missing } : me.keyAttributes;
  return new Session(options, token, me.id, me.email, keyAttributes, encryptedToken, keys, identity);
}
