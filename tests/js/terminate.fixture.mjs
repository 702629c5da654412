// Run as a child process by worker-terminate.test.mjs: one worker kind does a job, goes idle, and
// is terminated at top level with nothing else keeping the process alive. The process must get
// past that await (else Node ends it with exit code 13, "unsettled top-level await").
import { createCoreWorker, createWorkerPool, createSearchWorker } from '../../js/dist/index.js';
import { startModelServer } from './clip-helpers.mjs';

const kind = process.argv[2];
let worker;
if (kind === 'search') {
  const server = await startModelServer();
  worker = await createSearchWorker({ textModel: 'test_text.onnx', imageModel: 'test_image_rgba.onnx', baseUrl: server.modelsUrl, cache: false });
  await worker.size();
  await server.close();
} else {
  worker = kind === 'pool' ? await createWorkerPool(2) : await createCoreWorker();
  await worker.generateKey();
}
await worker.terminate();
console.log(`${kind} terminated`);
