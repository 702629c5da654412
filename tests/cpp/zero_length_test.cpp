// Empty inputs given as null pointers with zero length, as a caller holding no buffer passes
// them. Issue 12 item 9: the core handed such pairs on to sodium_memzero and memcpy, whose
// arguments must not be null even for zero bytes; the ASan + UBSan build (build/asan) aborts
// on that, so these cases guard the fix there, and check the results everywhere.
#include <catch2/catch.hpp>

#include <vector>

#include "box.hpp"
#include "clip_tokenizer.hpp"
#include "embedding_index.hpp"
#include "encoding.hpp"
#include "file_hash.hpp"
#include "index_file.hpp"
#include "mnemonic.hpp"
#include "secretbox.hpp"
#include "secretstream.hpp"
#include "test_helpers.hpp"

using namespace cl;

TEST_CASE("empty messages as null pointers encrypt and decrypt", "[zero-length]") {
  const auto key = random_vec(32);
  uint8_t header[kHeaderBytes];
  std::vector<uint8_t> c, m{1};
  REQUIRE(stream_encrypt(c, header, nullptr, 0, key.data()) == kOk);
  REQUIRE(c.size() == kStreamOverhead);
  REQUIRE(stream_decrypt(m, c.data(), c.size(), header, key.data()) == kOk);
  REQUIRE(m.empty());
  // A failure with nothing decrypted wipes an empty result.
  std::vector<uint8_t> none;
  REQUIRE(stream_decrypt(none, nullptr, 0, header, key.data()) == kTruncated);

  uint8_t blob[kStreamOverhead];
  REQUIRE(blob_encrypt(blob, header, nullptr, 0, key.data()) == kOk);
  REQUIRE(blob_decrypt(nullptr, blob, sizeof blob, header, key.data()) == kOk);

  uint8_t box[kSecretboxMacBytes], nonce[kSecretboxNonceBytes];
  secretbox_encrypt(box, nonce, nullptr, 0, key.data());
  REQUIRE(secretbox_decrypt(nullptr, box, sizeof box, nonce, key.data()) == kOk);

  uint8_t pk[kBoxPublicKeyBytes], sk[kBoxSecretKeyBytes], sealed[kSealOverhead];
  box_keypair(pk, sk);
  REQUIRE(box_seal(sealed, nullptr, 0, pk) == kOk);
  REQUIRE(box_seal_open(nullptr, sealed, sizeof sealed, pk, sk) == kOk);
}

TEST_CASE("empty encodings, hashes and phrases as null pointers", "[zero-length]") {
  char text[1];
  b64_encode(text, nullptr, 0, B64::kOriginal);
  REQUIRE(text[0] == '\0');
  uint8_t out[3];
  size_t n = 1;
  REQUIRE(b64_decode(out, &n, nullptr, 0, B64::kUrlSafeNoPadding) == kOk);
  REQUIRE(n == 0);
  uint8_t digest[kFileHashBytes];
  FileHasher hasher;
  hasher.update(nullptr, 0);
  hasher.finish(digest);
  sha256(digest, nullptr, 0);
  REQUIRE(mnemonic_to_entropy(digest, &n, nullptr, 0) == kBadInput);
  int32_t ids[kClipContextLength];
  REQUIRE(clip_tokenize(ids, nullptr, 0) == kOk);
  REQUIRE((ids[0] == kClipStartToken && ids[1] == kClipEndToken));
}

TEST_CASE("empty indexes are created, saved, loaded and dropped", "[zero-length]") {
  { EmbeddingIndex never_used; }
  EmbeddingIndex index, loaded;
  REQUIRE(index.reset(4) == kOk);
  REQUIRE(index.reset(8) == kOk);  // wipes buffers that were never allocated
  const auto key = random_vec(32);
  std::vector<uint8_t> saved;
  REQUIRE(index_save(index, key.data(), saved) == kOk);
  REQUIRE(index_load(loaded, saved.data(), saved.size(), key.data()) == kOk);
  REQUIRE((loaded.dims() == 8 && loaded.size() == 0));
  REQUIRE(index_parse(loaded, nullptr, 0) == kBadInput);
  REQUIRE(index_load(loaded, nullptr, 0, key.data()) == kTruncated);
}
