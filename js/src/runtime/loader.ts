import type { CipherlensModule, CryptoModule, ModuleOptions } from '../wasm/cipherlens.mjs';
import { isNode } from './env.js';

/** Where the compiled core comes from. All optional: by default the .wasm beside this file. */
export interface LoadOptions {
  /** An already compiled module (e.g. shared by a pool of workers). */
  wasmModule?: WebAssembly.Module;
  /** The .wasm bytes. */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** Where to fetch the .wasm from (browsers). */
  wasmUrl?: string | URL;
}

/**
 * Which build of the core: 'full' (cipherlens.wasm, everything) or 'crypto'
 * (cipherlens-crypto.wasm, about a fifth of the size: keys, encryption, sharing, hashing,
 * encodings and recovery phrases, without CLIP search).
 */
export type CoreFlavor = 'full' | 'crypto';

type Factory<M> = (options?: ModuleOptions) => Promise<M>;

// Written out per flavor so bundlers see both the .wasm URLs and the glue imports.
const FLAVORS = {
  full: {
    url: new URL('../wasm/cipherlens.wasm', import.meta.url),
    glue: async (): Promise<Factory<CipherlensModule>> => (await import('../wasm/cipherlens.mjs')).default,
  },
  crypto: {
    url: new URL('../wasm/cipherlens-crypto.wasm', import.meta.url),
    glue: async (): Promise<Factory<CryptoModule>> => (await import('../wasm/cipherlens-crypto.mjs')).default,
  },
};
const defaultModules = new Map<CoreFlavor, Promise<WebAssembly.Module>>();
// A relative wasmUrl resolves against the package's root folder (dist/), as it did when this
// file sat there. Through a variable: bundlers rewrite `new URL('literal', import.meta.url)`.
const here = import.meta.url;
const packageRoot = new URL('../', here);


async function readWasmFromDisk(url: URL): Promise<Uint8Array> {
  // Imported only under Node so bundlers for the browser never see node:fs.
  const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises' as string);
  return readFile(url);
}

/** Compiles the core (once per flavor for the default URL). Emscripten's own loader would fetch(file://) in Node. */
export function compileCore(options: LoadOptions = {}, flavor: CoreFlavor = 'full'): Promise<WebAssembly.Module> {
  if (options.wasmModule) return Promise.resolve(options.wasmModule);
  if (options.wasmBinary) return WebAssembly.compile(options.wasmBinary as BufferSource);
  const url = options.wasmUrl ? new URL(options.wasmUrl, packageRoot) : FLAVORS[flavor].url;
  const compile = async () => {
    if (url.protocol === 'file:' && isNode) return WebAssembly.compile(await readWasmFromDisk(url) as BufferSource);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cipherlens: cannot load ${url} (${response.status})`);
    return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(response)
      : WebAssembly.compile(await response.arrayBuffer());
  };
  if (options.wasmUrl) return compile();
  let compiled = defaultModules.get(flavor);
  if (!compiled) {
    compiled = compile().catch((e) => { defaultModules.delete(flavor); throw e; });
    defaultModules.set(flavor, compiled);
  }
  return compiled;
}

export async function instantiateCore(options: LoadOptions, flavor: 'crypto'): Promise<CryptoModule>;
export async function instantiateCore(options?: LoadOptions, flavor?: 'full'): Promise<CipherlensModule>;
export async function instantiateCore(options: LoadOptions = {}, flavor: CoreFlavor = 'full'): Promise<CryptoModule> {
  if (!globalThis.crypto?.getRandomValues) {
    throw new Error('cipherlens: crypto.getRandomValues is required (Node >= 20 or a browser)');
  }
  const [wasmModule, createModule] = await Promise.all([compileCore(options, flavor), FLAVORS[flavor].glue()]);
  return createModule({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule));
      return {};
    },
  });
}
