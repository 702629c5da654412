// The page's SRP engine: the client's SRP calls answered by a worker of their own (worker.ts).
// A copy of the login subkey is transferred there; the caller's bytes are zeroed.
import { transfer, wrap } from 'comlink';
import type { SrpEngine } from '../../../client/src/index.js';
import type { SrpWorkerApi } from './worker.js';

/** A copy of `key` to transfer, and `key` zeroed. */
function handOver(key: Uint8Array): Uint8Array {
  const copy = key.slice();
  key.fill(0);
  return transfer(copy, [copy.buffer]);
}

/** SRP in a worker started from `workerUrl` for each sign-up or login. */
export function workerSrp(workerUrl: URL): SrpEngine {
  const spawn = () => {
    const worker = new Worker(workerUrl, { type: 'module' });
    return { srp: wrap<SrpWorkerApi>(worker), end: () => worker.terminate() };
  };
  return {
    async setup(loginSubKey) {
      const { srp, end } = spawn();
      try {
        return await srp.setup(handOver(loginSubKey));
      } finally {
        end();
      }
    },
    login(srpUserID, srpSalt, loginSubKey) {
      const { srp, end } = spawn();
      const started = srp.start(srpUserID, srpSalt, handOver(loginSubKey));
      return { A: () => started, M1: (B) => srp.M1(B), checkM2: (M2) => srp.checkM2(M2), end };
    },
  };
}
