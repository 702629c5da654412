import createCipherlensModule from './js/dist/wasm/cipherlens.mjs';
import { readFileSync } from 'node:fs';
const wasmBinary = readFileSync('./js/dist/wasm/cipherlens.wasm');
const mod = await createCipherlensModule({ wasmBinary });
const W = 4000, H = 3000;
const img = new Uint8Array(W*H*4).map((_, i) => (i * 2654435761) >>> 24);
const inp = mod._malloc(W*H*4), out = mod._malloc(3*256*256*4);
mod.HEAPU8.set(img, inp);
for (const simd of [true, false, true, false]) {
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) mod.clipPreprocess(out, inp, W, H, simd);
  console.log(simd ? 'simd' : 'scalar', ((performance.now() - t0) / 5).toFixed(1), 'ms');
}
