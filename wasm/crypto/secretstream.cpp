#include "secretstream.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "nonnull.hpp"

#ifdef __EMSCRIPTEN__
// ChaCha20 and Poly1305 stitched into one pass (wasm/crypto/simd); same results as libsodium's
// pull.
#include "secretstream_pull_wasm128.h"
#define CL_SECRETSTREAM_PULL cipherlens_secretstream_pull
#else
#define CL_SECRETSTREAM_PULL crypto_secretstream_xchacha20poly1305_pull
#endif

namespace cl {
namespace {
using State = crypto_secretstream_xchacha20poly1305_state;
constexpr unsigned char kTagMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
constexpr unsigned char kTagFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;

Status chunk_auth_failure(long chunk) {
  std::string msg =
      "chunk " + std::to_string(chunk) + " failed authentication (wrong key or tampered data)";
  return fail(kAuthFailed, msg.c_str(), chunk);
}
}  // namespace

Status blob_encrypt(uint8_t* c, uint8_t header[kHeaderBytes], const uint8_t* m, size_t mlen,
                    const uint8_t key[32]) {
  m = nonnull(m);
  State st;
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
  crypto_secretstream_xchacha20poly1305_push(&st, c, nullptr, m, mlen, nullptr, 0, kTagFinal);
  sodium_memzero(&st, sizeof st);
  return kOk;
}

Status blob_decrypt(uint8_t* m, const uint8_t* c, size_t clen, const uint8_t header[kHeaderBytes],
                    const uint8_t key[32], bool strict) {
  if (clen < kStreamOverhead) return fail(kTruncated, "blob is shorter than its 17-byte overhead");
  m = nonnull(m);
  State st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) != 0)
    return fail(kBadInput, "invalid blob header");
  unsigned char tag = 0;
  int rc = CL_SECRETSTREAM_PULL(&st, m, nullptr, &tag, c, clen, nullptr, 0);
  sodium_memzero(&st, sizeof st);
  if (rc != 0) return fail(kAuthFailed, "blob failed authentication (wrong key or tampered data)");
  if (strict && tag != kTagFinal) {
    sodium_memzero(m, clen - kStreamOverhead);  // authentic, but not what a blob must be
    return fail(kBadInput,
                "blob message is not tagged FINAL (use the legacy decrypt for old data)");
  }
  return kOk;
}

// ---- encryptor ----

StreamEncryptor::StreamEncryptor() : in_(kChunkBytes), out_(kCipherChunkBytes) {}

StreamEncryptor::~StreamEncryptor() { sodium_memzero(&state_, sizeof state_); }

Status StreamEncryptor::init(const uint8_t key[32], uint8_t header[kHeaderBytes]) {
  return start([&] {
    crypto_secretstream_xchacha20poly1305_init_push(&state_, header, key);
    return true;
  });
}

Status StreamEncryptor::resume(const uint8_t key[32], const uint8_t header[kHeaderBytes]) {
  // init_pull sets exactly the state init_push sets for this header (subkey, counter, nonce).
  return start(
      [&] { return crypto_secretstream_xchacha20poly1305_init_pull(&state_, header, key) == 0; });
}

template <typename InitState>
Status StreamEncryptor::start(InitState init_state) {
  ready_ = false;
  if (!in_.ok() || !out_.ok())
    return fail(kOutOfMemory, "no wasm memory for the stream's 4 MiB chunk buffers");
  if (!init_state()) return fail(kBadInput, "invalid stream header");
  filled_ = 0;
  ready_ = true;
  finished_ = false;
  return kOk;
}

Status StreamEncryptor::commit(size_t n) {
  if (!ready_) return fail(kBadInput, "encryptor is not initialised");
  if (finished_) return fail(kClosed, "encryptor is finished");
  if (n > kChunkBytes - filled_) return fail(kBadInput, "commit exceeds the chunk buffer");
  filled_ += n;
  in_.touched(filled_);
  return kOk;
}

Status StreamEncryptor::push(unsigned char tag, size_t* clen) {
  crypto_secretstream_xchacha20poly1305_push(&state_, out_.data(), nullptr, in_.data(), filled_,
                                             nullptr, 0, tag);
  *clen = filled_ + kStreamOverhead;
  out_.touched(*clen);
  in_.wipe();  // plaintext is not kept once encrypted
  filled_ = 0;
  return kOk;
}

Status StreamEncryptor::push_message(size_t* clen) {
  if (!ready_) return fail(kBadInput, "encryptor is not initialised");
  if (finished_) return fail(kClosed, "encryptor is finished");
  // Only full chunks may be MESSAGE chunks: Ente's readers rely on fixed 4 MiB chunks.
  if (filled_ != kChunkBytes) return fail(kBadInput, "a MESSAGE chunk must be exactly 4 MiB");
  return push(kTagMessage, clen);
}

Status StreamEncryptor::finish(size_t* clen) {
  if (!ready_) return fail(kBadInput, "encryptor is not initialised");
  if (finished_) return fail(kClosed, "encryptor is finished");
  Status s = push(kTagFinal, clen);
  finished_ = true;
  sodium_memzero(&state_, sizeof state_);
  return s;
}

// ---- decryptor ----

StreamDecryptor::StreamDecryptor() : in_(kCipherChunkBytes), out_(kChunkBytes) {}

StreamDecryptor::~StreamDecryptor() { sodium_memzero(&state_, sizeof state_); }

Status StreamDecryptor::init(const uint8_t header[kHeaderBytes], const uint8_t key[32]) {
  ready_ = false;
  if (!in_.ok() || !out_.ok())
    return fail(kOutOfMemory, "no wasm memory for the stream's 4 MiB chunk buffers");
  if (crypto_secretstream_xchacha20poly1305_init_pull(&state_, header, key) != 0)
    return fail(kBadInput, "invalid stream header");
  filled_ = 0;
  chunk_ = 0;
  ready_ = true;
  done_ = failed_ = false;
  return kOk;
}

Status StreamDecryptor::pull(size_t clen, size_t* mlen) {
  unsigned char tag = 0;
  if (CL_SECRETSTREAM_PULL(&state_, out_.data(), nullptr, &tag, in_.data(), clen, nullptr, 0) !=
      0) {
    failed_ = true;
    return chunk_auth_failure(chunk_);
  }
  filled_ = 0;
  out_.touched(clen - kStreamOverhead);
  if (tag == kTagFinal) {
    done_ = true;
    sodium_memzero(&state_, sizeof state_);
  } else if (tag != kTagMessage || clen != kCipherChunkBytes) {
    // Authentic but not Ente's layout: a short MESSAGE chunk would mean a truncated stream.
    failed_ = true;
    sodium_memzero(out_.data(), clen - kStreamOverhead);
    if (tag != kTagMessage) return fail(kBadInput, "unexpected secretstream tag", chunk_);
    return fail(kTruncated, "stream ended without its FINAL chunk", chunk_);
  }
  *mlen = clen - kStreamOverhead;
  chunk_++;
  return kOk;
}

Status StreamDecryptor::commit(size_t n, size_t* mlen) {
  *mlen = 0;
  if (!ready_ || failed_) return fail(kBadInput, "decryptor failed earlier or is not initialised");
  if (n == 0) return kOk;
  if (done_) {
    failed_ = true;
    return fail(kBadInput, "trailing data after the FINAL chunk", chunk_);
  }
  if (n > kCipherChunkBytes - filled_) return fail(kBadInput, "commit exceeds the chunk buffer");
  filled_ += n;
  in_.touched(filled_);
  return filled_ == kCipherChunkBytes ? pull(filled_, mlen) : kOk;
}

Status StreamDecryptor::finish(size_t* mlen) {
  *mlen = 0;
  if (!ready_ || failed_) return fail(kBadInput, "decryptor failed earlier or is not initialised");
  if (done_) return kOk;
  if (filled_ < kStreamOverhead) {
    failed_ = true;
    return fail(kTruncated, "stream ended without its FINAL chunk", chunk_);
  }
  return pull(filled_, mlen);
}

// ---- one-shot ----

Status stream_encrypt(std::vector<uint8_t>& c, uint8_t header[kHeaderBytes], const uint8_t* m,
                      size_t mlen, const uint8_t key[32]) {
  m = nonnull(m);
  size_t chunks = mlen == 0 ? 1 : (mlen + kChunkBytes - 1) / kChunkBytes;
  c.resize(mlen + chunks * kStreamOverhead);
  StreamEncryptor enc;
  if (Status s = enc.init(key, header)) return s;
  size_t in_pos = 0, out_pos = 0, clen = 0;
  while (true) {
    size_t n = std::min(enc.input_space(), mlen - in_pos);
    std::memcpy(enc.input(), m + in_pos, n);
    enc.commit(n);
    in_pos += n;
    if (in_pos == mlen) break;
    enc.push_message(&clen);
    std::memcpy(c.data() + out_pos, enc.output(), clen);
    out_pos += clen;
  }
  enc.finish(&clen);
  std::memcpy(c.data() + out_pos, enc.output(), clen);
  return kOk;
}

Status stream_decrypt(std::vector<uint8_t>& m, const uint8_t* c, size_t clen,
                      const uint8_t header[kHeaderBytes], const uint8_t key[32]) {
  m.clear();
  c = nonnull(c);
  StreamDecryptor dec;
  Status s = dec.init(header, key);
  size_t pos = 0, mlen = 0;
  while (s == kOk && pos < clen) {
    size_t n = std::min(dec.input_space(), clen - pos);
    if (n == 0) return fail(kBadInput, "trailing data after the FINAL chunk", dec.chunk_index());
    std::memcpy(dec.input(), c + pos, n);
    pos += n;
    s = dec.commit(n, &mlen);
    m.insert(m.end(), dec.output(), dec.output() + mlen);
  }
  if (s == kOk) {
    s = dec.finish(&mlen);
    m.insert(m.end(), dec.output(), dec.output() + mlen);
  }
  if (s != kOk) {
    wipe_bytes(m.data(), m.size());
    m.clear();
  }
  return s;
}

}  // namespace cl
