// Base64 in the variants Ente uses (libsodium's codec, so strictness matches libsodium.js),
// and hashing helpers. Encoded keys are key material: results go to caller buffers.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

enum class B64 { kOriginal = 0, kUrlSafeNoPadding = 1, kUrlSafe = 2 };

// Characters of the encoding of `len` bytes, without a terminating NUL.
size_t b64_encoded_len(size_t len, B64 variant);
// `out` must hold b64_encoded_len(len) + 1 bytes (libsodium writes a NUL).
void b64_encode(char* out, const uint8_t* bin, size_t len, B64 variant);
// `out` must hold len / 4 * 3 + 3 bytes; *out_len receives the decoded length.
Status b64_decode(uint8_t* out, size_t* out_len, const char* b64, size_t len, B64 variant);

void sha256(uint8_t out[32], const uint8_t* m, size_t len);

}  // namespace cl
