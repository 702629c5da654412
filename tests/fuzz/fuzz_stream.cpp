// The stream decryptor (Ente's 4 MiB-chunk layout) fed in arbitrary slices. The input either is
// raw (a header and arbitrary ciphertext) or describes an authentic stream of one or two chunks
// (the first a precomputed full 4 MiB chunk tagged MESSAGE or FINAL, the last the input's
// plaintext under a chosen tag) and one corruption: a bit flip, a truncation, appended bytes or
// a changed header. A model predicts the outcome; the properties:
//  - the status and the plaintext released (concatenated outputs) are exactly the model's: the
//    chunks that authenticated before the first bad one, and success only for an intact stream;
//  - a chunk that fails never leaves its plaintext in the output buffer;
//  - after a failure every further call fails and releases nothing (except after trailing data,
//    known issue 12 item 7, fixed separately).
#include <algorithm>

#include "fuzz_support.hpp"
#include "nonnull.hpp"
#include "secretstream.hpp"

using namespace cl;

namespace {
using State = crypto_secretstream_xchacha20poly1305_state;
constexpr unsigned char kTags[] = {crypto_secretstream_xchacha20poly1305_TAG_FINAL,
                                   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
                                   crypto_secretstream_xchacha20poly1305_TAG_PUSH,
                                   crypto_secretstream_xchacha20poly1305_TAG_REKEY};
constexpr unsigned char kFinal = crypto_secretstream_xchacha20poly1305_TAG_FINAL;
constexpr unsigned char kMessage = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
constexpr size_t kMaxSlices = 8;

struct Chunk {
  std::vector<uint8_t> c, m;
  unsigned char tag;
};

// A full first chunk, tagged MESSAGE or FINAL, and the push state after it (computed once).
struct FirstChunk {
  uint8_t header[kHeaderBytes];
  Chunk chunk;
  State after;
};
const FirstChunk& first_chunk(bool final) {
  static FirstChunk cached[2];
  static bool ready[2] = {false, false};
  FirstChunk& f = cached[final];
  if (!ready[final]) {
    const uint8_t seed[randombytes_SEEDBYTES] = {1};
    f.chunk.m.resize(kChunkBytes);
    randombytes_buf_deterministic(f.chunk.m.data(), kChunkBytes, seed);
    f.chunk.c.resize(kCipherChunkBytes);
    f.chunk.tag = final ? kFinal : kMessage;
    crypto_secretstream_xchacha20poly1305_init_push(&f.after, f.header, fuzz::fixed_key());
    crypto_secretstream_xchacha20poly1305_push(&f.after, f.chunk.c.data(), nullptr,
                                               f.chunk.m.data(), kChunkBytes, nullptr, 0,
                                               f.chunk.tag);
    ready[final] = true;
  }
  return f;
}

struct Outcome {
  Status status = kOk;
  long failed_chunk = -1;  // the chunk a failure is about
  bool trailing = false;   // bytes after an authentic FINAL chunk
  std::vector<uint8_t> released;
};

// What an Ente-layout reader must do with `s` when `chunks` is the authentic stream and the
// header is intact or not.
Outcome model(const std::vector<Chunk>& chunks, const std::vector<uint8_t>& s, bool header_ok) {
  Outcome o;
  size_t pos = 0;
  for (size_t i = 0;; i++) {
    const size_t n = std::min(kCipherChunkBytes, s.size() - pos);
    const bool full = n == kCipherChunkBytes;
    const bool authentic = header_ok && i < chunks.size() && chunks[i].c.size() == n &&
                           std::equal(s.begin() + pos, s.begin() + pos + n, chunks[i].c.begin());
    o.failed_chunk = long(i);
    if (!full && n < kStreamOverhead) {
      o.status = kTruncated;
      return o;
    }
    if (!authentic) {
      o.status = kAuthFailed;
      return o;
    }
    const Chunk& c = chunks[i];
    pos += n;
    if (c.tag == kFinal) {
      o.released.insert(o.released.end(), c.m.begin(), c.m.end());
      o.status = pos == s.size() ? kOk : kBadInput;  // bytes after FINAL are trailing data
      o.failed_chunk = pos == s.size() ? -1 : long(i + 1);
      o.trailing = pos != s.size();
      return o;
    }
    if (c.tag != kMessage) {
      o.status = kBadInput;
      return o;
    }
    if (!full) {
      o.status = kTruncated;
      return o;
    }
    o.released.insert(o.released.end(), c.m.begin(), c.m.end());
  }
}

bool all_zero(const std::vector<uint8_t>& v) {
  return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::reset_random();
  fuzz::Input in(data, size);
  const uint8_t shape = in.byte();
  const uint8_t corruption = in.byte();
  const uint32_t where = in.u32();
  size_t slices[kMaxSlices];
  const size_t n_slices = in.byte() % kMaxSlices + 1;
  for (size_t i = 0; i < n_slices; i++) slices[i] = in.u16() % 8192 + 1;

  uint8_t header[kHeaderBytes];
  std::vector<Chunk> chunks;
  std::vector<uint8_t> s;
  bool header_ok = true;
  if (shape % 8 == 0) {  // raw: header and ciphertext from the input
    std::vector<uint8_t> h = in.bytes(kHeaderBytes);
    h.resize(kHeaderBytes);
    std::memcpy(header, h.data(), kHeaderBytes);
    s = in.rest();
    header_ok = false;  // never the header of an authentic stream (none exists here)
  } else {
    State st;
    const bool two = (shape & 0x0c) == 0x0c;  // a quarter of the inputs: 4 MiB is slow under ASan
    if (two) {
      const FirstChunk& f = first_chunk(shape & 16);
      std::memcpy(header, f.header, kHeaderBytes);
      st = f.after;
      chunks.push_back(f.chunk);
    } else {
      crypto_secretstream_xchacha20poly1305_init_push(&st, header, fuzz::fixed_key());
    }
    Chunk last;
    last.m = in.rest();
    last.tag = kTags[(shape >> 5) & 3];
    last.c.resize(last.m.size() + kStreamOverhead);
    crypto_secretstream_xchacha20poly1305_push(&st, last.c.data(), nullptr, nonnull(last.m.data()),
                                               last.m.size(), nullptr, 0, last.tag);
    chunks.push_back(last);
    for (const Chunk& c : chunks) s.insert(s.end(), c.c.begin(), c.c.end());
    switch (corruption % 5) {
      case 1:
        s[where % s.size()] ^= uint8_t(1 << (where >> 29));
        break;
      case 2:
        s.resize(where % s.size());
        break;
      case 3:
        s.insert(s.end(), where % 16 + 1, uint8_t(where >> 8));
        break;
      case 4:
        header[where % kHeaderBytes] ^= uint8_t(1 << (where >> 29));
        header_ok = false;
        break;
      default:
        break;
    }
  }
  const Outcome want = model(chunks, s, header_ok);

  StreamDecryptor dec;
  FUZZ_CHECK(dec.init(header, fuzz::fixed_key()) == kOk);
  Outcome got;
  size_t pos = 0, mlen = 0, slice = 0;
  while (got.status == kOk && pos < s.size()) {
    const size_t want_n = std::min(slices[slice++ % n_slices], s.size() - pos);
    const size_t n = std::min(want_n, dec.input_space());
    if (n == 0) {  // the decryptor takes nothing more: what is left is trailing data
      got.status = dec.commit(want_n, &mlen);
      FUZZ_CHECK(got.status != kOk && mlen == 0);
      break;
    }
    std::memcpy(dec.input(), s.data() + pos, n);
    pos += n;
    got.status = dec.commit(n, &mlen);
    FUZZ_CHECK(got.status == kOk || mlen == 0);
    got.released.insert(got.released.end(), dec.output(), dec.output() + mlen);
  }
  if (got.status == kOk) {
    got.status = dec.finish(&mlen);
    FUZZ_CHECK(got.status == kOk || mlen == 0);
    got.released.insert(got.released.end(), dec.output(), dec.output() + mlen);
  }
  FUZZ_CHECK(fuzz::known_status(got.status));
  FUZZ_CHECK(got.status == want.status);
  FUZZ_CHECK(got.released == want.released);
  if (got.status == kOk) return 0;

  FUZZ_CHECK(last_error_chunk() == want.failed_chunk);
  // The failed chunk's plaintext is not in the output buffer.
  const size_t failed = size_t(want.failed_chunk);
  if (failed < chunks.size() && chunks[failed].m.size() >= 16 && !all_zero(chunks[failed].m))
    FUZZ_CHECK(std::memcmp(dec.output(), chunks[failed].m.data(), chunks[failed].m.size()) != 0);
  // Poisoned: nothing more is accepted (trailing data is issue 12 item 7, fixed elsewhere).
  if (!want.trailing) {
    FUZZ_CHECK(dec.commit(1, &mlen) != kOk && mlen == 0);
    FUZZ_CHECK(dec.finish(&mlen) != kOk && mlen == 0);
  }
  return 0;
}
