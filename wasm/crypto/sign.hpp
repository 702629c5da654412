// Ed25519 signatures (libsodium's crypto_sign, RFC 8032): an account's signing identity, which
// signs its self-signature, the shares it grants and its album log entries.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

// A secret key is libsodium's 64 bytes: the 32-byte seed followed by the public key.
constexpr size_t kSignPublicKeyBytes = 32, kSignSecretKeyBytes = 64, kSignSeedBytes = 32,
                 kSignatureBytes = 64;

void sign_keypair(uint8_t pk[kSignPublicKeyBytes], uint8_t sk[kSignSecretKeyBytes]);
// The key pair a seed determines (RFC 8032's "private key" is the seed).
void sign_seed_keypair(uint8_t pk[kSignPublicKeyBytes], uint8_t sk[kSignSecretKeyBytes],
                       const uint8_t seed[kSignSeedBytes]);
// Deterministic detached signature of m (RFC 8032 Ed25519, no context, no prehash).
void sign_detached(uint8_t sig[kSignatureBytes], const uint8_t* m, size_t mlen,
                   const uint8_t sk[kSignSecretKeyBytes]);
// kOk if sig is pk's signature of m; kAuthFailed otherwise, including a non-canonical
// signature or a public key of small order (libsodium's strict checks).
Status sign_verify_detached(const uint8_t sig[kSignatureBytes], const uint8_t* m, size_t mlen,
                            const uint8_t pk[kSignPublicKeyBytes]);

}  // namespace cl
