#include "sign.hpp"

#include <sodium.h>

#include "nonnull.hpp"
#include "wipe.hpp"

namespace cl {

// Key generation and signing run SHA-512 over the seed and a scalar multiplication by the
// secret scalar (keypair) or the secret nonce (signing) in frames libsodium leaves on the
// stack: either gives the secret key away, so the region is wiped after each call.

void sign_keypair(uint8_t pk[kSignPublicKeyBytes], uint8_t sk[kSignSecretKeyBytes]) {
  crypto_sign_keypair(pk, sk);
  burn_shallow_stack();
}

void sign_seed_keypair(uint8_t pk[kSignPublicKeyBytes], uint8_t sk[kSignSecretKeyBytes],
                       const uint8_t seed[kSignSeedBytes]) {
  crypto_sign_seed_keypair(pk, sk, seed);
  burn_shallow_stack();
}

void sign_detached(uint8_t sig[kSignatureBytes], const uint8_t* m, size_t mlen,
                   const uint8_t sk[kSignSecretKeyBytes]) {
  crypto_sign_detached(sig, nullptr, nonnull(m), mlen, sk);
  burn_shallow_stack();
}

Status sign_verify_detached(const uint8_t sig[kSignatureBytes], const uint8_t* m, size_t mlen,
                            const uint8_t pk[kSignPublicKeyBytes]) {
  if (crypto_sign_verify_detached(sig, nonnull(m), mlen, pk) != 0)
    return fail(kAuthFailed, "signature does not verify (wrong key, or the message was changed)");
  return kOk;
}

}  // namespace cl
