#include "box.hpp"

#include <sodium.h>

#include "nonnull.hpp"
#include "wipe.hpp"

namespace cl {

void box_keypair(uint8_t pk[kBoxPublicKeyBytes], uint8_t sk[kBoxSecretKeyBytes]) {
  crypto_box_keypair(pk, sk);
}

void box_public_key(uint8_t pk[kBoxPublicKeyBytes], const uint8_t sk[kBoxSecretKeyBytes]) {
  crypto_scalarmult_base(pk, sk);  // never fails: the scalar is clamped, the result never zero
  burn_shallow_stack();            // the scalar multiplication's frames hold the secret scalar
}

Status box_seal(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t pk[kBoxPublicKeyBytes]) {
  if (crypto_box_seal(c, nonnull(m), mlen, pk) != 0)
    return fail(kBadInput, "public key is not a valid X25519 key");
  return kOk;
}

Status box_seal_open(uint8_t* m, const uint8_t* c, size_t clen,
                     const uint8_t pk[kBoxPublicKeyBytes], const uint8_t sk[kBoxSecretKeyBytes]) {
  if (clen < kSealOverhead)
    return fail(kTruncated, "sealed box is shorter than its 48-byte overhead");
  int rc = crypto_box_seal_open(nonnull(m), c, clen, pk, sk);
  burn_shallow_stack();  // crypto_secretbox_open_detached's block0 holds the shared key
  if (rc != 0)
    return fail(kAuthFailed, "sealed box failed authentication (wrong key pair or tampered data)");
  return kOk;
}

}  // namespace cl
