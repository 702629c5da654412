// Shared by the libFuzzer targets: a reader that turns the fuzz input into decisions and data,
// a property check that aborts (so libFuzzer records the input), and deterministic randomness
// so a crashing input reproduces exactly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <sodium.h>

#include "status.hpp"

// A violated property: print where and why, then abort (libFuzzer saves the input as a crash).
#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

namespace fuzz {

// Consumes the input from the front; past the end it yields zeros and empty spans.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  size_t left() const { return n_; }
  uint8_t byte() { return n_ ? (n_--, *p_++) : 0; }
  uint32_t u16() { return uint32_t(byte()) | uint32_t(byte()) << 8; }
  uint32_t u32() { return u16() | u16() << 16; }
  bool flag() { return byte() & 1; }
  // Up to `max` bytes (fewer when the input runs out).
  std::vector<uint8_t> bytes(size_t max) {
    size_t n = max < n_ ? max : n_;
    std::vector<uint8_t> v(p_, p_ + n);
    p_ += n;
    n_ -= n;
    return v;
  }
  std::vector<uint8_t> rest() { return bytes(n_); }

 private:
  const uint8_t* p_;
  size_t n_;
};

// libsodium's random source replaced by a seeded stream, reset before each input.
namespace detail {
inline uint64_t g_counter = 0;
inline void buf(void* out, size_t size) {
  uint8_t seed[randombytes_SEEDBYTES] = {0};
  std::memcpy(seed, &g_counter, sizeof g_counter);
  g_counter++;
  randombytes_buf_deterministic(out, size, seed);
}
inline uint32_t random32() {
  uint32_t x;
  buf(&x, sizeof x);
  return x;
}
inline const char* name() { return "fuzz-deterministic"; }
inline randombytes_implementation g_impl = {name, random32, nullptr, nullptr, buf, nullptr};
}  // namespace detail

inline void reset_random() { detail::g_counter = 0; }

// Call from LLVMFuzzerInitialize: deterministic randomness, then libsodium.
inline void init() {
  randombytes_set_implementation(&detail::g_impl);
  if (cl::init() != cl::kOk) std::abort();
}

// Every status a core call may return.
inline bool known_status(cl::Status s) { return s >= cl::kOk && s <= cl::kClosed; }

// A fixed key for targets that build authentic inputs themselves.
inline const uint8_t* fixed_key() {
  static const uint8_t key[32] = {0x63, 0x69, 0x70, 0x68, 0x65, 0x72, 0x6c, 0x65, 0x6e, 0x73};
  return key;
}

}  // namespace fuzz

#define FUZZ_INIT()                                    \
  extern "C" int LLVMFuzzerInitialize(int*, char***) { \
    fuzz::init();                                      \
    return 0;                                          \
  }
