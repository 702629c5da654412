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

// Ente's parameter sets.
constexpr uint64_t kInteractiveOps = 2, kInteractiveMem = 64 * kMiB;
constexpr uint64_t kSensitiveOps = 16, kSensitiveMem = 256 * kMiB, kSensitiveMemFloor = 128 * kMiB;

void generate_key(uint8_t key[kKeyBytes]);
void random_bytes(uint8_t* out, size_t len);

// Argon2id v1.3 with the given limits. kOutOfMemory when its memory cannot be allocated.
Status derive_key(uint8_t* key, size_t key_len, const uint8_t* password, size_t password_len,
                  const uint8_t salt[kSaltBytes], uint64_t ops_limit, uint64_t mem_limit);

// One Argon2 attempt; injectable so tests can simulate a device that runs out of memory.
using DeriveFn = Status (*)(uint8_t* key, size_t key_len, const uint8_t* password,
                            size_t password_len, const uint8_t* salt, uint64_t ops_limit,
                            uint64_t mem_limit);

// Ente's sensitive scheme: random salt; (256 MiB, 16 ops), and while memory fails halve the
// memory and double the ops, down to 128 MiB; then kOutOfMemory. Reports the limits used.
Status derive_sensitive_key(uint8_t key[kKeyBytes], uint8_t salt[kSaltBytes], uint64_t* ops_used,
                            uint64_t* mem_used, const uint8_t* password, size_t password_len,
                            DeriveFn derive = derive_key);

// Ente's login (SRP) password: first 16 bytes of KDF(kek, subkey 1, context "loginctx").
void derive_login_subkey(uint8_t out[kLoginSubKeyBytes], const uint8_t kek[kKeyBytes]);

}  // namespace cl
