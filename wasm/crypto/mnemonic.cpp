#include "mnemonic.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "encoding.hpp"
#include "wipe.hpp"

namespace cl {
namespace {
const char* const kWords[2048] = {
#include "bip39_english.inc"
};

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Binary search in the sorted list; -1 when absent. Compares by length, never up to a NUL: a
// phrase may hold NUL bytes, and strncmp would stop at one and let the list word be read past
// its end (found by fuzz_mnemonic).
int word_index(const char* w, size_t len) {
  int lo = 0, hi = 2047;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    const size_t wl = std::strlen(kWords[mid]);
    int c = std::memcmp(kWords[mid], w, std::min(wl, len));
    if (c == 0) c = wl < len ? -1 : wl > len ? 1 : 0;
    if (c == 0) return mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

bool bit(const uint8_t* bytes, size_t i) { return (bytes[i / 8] >> (7 - i % 8)) & 1; }

// The first checksum bits of SHA-256(entropy), left-aligned in one byte (at most 8 bits).
uint8_t checksum_byte(const uint8_t* entropy, size_t len) {
  uint8_t hash[32];
  sha256(hash, entropy, len);
  uint8_t cs = hash[0];
  sodium_memzero(hash, sizeof hash);
  return cs;
}
}  // namespace

Status mnemonic_from_entropy(char* out, size_t* out_len, const uint8_t* entropy, size_t len) {
  if (len < 16 || len > 32 || len % 4 != 0)
    return fail(kBadInput, "mnemonic entropy must be 16, 20, 24, 28 or 32 bytes");
  uint8_t bits[33];
  std::memcpy(bits, entropy, len);
  bits[len] = checksum_byte(entropy, len);
  size_t n_words = (len * 8 + len / 4) / 11, pos = 0;
  for (size_t w = 0; w < n_words; w++) {
    int idx = 0;
    for (size_t b = 0; b < 11; b++) idx = (idx << 1) | bit(bits, w * 11 + b);
    if (w) out[pos++] = ' ';
    size_t wl = std::strlen(kWords[idx]);
    std::memcpy(out + pos, kWords[idx], wl);
    pos += wl;
  }
  *out_len = pos;
  sodium_memzero(bits, sizeof bits);
  return kOk;
}

Status mnemonic_to_entropy(uint8_t* entropy, size_t* entropy_len, const char* phrase,
                           size_t phrase_len, size_t expected_words) {
  uint8_t bits[34] = {0};
  size_t n = 0, i = 0;
  Status status = kOk;
  while (status == kOk) {
    while (i < phrase_len && is_space(phrase[i])) i++;
    size_t start = i;
    while (i < phrase_len && !is_space(phrase[i])) i++;
    if (i == start) break;
    int k = n < 24 ? word_index(phrase + start, i - start) : 0;
    if (k < 0) {
      // The position only: the word itself is part of the secret.
      std::string msg = "word " + std::to_string(n + 1) + " is not in the BIP39 English wordlist";
      status = fail(kBadInput, msg.c_str());
      break;
    }
    for (size_t b = 0; n < 24 && b < 11; b++)
      if ((k >> (10 - b)) & 1) bits[(n * 11 + b) / 8] |= uint8_t(0x80 >> ((n * 11 + b) % 8));
    n++;
  }
  if (status == kOk && expected_words && n != expected_words) {
    std::string msg =
        "expected " + std::to_string(expected_words) + " words, got " + std::to_string(n);
    status = fail(kBadInput, msg.c_str());
  }
  if (status == kOk && (n < 12 || n > 24 || n % 3 != 0))
    status = fail(kBadInput, "a mnemonic has 12, 15, 18, 21 or 24 words");
  if (status == kOk) {
    size_t total_bits = n * 11, ent_bytes = (total_bits - total_bits / 33) / 8,
           cs_bits = ent_bytes / 4;
    uint8_t cs = checksum_byte(bits, ent_bytes);
    bool ok = true;
    for (size_t b = 0; b < cs_bits; b++)
      ok &= bit(bits, ent_bytes * 8 + b) == ((cs >> (7 - b)) & 1);
    if (ok) {
      std::memcpy(entropy, bits, ent_bytes);
      *entropy_len = ent_bytes;
    } else {
      status =
          fail(kBadInput, "mnemonic checksum does not match (a word is wrong or out of order)");
    }
  }
  sodium_memzero(bits, sizeof bits);
  burn_stack();  // SHA-256 leaves state on the stack
  return status;
}

}  // namespace cl
