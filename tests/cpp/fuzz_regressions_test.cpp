// Inputs the libFuzzer targets (tests/fuzz) found failing, kept as cases once fixed. Some only
// fail under the ASan + UBSan build (build/asan), which runs every case of this suite.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "encoding.hpp"
#include "index_file.hpp"
#include "mnemonic.hpp"
#include "secretstream.hpp"
#include "test_helpers.hpp"

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
TEST_CASE("a phrase word holding a NUL byte is refused without reading out of bounds",
          "[mnemonic][fuzz]") {
  uint8_t entropy[32];
  size_t len = 0;
  REQUIRE(mnemonic_to_entropy(entropy, &len, zero_phrase(99, "").data(),
                              zero_phrase(99, "").size()) == kOk);
  REQUIRE(len == 32);
  for (const std::string& word :
       {std::string("abandon\0abandon", 15), std::string("abandon\0", 8)}) {
    const std::string phrase = zero_phrase(14, word);
    REQUIRE(mnemonic_to_entropy(entropy, &len, phrase.data(), phrase.size()) == kBadInput);
  }
}

// fuzz_index: a corrupt zstd frame whose match offset is out of range. zstd 1.5.4 computes that
// match's address for prefetching (never dereferenced), which UBSan reports as pointer overflow;
// tests/fuzz/fuzz.cmake exempts that one zstd file from the check. The loader refuses the frame.
TEST_CASE("an authentic index whose zstd frame has an out-of-range match is BAD_INPUT",
          "[index][fuzz]") {
  const std::vector<uint8_t> frame = from_hex(
      "28b52ffd8458000000003c000000a600020007990400"
      "9a00193f004ccd3f008211080e01b73a");
  const auto key = random_vec(32);
  const size_t clen = frame.size() + kStreamOverhead;
  std::vector<uint8_t> saved(kIndexEnvelopeBytes + clen);
  const uint8_t head[8] = {'C', 'L', 'I', 'E', 1, 0, 0, 0};
  std::copy(head, head + 8, saved.begin());
  for (int i = 0; i < 8; i++) saved[8 + i] = uint8_t(uint64_t(clen) >> (8 * i));
  REQUIRE(blob_encrypt(saved.data() + kIndexEnvelopeBytes, saved.data() + 16, frame.data(),
                       frame.size(), key.data()) == kOk);
  EmbeddingIndex index;
  REQUIRE(index_load(index, saved.data(), saved.size(), key.data()) == kBadInput);
}
