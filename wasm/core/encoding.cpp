#include "encoding.hpp"

#include <sodium.h>

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

std::string b64_encode(const uint8_t* bin, size_t len, B64 variant) {
  int v = sodium_variant(variant);
  std::string out(sodium_base64_encoded_len(len, v), '\0');
  sodium_bin2base64(out.data(), out.size(), bin, len, v);
  out.pop_back();  // the terminating NUL
  return out;
}

Status b64_decode(std::vector<uint8_t>& out, const char* b64, size_t len, B64 variant) {
  out.resize(len / 4 * 3 + 3);
  size_t bin_len = 0;
  // b64_end == nullptr: anything left unparsed (bad characters, padding) is an error.
  if (sodium_base642bin(out.data(), out.size(), b64, len, nullptr, &bin_len, nullptr,
                        sodium_variant(variant)) != 0) {
    out.clear();
    return fail(kBadInput, "invalid base64 for this variant");
  }
  out.resize(bin_len);
  return kOk;
}

void sha256(uint8_t out[32], const uint8_t* m, size_t len) { crypto_hash_sha256(out, m, len); }

}  // namespace cl
