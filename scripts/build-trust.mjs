// The client's trust layer (client/src/trust) for Node, as one ES module in build/trust/: what
// the server's tests and the lying-server suite import. The app bundles the same sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}build/trust/index.mjs`;
await build({
  entryPoints: [`${root}client/src/trust/index.ts`],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log(`build: the trust layer for Node in ${outfile}`);
