#pragma once
// Random test inputs, reproducibly. Every random input comes from Catch's run seed
// (--rng-seed; scripts/test.sh passes TEST_SEED, or a fresh seed it prints), and Catch's console
// reporter prints "Randomness seeded to: N" with the first failure. Each test case draws from its
// own stream, keyed by the seed and its name (main.cpp's listener starts it), so its inputs do not
// depend on which other test cases ran.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <sodium.h>

namespace test_random {
struct Stream {
  std::string name = "(no test case)";
  uint64_t draws = 0;
};
inline Stream& stream() {
  static Stream s;
  return s;
}
inline void start(const std::string& test_case) { stream() = Stream{test_case, 0}; }
/** 32 key bytes from the run seed, the test case's name, a label and a number. */
inline void derive(unsigned char out[32], const char* label, uint64_t n) {
  uint32_t seed = Catch::rngSeed();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&seed), sizeof seed);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(stream().name.data()),
                            stream().name.size() + 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(label),
                            std::char_traits<char>::length(label) + 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
  crypto_generichash_final(&st, out, 32);
}
}  // namespace test_random

/** n random bytes from the current test case's stream (ChaCha20 keyed from the run seed). */
inline std::vector<uint8_t> random_vec(size_t n) {
  std::vector<uint8_t> v(n);
  unsigned char key[32];
  test_random::derive(key, "bytes", test_random::stream().draws++);
  if (n) randombytes_buf_deterministic(v.data(), n, key);  // an empty vector's data() may be null
  return v;
}

/** A 32-bit seed for a generator of the test case's own (std::mt19937, an LCG), from the run seed
 * and a label. */
inline uint32_t seed_for(uint32_t label) {
  unsigned char key[32];
  test_random::derive(key, "seed", label);
  return uint32_t(key[0]) | uint32_t(key[1]) << 8 | uint32_t(key[2]) << 16 | uint32_t(key[3]) << 24;
}

inline std::vector<uint8_t> from_hex(const char* hex) {
  std::vector<uint8_t> out;
  for (const char* p = hex; p[0] && p[1]; p += 2) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.push_back(uint8_t(nib(p[0]) << 4 | nib(p[1])));
  }
  return out;
}

/** n standard normal floats from the test case's own generator (seed it with seed_for). */
inline std::vector<float> gaussian(std::mt19937& rng, size_t n) {
  std::normal_distribution<float> g(0, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = g(rng);
  return v;
}
