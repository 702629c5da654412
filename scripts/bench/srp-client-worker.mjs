// The server bench's SRP client (fast-srp-hap's SrpClient, as the gallery runs it) in a worker
// thread of its own: its pure-JS big-number steps (~150 ms a log-in) would otherwise stall the
// load generator's event loop and inflate every other route's measured latency.
import { parentPort } from 'node:worker_threads';
import SRPModule from 'fast-srp-hap';

const { SRP, SrpClient } = SRPModule;
const clients = new Map();
parentPort.on('message', ({ id, step, salt, identity, password, B }) => {
  try {
    if (step === 'A') {
      // Buffers arrive as Uint8Arrays; fast-srp-hap wants Buffers.
      const client = new SrpClient(
        SRP.params['4096'],
        Buffer.from(salt),
        Buffer.from(identity),
        Buffer.from(password),
        Buffer.from(crypto.getRandomValues(new Uint8Array(32))),
        false,
      );
      clients.set(id, client);
      parentPort.postMessage({ id, value: client.computeA() });
    } else {
      const client = clients.get(id);
      clients.delete(id);
      client.setB(Buffer.from(B));
      parentPort.postMessage({ id, value: client.computeM1() });
    }
  } catch (e) {
    parentPort.postMessage({ id, error: e.message });
  }
});
