// Where SRP's arithmetic runs (srp.ts in this thread, or the app's worker), as the ceremonies
// see it.
import type { SrpSetup } from '../wire/api.js';

/** One login attempt's steps (each may answer from another thread). */
export interface SrpLogin {
  A(): Uint8Array | Promise<Uint8Array>;
  M1(B: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Throws unless the server knew the verifier. */
  checkM2(M2: Uint8Array): void | Promise<void>;
  /** Frees what the attempt holds (a worker, say). */
  end(): void;
}

/** Where SRP's arithmetic runs. Both calls take ownership of the login subkey and zero it. */
export interface SrpEngine {
  setup(loginSubKey: Uint8Array): SrpSetup | Promise<SrpSetup>;
  login(srpUserID: string, srpSalt: Uint8Array, loginSubKey: Uint8Array): SrpLogin;
}
