// Types of the embind module built from wasm/bindings (Emscripten 3.1.6 cannot emit them).
// Byte buffers are heap addresses; functions returning a length encode errors as -status.
export interface WasmStreamEncryptor {
  init(key: number, header: number): void;
  inputPtr(): number;
  inputSpace(): number;
  commit(n: number): number;
  pushMessage(): number;
  finish(): number;
  outputPtr(): number;
  delete(): void;
}

export interface WasmStreamDecryptor {
  init(header: number, key: number): number;
  inputPtr(): number;
  inputSpace(): number;
  commit(n: number): number;
  finish(): number;
  outputPtr(): number;
  chunkIndex(): number;
  delete(): void;
}

export interface CipherlensModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;

  init(): number;
  lastErrorMessage(): string;
  lastErrorChunk(): number;
  heapInUse(): number;
  sodiumVersion(): string;

  generateKey(key: number): void;
  randomBytes(out: number, len: number): void;
  deriveKey(key: number, keyLen: number, pw: number, pwLen: number, salt: number, ops: number, mem: number): number;
  deriveSensitiveKey(key: number, salt: number, limits: number, pw: number, pwLen: number): number;
  deriveLoginSubKey(out: number, kek: number): void;

  secretboxEncrypt(c: number, nonce: number, m: number, mlen: number, key: number): void;
  secretboxDecrypt(m: number, c: number, clen: number, nonce: number, key: number): number;
  blobEncrypt(c: number, header: number, m: number, mlen: number, key: number): number;
  blobDecrypt(m: number, c: number, clen: number, header: number, key: number, strict: boolean): number;
  boxKeypair(pk: number, sk: number): void;
  boxSeal(c: number, m: number, mlen: number, pk: number): number;
  boxSealOpen(m: number, c: number, clen: number, pk: number, sk: number): number;
  StreamEncryptor: new () => WasmStreamEncryptor;
  StreamDecryptor: new () => WasmStreamDecryptor;

  resultPtr(): number;
  clearResult(): void;
  b64Encode(bin: number, len: number, variant: number): string;
  b64Decode(text: string, variant: number): number;
  mnemonicFromEntropy(entropy: number, len: number): string;
  mnemonicToEntropy(words: string, expectedWords: number): number;
  verificationId(pk: number, len: number): string;

  chacha20IetfXorIc(c: number, m: number, len: number, nonce: number, ic: number, key: number): void;
  xchacha20XorIc(c: number, m: number, len: number, nonce: number, ic: number, key: number): void;
  hchacha20(out: number, in16: number, key: number): void;
  poly1305(tag: number, m: number, len: number, key: number): void;
  aeadChacha20Poly1305IetfEncrypt(c: number, m: number, mlen: number, ad: number, adlen: number, nonce: number, key: number): void;
  aeadChacha20Poly1305IetfDecrypt(m: number, c: number, clen: number, ad: number, adlen: number, nonce: number, key: number): number;
  aeadXChacha20Poly1305IetfEncrypt(c: number, m: number, mlen: number, ad: number, adlen: number, nonce: number, key: number): void;
  aeadXChacha20Poly1305IetfDecrypt(m: number, c: number, clen: number, ad: number, adlen: number, nonce: number, key: number): number;

  /** Test-only: true selects libsodium's scalar ref code instead of the SIMD128 paths. */
  setScalarReference(on: boolean): void;
  scalarReference(): boolean;
}

export interface ModuleOptions {
  instantiateWasm?(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ): object;
  wasmBinary?: ArrayBuffer | Uint8Array;
}

declare const createCipherlensModule: (options?: ModuleOptions) => Promise<CipherlensModule>;
export default createCipherlensModule;
