// A new account's keys, as Ente's sign-up makes them: the password's KEK wraps a random master
// key; the master key wraps a new key pair's secret key and a recovery key, which wraps the
// master key back; SRP is set up from the KEK's login subkey. Beside Ente's, a signing key pair:
// its seed wrapped by the master key, its public key bound to the box key and the address by a
// self-signature (docs/formats.md). Only the wrapped forms, salts, public keys, the
// self-signature and the SRP verifier are meant to leave the device.
import type { ClientOptions, OnStep } from '../options.js';
import { deriveNewKek, wrap, wipe } from '../crypto.js';
import type { KeyAttributes, SrpSetup } from '../wire/api.js';
import type { Progress } from 'cipherlens';
import { makeSigningAttributes } from '../trust/signing-keys.js';

/** A KDF progress callback that says which derivation runs. */
export const kdfSteps =
  (onStep: OnStep | undefined, what: string) =>
  (p: Progress): void => {
    if (p.type === 'kdf' && p.phase === 'before')
      onStep?.(`${what} (Argon2id, ${p.memLimit / 2 ** 20} MiB, ${p.opsLimit} passes)…`);
  };

/** The SRP fields for a KEK's login subkey (the subkey goes to the SRP engine, which zeroes it). */
export async function srpFor(options: ClientOptions, kek: Uint8Array): Promise<SrpSetup> {
  const subKey = await options.crypto.deriveLoginSubKey(kek);
  return options.srp.setup(subKey);
}

export interface AccountKeys {
  keyAttributes: KeyAttributes;
  srp: SrpSetup;
  kek: Uint8Array;
  masterKey: Uint8Array;
  secretKey: Uint8Array;
  recoveryKey: Uint8Array;
  /** The signing key pair (its secret key: libsodium's 64 bytes). */
  signing: { publicKey: Uint8Array; secretKey: Uint8Array };
  /** Wipes every key above. */
  wipe(): void;
}

/** Makes a new account's keys from its password (nothing is sent). The caller wipes them. */
export async function makeAccountKeys(
  options: ClientOptions,
  email: string,
  password: string,
  onStep?: OnStep,
): Promise<AccountKeys> {
  const { crypto } = options;
  onStep?.('Deriving your key…');
  const kek = await deriveNewKek(crypto, password, options.kdf ?? 'sensitive', kdfSteps(onStep, 'Deriving your key'));
  onStep?.('Creating your keys…');
  const masterKey = await crypto.generateKey();
  const recoveryKey = await crypto.generateKey();
  const { publicKey, secretKey } = await crypto.box.keypair();
  const { attributes: signingFields, signing } = await makeSigningAttributes(crypto, {
    email,
    boxPublicKey: publicKey,
    masterKey,
  });
  const keys = {
    kek: kek.key,
    masterKey,
    secretKey,
    recoveryKey,
    signing,
    wipe: () => wipe(kek.key, masterKey, secretKey, recoveryKey, signing.secretKey),
  };
  try {
    const encryptedKey = await wrap(crypto, masterKey, kek.key);
    const secret = await wrap(crypto, secretKey, masterKey);
    const byRecovery = await wrap(crypto, masterKey, recoveryKey);
    const recovery = await wrap(crypto, recoveryKey, masterKey);
    const keyAttributes: KeyAttributes = {
      kekSalt: kek.salt,
      encryptedKey: encryptedKey.ciphertext,
      keyDecryptionNonce: encryptedKey.nonce,
      publicKey,
      encryptedSecretKey: secret.ciphertext,
      secretKeyDecryptionNonce: secret.nonce,
      memLimit: kek.memLimit,
      opsLimit: kek.opsLimit,
      masterKeyEncryptedWithRecoveryKey: byRecovery.ciphertext,
      masterKeyDecryptionNonce: byRecovery.nonce,
      recoveryKeyEncryptedWithMasterKey: recovery.ciphertext,
      recoveryKeyDecryptionNonce: recovery.nonce,
      ...signingFields,
    };
    return { ...keys, keyAttributes, srp: await srpFor(options, kek.key) };
  } catch (e) {
    keys.wipe();
    throw e;
  }
}
