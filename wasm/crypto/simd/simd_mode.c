#include "simd_mode.h"

int cipherlens_simd_scalar_mode = 0;

void cipherlens_simd_set_scalar_mode(int on) { cipherlens_simd_scalar_mode = on ? 1 : 0; }
