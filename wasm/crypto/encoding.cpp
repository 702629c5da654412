#include "encoding.hpp"

#include <sodium.h>

#include "nonnull.hpp"

namespace cl {
namespace {
int sodium_variant(B64 v) {
  switch (v) {
    case B64::kUrlSafeNoPadding: return sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    case B64::kUrlSafe: return sodium_base64_VARIANT_URLSAFE;
    default: return sodium_base64_VARIANT_ORIGINAL;
  }
}
}  // namespace

size_t b64_encoded_len(size_t len, B64 variant) {
  return sodium_base64_encoded_len(len, sodium_variant(variant)) - 1;
}

void b64_encode(char* out, const uint8_t* bin, size_t len, B64 variant) {
  int v = sodium_variant(variant);
  sodium_bin2base64(out, sodium_base64_encoded_len(len, v), nonnull(bin), len, v);
}

Status b64_decode(uint8_t* out, size_t* out_len, const char* b64, size_t len, B64 variant) {
  // b64_end == nullptr: anything left unparsed (bad characters, padding) is an error.
  if (sodium_base642bin(out, len / 4 * 3 + 3, nonnull(b64), len, nullptr, out_len, nullptr,
                        sodium_variant(variant)) != 0)
    return fail(kBadInput, "invalid base64 for this variant");
  return kOk;
}

void sha256(uint8_t out[32], const uint8_t* m, size_t len) { crypto_hash_sha256(out, nonnull(m), len); }

}  // namespace cl
