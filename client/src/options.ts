// What every part of the client is created with: where the server is, the crypto to run, where
// SRP runs and how strong a new password's derivation is.
import type { SrpEngine } from './account/srp-engine.js';
import type { ClientCrypto, KdfStrength } from './crypto.js';
import type { HttpOptions } from './wire/http.js';

export interface ClientOptions extends HttpOptions {
  crypto: ClientCrypto;
  /**
   * Where SRP's arithmetic runs: `localSrp` in this thread (Node), or a worker (the app). Not a
   * default, so a bundle that brings its own carries no second copy of fast-srp-hap.
   */
  srp: SrpEngine;
  /** A new password's key derivation: Ente's sign-up strength ('sensitive') by default. */
  kdf?: KdfStrength;
}

/** Progress of a ceremony, in words (e.g. "Deriving your key (Argon2id, 256 MiB, 16 passes)…"). */
export type OnStep = (label: string) => void;
