// BIP39 recovery phrases. Properties: a phrase that parses re-encodes to its own words joined by
// single spaces (the encoding is canonical up to whitespace) with the demanded word count, and
// any entropy of a valid length round-trips through a phrase.
#include <string>

#include "fuzz_support.hpp"
#include "mnemonic.hpp"

using namespace cl;

namespace {
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The phrase's words joined by single spaces, and how many there are.
std::string canonical_words(const std::string& phrase, size_t* count) {
  std::string out;
  *count = 0;
  for (size_t i = 0; i < phrase.size();) {
    while (i < phrase.size() && is_space(phrase[i])) i++;
    size_t start = i;
    while (i < phrase.size() && !is_space(phrase[i])) i++;
    if (i == start) break;
    if (!out.empty()) out += ' ';
    out.append(phrase, start, i - start);
    ++*count;
  }
  return out;
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t choice = in.byte();
  const size_t expected = choice & 1 ? 12 + (choice >> 1) % 13 : 0;  // 0: any count

  if (choice & 0x80) {  // entropy -> phrase -> entropy
    const size_t len = 16 + 4 * ((choice >> 1) % 5);
    std::vector<uint8_t> entropy = in.bytes(len);
    entropy.resize(len);
    char phrase[kMnemonicMaxChars];
    size_t plen = 0, elen = 0;
    FUZZ_CHECK(mnemonic_from_entropy(phrase, &plen, entropy.data(), len) == kOk);
    FUZZ_CHECK(plen <= kMnemonicMaxChars);
    uint8_t back[32];
    FUZZ_CHECK(mnemonic_to_entropy(back, &elen, phrase, plen, len * 3 / 4) == kOk);
    FUZZ_CHECK(elen == len && std::memcmp(back, entropy.data(), len) == 0);
    return 0;
  }

  const std::vector<uint8_t> rest = in.rest();
  const std::string phrase(rest.begin(), rest.end());
  uint8_t entropy[32];
  size_t elen = 0;
  Status s = mnemonic_to_entropy(entropy, &elen, phrase.data(), phrase.size(), expected);
  FUZZ_CHECK(s == kOk || s == kBadInput);
  if (s != kOk) return 0;
  FUZZ_CHECK(elen >= 16 && elen <= 32 && elen % 4 == 0);
  size_t words = 0;
  const std::string canonical = canonical_words(phrase, &words);
  FUZZ_CHECK(words == elen * 3 / 4);
  FUZZ_CHECK(expected == 0 || words == expected);
  char again[kMnemonicMaxChars];
  size_t alen = 0;
  FUZZ_CHECK(mnemonic_from_entropy(again, &alen, entropy, elen) == kOk);
  FUZZ_CHECK(std::string(again, alen) == canonical);
  return 0;
}
