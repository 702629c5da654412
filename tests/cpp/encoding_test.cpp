#include <catch2/catch.hpp>

#include <string>

#include "encoding.hpp"
#include "mnemonic.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {
Status words_of(std::string& words, const std::vector<uint8_t>& e) {
  char buf[kMnemonicMaxChars];
  size_t n = 0;
  Status s = mnemonic_from_entropy(buf, &n, e.data(), e.size());
  words.assign(buf, s == kOk ? n : 0);
  return s;
}

Status entropy_of(std::vector<uint8_t>& e, const std::string& words, size_t expected = 0) {
  uint8_t buf[32];
  size_t n = 0;
  Status s = mnemonic_to_entropy(buf, &n, words.data(), words.size(), expected);
  e.assign(buf, buf + (s == kOk ? n : 0));
  return s;
}

std::string encode(const uint8_t* b, size_t n, B64 v) {
  std::string out(b64_encoded_len(n, v) + 1, '\0');
  b64_encode(out.data(), b, n, v);
  out.pop_back();
  return out;
}

Status decode(std::vector<uint8_t>& out, const std::string& text, B64 v) {
  out.resize(text.size() / 4 * 3 + 3);
  size_t n = 0;
  Status s = b64_decode(out.data(), &n, text.data(), text.size(), v);
  out.resize(s == kOk ? n : 0);
  return s;
}
}  // namespace

TEST_CASE("BIP39 official vectors (trezor/python-mnemonic)", "[mnemonic]") {
  struct V {
    const char* entropy;
    const char* words;
  };
  const V vectors[] = {
      {"00000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "about"},
      {"0000000000000000000000000000000000000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "abandon "
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "art"},
      {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
       "zoo vote"},
  };
  for (const auto& v : vectors) {
    auto e = from_hex(v.entropy);
    std::string words;
    REQUIRE(words_of(words, e) == kOk);
    REQUIRE(words == v.words);
    std::vector<uint8_t> back;
    REQUIRE(entropy_of(back, words) == kOk);
    REQUIRE(back == e);
  }
}

TEST_CASE("mnemonic input errors name what is wrong", "[mnemonic]") {
  std::vector<uint8_t> out;
  std::string zoo23;
  for (int i = 0; i < 23; i++) zoo23 += "zoo ";
  REQUIRE(entropy_of(out, zoo23 + "vote", 24) == kOk);
  REQUIRE(entropy_of(out, "  " + zoo23 + "\n vote\t", 24) == kOk);  // whitespace collapses
  REQUIRE(entropy_of(out, zoo23 + "zoo", 24) == kBadInput);         // checksum
  REQUIRE(std::string(last_error_message()).find("checksum") != std::string::npos);
  REQUIRE(entropy_of(out, zoo23 + "votee", 24) == kBadInput);  // unknown word
  // The position, never the word: words are the secret.
  REQUIRE(std::string(last_error_message()).find("word 24 ") != std::string::npos);
  REQUIRE(std::string(last_error_message()).find("votee") == std::string::npos);
  REQUIRE(entropy_of(out, zoo23 + "vot", 24) == kBadInput);       // a prefix is not a word
  REQUIRE(entropy_of(out, zoo23, 24) == kBadInput);               // count
  REQUIRE(entropy_of(out, zoo23 + "zoo zoo vote") == kBadInput);  // 26 words
  std::string w;
  REQUIRE(words_of(w, std::vector<uint8_t>(15)) == kBadInput);
}

TEST_CASE("base64 variants and strict decoding", "[base64]") {
  const uint8_t bytes[] = {0xfb, 0xff, 0x01};
  REQUIRE(encode(bytes, 3, B64::kOriginal) == "+/8B");
  REQUIRE(encode(bytes, 2, B64::kOriginal) == "+/8=");
  REQUIRE(encode(bytes, 2, B64::kUrlSafeNoPadding) == "-_8");
  REQUIRE(encode(bytes, 2, B64::kUrlSafe) == "-_8=");
  REQUIRE(encode(bytes, 0, B64::kOriginal).empty());
  std::vector<uint8_t> out;
  REQUIRE(decode(out, "+/8=", B64::kOriginal) == kOk);
  REQUIRE(out == std::vector<uint8_t>{0xfb, 0xff});
  REQUIRE(decode(out, "-_8", B64::kUrlSafeNoPadding) == kOk);
  REQUIRE(decode(out, "+/8", B64::kOriginal) == kBadInput);    // missing padding
  REQUIRE(decode(out, "-_8=", B64::kOriginal) == kBadInput);   // wrong alphabet
  REQUIRE(decode(out, "+/8=!", B64::kOriginal) == kBadInput);  // trailing garbage
  REQUIRE(decode(out, "", B64::kOriginal) == kOk);
  REQUIRE(out.empty());
}
