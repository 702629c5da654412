// Base64 decoding in each variant Ente uses. Properties: a decoded string re-encodes to exactly
// the input (libsodium's decoder is canonical: padding and trailing bits are checked), and any
// bytes round-trip through encode and decode.
#include <string>

#include "encoding.hpp"
#include "fuzz_support.hpp"

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const auto variant = static_cast<cl::B64>(in.byte() % 3);
  const std::vector<uint8_t> rest = in.rest();
  const char* text = reinterpret_cast<const char*>(rest.data());

  // Decode the input as text.
  std::vector<uint8_t> decoded(rest.size() / 4 * 3 + 3);
  size_t n = 0;
  cl::Status s = cl::b64_decode(decoded.data(), &n, text, rest.size(), variant);
  FUZZ_CHECK(s == cl::kOk || s == cl::kBadInput);
  if (s == cl::kOk) {
    FUZZ_CHECK(n <= decoded.size());
    std::string again(cl::b64_encoded_len(n, variant) + 1, '\0');
    cl::b64_encode(again.data(), decoded.data(), n, variant);
    again.pop_back();  // libsodium's NUL
    FUZZ_CHECK(again == std::string(text, rest.size()));
  }

  // Encode the input as bytes and decode it back.
  std::string enc(cl::b64_encoded_len(rest.size(), variant) + 1, '\0');
  cl::b64_encode(enc.data(), rest.data(), rest.size(), variant);
  enc.pop_back();
  std::vector<uint8_t> back(enc.size() / 4 * 3 + 3);
  FUZZ_CHECK(cl::b64_decode(back.data(), &n, enc.data(), enc.size(), variant) == cl::kOk);
  back.resize(n);
  FUZZ_CHECK(back == rest);
  return 0;
}
