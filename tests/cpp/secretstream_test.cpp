#include <catch2/catch.hpp>

#include <cstring>

#include "secretstream.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {
struct Encrypted {
  std::vector<uint8_t> c;
  uint8_t header[kHeaderBytes];
};
Encrypted encrypt(const std::vector<uint8_t>& m, const uint8_t* key) {
  Encrypted e;
  REQUIRE(stream_encrypt(e.c, e.header, m.data(), m.size(), key) == kOk);
  return e;
}
}  // namespace

TEST_CASE("stream round trips at chunk boundaries with Ente's tags", "[stream]") {
  auto key = random_vec(32);
  for (size_t len :
       {size_t(0), size_t(1), kChunkBytes - 1, kChunkBytes, kChunkBytes + 1, 2 * kChunkBytes + 5}) {
    CAPTURE(len);
    auto m = random_vec(len);
    auto e = encrypt(m, key.data());
    size_t chunks = len == 0 ? 1 : (len + kChunkBytes - 1) / kChunkBytes;
    REQUIRE(e.c.size() == len + chunks * kStreamOverhead);

    // Every chunk but the last is MESSAGE, the last FINAL (checked with libsodium directly).
    crypto_secretstream_xchacha20poly1305_state st;
    REQUIRE(crypto_secretstream_xchacha20poly1305_init_pull(&st, e.header, key.data()) == 0);
    std::vector<uint8_t> plain(kChunkBytes);
    for (size_t i = 0, pos = 0; i < chunks; i++) {
      size_t clen = std::min(kCipherChunkBytes, e.c.size() - pos);
      unsigned char tag = 0xff;
      REQUIRE(crypto_secretstream_xchacha20poly1305_pull(&st, plain.data(), nullptr, &tag,
                                                         e.c.data() + pos, clen, nullptr, 0) == 0);
      REQUIRE(tag == (i + 1 == chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
      pos += clen;
    }

    std::vector<uint8_t> out;
    REQUIRE(stream_decrypt(out, e.c.data(), e.c.size(), e.header, key.data()) == kOk);
    REQUIRE(out == m);
  }
}

TEST_CASE("stream decryption rejects tampering, truncation and trailing data", "[stream]") {
  auto key = random_vec(32);
  auto m = random_vec(2 * kChunkBytes + 100);
  auto e = encrypt(m, key.data());
  std::vector<uint8_t> out;

  SECTION("a flipped bit in chunk 1 fails that chunk") {
    e.c[kCipherChunkBytes + 10] ^= 1;
    REQUIRE(stream_decrypt(out, e.c.data(), e.c.size(), e.header, key.data()) == kAuthFailed);
    REQUIRE(last_error_chunk() == 1);
    REQUIRE(out.empty());
  }
  SECTION("a wrong key fails chunk 0") {
    auto other = random_vec(32);
    REQUIRE(stream_decrypt(out, e.c.data(), e.c.size(), e.header, other.data()) == kAuthFailed);
    REQUIRE(last_error_chunk() == 0);
  }
  SECTION("dropping the final chunk is truncation") {
    REQUIRE(stream_decrypt(out, e.c.data(), 2 * kCipherChunkBytes, e.header, key.data()) ==
            kTruncated);
  }
  SECTION("cutting into the final chunk fails authentication") {
    REQUIRE(stream_decrypt(out, e.c.data(), e.c.size() - 1, e.header, key.data()) == kAuthFailed);
    REQUIRE(last_error_chunk() == 2);
  }
  SECTION("fewer than 17 bytes of a last chunk is truncation") {
    REQUIRE(stream_decrypt(out, e.c.data(), 2 * kCipherChunkBytes + 16, e.header, key.data()) ==
            kTruncated);
  }
  SECTION("empty input is truncation") {
    REQUIRE(stream_decrypt(out, e.c.data(), 0, e.header, key.data()) == kTruncated);
  }
  SECTION("bytes after a short FINAL chunk make it fail authentication") {
    e.c.push_back(0);
    REQUIRE(stream_decrypt(out, e.c.data(), e.c.size(), e.header, key.data()) == kAuthFailed);
  }
  SECTION("bytes after a full-size FINAL chunk are trailing data") {
    auto full = encrypt(random_vec(kChunkBytes), key.data());
    full.c.push_back(0);
    REQUIRE(stream_decrypt(out, full.c.data(), full.c.size(), full.header, key.data()) ==
            kBadInput);
    REQUIRE(std::string(last_error_message()).find("trailing") != std::string::npos);
  }
  SECTION("trailing data leaves the decryptor failed: finish() cannot report a complete stream") {
    auto full = encrypt(random_vec(kChunkBytes), key.data());
    StreamDecryptor dec;
    REQUIRE(dec.init(full.header, key.data()) == kOk);
    size_t mlen = 0;
    std::memcpy(dec.input(), full.c.data(), full.c.size());
    REQUIRE(dec.commit(full.c.size(), &mlen) == kOk);
    REQUIRE(mlen == kChunkBytes);
    REQUIRE(dec.commit(1, &mlen) == kBadInput);
    REQUIRE(dec.finish(&mlen) == kBadInput);
    REQUIRE(mlen == 0);
  }
}

TEST_CASE("decryptor accepts any slicing and releases only authenticated chunks", "[stream]") {
  auto key = random_vec(32);
  auto m = random_vec(kChunkBytes + 3);
  auto e = encrypt(m, key.data());
  StreamDecryptor dec;
  REQUIRE(dec.init(e.header, key.data()) == kOk);
  std::vector<uint8_t> out;
  size_t pos = 0, step = 1;
  while (pos < e.c.size()) {
    size_t n = std::min({dec.input_space(), e.c.size() - pos, step});
    std::memcpy(dec.input(), e.c.data() + pos, n);
    size_t mlen = 0;
    REQUIRE(dec.commit(n, &mlen) == kOk);
    out.insert(out.end(), dec.output(), dec.output() + mlen);
    pos += n;
    step = step * 3 + 1;  // uneven slices, crossing the chunk boundary mid-slice
  }
  size_t mlen = 0;
  REQUIRE(dec.finish(&mlen) == kOk);
  out.insert(out.end(), dec.output(), dec.output() + mlen);
  REQUIRE(out == m);
}

TEST_CASE("blob is one FINAL message; strict decrypt rejects other tags", "[blob]") {
  auto key = random_vec(32);
  for (size_t len : {0, 1, 100, 70000}) {
    auto m = random_vec(len);
    std::vector<uint8_t> c(len + kStreamOverhead), out(len);
    uint8_t header[kHeaderBytes];
    REQUIRE(blob_encrypt(c.data(), header, m.data(), len, key.data()) == kOk);
    REQUIRE(blob_decrypt(out.data(), c.data(), c.size(), header, key.data()) == kOk);
    REQUIRE(out == m);
    c[c.size() / 2] ^= 0x40;
    REQUIRE(blob_decrypt(out.data(), c.data(), c.size(), header, key.data()) == kAuthFailed);
  }
  // An authentic MESSAGE-tagged blob (old web clients ignored the tag).
  auto m = random_vec(40);
  std::vector<uint8_t> c(m.size() + kStreamOverhead), out(m.size());
  uint8_t header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_state st;
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, key.data());
  crypto_secretstream_xchacha20poly1305_push(&st, c.data(), nullptr, m.data(), m.size(), nullptr, 0,
                                             crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  REQUIRE(blob_decrypt(out.data(), c.data(), c.size(), header, key.data(), true) == kBadInput);
  REQUIRE(blob_decrypt(out.data(), c.data(), c.size(), header, key.data(), false) == kOk);
  REQUIRE(out == m);
  REQUIRE(blob_decrypt(out.data(), c.data(), 16, header, key.data()) == kTruncated);
}

TEST_CASE("a resumed encryptor repeats the stream its header began", "[stream]") {
  auto key = random_vec(32);
  auto m = random_vec(2 * kChunkBytes + 100);
  auto e = encrypt(m, key.data());

  // Same key, header and plaintext: the same ciphertext, byte for byte, every chunk.
  StreamEncryptor enc;
  REQUIRE(enc.resume(key.data(), e.header) == kOk);
  std::vector<uint8_t> c;
  size_t at = 0;
  while (at < m.size()) {
    size_t n = std::min(enc.input_space(), m.size() - at);
    std::memcpy(enc.input(), m.data() + at, n);
    REQUIRE(enc.commit(n) == kOk);
    at += n;
    if (enc.input_space() == 0 && at < m.size()) {
      size_t clen = 0;
      REQUIRE(enc.push_message(&clen) == kOk);
      c.insert(c.end(), enc.output(), enc.output() + clen);
    }
  }
  size_t clen = 0;
  REQUIRE(enc.finish(&clen) == kOk);
  c.insert(c.end(), enc.output(), enc.output() + clen);
  REQUIRE(c == e.c);

  // Another key with the same header gives another stream.
  auto other = random_vec(32);
  StreamEncryptor enc2;
  REQUIRE(enc2.resume(other.data(), e.header) == kOk);
  std::memcpy(enc2.input(), m.data(), 100);
  REQUIRE(enc2.commit(100) == kOk);
  REQUIRE(enc2.finish(&clen) == kOk);
  REQUIRE(std::memcmp(enc2.output(), e.c.data(), 100) != 0);
}
