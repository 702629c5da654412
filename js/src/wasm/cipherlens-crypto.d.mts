// Types of cipherlens-crypto.mjs: the same bindings as cipherlens.mjs without CLIP search.
import type { CryptoModule, ModuleOptions } from './cipherlens.mjs';

declare const createCipherlensModule: (options?: ModuleOptions) => Promise<CryptoModule>;
export default createCipherlensModule;
