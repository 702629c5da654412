import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;

/** How ONNX Runtime Web is found and set up. All optional. */
export interface OrtOptions {
  /** An already imported onnxruntime-web module (e.g. `import * as ort from 'onnxruntime-web/wasm'`
   *  in a bundle, or a worker that cannot resolve bare specifiers). Default: `import('onnxruntime-web')`. */
  ort?: OrtModule;
  /** Folder (URL, trailing slash) holding ort-wasm-simd-threaded.{mjs,wasm}. Default: what the
   *  app already set in `ort.env.wasm.wasmPaths`, else the copies the build puts in the
   *  package's dist/ort/, so nothing is fetched from a CDN. */
  wasmPaths?: string | URL;
  /** Threads for the wasm backend (browsers need crossOriginIsolated for more than 1). */
  numThreads?: number;
}

// Through a variable: bundlers rewrite `new URL('literal', import.meta.url)` as a file asset,
// and this is a folder.
const here = import.meta.url;
/** The self-hosted ORT wasm files shipped with the package. */
export const DEFAULT_ORT_WASM_PATHS = new URL('../ort/', here).href;

const configured = new WeakSet<object>();

/** Imports ONNX Runtime Web once and points it at self-hosted wasm files before its first session. */
export async function loadOrt(options: OrtOptions = {}): Promise<OrtModule> {
  // Imported lazily so users of the crypto core alone never load ONNX Runtime.
  const ort = options.ort ?? (await import('onnxruntime-web'));
  if (!configured.has(ort.env)) {
    configured.add(ort.env);
    if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = String(options.wasmPaths);
    else ort.env.wasm.wasmPaths ??= DEFAULT_ORT_WASM_PATHS; // keep an app's own setting
    if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  }
  return ort;
}
