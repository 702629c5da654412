// The saved embedding index, at each stage of loading: the plaintext parser on the input; the
// input as a zstd frame, authentically encrypted in an envelope; the input as plaintext,
// compressed and encrypted; the input as envelope bytes. Properties: whatever loads
// re-serializes to exactly the plaintext it came from (the format is canonical); whatever fails
// leaves the destination index as it was, with a typed status (kBadInput once authentic).
// Frames that declare or inflate to more than kMaxInflate are skipped: the loader sizes its
// buffer by the declared size and inflates without a cap (issue 12 items 2 and 3, fixed
// separately).
#include <zstd.h>

#include "fuzz_support.hpp"
#include "index_file.hpp"
#include "secretstream.hpp"

using namespace cl;

namespace {
constexpr unsigned long long kMaxInflate = 1 << 20;
enum Mode { kParse, kFrame, kPlain, kEnvelope, kModes };

// What zstd's streaming decoder makes of `frames` (its own decoder, apart from the loader's):
// false when that is more than kMaxInflate bytes or the first frame declares more; *complete
// when every frame ended cleanly.
bool inflate_small(const std::vector<uint8_t>& frames, std::vector<uint8_t>& out, bool* complete) {
  const unsigned long long declared = ZSTD_getFrameContentSize(frames.data(), frames.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
      declared > kMaxInflate)
    return false;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  FUZZ_CHECK(dctx != nullptr);
  std::vector<uint8_t> block(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{frames.data(), frames.size(), 0};
  size_t r = 1;
  *complete = false;
  out.clear();
  while (out.size() <= kMaxInflate) {
    ZSTD_outBuffer ob{block.data(), block.size(), 0};
    r = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(r)) break;
    out.insert(out.end(), block.begin(), block.begin() + ob.pos);
    if (r == 0 && in.pos == in.size) {
      *complete = true;
      break;
    }
    if (ob.pos == 0 && in.pos == in.size) break;  // ends inside a frame
  }
  ZSTD_freeDCtx(dctx);
  return out.size() <= kMaxInflate;
}

// A small non-empty destination, so a failed load has something to leave untouched.
void fill_destination(EmbeddingIndex& index) {
  index.reset(3);
  const float a[3] = {1, 0, 0}, b[3] = {0, 0.6f, 0.8f};
  index.upsert(5, a);
  index.upsert(9, b);
}

std::vector<uint8_t> serialized(const EmbeddingIndex& index) {
  std::vector<uint8_t> v;
  index_serialize(index, v);
  return v;
}

// The envelope index_save writes, around the frame `packed`.
std::vector<uint8_t> envelope(const std::vector<uint8_t>& packed) {
  const size_t clen = packed.size() + kStreamOverhead;
  std::vector<uint8_t> out(kIndexEnvelopeBytes + clen);
  std::memcpy(out.data(), "CLIE\x01\x00\x00\x00", 8);
  for (int i = 0; i < 8; i++) out[8 + i] = uint8_t(uint64_t(clen) >> (8 * i));
  blob_encrypt(out.data() + kIndexEnvelopeBytes, out.data() + 16, packed.data(), packed.size(),
               fuzz::fixed_key());
  return out;
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::reset_random();
  fuzz::Input in(data, size);
  const auto mode = Mode(in.byte() % kModes);
  const std::vector<uint8_t> body = in.rest();

  EmbeddingIndex index;
  fill_destination(index);
  const std::vector<uint8_t> before = serialized(index);
  std::vector<uint8_t> plain;  // the plaintext a successful load must reproduce
  Status s;
  switch (mode) {
    case kParse:
      plain = body;
      s = index_parse(index, body.data(), body.size());
      break;
    case kFrame: {
      bool complete = false;
      if (body.empty() || !inflate_small(body, plain, &complete)) return 0;
      const std::vector<uint8_t> saved = envelope(body);
      s = index_load(index, saved.data(), saved.size(), fuzz::fixed_key());
      if (s == kOk) FUZZ_CHECK(complete);  // the plaintext compared below is zstd's own
      break;
    }
    case kPlain: {
      plain = body;
      std::vector<uint8_t> packed(ZSTD_compressBound(body.size()));
      packed.resize(ZSTD_compress(packed.data(), packed.size(), body.data(), body.size(), 1));
      const std::vector<uint8_t> saved = envelope(packed);
      s = index_load(index, saved.data(), saved.size(), fuzz::fixed_key());
      EmbeddingIndex direct;
      FUZZ_CHECK(index_parse(direct, body.data(), body.size()) == s);
      break;
    }
    default:
      s = index_load(index, body.data(), body.size(), fuzz::fixed_key());
      FUZZ_CHECK(s != kOk);  // never authentic: the input does not hold the key
      break;
  }
  FUZZ_CHECK(fuzz::known_status(s));
  if (s == kOk) {
    FUZZ_CHECK(serialized(index) == plain);
    return 0;
  }
  FUZZ_CHECK(serialized(index) == before);
  if (mode != kEnvelope) FUZZ_CHECK(s == kBadInput);
  return 0;
}
