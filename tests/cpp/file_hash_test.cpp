#include <catch2/catch.hpp>

#include "file_hash.hpp"
#include "test_helpers.hpp"

using namespace cl;

TEST_CASE("file hash: BLAKE2b-512, the same however the input is split", "[hash]") {
  auto data = random_vec(100000);
  uint8_t whole[kFileHashBytes], pieces[kFileHashBytes], again[kFileHashBytes];
  crypto_generichash(whole, sizeof whole, data.data(), data.size(), nullptr, 0);
  FileHasher h;
  for (size_t at = 0; at < data.size(); at += 7777)
    h.update(data.data() + at, std::min<size_t>(7777, data.size() - at));
  h.finish(pieces);
  REQUIRE(std::equal(whole, whole + 64, pieces));
  h.update(data.data(), data.size());  // starts over after finish
  h.finish(again);
  REQUIRE(std::equal(whole, whole + 64, again));
  // The empty input: BLAKE2b-512("") from RFC 7693's reference implementation.
  FileHasher empty;
  empty.finish(again);
  auto expected = from_hex(
      "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
      "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
  REQUIRE(std::equal(expected.begin(), expected.end(), again));
}
