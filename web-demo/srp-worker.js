// A worker for SRP (srp.js): its 4096-bit modular arithmetic takes ~100 ms per step, which on the
// page would freeze it at every login. One worker per sign-up or login, ended afterwards.
import { expose, transfer } from 'comlink';
import { srpSetup, srpLogin } from './srp.js';

let login = null;

expose({
  setup(subKey) {
    const { srpUserID, srpSalt, srpVerifier } = srpSetup(subKey);
    subKey.fill(0);
    return transfer({ srpUserID, srpSalt, srpVerifier }, [srpSalt.buffer, srpVerifier.buffer]);
  },
  start(srpUserID, srpSalt, subKey) {
    login = srpLogin(srpUserID, srpSalt, subKey);
    subKey.fill(0);
    return login.A();
  },
  M1: (B) => login.M1(B),
  checkM2: (M2) => login.checkM2(M2),
});
