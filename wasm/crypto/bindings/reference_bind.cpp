// Test-only switch between our wasm SIMD128 crypto paths and libsodium's portable scalar
// reference code (wasm/crypto/simd/simd_mode.h), so differential tests compare both in one build.
#include <emscripten/bind.h>

#include "simd_mode.h"

EMSCRIPTEN_BINDINGS(cipherlens_reference) {
  emscripten::function("setScalarReference", +[](bool on) { cipherlens_simd_set_scalar_mode(on); });
  emscripten::function("scalarReference", +[]() { return cipherlens_simd_scalar_mode != 0; });
}
