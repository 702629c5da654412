// X25519 key pairs and sealed boxes: how Ente shares a collection key with another user.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

constexpr size_t kBoxPublicKeyBytes = 32, kBoxSecretKeyBytes = 32, kSealOverhead = 48;

void box_keypair(uint8_t pk[kBoxPublicKeyBytes], uint8_t sk[kBoxSecretKeyBytes]);
// The public key of a secret key (X25519 of the base point), as box_keypair made it.
void box_public_key(uint8_t pk[kBoxPublicKeyBytes], const uint8_t sk[kBoxSecretKeyBytes]);
// c must hold mlen + 48 bytes (ephemeral public key, MAC, ciphertext).
Status box_seal(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t pk[kBoxPublicKeyBytes]);
// m must hold clen - 48 bytes; written only when the MAC verifies.
Status box_seal_open(uint8_t* m, const uint8_t* c, size_t clen,
                     const uint8_t pk[kBoxPublicKeyBytes], const uint8_t sk[kBoxSecretKeyBytes]);

}  // namespace cl
