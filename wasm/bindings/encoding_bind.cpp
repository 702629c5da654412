// Bindings of base64, BIP39 mnemonics and the low-level primitives the official test
// vectors exercise. Variable-length results are left in a result buffer for JS to copy.
#include <emscripten/bind.h>

#include <sodium.h>

#include <string>
#include <vector>

#include "encoding.hpp"
#include "mnemonic.hpp"
#include "ptr.hpp"

using namespace emscripten;
using clb::P;

namespace {
std::vector<uint8_t> g_result;

void clear_result() {
  sodium_memzero(g_result.data(), g_result.size());
  g_result.clear();
}

int result_or_error(cl::Status s) { return clb::len_or_error(s, int(g_result.size())); }

// Encoded as an unsigned number so heap addresses above 2 GiB survive.
uintptr_t result_ptr() { return reinterpret_cast<uintptr_t>(g_result.data()); }

std::string b64_encode(uintptr_t bin, size_t len, int variant) {
  return cl::b64_encode(P(bin), len, static_cast<cl::B64>(variant));
}

int b64_decode(const std::string& text, int variant) {
  clear_result();
  return result_or_error(cl::b64_decode(g_result, text.data(), text.size(), static_cast<cl::B64>(variant)));
}

// Returns "" on failure (a mnemonic is never empty).
std::string mnemonic_from_entropy(uintptr_t entropy, size_t len) {
  std::string words;
  return cl::mnemonic_from_entropy(words, P(entropy), len) == cl::kOk ? words : std::string();
}

int mnemonic_to_entropy(const std::string& words, size_t expected_words) {
  clear_result();
  return result_or_error(cl::mnemonic_to_entropy(g_result, words, expected_words));
}

std::string verification_id(uintptr_t pk, size_t len) {
  uint8_t hash[32];
  cl::sha256(hash, P(pk), len);
  std::string words;
  cl::mnemonic_from_entropy(words, hash, sizeof hash);
  return words;
}
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_encoding) {
  function("resultPtr", &result_ptr);
  function("clearResult", &clear_result);
  function("b64Encode", &b64_encode);
  function("b64Decode", &b64_decode);
  function("mnemonicFromEntropy", &mnemonic_from_entropy);
  function("mnemonicToEntropy", &mnemonic_to_entropy);
  function("verificationId", &verification_id);

  // libsodium primitives under Ente's formats, for the RFC 8439 / XChaCha draft vectors.
  function("chacha20IetfXorIc", +[](uintptr_t c, uintptr_t m, size_t len, uintptr_t nonce, uint32_t ic, uintptr_t key) {
    crypto_stream_chacha20_ietf_xor_ic(P(c), P(m), len, P(nonce), ic, P(key));
  });
  function("xchacha20XorIc", +[](uintptr_t c, uintptr_t m, size_t len, uintptr_t nonce, double ic, uintptr_t key) {
    crypto_stream_xchacha20_xor_ic(P(c), P(m), len, P(nonce), static_cast<uint64_t>(ic), P(key));
  });
  function("hchacha20", +[](uintptr_t out, uintptr_t in16, uintptr_t key) {
    crypto_core_hchacha20(P(out), P(in16), P(key), nullptr);
  });
  function("poly1305", +[](uintptr_t tag, uintptr_t m, size_t len, uintptr_t key) {
    crypto_onetimeauth_poly1305(P(tag), P(m), len, P(key));
  });
  function("aeadChacha20Poly1305IetfEncrypt", +[](uintptr_t c, uintptr_t m, size_t mlen, uintptr_t ad, size_t adlen, uintptr_t nonce, uintptr_t key) {
    crypto_aead_chacha20poly1305_ietf_encrypt(P(c), nullptr, P(m), mlen, P(ad), adlen, nullptr, P(nonce), P(key));
  });
  function("aeadChacha20Poly1305IetfDecrypt", +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t ad, size_t adlen, uintptr_t nonce, uintptr_t key) {
    return crypto_aead_chacha20poly1305_ietf_decrypt(P(m), nullptr, nullptr, P(c), clen, P(ad), adlen, P(nonce), P(key));
  });
  function("aeadXChacha20Poly1305IetfEncrypt", +[](uintptr_t c, uintptr_t m, size_t mlen, uintptr_t ad, size_t adlen, uintptr_t nonce, uintptr_t key) {
    crypto_aead_xchacha20poly1305_ietf_encrypt(P(c), nullptr, P(m), mlen, P(ad), adlen, nullptr, P(nonce), P(key));
  });
  function("aeadXChacha20Poly1305IetfDecrypt", +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t ad, size_t adlen, uintptr_t nonce, uintptr_t key) {
    return crypto_aead_xchacha20poly1305_ietf_decrypt(P(m), nullptr, nullptr, P(c), clen, P(ad), adlen, P(nonce), P(key));
  });
}
