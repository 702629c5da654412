import type * as Ort from 'onnxruntime-web';

/** The onnxruntime-web module (what `import * as ort from 'onnxruntime-web'` gives). */
export type OrtModule = typeof Ort;

/** How ONNX Runtime Web is found and set up. All optional. */
export interface OrtOptions {
  /** An already imported onnxruntime-web module (e.g. `import * as ort from 'onnxruntime-web/wasm'`
   *  in a bundle, or a worker that cannot resolve bare specifiers). Default: `import('onnxruntime-web/wasm')`. */
  ort?: OrtModule;
  /** Folder (URL, trailing slash) holding ort-wasm-simd-threaded.{mjs,wasm}. Default: ONNX Runtime's
   *  own choice: the files beside its module in Node and without a bundler, the files a bundler
   *  emitted from the onnxruntime-web package, or what the app set in `ort.env.wasm.wasmPaths`. */
  wasmPaths?: string | URL;
  /** Threads for the wasm backend (browsers need crossOriginIsolated for more than 1). */
  numThreads?: number;
}

const configured = new WeakSet<object>();

/** Imports ONNX Runtime Web once and applies the options before its first session. */
export async function loadOrt(options: OrtOptions = {}): Promise<OrtModule> {
  // Imported lazily so users of the crypto core alone never load ONNX Runtime. '#ort' (package.json
  // "imports"): in browsers the wasm-only build, the only backend used here, whose .wasm is half
  // the default build's 28 MB (over some static hosts' 25 MiB per-file limit); in Node the default.
  const ort: OrtModule = options.ort ?? (await import('#ort' as string));
  if (!configured.has(ort.env)) {
    configured.add(ort.env);
    if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = String(options.wasmPaths);
    if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  }
  return ort;
}
