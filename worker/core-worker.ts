// Worker entry serving either build (the full API's pools). The same module runs as a browser
// Worker and as a Node worker_threads worker; no top-level await, so bundlers may emit it as a
// classic script (Vite's default worker format).
import { loadCryptoCore } from '../crypto/core.js';
import { loadCore } from '../search/core.js';
import { serve } from '../remote/serve.js';
import { createHost } from '../remote/core-host.js';

serve(() => createHost((flavor, options) => (flavor === 'crypto' ? loadCryptoCore(options) : loadCore(options))));
