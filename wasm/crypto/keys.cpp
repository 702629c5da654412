#include "keys.hpp"

#include <sodium.h>

#include <cerrno>

#include "nonnull.hpp"
#include "wipe.hpp"

namespace cl {

void generate_key(uint8_t key[kKeyBytes]) { crypto_secretbox_keygen(key); }

void random_bytes(uint8_t* out, size_t len) { randombytes_buf(nonnull(out), len); }

Status derive_key(uint8_t* key, size_t key_len, const uint8_t* password, size_t password_len,
                  const uint8_t salt[kSaltBytes], uint64_t ops_limit, uint64_t mem_limit) {
  if (key_len < crypto_pwhash_BYTES_MIN || key_len > 64)
    return fail(kBadInput, "key length must be between 16 and 64 bytes");
  if (ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops_limit > 0xffffffffULL)
    return fail(kBadInput, "opsLimit must be between 1 and 2^32-1");
  if (mem_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN)
    return fail(kBadInput, "memLimit must be at least 8 KiB");
  if (mem_limit > crypto_pwhash_argon2id_MEMLIMIT_MAX)  // 4 GiB - 1 on wasm32
    return fail(kOutOfMemory, "memLimit exceeds what this platform can address");
  errno = 0;
  int rc =
      crypto_pwhash(key, key_len, reinterpret_cast<const char*>(nonnull(password)), password_len,
                    salt, ops_limit, static_cast<size_t>(mem_limit), crypto_pwhash_ALG_ARGON2ID13);
  burn_stack();
  if (rc != 0) {
    sodium_memzero(key, key_len);
    if (errno == ENOMEM || errno == 0)
      return fail(kOutOfMemory, "not enough memory for the key derivation's memLimit");
    return fail(kBadInput, "key derivation rejected its parameters");
  }
  return kOk;
}

void derive_login_subkey(uint8_t out[kLoginSubKeyBytes], const uint8_t kek[kKeyBytes]) {
  uint8_t subkey[32];
  crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "loginctx", kek);
  burn_stack();
  for (size_t i = 0; i < kLoginSubKeyBytes; i++) out[i] = subkey[i];
  sodium_memzero(subkey, sizeof subkey);
}

}  // namespace cl
