// What every worker entry does once: expose its host on the parent port, then say it listens.
// A promise chain rather than top-level await: Vite's default worker format (iife) rejects it.
import * as Comlink from 'comlink';
import { READY, installErrorHandler } from '../remote/protocol.js';
import { parentPort } from './parent-port.js';

export function serve(host: () => object): void {
  installErrorHandler();
  void parentPort().then((port) => {
    Comlink.expose(host(), port.endpoint);
    port.post(READY);
  });
}
