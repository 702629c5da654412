// Ente's file hash: BLAKE2b (crypto_generichash) with a 64-byte output, fed in chunks.
#pragma once
#include <cstddef>
#include <cstdint>

#include <sodium.h>

#include "nonnull.hpp"
#include "status.hpp"

namespace cl {

constexpr size_t kFileHashBytes = crypto_generichash_BYTES_MAX;  // 64

class FileHasher {
 public:
  FileHasher() { crypto_generichash_init(&state_, nullptr, 0, kFileHashBytes); }
  ~FileHasher() { sodium_memzero(&state_, sizeof state_); }
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;

  void update(const uint8_t* data, size_t len) {
    crypto_generichash_update(&state_, nonnull(data), len);
  }
  // Writes the 64-byte hash; the hasher starts over afterwards.
  void finish(uint8_t out[kFileHashBytes]) {
    crypto_generichash_final(&state_, out, kFileHashBytes);
    crypto_generichash_init(&state_, nullptr, 0, kFileHashBytes);
  }

 private:
  crypto_generichash_state state_;
};

}  // namespace cl
