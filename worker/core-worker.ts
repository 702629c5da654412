// Worker entry: the same module runs as a browser module Worker and as a Node worker_threads
// worker. It serves the host (one core instance, loaded on init) through comlink.
import * as Comlink from 'comlink';
import { createHost } from './host.js';
import { READY, installErrorHandler } from '../remote/protocol.js';

interface Port {
  endpoint: Comlink.Endpoint;
  post(message: unknown): void;
}

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

async function parentPort(): Promise<Port> {
  if (isNode) {
    // Imported only under Node so browsers and bundlers never see node: modules.
    const { parentPort: port } = await import(/* webpackIgnore: true */ 'node:worker_threads' as string);
    const { default: nodeEndpoint } = await import(/* webpackIgnore: true */ 'comlink/dist/esm/node-adapter.mjs' as string);
    return { endpoint: nodeEndpoint(port), post: (m) => port.postMessage(m) };
  }
  const scope = globalThis as unknown as Comlink.Endpoint & { postMessage(m: unknown): void };
  return { endpoint: scope, post: (m) => scope.postMessage(m) };
}

installErrorHandler();
const port = await parentPort();
Comlink.expose(createHost(), port.endpoint);
port.post(READY);
