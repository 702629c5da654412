#include <catch2/catch.hpp>

#include <cstring>

#include "box.hpp"
#include "keys.hpp"
#include "secretbox.hpp"
#include "test_helpers.hpp"

using namespace cl;

TEST_CASE("secretbox round trip, tamper and wrong key", "[secretbox]") {
  auto key = random_vec(32), m = random_vec(77);
  std::vector<uint8_t> c(m.size() + 16), out(m.size(), 0xAA);
  uint8_t nonce[24], nonce2[24];
  secretbox_encrypt(c.data(), nonce, m.data(), m.size(), key.data());
  REQUIRE(secretbox_decrypt(out.data(), c.data(), c.size(), nonce, key.data()) == kOk);
  REQUIRE(out == m);
  secretbox_encrypt(c.data(), nonce2, m.data(), m.size(), key.data());
  REQUIRE(std::memcmp(nonce, nonce2, 24) != 0);  // fresh random nonce each time
  c[0] ^= 1;
  std::vector<uint8_t> untouched(m.size(), 0xAA);
  REQUIRE(secretbox_decrypt(untouched.data(), c.data(), c.size(), nonce2, key.data()) ==
          kAuthFailed);
  REQUIRE(untouched == std::vector<uint8_t>(m.size(), 0xAA));  // nothing released
  REQUIRE(secretbox_decrypt(out.data(), c.data(), 15, nonce2, key.data()) == kTruncated);
}

TEST_CASE("sealed box round trip and wrong recipient", "[box]") {
  uint8_t pk[32], sk[32], pk2[32], sk2[32];
  box_keypair(pk, sk);
  box_keypair(pk2, sk2);
  auto m = random_vec(32);
  std::vector<uint8_t> c(m.size() + kSealOverhead), out(m.size());
  REQUIRE(box_seal(c.data(), m.data(), m.size(), pk) == kOk);
  REQUIRE(box_seal_open(out.data(), c.data(), c.size(), pk, sk) == kOk);
  REQUIRE(out == m);
  REQUIRE(box_seal_open(out.data(), c.data(), c.size(), pk2, sk2) == kAuthFailed);
  REQUIRE(box_seal_open(out.data(), c.data(), 47, pk, sk) == kTruncated);
}

TEST_CASE("a box secret key gives back its public key", "[box]") {
  uint8_t pk[32], sk[32], again[32];
  box_keypair(pk, sk);
  box_public_key(again, sk);
  REQUIRE(std::memcmp(pk, again, 32) == 0);
}

TEST_CASE("Argon2id derivation matches libsodium and validates limits", "[keys]") {
  const char* pw = "correct horse";
  auto salt = random_vec(16);
  uint8_t a[32], b[32];
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 2, 1 << 20) == kOk);
  REQUIRE(crypto_pwhash(b, 32, pw, strlen(pw), salt.data(), 2, 1 << 20,
                        crypto_pwhash_ALG_ARGON2ID13) == 0);
  REQUIRE(std::memcmp(a, b, 32) == 0);
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 0, 1 << 20) == kBadInput);
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 2, 1024) == kBadInput);
}

TEST_CASE("login subkey is the first 16 bytes of KDF(kek, 1, loginctx)", "[keys]") {
  auto kek = random_vec(32);
  uint8_t sub[16], full[32];
  derive_login_subkey(sub, kek.data());
  crypto_kdf_derive_from_key(full, 32, 1, "loginctx", kek.data());
  REQUIRE(std::memcmp(sub, full, 16) == 0);
}
