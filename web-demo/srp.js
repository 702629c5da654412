// SRP-6a as Ente's web client does it (fast-srp-hap's 4096-bit group, which hashes with SHA-256):
// sign-up makes a verifier from the login subkey; login proves the subkey without sending it.
// Bundled for the browser with the small shims in shims/ (Buffer, createHash, randomBytes, assert).
import { SRP, SrpClient } from 'fast-srp-hap';
import { Buffer } from 'buffer';

const PARAMS = SRP.params['4096'];
const SALT_BYTES = 16;
const SECRET_BYTES = 32; // the client's ephemeral a (SRP.genKey's default)

/** `{ srpUserID, srpSalt, srpVerifier }` for sign-up or a new password; salt and verifier as bytes. */
export function srpSetup(loginSubKey) {
  const srpUserID = crypto.randomUUID();
  const salt = Buffer.from(crypto.getRandomValues(new Uint8Array(SALT_BYTES)));
  const password = Buffer.from(loginSubKey);
  const verifier = SRP.computeVerifier(PARAMS, salt, Buffer.from(srpUserID), password);
  password.fill(0);
  return { srpUserID, srpSalt: new Uint8Array(salt), srpVerifier: new Uint8Array(verifier) };
}

/**
 * One login attempt: `start()` gives A, `finish(B)` gives M1, `check(M2)` throws unless the server
 * knew the verifier. The subkey is copied in and wiped at once (the client keeps only x).
 */
export function srpLogin(srpUserID, srpSalt, loginSubKey) {
  const password = Buffer.from(loginSubKey);
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  const client = new SrpClient(PARAMS, Buffer.from(srpSalt), Buffer.from(srpUserID), password, secret, false);
  password.fill(0);
  secret.fill(0);
  return {
    A: () => new Uint8Array(client.computeA()),
    M1(B) {
      client.setB(Buffer.from(B));
      return new Uint8Array(client.computeM1());
    },
    checkM2(M2) {
      client.checkM2(Buffer.from(M2)); // throws if the server's proof is wrong
    },
  };
}
