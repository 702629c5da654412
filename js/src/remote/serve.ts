// The worker side of a thread: what every worker entry (worker/*.ts) does once, exposing its host
// on the channel back to the thread that started it (a Node worker_threads parentPort or the
// browser worker's global scope), then saying it listens.
import * as Comlink from 'comlink';
import { READY, installErrorHandler } from './protocol.js';
import { importNode, isNode } from '../runtime/env.js';

async function parentPort(): Promise<{ endpoint: Comlink.Endpoint; post(message: unknown): void }> {
  if (isNode) {
    const { parentPort: port } = await importNode('node:worker_threads');
    const { default: nodeEndpoint } = await importNode('comlink/dist/esm/node-adapter.mjs');
    return { endpoint: nodeEndpoint(port), post: (m) => port.postMessage(m) };
  }
  const scope = globalThis as unknown as Comlink.Endpoint & { postMessage(m: unknown): void };
  return { endpoint: scope, post: (m) => scope.postMessage(m) };
}

/** Serves `host()` to the starting thread. A promise chain rather than top-level await: Vite's
 *  default worker format (iife) rejects it. */
export function serve(host: () => object): void {
  installErrorHandler();
  void parentPort().then((port) => {
    Comlink.expose(host(), port.endpoint);
    port.post(READY);
  });
}
