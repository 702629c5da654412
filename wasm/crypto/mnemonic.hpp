// BIP39 English mnemonics: Ente's recovery key (24 words for a 32-byte key) and verification ID.
// Phrases are key material: they are written to caller buffers, never to the free store.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.hpp"

namespace cl {

constexpr size_t kMnemonicMaxChars = 24 * 9;  // 24 words of at most 8 letters, 23 spaces

// Entropy of 16..32 bytes, a multiple of 4, to 12..24 words joined by single spaces.
// `out` must hold kMnemonicMaxChars; *out_len receives the phrase length.
Status mnemonic_from_entropy(char* out, size_t* out_len, const uint8_t* entropy, size_t len);
// Words separated by any whitespace; checks every word and the checksum. `entropy` must hold
// 32 bytes. `expected_words` > 0 demands that many words (24 for a recovery key).
Status mnemonic_to_entropy(uint8_t* entropy, size_t* entropy_len, const char* phrase,
                           size_t phrase_len, size_t expected_words = 0);

}  // namespace cl
