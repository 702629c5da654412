// Worker entry for faces (remote/face-host.ts). No top-level await (see core-worker.ts).
import { serve } from '../remote/serve.js';
import { createFaceHost } from '../remote/face-host.js';

serve(createFaceHost);
