// Base64 in the variants Ente uses (libsodium's codec, so strictness matches libsodium.js),
// and hashing helpers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "status.hpp"

namespace cl {

enum class B64 { kOriginal, kUrlSafeNoPadding, kUrlSafe };

std::string b64_encode(const uint8_t* bin, size_t len, B64 variant);
Status b64_decode(std::vector<uint8_t>& out, const char* b64, size_t len, B64 variant);

void sha256(uint8_t out[32], const uint8_t* m, size_t len);

}  // namespace cl
