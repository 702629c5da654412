// The channel back to the thread that started this worker: a Node worker_threads parentPort or
// the browser worker's global scope, as a comlink endpoint plus a plain postMessage.
import type * as Comlink from 'comlink';
import { isNode } from '../runtime/env.js';

export interface Port {
  endpoint: Comlink.Endpoint;
  post(message: unknown): void;
}

export async function parentPort(): Promise<Port> {
  if (isNode) {
    // Imported only under Node so browsers and bundlers never see node: modules.
    const { parentPort: port } = await import(/* webpackIgnore: true */ 'node:worker_threads' as string);
    const { default: nodeEndpoint } = await import(/* webpackIgnore: true */ 'comlink/dist/esm/node-adapter.mjs' as string);
    return { endpoint: nodeEndpoint(port), post: (m) => port.postMessage(m) };
  }
  const scope = globalThis as unknown as Comlink.Endpoint & { postMessage(m: unknown): void };
  return { endpoint: scope, post: (m) => scope.postMessage(m) };
}
