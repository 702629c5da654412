// XSalsa20-Poly1305 secretbox with a random nonce: how Ente wraps keys.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

constexpr size_t kSecretboxNonceBytes = 24;
constexpr size_t kSecretboxMacBytes = 16;

// c must hold mlen + 16 bytes; a fresh random nonce is written to `nonce`.
void secretbox_encrypt(uint8_t* c, uint8_t nonce[kSecretboxNonceBytes], const uint8_t* m,
                       size_t mlen, const uint8_t key[32]);
// m must hold clen - 16 bytes; nothing is written to m unless the MAC verifies.
Status secretbox_decrypt(uint8_t* m, const uint8_t* c, size_t clen,
                         const uint8_t nonce[kSecretboxNonceBytes], const uint8_t key[32]);

}  // namespace cl
