// Worker entry: the same module runs as a browser module Worker and as a Node worker_threads
// worker. It serves the host (one core instance, loaded on init) through comlink.
import * as Comlink from 'comlink';
import { createHost } from './host.js';
import { READY, installErrorHandler } from '../remote/protocol.js';
import { parentPort } from './parent-port.js';

installErrorHandler();
const port = await parentPort();
Comlink.expose(createHost(), port.endpoint);
port.post(READY);
