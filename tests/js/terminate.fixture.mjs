// Run as a child process by worker-terminate.test.mjs: one worker kind does a job, goes idle, and
// is terminated at top level with nothing else keeping the process alive. The process must get
// past that await (else Node ends it with exit code 13, "unsettled top-level await").
import * as all from '../../js/dist/index.js';
import * as crypto from '../../js/dist/crypto.js';
import { MODEL_DIR } from './clip-helpers.mjs';

const KINDS = {
  core: () => all.createCoreWorker(),
  'core, crypto flavor': () => all.createCoreWorker({ flavor: 'crypto' }),
  pool: () => all.createWorkerPool(2),
  'crypto entry core': () => crypto.createCoreWorker(),
  'crypto entry pool': () => crypto.createWorkerPool(2),
  search: () => all.createSearchWorker({ textModel: new URL('test_text.onnx', MODEL_DIR).href, imageModel: null, numThreads: 1 }),
};

const kind = process.argv[2];
const worker = await KINDS[kind]();
await (kind === 'search' ? worker.size() : worker.generateKey());
await worker.terminate();
console.log(`${kind} terminated`);
