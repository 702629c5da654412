#include "mnemonic.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "encoding.hpp"

namespace cl {
namespace {
const char* const kWords[2048] = {
#include "bip39_english.inc"
};

int word_index(const std::string& w) {
  // The list is sorted: binary search.
  auto it = std::lower_bound(std::begin(kWords), std::end(kWords), w,
                             [](const char* a, const std::string& b) { return std::strcmp(a, b.c_str()) < 0; });
  if (it == std::end(kWords) || w != *it) return -1;
  return static_cast<int>(it - std::begin(kWords));
}

bool bit(const std::vector<uint8_t>& bytes, size_t i) { return (bytes[i / 8] >> (7 - i % 8)) & 1; }
}  // namespace

Status mnemonic_from_entropy(std::string& words, const uint8_t* entropy, size_t len) {
  if (len < 16 || len > 32 || len % 4 != 0)
    return fail(kBadInput, "mnemonic entropy must be 16, 20, 24, 28 or 32 bytes");
  std::vector<uint8_t> bits(entropy, entropy + len);
  uint8_t hash[32];
  sha256(hash, entropy, len);
  bits.push_back(hash[0]);  // the checksum is the first len/4 bits of the hash
  size_t n_words = (len * 8 + len / 4) / 11;
  words.clear();
  for (size_t w = 0; w < n_words; w++) {
    int idx = 0;
    for (size_t b = 0; b < 11; b++) idx = (idx << 1) | bit(bits, w * 11 + b);
    if (w) words += ' ';
    words += kWords[idx];
  }
  sodium_memzero(bits.data(), bits.size());
  return kOk;
}

Status mnemonic_to_entropy(std::vector<uint8_t>& entropy, const std::string& phrase,
                           size_t expected_words) {
  std::vector<int> idx;
  size_t i = 0;
  while (i < phrase.size()) {
    while (i < phrase.size() && std::isspace(static_cast<unsigned char>(phrase[i]))) i++;
    size_t start = i;
    while (i < phrase.size() && !std::isspace(static_cast<unsigned char>(phrase[i]))) i++;
    if (i == start) break;
    std::string word = phrase.substr(start, i - start);
    int k = word_index(word);
    if (k < 0) {
      std::string msg = "word " + std::to_string(idx.size() + 1) + " (\"" + word +
                        "\") is not in the BIP39 English wordlist";
      return fail(kBadInput, msg.c_str());
    }
    idx.push_back(k);
  }
  size_t n = idx.size();
  if (expected_words && n != expected_words) {
    std::string msg = "expected " + std::to_string(expected_words) + " words, got " + std::to_string(n);
    return fail(kBadInput, msg.c_str());
  }
  if (n < 12 || n > 24 || n % 3 != 0)
    return fail(kBadInput, "a mnemonic has 12, 15, 18, 21 or 24 words");
  size_t total_bits = n * 11, ent_bytes = (total_bits - total_bits / 33) / 8;
  std::vector<uint8_t> bits(total_bits / 8 + 1, 0);
  for (size_t w = 0; w < n; w++)
    for (size_t b = 0; b < 11; b++)
      if ((idx[w] >> (10 - b)) & 1) bits[(w * 11 + b) / 8] |= uint8_t(0x80 >> ((w * 11 + b) % 8));
  uint8_t hash[32];
  sha256(hash, bits.data(), ent_bytes);
  size_t cs_bits = ent_bytes / 4;
  bool ok = true;
  for (size_t b = 0; b < cs_bits; b++) ok &= bit(bits, ent_bytes * 8 + b) == ((hash[0] >> (7 - b)) & 1);
  if (!ok) {
    sodium_memzero(bits.data(), bits.size());
    return fail(kBadInput, "mnemonic checksum does not match (a word is wrong or out of order)");
  }
  entropy.assign(bits.begin(), bits.begin() + ent_bytes);
  sodium_memzero(bits.data(), bits.size());
  return kOk;
}

}  // namespace cl
