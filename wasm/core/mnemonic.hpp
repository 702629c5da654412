// BIP39 English mnemonics: Ente's recovery key (24 words for a 32-byte key) and verification ID.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "status.hpp"

namespace cl {

// Entropy of 16..32 bytes, a multiple of 4, to 12..24 words joined by single spaces.
Status mnemonic_from_entropy(std::string& words, const uint8_t* entropy, size_t len);
// Words separated by any whitespace; checks every word and the checksum.
// `expected_words` > 0 demands that many words (24 for a recovery key).
Status mnemonic_to_entropy(std::vector<uint8_t>& entropy, const std::string& words,
                           size_t expected_words = 0);

}  // namespace cl
