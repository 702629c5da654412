#include "encoding.hpp"

#include <sodium.h>

#include "nonnull.hpp"

namespace cl {
namespace {
constexpr const char* kBadBase64 = "invalid base64 for this variant";

int sodium_variant(B64 v) {
  switch (v) {
    case B64::kUrlSafeNoPadding:
      return sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    case B64::kUrlSafe:
      return sodium_base64_VARIANT_URLSAFE;
    default:
      return sodium_base64_VARIANT_ORIGINAL;
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
  // libsodium 1.0.18 takes any byte >= 0x80 for a base64 digit where char is signed (x86, wasm):
  // its constant-time range checks expect 0..255. Base64 is ASCII: refuse those bytes first, as
  // libsodium.js (1.0.22) does (found by fuzz_base64).
  for (size_t i = 0; i < len; i++)
    if (static_cast<unsigned char>(b64[i]) >= 0x80) return fail(kBadInput, kBadBase64);
  // b64_end == nullptr: anything left unparsed (bad characters, padding) is an error.
  if (sodium_base642bin(out, len / 4 * 3 + 3, nonnull(b64), len, nullptr, out_len, nullptr,
                        sodium_variant(variant)) != 0)
    return fail(kBadInput, kBadBase64);
  return kOk;
}

void sha256(uint8_t out[32], const uint8_t* m, size_t len) {
  crypto_hash_sha256(out, nonnull(m), len);
}

}  // namespace cl
