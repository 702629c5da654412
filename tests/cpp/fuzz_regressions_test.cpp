// Inputs the libFuzzer targets (tests/fuzz) found failing, kept as cases once fixed. Some only
// fail under the ASan + UBSan build (build/asan), which runs every case of this suite.
#include <catch2/catch.hpp>

#include <string>

#include "encoding.hpp"
#include "mnemonic.hpp"

using namespace cl;

// fuzz_base64: libsodium 1.0.18 decoded bytes >= 0x80 as base64 digits ("aGVs\xc3\xa9" gave six
// bytes), where libsodium.js refuses them.
TEST_CASE("base64 with a byte above 0x7f is refused in every variant", "[b64][fuzz]") {
  const std::string texts[] = {"aGVs\xc3\xa9", "aGV\xff", "\x80\x80\x80\x80", "aGk\xe4\xb8\x80="};
  for (const std::string& text : texts) {
    for (B64 variant : {B64::kOriginal, B64::kUrlSafeNoPadding, B64::kUrlSafe}) {
      uint8_t out[16];
      size_t n = 0;
      REQUIRE(b64_decode(out, &n, text.data(), text.size(), variant) == kBadInput);
    }
  }
}

namespace {
// 23 words "abandon" and "art" (all-zero entropy), with word `at` (0-based) replaced.
std::string zero_phrase(size_t at, const std::string& word) {
  std::string phrase;
  for (size_t i = 0; i < 23; i++) phrase += (i == at ? word : std::string("abandon")) + " ";
  return phrase + "art";
}
}  // namespace

// fuzz_mnemonic: a word holding a NUL byte made the wordlist search (strncmp) stop at the NUL
// and then read the list word past its end.
TEST_CASE("a phrase word holding a NUL byte is refused without reading out of bounds", "[mnemonic][fuzz]") {
  uint8_t entropy[32];
  size_t len = 0;
  REQUIRE(mnemonic_to_entropy(entropy, &len, zero_phrase(99, "").data(), zero_phrase(99, "").size()) == kOk);
  REQUIRE(len == 32);
  for (const std::string& word : {std::string("abandon\0abandon", 15), std::string("abandon\0", 8)}) {
    const std::string phrase = zero_phrase(14, word);
    REQUIRE(mnemonic_to_entropy(entropy, &len, phrase.data(), phrase.size()) == kBadInput);
  }
}
