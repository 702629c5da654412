// The stitched secretstream pull (wasm/crypto/simd/secretstream_pull_wasm128.c) against libsodium's
// own crypto_secretstream_xchacha20poly1305_pull, both starting from copies of one state:
// same return code, plaintext, tag, length and next state, for every length 0..1100, around
// the 256-byte tiles and 4 MiB, with additional data, through REKEY and a counter wrap; and
// on tampered input the same rejection, with our output wiped. Only the emcc build has it.
#ifdef __EMSCRIPTEN__
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "secretstream_pull_wasm128.h"
#include "simd_mode.h"
#include "test_helpers.hpp"

namespace {
using State = crypto_secretstream_xchacha20poly1305_state;
constexpr size_t kA = crypto_secretstream_xchacha20poly1305_ABYTES;

struct Pulled {
  int rc;
  unsigned long long mlen;
  unsigned char tag;
  std::vector<uint8_t> m;
  State st;
};

Pulled pull_ours(State st, const std::vector<uint8_t>& c, const std::vector<uint8_t>& ad) {
  Pulled p{};
  p.m.assign(c.size() >= kA ? c.size() - kA : 0, 0xaa);  // wiping must be visible
  p.rc = cipherlens_secretstream_pull(&st, p.m.data(), &p.mlen, &p.tag, c.data(), c.size(),
                                      ad.data(), ad.size());
  p.st = st;
  return p;
}

Pulled pull_sodium(State st, const std::vector<uint8_t>& c, const std::vector<uint8_t>& ad) {
  Pulled p{};
  p.m.assign(c.size() >= kA ? c.size() - kA : 0, 0xaa);
  p.rc = crypto_secretstream_xchacha20poly1305_pull(&st, p.m.data(), &p.mlen, &p.tag, c.data(),
                                                    c.size(), ad.data(), ad.size());
  p.st = st;
  return p;
}

void require_same(const Pulled& a, const Pulled& b) {
  REQUIRE(a.rc == b.rc);
  REQUIRE(a.mlen == b.mlen);
  REQUIRE(a.tag == b.tag);
  REQUIRE(std::memcmp(&a.st, &b.st, sizeof a.st) == 0);
  if (a.rc == 0) REQUIRE(a.m == b.m);
}

std::vector<uint8_t> push(State& st, const std::vector<uint8_t>& m, const std::vector<uint8_t>& ad,
                          unsigned char tag) {
  std::vector<uint8_t> c(m.size() + kA);
  crypto_secretstream_xchacha20poly1305_push(&st, c.data(), nullptr, m.data(), m.size(), ad.data(),
                                             ad.size(), tag);
  return c;
}

struct Pair {
  State push, pull;
};

Pair fresh() {
  auto key = random_vec(32);
  std::vector<uint8_t> header(crypto_secretstream_xchacha20poly1305_HEADERBYTES);
  Pair p;
  crypto_secretstream_xchacha20poly1305_init_push(&p.push, header.data(), key.data());
  crypto_secretstream_xchacha20poly1305_init_pull(&p.pull, header.data(), key.data());
  return p;
}

const unsigned char kTags[] = {crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
                               crypto_secretstream_xchacha20poly1305_TAG_PUSH,
                               crypto_secretstream_xchacha20poly1305_TAG_REKEY,
                               crypto_secretstream_xchacha20poly1305_TAG_FINAL};
}  // namespace

TEST_CASE("Stitched pull equals libsodium's pull for every length 0..1100, with and without ad") {
  for (size_t len = 0; len <= 1100; len++) {
    Pair p = fresh();
    auto m = random_vec(len);
    auto ad = random_vec(len % 3 == 0 ? len % 41 : 0);
    auto c = push(p.push, m, ad, kTags[len % 4]);
    Pulled ours = pull_ours(p.pull, c, ad), ref = pull_sodium(p.pull, c, ad);
    CAPTURE(len, ad.size());
    REQUIRE(ours.rc == 0);
    REQUIRE(ours.m == m);
    require_same(ours, ref);
  }
}

TEST_CASE("Stitched pull around tile boundaries and 4 MiB") {
  const size_t M = size_t(4) << 20;
  for (size_t len : {size_t(4095), size_t(4096), size_t(4097), size_t(16383), size_t(16384),
                     size_t(65536 + 200), M - 257, M - 256, M - 255, M - 1, M, M + 1, M + 300}) {
    Pair p = fresh();
    auto m = random_vec(len);
    std::vector<uint8_t> ad;
    auto c = push(p.push, m, ad, kTags[len % 4]);
    Pulled ours = pull_ours(p.pull, c, ad), ref = pull_sodium(p.pull, c, ad);
    CAPTURE(len);
    REQUIRE(ours.rc == 0);
    REQUIRE(ours.m == m);
    require_same(ours, ref);
  }
}

TEST_CASE("Stitched pull follows a stream through every tag, REKEY and a counter wrap") {
  Pair p = fresh();
  State ours = p.pull, ref = p.pull;
  std::vector<uint8_t> ad;
  for (int chunk = 0; chunk < 40; chunk++) {
    if (chunk == 20) {  // both sides' counters to 0xffffffff: the next pull wraps and rekeys
      std::memset(p.push.nonce, 0xff, 4);
      std::memcpy(ours.nonce, p.push.nonce, 4);
      std::memcpy(ref.nonce, p.push.nonce, 4);
    }
    auto m = random_vec((size_t(chunk) * 977) % 3000);
    auto c = push(p.push, m, ad, kTags[(chunk * 7) % 4]);
    Pulled a = pull_ours(ours, c, ad), b = pull_sodium(ref, c, ad);
    CAPTURE(chunk);
    REQUIRE(a.rc == 0);
    REQUIRE(a.m == m);
    require_same(a, b);
    ours = a.st;
    ref = b.st;
  }
}

TEST_CASE("Stitched pull rejects tampered tag byte, ciphertext, MAC or ad, and wipes its output") {
  for (size_t len : {size_t(0), size_t(1), size_t(100), size_t(256), size_t(1000), size_t(70000)}) {
    Pair p = fresh();
    auto m = random_vec(len), ad = random_vec(len % 7);
    auto c = push(p.push, m, ad, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    std::vector<size_t> spots = {0, c.size() - 1, c.size() - kA + 1};
    if (len > 0) spots.insert(spots.end(), {1, 1 + len / 2, len});
    for (size_t at : spots) {
      auto bad = c;
      bad[at] ^= 0x10;
      Pulled ours = pull_ours(p.pull, bad, ad), ref = pull_sodium(p.pull, bad, ad);
      CAPTURE(len, at);
      REQUIRE(ours.rc == -1);
      require_same(ours, ref);
      REQUIRE(ours.tag == 0xff);
      REQUIRE(std::all_of(ours.m.begin(), ours.m.end(), [](uint8_t b) { return b == 0; }));
    }
    if (!ad.empty()) {
      auto bad_ad = ad;
      bad_ad[0] ^= 1;
      Pulled ours = pull_ours(p.pull, c, bad_ad);
      REQUIRE(ours.rc == -1);
      REQUIRE(std::all_of(ours.m.begin(), ours.m.end(), [](uint8_t b) { return b == 0; }));
    }
    Pulled shortened = pull_ours(p.pull, std::vector<uint8_t>(c.begin(), c.begin() + kA - 1), ad);
    REQUIRE(shortened.rc == -1);
  }
}

TEST_CASE("Stitched pull decrypts in place (m == in + 1) and defers to libsodium in scalar mode") {
  for (size_t len : {size_t(0), size_t(300), size_t(5000), size_t(1) << 20}) {
    Pair p = fresh();
    auto m = random_vec(len);
    std::vector<uint8_t> ad;
    auto c = push(p.push, m, ad, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    Pulled ref = pull_sodium(p.pull, c, ad);
    State st = p.pull;
    auto buf = c;
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    REQUIRE(cipherlens_secretstream_pull(&st, buf.data() + 1, &mlen, &tag, buf.data(), buf.size(),
                                         nullptr, 0) == 0);
    CAPTURE(len);
    REQUIRE(std::vector<uint8_t>(buf.begin() + 1, buf.begin() + 1 + len) == m);
    REQUIRE(std::memcmp(&st, &ref.st, sizeof st) == 0);
    cipherlens_simd_set_scalar_mode(1);
    Pulled scalar = pull_ours(p.pull, c, ad);
    cipherlens_simd_set_scalar_mode(0);
    REQUIRE(scalar.m == m);
    require_same(scalar, ref);
  }
}
#endif
