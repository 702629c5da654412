// Bindings of secretbox, blob, sealed box, Ed25519 signatures and the incremental secretstream
// classes.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include "box.hpp"
#include "ptr.hpp"
#include "secretbox.hpp"
#include "secretstream.hpp"
#include "sign.hpp"

using namespace emscripten;
using clb::P;

namespace {
// Thin adapters from the core classes' (status, length) pairs to the -status-or-length
// convention.
class Encryptor {
 public:
  int init(uintptr_t key, uintptr_t header) { return enc_.init(P(key), P(header)); }
  int resume(uintptr_t key, uintptr_t header) { return enc_.resume(P(key), P(header)); }
  uintptr_t inputPtr() { return reinterpret_cast<uintptr_t>(enc_.input()); }
  size_t inputSpace() const { return enc_.input_space(); }
  int commit(size_t n) { return enc_.commit(n); }
  int pushMessage() {
    size_t c = 0;
    return clb::len_or_error(enc_.push_message(&c), int(c));
  }
  int finish() {
    size_t c = 0;
    return clb::len_or_error(enc_.finish(&c), int(c));
  }
  uintptr_t outputPtr() const { return reinterpret_cast<uintptr_t>(enc_.output()); }

 private:
  cl::StreamEncryptor enc_;
};

class Decryptor {
 public:
  int init(uintptr_t header, uintptr_t key) { return dec_.init(P(header), P(key)); }
  uintptr_t inputPtr() { return reinterpret_cast<uintptr_t>(dec_.input()); }
  size_t inputSpace() const { return dec_.input_space(); }
  int commit(size_t n) {
    size_t m = 0;
    return clb::len_or_error(dec_.commit(n, &m), int(m));
  }
  int finish() {
    size_t m = 0;
    return clb::len_or_error(dec_.finish(&m), int(m));
  }
  uintptr_t outputPtr() const { return reinterpret_cast<uintptr_t>(dec_.output()); }
  int chunkIndex() const { return int(dec_.chunk_index()); }

 private:
  cl::StreamDecryptor dec_;
};
}  // namespace

// The small one-shot calls Ente makes per key (secretbox, sealed box) go straight to wasm
// exports: embind's dispatch cost a measurable share of a 32-byte secretbox open.
extern "C" {
EMSCRIPTEN_KEEPALIVE void cl_secretbox_encrypt(uint8_t* c, uint8_t* nonce, const uint8_t* m,
                                               size_t mlen, const uint8_t* key) {
  cl::secretbox_encrypt(c, nonce, m, mlen, key);
}
EMSCRIPTEN_KEEPALIVE int cl_secretbox_decrypt(uint8_t* m, const uint8_t* c, size_t clen,
                                              const uint8_t* nonce, const uint8_t* key) {
  return int(cl::secretbox_decrypt(m, c, clen, nonce, key));
}
EMSCRIPTEN_KEEPALIVE int cl_box_seal(uint8_t* c, const uint8_t* m, size_t mlen, const uint8_t* pk) {
  return int(cl::box_seal(c, m, mlen, pk));
}
EMSCRIPTEN_KEEPALIVE int cl_box_seal_open(uint8_t* m, const uint8_t* c, size_t clen,
                                          const uint8_t* pk, const uint8_t* sk) {
  return int(cl::box_seal_open(m, c, clen, pk, sk));
}
}

EMSCRIPTEN_BINDINGS(cipherlens_crypto) {
  function(
      "blobEncrypt", +[](uintptr_t c, uintptr_t header, uintptr_t m, size_t mlen, uintptr_t key) {
        return int(cl::blob_encrypt(P(c), P(header), P(m), mlen, P(key)));
      });
  function(
      "blobDecrypt",
      +[](uintptr_t m, uintptr_t c, size_t clen, uintptr_t header, uintptr_t key, bool strict) {
        return int(cl::blob_decrypt(P(m), P(c), clen, P(header), P(key), strict));
      });
  function(
      "boxKeypair", +[](uintptr_t pk, uintptr_t sk) { cl::box_keypair(P(pk), P(sk)); });
  function(
      "boxPublicKey", +[](uintptr_t pk, uintptr_t sk) { cl::box_public_key(P(pk), P(sk)); });
  function(
      "signKeypair", +[](uintptr_t pk, uintptr_t sk) { cl::sign_keypair(P(pk), P(sk)); });
  function(
      "signSeedKeypair", +[](uintptr_t pk, uintptr_t sk, uintptr_t seed) {
        cl::sign_seed_keypair(P(pk), P(sk), P(seed));
      });
  function(
      "signDetached", +[](uintptr_t sig, uintptr_t m, size_t mlen, uintptr_t sk) {
        cl::sign_detached(P(sig), P(m), mlen, P(sk));
      });
  function(
      "signVerifyDetached", +[](uintptr_t sig, uintptr_t m, size_t mlen, uintptr_t pk) {
        return int(cl::sign_verify_detached(P(sig), P(m), mlen, P(pk)));
      });

  class_<Encryptor>("StreamEncryptor")
      .constructor<>()
      .function("init", &Encryptor::init)
      .function("resume", &Encryptor::resume)
      .function("inputPtr", &Encryptor::inputPtr)
      .function("inputSpace", &Encryptor::inputSpace)
      .function("commit", &Encryptor::commit)
      .function("pushMessage", &Encryptor::pushMessage)
      .function("finish", &Encryptor::finish)
      .function("outputPtr", &Encryptor::outputPtr);
  class_<Decryptor>("StreamDecryptor")
      .constructor<>()
      .function("init", &Decryptor::init)
      .function("inputPtr", &Decryptor::inputPtr)
      .function("inputSpace", &Decryptor::inputSpace)
      .function("commit", &Decryptor::commit)
      .function("finish", &Decryptor::finish)
      .function("outputPtr", &Decryptor::outputPtr)
      .function("chunkIndex", &Decryptor::chunkIndex);
}
