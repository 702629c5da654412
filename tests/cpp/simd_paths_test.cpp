// The wasm SIMD128 paths (wasm/crypto/simd) against libsodium's scalar reference code in the same
// build, at the C level where JS cannot reach: the internal IETF ChaCha20 entry point across
// a 32-bit counter wrap, and Poly1305 fed in arbitrary pieces (including states created in
// one mode and used after the mode switched). Only the emcc build has the SIMD paths.
#ifdef __EMSCRIPTEN__
#include <catch2/catch.hpp>

#include <cstring>

#include "simd_mode.h"
#include "test_helpers.hpp"

// libsodium's internal IETF variant without the wrap check (private/chacha20_ietf_ext.h);
// secretstream and the XChaCha20 AEAD use it.
extern "C" int crypto_stream_chacha20_ietf_ext_xor_ic(unsigned char* c, const unsigned char* m,
                                                      unsigned long long mlen,
                                                      const unsigned char* n, uint32_t ic,
                                                      const unsigned char* k);

namespace {
struct ScalarMode {
  ScalarMode() { cipherlens_simd_set_scalar_mode(1); }
  ~ScalarMode() { cipherlens_simd_set_scalar_mode(0); }
};

std::vector<uint8_t> ietf_ext(const std::vector<uint8_t>& m, const uint8_t* n, uint32_t ic,
                              const uint8_t* k) {
  std::vector<uint8_t> c(m.size());
  crypto_stream_chacha20_ietf_ext_xor_ic(c.data(), m.data(), m.size(), n, ic, k);
  return c;
}

std::vector<uint8_t> poly_pieces(const std::vector<uint8_t>& m, const uint8_t* key, uint32_t seed) {
  crypto_onetimeauth_poly1305_state st;
  crypto_onetimeauth_poly1305_init(&st, key);
  size_t at = 0;
  seed = seed_for(seed);
  while (at < m.size()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = std::min<size_t>(m.size() - at, (seed >> 16) % 300);
    crypto_onetimeauth_poly1305_update(&st, m.data() + at, n);
    at += n;
  }
  std::vector<uint8_t> tag(16);
  crypto_onetimeauth_poly1305_final(&st, tag.data());
  return tag;
}
}  // namespace

TEST_CASE("IETF ChaCha20 carries a 32-bit counter wrap into the nonce word like the scalar code") {
  auto key = random_vec(32), nonce = random_vec(12);
  for (uint32_t back : {1u, 2u, 3u, 4u, 5u, 7u}) {
    for (size_t len : {1, 64, 65, 255, 256, 257, 511, 700}) {
      auto m = random_vec(len);
      uint32_t ic = 0xffffffffu - back + 1;
      auto simd = ietf_ext(m, nonce.data(), ic, key.data());
      std::vector<uint8_t> ref;
      {
        ScalarMode scalar;
        ref = ietf_ext(m, nonce.data(), ic, key.data());
      }
      CAPTURE(back, len);
      REQUIRE(simd == ref);
    }
  }
}

TEST_CASE("Poly1305 in random pieces equals one-shot and the scalar code") {
  for (uint32_t trial = 0; trial < 200; trial++) {
    auto m = random_vec((trial * 97) % 5000), key = random_vec(32);
    std::vector<uint8_t> one(16), ref(16);
    crypto_onetimeauth_poly1305(one.data(), m.data(), m.size(), key.data());
    {
      ScalarMode scalar;
      crypto_onetimeauth_poly1305(ref.data(), m.data(), m.size(), key.data());
      CAPTURE(trial, m.size());
      REQUIRE(poly_pieces(m, key.data(), trial) == ref);  // scalar, incremental
    }
    CAPTURE(trial, m.size());
    REQUIRE(one == ref);
    REQUIRE(poly_pieces(m, key.data(), trial + 1000) == ref);  // SIMD, incremental
  }
}

TEST_CASE("A Poly1305 state keeps the implementation it was created with") {
  auto m = random_vec(1000), key = random_vec(32);
  std::vector<uint8_t> expected(16), a(16), b(16);
  crypto_onetimeauth_poly1305(expected.data(), m.data(), m.size(), key.data());
  crypto_onetimeauth_poly1305_state st1, st2;
  {
    ScalarMode scalar;
    crypto_onetimeauth_poly1305_init(&st1, key.data());
  }
  crypto_onetimeauth_poly1305_update(&st1, m.data(), m.size());  // mode is SIMD again
  crypto_onetimeauth_poly1305_final(&st1, a.data());
  crypto_onetimeauth_poly1305_init(&st2, key.data());
  {
    ScalarMode scalar;
    crypto_onetimeauth_poly1305_update(&st2, m.data(), m.size());
    crypto_onetimeauth_poly1305_final(&st2, b.data());
  }
  REQUIRE(a == expected);
  REQUIRE(b == expected);
}
#endif
