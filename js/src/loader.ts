import createCipherlensModule, { type CipherlensModule } from './wasm/cipherlens.mjs';
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

const DEFAULT_WASM_URL = new URL('./wasm/cipherlens.wasm', import.meta.url);
let defaultModule: Promise<WebAssembly.Module> | undefined;


async function readWasmFromDisk(url: URL): Promise<Uint8Array> {
  // Imported only under Node so bundlers for the browser never see node:fs.
  const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises' as string);
  return readFile(url);
}

/** Compiles the core once per URL/binary. Emscripten's own loader would fetch(file://) in Node. */
export function compileCore(options: LoadOptions = {}): Promise<WebAssembly.Module> {
  if (options.wasmModule) return Promise.resolve(options.wasmModule);
  if (options.wasmBinary) return WebAssembly.compile(options.wasmBinary as BufferSource);
  const url = options.wasmUrl ? new URL(options.wasmUrl, import.meta.url) : DEFAULT_WASM_URL;
  const compile = async () => {
    if (url.protocol === 'file:' && isNode) return WebAssembly.compile(await readWasmFromDisk(url) as BufferSource);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cipherlens: cannot load ${url} (${response.status})`);
    return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(response)
      : WebAssembly.compile(await response.arrayBuffer());
  };
  if (options.wasmUrl) return compile();
  defaultModule ??= compile().catch((e) => { defaultModule = undefined; throw e; });
  return defaultModule;
}

export async function instantiateCore(options: LoadOptions = {}): Promise<CipherlensModule> {
  if (!globalThis.crypto?.getRandomValues) {
    throw new Error('cipherlens: crypto.getRandomValues is required (Node >= 20 or a browser)');
  }
  const wasmModule = await compileCore(options);
  return createCipherlensModule({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule));
      return {};
    },
  });
}
