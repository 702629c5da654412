// Encrypted persistence of an EmbeddingIndex.
//
// Plaintext layout, format version 1 (all integers little-endian):
//   0   4          magic "CLIX"
//   4   4  u32     format version (1)
//   8   4  u32     dims
//   12  4  u32     count
//   16  8*count    u64 file ids (each <= 2^53 - 1, distinct)
//   ..  4*dims*count  float32 vectors, unit length, in id order
// The plaintext is compressed into one zstd frame (content size recorded), then blob-encrypted
// (secretstream XChaCha20-Poly1305, one FINAL message) with the caller's 32-byte key.
//
// Saved bytes (the envelope):
//   0   4          magic "CLIE"
//   4   4  u32     envelope version (1)
//   8   8  u64     ciphertext length n
//   16  24         secretstream header
//   40  n          blob ciphertext (zstd frame + 17)
// The envelope fields are not secret; tampering with any of them fails before or at
// authentication. Loading fails with kTruncated when bytes are missing, kAuthFailed for a wrong
// key or modified ciphertext, kBadInput for anything else malformed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "embedding_index.hpp"
#include "status.hpp"

namespace cl {

constexpr size_t kIndexEnvelopeBytes = 40;

Status index_save(const EmbeddingIndex& index, const uint8_t key[32], std::vector<uint8_t>& out);
// `index` is replaced only when everything decrypted and parsed; otherwise it is untouched.
Status index_load(EmbeddingIndex& index, const uint8_t* data, size_t len, const uint8_t key[32]);

// The plaintext stages alone (tests).
void index_serialize(const EmbeddingIndex& index, std::vector<uint8_t>& plain);
Status index_parse(EmbeddingIndex& out, const uint8_t* plain, size_t len);

}  // namespace cl
