import type { CryptoModule, ModuleOptions } from '../wasm/cipherlens.mjs';
import { importNode, isNode } from './env.js';

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

/**
 * One build of the core: its .wasm and its glue. Each is declared beside the API it serves
 * (crypto/core.ts, search/core.ts), with a literal `new URL('…', import.meta.url)` and import, so
 * a bundle of the crypto API alone never references the full build.
 */
export interface CoreBuild<M extends CryptoModule = CryptoModule> {
  flavor: CoreFlavor;
  url: URL;
  glue(): Promise<Factory<M>>;
}

const defaultModules = new Map<CoreFlavor, Promise<WebAssembly.Module>>();
// A relative wasmUrl resolves against the package's root folder (dist/), as it did when this
// file sat there. Through a variable: bundlers rewrite `new URL('literal', import.meta.url)`.
const here = import.meta.url;
const packageRoot = new URL('../', here);

async function readWasmFromDisk(url: URL): Promise<Uint8Array> {
  // Imported only under Node so bundlers for the browser never see node:fs.
  const { readFile } = await importNode('node:fs/promises');
  return readFile(url);
}

/** Compiles a build of the core (once per build for its default URL). Emscripten's own loader would fetch(file://) in Node. */
export function compileBuild(options: LoadOptions, build: CoreBuild<CryptoModule>): Promise<WebAssembly.Module> {
  const { flavor } = build;
  if (options.wasmModule) return Promise.resolve(options.wasmModule);
  if (options.wasmBinary) return WebAssembly.compile(options.wasmBinary as BufferSource);
  const url = options.wasmUrl ? new URL(options.wasmUrl, packageRoot) : build.url;
  const compile = async () => {
    if (url.protocol === 'file:' && isNode) return WebAssembly.compile((await readWasmFromDisk(url)) as BufferSource);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cipherlens: cannot load ${url} (${response.status})`);
    return WebAssembly.compileStreaming
      ? WebAssembly.compileStreaming(response)
      : WebAssembly.compile(await response.arrayBuffer());
  };
  if (options.wasmUrl) return compile();
  let compiled = defaultModules.get(flavor);
  if (!compiled) {
    compiled = compile().catch((e) => {
      defaultModules.delete(flavor);
      throw e;
    });
    defaultModules.set(flavor, compiled);
  }
  return compiled;
}

export async function instantiateCore<M extends CryptoModule>(options: LoadOptions, build: CoreBuild<M>): Promise<M> {
  if (!globalThis.crypto?.getRandomValues) {
    throw new Error('cipherlens: crypto.getRandomValues is required (Node >= 20 or a browser)');
  }
  const [wasmModule, createModule] = await Promise.all([compileBuild(options, build), build.glue()]);
  return createModule({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule));
      return {};
    },
  });
}
