#include <catch2/catch.hpp>

#include "encoding.hpp"
#include "mnemonic.hpp"
#include "test_helpers.hpp"

using namespace cl;

TEST_CASE("BIP39 official vectors (trezor/python-mnemonic)", "[mnemonic]") {
  struct V { const char* entropy; const char* words; };
  const V vectors[] = {
      {"00000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"},
      {"0000000000000000000000000000000000000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"},
      {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote"},
  };
  for (const auto& v : vectors) {
    auto e = from_hex(v.entropy);
    std::string words;
    REQUIRE(mnemonic_from_entropy(words, e.data(), e.size()) == kOk);
    REQUIRE(words == v.words);
    std::vector<uint8_t> back;
    REQUIRE(mnemonic_to_entropy(back, words) == kOk);
    REQUIRE(back == e);
  }
}

TEST_CASE("mnemonic input errors name what is wrong", "[mnemonic]") {
  std::vector<uint8_t> out;
  std::string zoo23;
  for (int i = 0; i < 23; i++) zoo23 += "zoo ";
  REQUIRE(mnemonic_to_entropy(out, zoo23 + "vote", 24) == kOk);
  REQUIRE(mnemonic_to_entropy(out, "  " + zoo23 + "\n vote\t", 24) == kOk);  // whitespace collapses
  REQUIRE(mnemonic_to_entropy(out, zoo23 + "zoo", 24) == kBadInput);         // checksum
  REQUIRE(std::string(last_error_message()).find("checksum") != std::string::npos);
  REQUIRE(mnemonic_to_entropy(out, zoo23 + "votee", 24) == kBadInput);  // unknown word
  REQUIRE(std::string(last_error_message()).find("votee") != std::string::npos);
  REQUIRE(mnemonic_to_entropy(out, zoo23, 24) == kBadInput);  // count
  uint8_t e[15] = {0};
  std::string w;
  REQUIRE(mnemonic_from_entropy(w, e, 15) == kBadInput);
}

TEST_CASE("base64 variants and strict decoding", "[base64]") {
  const uint8_t bytes[] = {0xfb, 0xff, 0x01};
  REQUIRE(b64_encode(bytes, 3, B64::kOriginal) == "+/8B");
  REQUIRE(b64_encode(bytes, 2, B64::kOriginal) == "+/8=");
  REQUIRE(b64_encode(bytes, 2, B64::kUrlSafeNoPadding) == "-_8");
  REQUIRE(b64_encode(bytes, 2, B64::kUrlSafe) == "-_8=");
  std::vector<uint8_t> out;
  REQUIRE(b64_decode(out, "+/8=", 4, B64::kOriginal) == kOk);
  REQUIRE(out == std::vector<uint8_t>{0xfb, 0xff});
  REQUIRE(b64_decode(out, "-_8", 3, B64::kUrlSafeNoPadding) == kOk);
  REQUIRE(b64_decode(out, "+/8", 3, B64::kOriginal) == kBadInput);     // missing padding
  REQUIRE(b64_decode(out, "-_8=", 4, B64::kOriginal) == kBadInput);    // wrong alphabet
  REQUIRE(b64_decode(out, "+/8=!", 5, B64::kOriginal) == kBadInput);   // trailing garbage
  REQUIRE(b64_decode(out, "", 0, B64::kOriginal) == kOk);
  REQUIRE(out.empty());
}
