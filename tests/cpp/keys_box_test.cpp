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
  REQUIRE(secretbox_decrypt(untouched.data(), c.data(), c.size(), nonce2, key.data()) == kAuthFailed);
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

TEST_CASE("Argon2id derivation matches libsodium and validates limits", "[keys]") {
  const char* pw = "correct horse";
  auto salt = random_vec(16);
  uint8_t a[32], b[32];
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 2, 1 << 20) == kOk);
  REQUIRE(crypto_pwhash(b, 32, pw, strlen(pw), salt.data(), 2, 1 << 20, crypto_pwhash_ALG_ARGON2ID13) == 0);
  REQUIRE(std::memcmp(a, b, 32) == 0);
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 0, 1 << 20) == kBadInput);
  REQUIRE(derive_key(a, 32, (const uint8_t*)pw, strlen(pw), salt.data(), 2, 1024) == kBadInput);
}

namespace {
uint64_t g_tries[4][2];
int g_n = 0;
uint64_t g_fail_above = 0;
Status fake_derive(uint8_t* key, size_t key_len, const uint8_t*, size_t, const uint8_t*, uint64_t ops,
                   uint64_t mem) {
  g_tries[g_n][0] = ops;
  g_tries[g_n][1] = mem;
  g_n++;
  if (mem > g_fail_above) return kOutOfMemory;
  std::memset(key, 7, key_len);
  return kOk;
}
}  // namespace

TEST_CASE("sensitive derivation halves memory and doubles ops on allocation failure", "[keys]") {
  uint8_t key[32], salt[16];
  uint64_t ops = 0, mem = 0;
  const uint8_t pw[] = "pw";

  g_n = 0;
  g_fail_above = 128 * kMiB;  // a device that cannot allocate 256 MiB
  REQUIRE(derive_sensitive_key(key, salt, &ops, &mem, pw, 2, fake_derive) == kOk);
  REQUIRE(g_n == 2);
  REQUIRE(g_tries[0][0] == 16);
  REQUIRE(g_tries[0][1] == 256 * kMiB);
  REQUIRE(ops == 32);
  REQUIRE(mem == 128 * kMiB);

  g_n = 0;
  g_fail_above = 64 * kMiB;  // not even 128 MiB
  REQUIRE(derive_sensitive_key(key, salt, &ops, &mem, pw, 2, fake_derive) == kOutOfMemory);
  REQUIRE(g_n == 2);
}

TEST_CASE("login subkey is the first 16 bytes of KDF(kek, 1, loginctx)", "[keys]") {
  auto kek = random_vec(32);
  uint8_t sub[16], full[32];
  derive_login_subkey(sub, kek.data());
  crypto_kdf_derive_from_key(full, 32, 1, "loginctx", kek.data());
  REQUIRE(std::memcmp(sub, full, 16) == 0);
}
