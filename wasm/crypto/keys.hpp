// Key generation and password key derivation (Argon2id v1.3), as Ente does it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

constexpr size_t kKeyBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kLoginSubKeyBytes = 16;
constexpr uint64_t kMiB = 1024 * 1024;

void generate_key(uint8_t key[kKeyBytes]);
void random_bytes(uint8_t* out, size_t len);

// Argon2id v1.3 with the given limits. kOutOfMemory when its memory cannot be allocated.
Status derive_key(uint8_t* key, size_t key_len, const uint8_t* password, size_t password_len,
                  const uint8_t salt[kSaltBytes], uint64_t ops_limit, uint64_t mem_limit);

// Ente's login (SRP) password: first 16 bytes of KDF(kek, subkey 1, context "loginctx").
void derive_login_subkey(uint8_t out[kLoginSubKeyBytes], const uint8_t kek[kKeyBytes]);

}  // namespace cl
