// Switch between our wasm SIMD128 code and libsodium's portable scalar code at run time.
// Production never sets it; tests set it to compare both paths inside one build
// (core.primitives.reference in the TypeScript API).
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

extern int cipherlens_simd_scalar_mode;  // 0: SIMD128 paths (default), 1: libsodium's ref paths
void cipherlens_simd_set_scalar_mode(int on);

#ifdef __cplusplus
}
#endif
