// An empty buffer may arrive as a null pointer (an empty std::vector, a caller with nothing to
// pass), but libsodium declares its pointer arguments nonnull even when the length beside them
// is zero, as memcpy and explicit_bzero do: passing null is undefined behaviour, which the
// sanitizer build reports (issue 12 item 9). These substitute a valid address for null; with a
// zero length nothing is read or written there.
#pragma once
#include <cstddef>
#include <cstdint>

#include <sodium.h>

namespace cl {

inline const uint8_t* nonnull(const uint8_t* p) {
  static const uint8_t kNothing = 0;
  return p ? p : &kNothing;
}
inline uint8_t* nonnull(uint8_t* p) {
  static uint8_t spare;  // written by no call: its length is zero
  return p ? p : &spare;
}
inline const char* nonnull(const char* p) { return p ? p : ""; }

// sodium_memzero of a buffer that may be empty and null.
inline void wipe_bytes(void* p, size_t n) {
  if (n) sodium_memzero(p, n);
}

}  // namespace cl
