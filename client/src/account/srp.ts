// SRP-6a as Ente's web client does it (fast-srp-hap's 4096-bit group, which hashes with
// SHA-256): sign-up makes a verifier from the login subkey; login proves the subkey without
// sending it. In Node this runs as it is; the app bundles it with small shims for the parts of
// Node it uses (app/shims/) and runs it in a worker of its own (app/src/srp/). Not in the
// client's index: only what runs SRP imports it (the Node entry, node.ts, and the app's worker).
// biome-ignore lint/style/useNodejsImportProtocol: npm's `buffer` in the browser bundle, Node's own in Node
import { Buffer } from 'buffer';
import fastSrp from 'fast-srp-hap';
import type { SrpSetup } from '../wire/api.js';
import type { SrpEngine, SrpLogin } from './srp-engine.js';

const { SRP, SrpClient } = fastSrp;
const PARAMS = SRP.params['4096'];
const SALT_BYTES = 16;
const SECRET_BYTES = 32; // the client's ephemeral a (SRP.genKey's default)

/** `{ srpUserID, srpSalt, srpVerifier }` for sign-up or a new password; the subkey is copied in. */
export function srpSetup(loginSubKey: Uint8Array): SrpSetup {
  const srpUserID = crypto.randomUUID();
  const salt = Buffer.from(crypto.getRandomValues(new Uint8Array(SALT_BYTES)));
  const password = Buffer.from(loginSubKey);
  const verifier = SRP.computeVerifier(PARAMS, salt, Buffer.from(srpUserID), password);
  password.fill(0);
  return { srpUserID, srpSalt: new Uint8Array(salt), srpVerifier: new Uint8Array(verifier) };
}

/**
 * One login attempt: `A()` gives A, `M1(B)` gives M1, `checkM2(M2)` throws unless the server
 * knew the verifier. The subkey is copied in and wiped at once (the client keeps only x).
 */
export function srpLogin(srpUserID: string, srpSalt: Uint8Array, loginSubKey: Uint8Array): SrpLogin {
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
      client.checkM2(Buffer.from(M2));
    },
    end() {},
  };
}

/** SRP in this thread: what Node and the tests use (the app uses a worker, app/src/srp/). */
export const localSrp: SrpEngine = {
  setup(loginSubKey) {
    try {
      return srpSetup(loginSubKey);
    } finally {
      loginSubKey.fill(0);
    }
  },
  login(srpUserID, srpSalt, loginSubKey) {
    try {
      return srpLogin(srpUserID, srpSalt, loginSubKey);
    } finally {
      loginSubKey.fill(0);
    }
  },
};
