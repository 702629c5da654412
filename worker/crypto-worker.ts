// Worker entry serving the crypto build only (the crypto API's pools): nothing of search, so a
// crypto-only app's bundle holds no search code. No top-level await (see core-worker.ts).
import { loadCryptoCore } from '../crypto/core.js';
import { badInput } from '../runtime/errors.js';
import { serve } from '../remote/serve.js';
import { createHost } from '../remote/core-host.js';

serve(() =>
  createHost(async (flavor, options) => {
    if (flavor !== undefined && flavor !== 'crypto') throw badInput(`the crypto worker serves the crypto build, not '${flavor}'`);
    return loadCryptoCore(options);
  }),
);
