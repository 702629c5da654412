// Bindings of base64, BIP39 mnemonics and the low-level primitives the official test
// vectors exercise.
#include <emscripten/bind.h>

#include <sodium.h>

#include "encoding.hpp"
#include "mnemonic.hpp"
#include "ptr.hpp"
#include "status.hpp"

using namespace emscripten;
using clb::P;

namespace {
// An AEAD decryption's outcome as a status: too short for its tag is TRUNCATED (checked here, the
// one place: TypeScript only sizes the output), a failed tag AUTH_FAILED.
int aead_status(size_t clen, int rc) {
  if (clen < crypto_aead_chacha20poly1305_ietf_ABYTES)
    return int(cl::fail(cl::kTruncated, "ciphertext is shorter than its 16-byte tag"));
  return rc == 0 ? int(cl::kOk)
                 : int(cl::fail(cl::kAuthFailed, "AEAD ciphertext failed authentication"));
}

// Text results (base64 of keys, recovery phrases) are written to caller buffers that JS zeroes.
int b64_encode(uintptr_t out, uintptr_t bin, size_t len, int variant) {
  cl::b64_encode(reinterpret_cast<char*>(out), P(bin), len, static_cast<cl::B64>(variant));
  return int(cl::b64_encoded_len(len, static_cast<cl::B64>(variant)));
}

int b64_decode(uintptr_t out, uintptr_t text, size_t len, int variant) {
  size_t n = 0;
  return clb::len_or_error(cl::b64_decode(P(out), &n, reinterpret_cast<const char*>(text), len,
                                          static_cast<cl::B64>(variant)),
                           int(n));
}

int mnemonic_from_entropy(uintptr_t out, uintptr_t entropy, size_t len) {
  size_t n = 0;
  return clb::len_or_error(
      cl::mnemonic_from_entropy(reinterpret_cast<char*>(out), &n, P(entropy), len), int(n));
}

int mnemonic_to_entropy(uintptr_t entropy, uintptr_t phrase, size_t len, size_t expected_words) {
  size_t n = 0;
  return clb::len_or_error(
      cl::mnemonic_to_entropy(P(entropy), &n, reinterpret_cast<const char*>(phrase), len,
                              expected_words),
      int(n));
}

int verification_id(uintptr_t out, uintptr_t pk, size_t len) {
  uint8_t hash[32];
  cl::sha256(hash, P(pk), len);
  size_t n = 0;
  cl::Status s = cl::mnemonic_from_entropy(reinterpret_cast<char*>(out), &n, hash, sizeof hash);
  return clb::len_or_error(s, int(n));
}
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_encoding) {
  function(
      "b64EncodedLength", +[](size_t len, int variant) {
        return cl::b64_encoded_len(len, static_cast<cl::B64>(variant));
      });
  function("b64Encode", &b64_encode);
  function("b64Decode", &b64_decode);
  function("mnemonicFromEntropy", &mnemonic_from_entropy);
  function("mnemonicToEntropy", &mnemonic_to_entropy);
  function("verificationId", &verification_id);

  // libsodium primitives under Ente's formats, for the RFC 8439 / XChaCha draft vectors.
  function(
      "chacha20IetfXorIc",
      +[](uintptr_t c, uintptr_t m, size_t len, uintptr_t nonce, uint32_t ic, uintptr_t key) {
        crypto_stream_chacha20_ietf_xor_ic(P(c), P(m), len, P(nonce), ic, P(key));
      });
  function(
      "xchacha20XorIc",
      +[](uintptr_t c, uintptr_t m, size_t len, uintptr_t nonce, double ic, uintptr_t key) {
        crypto_stream_xchacha20_xor_ic(P(c), P(m), len, P(nonce), static_cast<uint64_t>(ic),
                                       P(key));
      });
  function(
      "hchacha20", +[](uintptr_t out, uintptr_t in16, uintptr_t key) {
        crypto_core_hchacha20(P(out), P(in16), P(key), nullptr);
      });
  function(
      "poly1305", +[](uintptr_t tag, uintptr_t m, size_t len, uintptr_t key) {
        crypto_onetimeauth_poly1305(P(tag), P(m), len, P(key));
      });
  function(
      "aeadChacha20Poly1305IetfEncrypt", +[](uintptr_t c, uintptr_t m, size_t mlen, uintptr_t ad,
                                             size_t adlen, uintptr_t nonce, uintptr_t key) {
        crypto_aead_chacha20poly1305_ietf_encrypt(P(c), nullptr, P(m), mlen, P(ad), adlen, nullptr,
                                                  P(nonce), P(key));
      });
  function(
      "aeadChacha20Poly1305IetfDecrypt", +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t ad,
                                             size_t adlen, uintptr_t nonce, uintptr_t key) {
        return aead_status(
            clen, crypto_aead_chacha20poly1305_ietf_decrypt(P(m), nullptr, nullptr, P(c), clen,
                                                            P(ad), adlen, P(nonce), P(key)));
      });
  function(
      "aeadXChacha20Poly1305IetfEncrypt", +[](uintptr_t c, uintptr_t m, size_t mlen, uintptr_t ad,
                                              size_t adlen, uintptr_t nonce, uintptr_t key) {
        crypto_aead_xchacha20poly1305_ietf_encrypt(P(c), nullptr, P(m), mlen, P(ad), adlen, nullptr,
                                                   P(nonce), P(key));
      });
  function(
      "aeadXChacha20Poly1305IetfDecrypt", +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t ad,
                                              size_t adlen, uintptr_t nonce, uintptr_t key) {
        return aead_status(
            clen, crypto_aead_xchacha20poly1305_ietf_decrypt(P(m), nullptr, nullptr, P(c), clen,
                                                             P(ad), adlen, P(nonce), P(key)));
      });
}
