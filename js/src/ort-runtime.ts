import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;

/** How ONNX Runtime Web is found and set up. All optional. */
export interface OrtOptions {
  /** An already imported onnxruntime-web module (e.g. `import * as ort from 'onnxruntime-web/wasm'`
   *  in a bundle, or a worker that cannot resolve bare specifiers). Default: `import('onnxruntime-web')`. */
  ort?: OrtModule;
  /** Folder (URL, trailing slash) holding ort-wasm-simd-threaded.{mjs,wasm}. Default: the copies
   *  the build puts in dist/ort/ beside this file, so nothing is fetched from a CDN. */
  wasmPaths?: string | URL;
  /** Threads for the wasm backend (browsers need crossOriginIsolated for more than 1). */
  numThreads?: number;
}

/** The self-hosted ORT wasm files shipped with the package. */
export const DEFAULT_ORT_WASM_PATHS = new URL('./ort/', import.meta.url).href;

const configured = new WeakSet<object>();

/** Imports ONNX Runtime Web once and points it at self-hosted wasm files before its first session. */
export async function loadOrt(options: OrtOptions = {}): Promise<OrtModule> {
  // Imported lazily so users of the crypto core alone never load ONNX Runtime.
  const ort = options.ort ?? (await import('onnxruntime-web'));
  if (!configured.has(ort.env)) {
    configured.add(ort.env);
    ort.env.wasm.wasmPaths = String(options.wasmPaths ?? DEFAULT_ORT_WASM_PATHS);
    if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  }
  return ort;
}
