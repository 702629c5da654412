#include <catch2/catch.hpp>

#include <cstring>

#include "sign.hpp"
#include "test_helpers.hpp"

using namespace cl;

// RFC 8032 section 7.1, TEST 2 (the full set runs in tests/js/sign.test.mjs from
// tests/vectors/rfc8032.json).
TEST_CASE("Ed25519 seed key pair and signature match RFC 8032 TEST 2", "[sign]") {
  auto seed = from_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  auto expected_pk = from_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  auto expected_sig = from_hex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  uint8_t pk[kSignPublicKeyBytes], sk[kSignSecretKeyBytes], sig[kSignatureBytes];
  sign_seed_keypair(pk, sk, seed.data());
  REQUIRE(std::memcmp(pk, expected_pk.data(), 32) == 0);
  REQUIRE(std::memcmp(sk, seed.data(), 32) == 0);
  REQUIRE(std::memcmp(sk + 32, pk, 32) == 0);
  const uint8_t m[1] = {0x72};
  sign_detached(sig, m, 1, sk);
  REQUIRE(std::memcmp(sig, expected_sig.data(), 64) == 0);
  REQUIRE(sign_verify_detached(sig, m, 1, pk) == kOk);
}

TEST_CASE("Ed25519 verification refuses other keys, changed messages and signatures", "[sign]") {
  uint8_t pk[32], sk[64], pk2[32], sk2[64], sig[64];
  sign_keypair(pk, sk);
  sign_keypair(pk2, sk2);
  auto m = random_vec(500);
  sign_detached(sig, m.data(), m.size(), sk);
  REQUIRE(sign_verify_detached(sig, m.data(), m.size(), pk) == kOk);
  REQUIRE(sign_verify_detached(sig, m.data(), m.size(), pk2) == kAuthFailed);
  REQUIRE(sign_verify_detached(sig, m.data(), m.size() - 1, pk) == kAuthFailed);
  sig[10] ^= 1;
  REQUIRE(sign_verify_detached(sig, m.data(), m.size(), pk) == kAuthFailed);
  sig[10] ^= 1;
  m[0] ^= 1;
  REQUIRE(sign_verify_detached(sig, m.data(), m.size(), pk) == kAuthFailed);
}

TEST_CASE("Ed25519 signs and verifies an empty message given as null", "[sign]") {
  uint8_t pk[32], sk[64], sig[64];
  sign_keypair(pk, sk);
  sign_detached(sig, nullptr, 0, sk);
  REQUIRE(sign_verify_detached(sig, nullptr, 0, pk) == kOk);
}
