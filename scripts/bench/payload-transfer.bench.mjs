// Where transferring a payload to a worker starts to pay: a round trip of N bytes to a
// worker_threads worker and back, the bytes copied (structured clone) or transferred. Transfer
// detaches the caller's buffer, which surprises callers of small calls (a key sealed to a
// friend was emptied), so worker calls copy payloads below the size this finds (PAYLOAD_TRANSFER_BYTES
// in js/src/remote/routes.ts) and transfer from it on.
import { Worker } from 'node:worker_threads';
import { rounds, table, fmt, times } from './harness.mjs';

const SIZES = [32, 1024, 16 * 1024, 64 * 1024, 128 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const worker = new Worker(
  'const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m, [m.buffer]));',
  { eval: true },
);
const echo = (bytes, transfer) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(bytes, transfer ? [bytes.buffer] : []);
  });

const rows = [];
for (const size of SIZES) {
  const calls = Math.max(20, Math.min(2000, Math.round((64 * 1024 * 1024) / size / 8)));
  const batch = (transfer) => ({
    prepare: () => Array.from({ length: calls }, () => new Uint8Array(size).fill(1)),
    run: async (inputs) => {
      for (const b of inputs) await echo(b, transfer);
    },
  });
  const r = await rounds({ copy: batch(false), transfer: batch(true) }, { rounds: 7, warmup: 1 });
  const us = (name) => (r.median[name] / calls) * 1e6;
  rows.push([
    size >= 1024 ? `${size / 1024} KiB` : `${size} B`,
    fmt(us('copy'), 1),
    fmt(us('transfer'), 1),
    times(us('copy') / us('transfer')),
  ]);
}
await worker.terminate();
console.log('## Worker payloads: copy or transfer (Node worker_threads)\n');
console.log(table(['payload', 'copy round trip (µs)', 'transfer round trip (µs)', 'copy / transfer'], rows));
console.log('\nA round trip to a worker and back, medians of 7 rounds. Below the size where copying costs');
console.log('about as much as transferring, worker calls copy (the caller keeps its bytes).');
