// libheif-js's Emscripten factory (its own .d.ts describes the module, not this entry).
declare module 'libheif-js/libheif-wasm/libheif.js' {
  const factory: (options: { wasmBinary?: ArrayBuffer }) => Promise<unknown>;
  export default factory;
}
