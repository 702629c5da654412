#include "wipe.hpp"

#include <sodium.h>

namespace cl {

// Larger than the deepest frames of the libsodium calls we make (Argon2's block functions use
// a few KiB). noinline: the array must live in a frame of its own, below the caller's.
__attribute__((noinline)) void burn_stack() {
  unsigned char scratch[32 * 1024];
  sodium_memzero(scratch, sizeof scratch);
}

__attribute__((noinline)) void burn_shallow_stack() {
  unsigned char scratch[4 * 1024];
  sodium_memzero(scratch, sizeof scratch);
}

__attribute__((noinline)) void burn_unwrap_stack() {
  unsigned char scratch[1024];
  sodium_memzero(scratch, sizeof scratch);
}

}  // namespace cl
