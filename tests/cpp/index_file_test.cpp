// Encrypted index persistence: bit-exact round trips, and every way of breaking the bytes
// yields the right status while the live index stays as it was.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <random>

#include <zstd.h>

#include "index_file.hpp"
#include "secretstream.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {
EmbeddingIndex make_index(size_t dims, size_t count, uint32_t seed) {
  std::mt19937 rng(seed_for(seed));
  std::normal_distribution<float> g(0, 1);
  EmbeddingIndex idx;
  REQUIRE(idx.reset(dims) == kOk);
  std::vector<float> v(dims);
  for (size_t i = 0; i < count; i++) {
    for (auto& x : v) x = g(rng);
    REQUIRE(idx.upsert(i == 0 ? kMaxFileId : uint64_t(i) * 7919, v.data()) ==
            kOk);  // the largest id too
  }
  return idx;
}

void require_equal(const EmbeddingIndex& a, const EmbeddingIndex& b) {
  REQUIRE(a.dims() == b.dims());
  REQUIRE(a.size() == b.size());
  for (size_t r = 0; r < a.size(); r++) {
    const float* v = b.get(a.id_at(r));
    REQUIRE(v != nullptr);
    REQUIRE(std::memcmp(v, a.vector_at(r), a.dims() * sizeof(float)) == 0);
  }
}

// Encrypts arbitrary plaintext the way index_save does, to reach the parser with authentic
// but malformed data.
std::vector<uint8_t> envelope_of(const std::vector<uint8_t>& plain, const uint8_t* key,
                                 bool compress = true) {
  std::vector<uint8_t> z(ZSTD_compressBound(plain.size()));
  size_t zlen = plain.size();
  if (compress)
    zlen = ZSTD_compress(z.data(), z.size(), plain.data(), plain.size(), 3);
  else
    z = plain;
  std::vector<uint8_t> out(kIndexEnvelopeBytes + zlen + kStreamOverhead);
  std::memcpy(out.data(), "CLIE", 4);
  out[4] = 1;
  uint64_t clen = zlen + kStreamOverhead;
  for (int i = 0; i < 8; i++) out[8 + i] = uint8_t(clen >> (8 * i));
  REQUIRE(blob_encrypt(out.data() + kIndexEnvelopeBytes, out.data() + 16, z.data(), zlen, key) ==
          kOk);
  return out;
}
}  // namespace

TEST_CASE("save/load round trips bit-exactly, empty and odd sizes too", "[index-file]") {
  auto key = random_vec(32);
  for (size_t dims : {1, 17, 512}) {
    for (size_t count : {0, 1, 33}) {
      CAPTURE(dims, count);
      auto idx = make_index(dims, count, uint32_t(dims * 100 + count));
      std::vector<uint8_t> bytes;
      REQUIRE(index_save(idx, key.data(), bytes) == kOk);
      REQUIRE(std::memcmp(bytes.data(), "CLIE", 4) == 0);
      EmbeddingIndex loaded;
      REQUIRE(index_load(loaded, bytes.data(), bytes.size(), key.data()) == kOk);
      require_equal(idx, loaded);
      // And searches identically (int8 copies are rebuilt on load).
      if (count) {
        SearchOptions opt;
        opt.quantized = true;
        std::vector<Hit> a, b;
        REQUIRE(idx.search(idx.vector_at(0), opt, a) == kOk);
        REQUIRE(loaded.search(idx.vector_at(0), opt, b) == kOk);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); i++)
          REQUIRE((a[i].id == b[i].id && a[i].score == b[i].score));
      }
    }
  }
}

TEST_CASE("the plaintext layout is the documented one", "[index-file]") {
  EmbeddingIndex idx;
  REQUIRE(idx.reset(2) == kOk);
  float v[2] = {3, 4};
  REQUIRE(idx.upsert(0x0123456789ABCull, v) == kOk);
  std::vector<uint8_t> plain;
  index_serialize(idx, plain);
  REQUIRE(plain.size() == 16 + 8 + 8);
  REQUIRE(std::memcmp(plain.data(), "CLIX\x01\0\0\0\x02\0\0\0\x01\0\0\0", 16) == 0);
  REQUIRE(std::memcmp(plain.data() + 16, "\xBC\x9A\x78\x56\x34\x12\0\0", 8) == 0);
  float stored[2];
  std::memcpy(stored, plain.data() + 24, 8);
  REQUIRE(stored[0] == Approx(0.6f));
  REQUIRE(stored[1] == Approx(0.8f));
}

TEST_CASE("wrong key, flipped bytes, truncation, trailing data: right status, index untouched",
          "[index-file]") {
  auto key = random_vec(32), other = random_vec(32);
  auto saved = make_index(5, 6, 1);
  std::vector<uint8_t> bytes;
  REQUIRE(index_save(saved, key.data(), bytes) == kOk);
  auto live = make_index(9, 4, 2);
  auto snapshot = make_index(9, 4, 2);

  REQUIRE(index_load(live, bytes.data(), bytes.size(), other.data()) == kAuthFailed);
  require_equal(snapshot, live);

  for (size_t cut = 0; cut < bytes.size(); cut++) {
    CAPTURE(cut);
    REQUIRE(index_load(live, bytes.data(), cut, key.data()) == kTruncated);
  }
  require_equal(snapshot, live);

  for (size_t at = 0; at < bytes.size(); at++) {
    CAPTURE(at);
    auto bad = bytes;
    bad[at] ^= 0x01;
    Status s = index_load(live, bad.data(), bad.size(), key.data());
    if (at < 8)
      REQUIRE(s == kBadInput);  // magic, version
    else if (at < 16)
      REQUIRE((s == kBadInput || s == kTruncated));  // ciphertext length
    else
      REQUIRE(s == kAuthFailed);  // header, ciphertext, MAC
  }
  require_equal(snapshot, live);

  auto longer = bytes;
  longer.push_back(0);
  REQUIRE(index_load(live, longer.data(), longer.size(), key.data()) == kBadInput);
  require_equal(snapshot, live);

  REQUIRE(index_load(live, bytes.data(), bytes.size(), key.data()) == kOk);
  require_equal(saved, live);
}

TEST_CASE("authentic but malformed plaintext is kBadInput", "[index-file]") {
  auto key = random_vec(32);
  auto src = make_index(4, 3, 3);
  std::vector<uint8_t> good;
  index_serialize(src, good);
  auto live = make_index(4, 2, 4);
  auto snapshot = make_index(4, 2, 4);
  auto expect_bad = [&](std::vector<uint8_t> plain, bool compress = true) {
    auto env = envelope_of(plain, key.data(), compress);
    REQUIRE(index_load(live, env.data(), env.size(), key.data()) == kBadInput);
    require_equal(snapshot, live);
  };
  // Sanity: the helper itself produces loadable data.
  auto env = envelope_of(good, key.data());
  EmbeddingIndex probe;
  REQUIRE(index_load(probe, env.data(), env.size(), key.data()) == kOk);
  require_equal(src, probe);

  auto p = good;
  p[0] = 'X';
  expect_bad(p);  // magic
  p = good;
  p[4] = 2;
  expect_bad(p);  // version
  p = good;
  std::memset(p.data() + 8, 0, 4);
  expect_bad(p);  // dims 0
  p = good;
  p[8] = 5;
  expect_bad(p);  // dims mismatch with length
  p = good;
  p[12] = 4;
  expect_bad(p);  // count mismatch
  p = good;
  p.pop_back();
  expect_bad(p);  // short by a byte
  p = good;
  p.resize(10);
  expect_bad(p);  // shorter than the header
  p = good;
  std::memcpy(p.data() + 24, p.data() + 16, 8);
  expect_bad(p);  // duplicate id
  p = good;
  p[16 + 7] = 0x20;
  expect_bad(p);  // id >= 2^53
  p = good;
  float two = 2.0f;
  std::memcpy(p.data() + 40, &two, 4);
  expect_bad(p);  // not unit length
  p = good;
  float nan = std::nanf("");
  std::memcpy(p.data() + 40, &nan, 4);
  expect_bad(p);
  expect_bad(good, false);  // not a zstd frame
}

namespace {
// A zstd frame written by hand: no content size, 128 KiB window, one raw block holding `head`,
// then `rle_bytes` of zeros as RLE blocks (4 bytes each on the wire): a cheap inflation bomb.
std::vector<uint8_t> zstd_bomb(const std::vector<uint8_t>& head, size_t rle_bytes) {
  const size_t kBlock = 128 * 1024;
  std::vector<uint8_t> f = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38};
  auto block = [&](bool last, int type, size_t size) {
    uint32_t h = uint32_t(size << 3) | uint32_t(type << 1) | (last ? 1u : 0u);
    f.insert(f.end(), {uint8_t(h), uint8_t(h >> 8), uint8_t(h >> 16)});
  };
  block(rle_bytes == 0, 0, head.size());
  f.insert(f.end(), head.begin(), head.end());
  for (size_t left = rle_bytes; left > 0; left -= std::min(left, kBlock)) {
    block(left <= kBlock, 1, std::min(left, kBlock));
    f.push_back(0);
  }
  return f;
}
}  // namespace

TEST_CASE("inflation never outgrows what the plaintext header declares", "[index-file]") {
  auto key = random_vec(32);
  auto src = make_index(4, 3, 3);
  std::vector<uint8_t> good;
  index_serialize(src, good);
  EmbeddingIndex live;
  // The good plaintext followed by 256 MiB of zeros: kBadInput once one byte too many comes out.
  auto bomb = envelope_of(zstd_bomb(good, 256u << 20), key.data(), false);
  REQUIRE(index_load(live, bomb.data(), bomb.size(), key.data()) == kBadInput);
  // Exactly the good plaintext, through the same hand-written frame: loads.
  auto exact = envelope_of(zstd_bomb(good, 0), key.data(), false);
  REQUIRE(index_load(live, exact.data(), exact.size(), key.data()) == kOk);
  require_equal(src, live);
  // A header declaring 2^22 vectors of 512 (8 GiB): refused before inflating the rest.
  std::vector<uint8_t> huge(good.begin(), good.begin() + 16);
  huge[8] = 0;
  huge[9] = 2;
  huge[10] = huge[11] = 0;  // dims 512
  huge[12] = huge[13] = 0;
  huge[14] = 0x40;
  huge[15] = 0;  // count 2^22
  auto declared = envelope_of(zstd_bomb(huge, 1u << 20), key.data(), false);
  REQUIRE(index_load(live, declared.data(), declared.size(), key.data()) == kBadInput);
  REQUIRE(std::string(last_error_message()).find("cap") != std::string::npos);
  // Shorter than declared: kBadInput.
  auto shorter = good;
  shorter.resize(good.size() - 4);
  auto cut = envelope_of(zstd_bomb(shorter, 0), key.data(), false);
  REQUIRE(index_load(live, cut.data(), cut.size(), key.data()) == kBadInput);
  require_equal(src, live);
}
