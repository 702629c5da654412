// Hooks for the test suites and benchmarks, not part of the API, under one name: the module's
// `Testing` (class functions of an empty class, embind's only namespace).
// - setScalarReference / scalarReference: switch between our wasm SIMD128 crypto paths and
//   libsodium's portable scalar reference code (wasm/crypto/simd/simd_mode.h), so differential
//   tests compare both in one build.
// - secretstreamPullOnce: one secretstream chunk through the stitched pull from a fresh state
//   (the crypto bench's kernel row); 0 if it authenticated.
#include <emscripten/bind.h>

#include <sodium.h>

#include "ptr.hpp"
#include "secretstream_pull_wasm128.h"
#include "simd_mode.h"

using clb::P;

namespace {
struct Testing {};
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_testing) {
  emscripten::class_<Testing>("Testing")
      .class_function(
          "setScalarReference", +[](bool on) { cipherlens_simd_set_scalar_mode(on); })
      .class_function(
          "scalarReference", +[]() { return cipherlens_simd_scalar_mode != 0; })
      .class_function(
          "secretstreamPullOnce",
          +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t header, uintptr_t key) {
            crypto_secretstream_xchacha20poly1305_state st;
            crypto_secretstream_xchacha20poly1305_init_pull(&st, P(header), P(key));
            int rc =
                cipherlens_secretstream_pull(&st, P(m), nullptr, nullptr, P(c), clen, nullptr, 0);
            sodium_memzero(&st, sizeof st);
            return rc;
          });
}
