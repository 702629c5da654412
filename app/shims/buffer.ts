// Injected by esbuild wherever the bundle uses Node's global `Buffer` (fast-srp-hap): npm `buffer`.
export { Buffer } from 'buffer';
