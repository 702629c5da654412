#include "secretbox.hpp"

#include <sodium.h>

#include "nonnull.hpp"
#include "wipe.hpp"

namespace cl {

void secretbox_encrypt(uint8_t* c, uint8_t nonce[kSecretboxNonceBytes], const uint8_t* m,
                       size_t mlen, const uint8_t key[32]) {
  randombytes_buf(nonce, kSecretboxNonceBytes);
  crypto_secretbox_easy(c, nonnull(m), mlen, nonce, key);
}

Status secretbox_decrypt(uint8_t* m, const uint8_t* c, size_t clen,
                         const uint8_t nonce[kSecretboxNonceBytes], const uint8_t key[32]) {
  if (clen < kSecretboxMacBytes)
    return fail(kTruncated, "secretbox ciphertext is shorter than its 16-byte MAC");
  int rc = crypto_secretbox_open_easy(nonnull(m), c, clen, nonce, key);
  burn_unwrap_stack();  // block0 holds the plaintext's first 32 bytes: usually a key
  if (rc != 0)
    return fail(kAuthFailed, "secretbox failed authentication (wrong key or tampered data)");
  return kOk;
}

}  // namespace cl
