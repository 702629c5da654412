// Imports a TypeScript module of the app (app/src) in Node: esbuild bundles it (and what it
// imports) into a data: URL module, as the app's build would, without the page around it.
import { build } from 'esbuild';

export async function importApp(path) {
  const { outputFiles } = await build({
    entryPoints: [new URL(`../../${path}`, import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}
