// XChaCha20-Poly1305 secretstream in Ente's layouts:
//   blob   - one message tagged FINAL (metadata, thumbnails, ML data);
//   stream - 4 MiB plaintext chunks, every chunk MESSAGE but the last, which is FINAL.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include <sodium.h>

#include "status.hpp"

namespace cl {

// An uninitialised byte buffer that remembers how much of it was ever written, so that
// zeroing on destruction costs what was used, not its full 4 MiB. Allocated with malloc: in the
// wasm build a failing operator new (nothrow too) aborts the module, so a full heap must
// surface as ok() == false (kOutOfMemory) instead.
class SecretBuffer {
 public:
  explicit SecretBuffer(size_t size) : data_(static_cast<uint8_t*>(std::malloc(size))) {}
  ~SecretBuffer() { wipe(); }
  bool ok() const { return data_ != nullptr; }
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  void touched(size_t end) { used_ = end > used_ ? end : used_; }
  void wipe() {
    if (used_) sodium_memzero(data_.get(), used_);
    used_ = 0;
  }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t[], Free> data_;
  size_t used_ = 0;
};

constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;  // 24
constexpr size_t kStreamOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;    // 17
constexpr size_t kChunkBytes = 4 * 1024 * 1024;
constexpr size_t kCipherChunkBytes = kChunkBytes + kStreamOverhead;

// c must hold mlen + 17 bytes.
Status blob_encrypt(uint8_t* c, uint8_t header[kHeaderBytes], const uint8_t* m, size_t mlen,
                    const uint8_t key[32]);
// m must hold clen - 17 bytes. Strict mode rejects a message not tagged FINAL (Ente's Rust
// core); lenient mode accepts any tag (legacy data written by Ente's web client).
Status blob_decrypt(uint8_t* m, const uint8_t* c, size_t clen, const uint8_t header[kHeaderBytes],
                    const uint8_t key[32], bool strict = true);

// Incremental encryption. The caller writes plaintext at input() (at most input_space() bytes),
// commits it, and when the chunk buffer is full and more plaintext follows calls
// push_message(); finish() encrypts what is buffered as the FINAL chunk. Ciphertext of the last
// push is at output().
class StreamEncryptor {
 public:
  StreamEncryptor();
  ~StreamEncryptor();
  StreamEncryptor(const StreamEncryptor&) = delete;
  StreamEncryptor& operator=(const StreamEncryptor&) = delete;

  // kOutOfMemory when the chunk buffers could not be allocated.
  Status init(const uint8_t key[32], uint8_t header[kHeaderBytes]);
  // Starts over a stream whose header an earlier init() made: libsodium's init_pull derives the
  // state init_push left, so the same key, header and plaintext give the same ciphertext again
  // (a resumed upload re-encrypts what the server has and sends only the rest). Only ever for
  // the same plaintext: different plaintext under the same key and header reuses the keystream.
  Status resume(const uint8_t key[32], const uint8_t header[kHeaderBytes]);
  uint8_t* input() { return in_.data() + filled_; }
  size_t input_space() const { return finished_ ? 0 : kChunkBytes - filled_; }
  Status commit(size_t n);
  Status push_message(size_t* clen);  // the buffered full chunk, tagged MESSAGE
  Status finish(size_t* clen);        // the buffered rest (0..4 MiB), tagged FINAL
  const uint8_t* output() const { return out_.data(); }

 private:
  // The buffers checked, `init_state` run (false: a bad header), the encryptor ready.
  template <typename InitState>
  Status start(InitState init_state);
  Status push(unsigned char tag, size_t* clen);
  crypto_secretstream_xchacha20poly1305_state state_;
  SecretBuffer in_, out_;
  size_t filled_ = 0;
  bool ready_ = false, finished_ = false;
};

// Incremental decryption. The caller writes ciphertext at input() (at most input_space()
// bytes) and commits it; each time a full 4 MiB + 17 chunk is buffered it is authenticated
// and its plaintext appears at output(). finish() authenticates the final partial chunk.
// Plaintext is only ever written after its chunk has been authenticated.
class StreamDecryptor {
 public:
  StreamDecryptor();
  ~StreamDecryptor();
  StreamDecryptor(const StreamDecryptor&) = delete;
  StreamDecryptor& operator=(const StreamDecryptor&) = delete;

  Status init(const uint8_t header[kHeaderBytes], const uint8_t key[32]);
  uint8_t* input() { return in_.data() + filled_; }
  size_t input_space() const { return done_ ? 0 : kCipherChunkBytes - filled_; }
  // n ciphertext bytes were written at input(); *mlen is the plaintext now at output()
  // (0 unless a chunk completed). n > 0 after the FINAL chunk is trailing data: kBadInput, and
  // the decryptor fails from then on (finish() too), so a swallowed error cannot pass as complete.
  Status commit(size_t n, size_t* mlen);
  Status finish(size_t* mlen);
  const uint8_t* output() const { return out_.data(); }
  bool done() const { return done_; }
  long chunk_index() const { return chunk_; }

 private:
  Status pull(size_t clen, size_t* mlen);
  crypto_secretstream_xchacha20poly1305_state state_;
  SecretBuffer in_, out_;
  size_t filled_ = 0;
  long chunk_ = 0;
  bool ready_ = false, done_ = false, failed_ = false;
};

// One-shot helpers over the incremental classes (used by tests and small inputs).
Status stream_encrypt(std::vector<uint8_t>& c, uint8_t header[kHeaderBytes], const uint8_t* m,
                      size_t mlen, const uint8_t key[32]);
Status stream_decrypt(std::vector<uint8_t>& m, const uint8_t* c, size_t clen,
                      const uint8_t header[kHeaderBytes], const uint8_t key[32]);

}  // namespace cl
