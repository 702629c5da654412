// Worker entry for CLIP search (remote/search-host.ts). No top-level await (see core-worker.ts).
//
// A bundler that inlines ONNX Runtime into this worker (Vite's default worker format, esbuild)
// also makes this file ONNX Runtime's thread worker: with numThreads > 1 ORT starts its threads
// from its own module's URL, which is now this file, named 'em-pthread'. Such a thread only
// needs ORT's code evaluated (it then answers ORT's messages); serving search there instead
// would leave ORT waiting for its threads forever.
import { serve } from '../remote/serve.js';
import { createSearchHost } from '../remote/search-host.js';

const isOrtThread = (globalThis as { name?: string }).name?.startsWith('em-pthread') === true;
if (isOrtThread) void import('#ort' as string);
else serve(createSearchHost);
