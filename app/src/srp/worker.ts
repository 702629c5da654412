// A worker for SRP (client/src/account/srp.ts): its 4096-bit modular arithmetic takes ~100 ms per
// step, which on the page would freeze it at every login. One worker per sign-up or login, ended
// afterwards (srp/remote.ts).
import { expose, transfer } from 'comlink';
import type { SrpLogin } from '../../../client/src/account/srp-engine.js';
import { srpLogin, srpSetup } from '../../../client/src/account/srp.js';

/** The calls the page makes; one login attempt at most per worker. */
function serve() {
  let login: SrpLogin | null = null;
  return {
    setup(subKey: Uint8Array) {
      const { srpUserID, srpSalt, srpVerifier } = srpSetup(subKey);
      subKey.fill(0);
      return transfer({ srpUserID, srpSalt, srpVerifier }, [srpSalt.buffer, srpVerifier.buffer]);
    },
    start(srpUserID: string, srpSalt: Uint8Array, subKey: Uint8Array) {
      login = srpLogin(srpUserID, srpSalt, subKey);
      subKey.fill(0);
      return login.A();
    },
    M1: (B: Uint8Array) => login!.M1(B),
    checkM2: (M2: Uint8Array) => login!.checkM2(M2),
  };
}
export type SrpWorkerApi = ReturnType<typeof serve>;

expose(serve());
