// The page's side of srp-worker.js: the same calls as srp.js, answered by a worker of their own.
// A copy of the login subkey is transferred there; the caller's bytes are zeroed.
import { wrap, transfer } from 'comlink';

/** A copy of `key` to transfer, and `key` zeroed. */
function handOver(key) {
  const copy = key.slice();
  key.fill(0);
  return transfer(copy, [copy.buffer]);
}

function spawn() {
  const worker = new Worker(new URL('srp-worker.js', location.href), { type: 'module' });
  return { srp: wrap(worker), end: () => worker.terminate() };
}

/** As srpSetup, off the page. */
export async function srpSetup(loginSubKey) {
  const { srp, end } = spawn();
  try {
    return await srp.setup(handOver(loginSubKey));
  } finally {
    end();
  }
}

/** As srpLogin, off the page: `A()`, `M1(B)`, `checkM2(M2)` resolve; `end()` when done. */
export function srpLogin(srpUserID, srpSalt, loginSubKey) {
  const { srp, end } = spawn();
  const started = srp.start(srpUserID, srpSalt, handOver(loginSubKey));
  return {
    A: () => started,
    M1: (B) => srp.M1(B),
    checkM2: (M2) => srp.checkM2(M2),
    end,
  };
}
