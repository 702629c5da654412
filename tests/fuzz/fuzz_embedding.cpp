// What the C++ does with ML data: the CLIP embedding decoded by the TypeScript layer
// (js/src/search/ml-data.ts: gzip and JSON are TS-only) is upserted into the index, searched,
// saved and loaded. Arbitrary float bit patterns, dimensions, ids and options. Properties: an
// upsert succeeds exactly for a finite, non-zero vector and an id within 2^53 - 1 and then stores
// a unit vector, a refused one changes nothing; search results are best first, within the
// limit and threshold, with scores equal to the stored vectors' dot products; a save/load round
// trip is bit-exact.
#include <cmath>

#include "embedding_index.hpp"
#include "fuzz_support.hpp"
#include "index_file.hpp"

using namespace cl;

namespace {
constexpr size_t kMaxOps = 64;
constexpr float kUnitTolerance = 1e-3f, kScoreTolerance = 1e-4f;

double norm(const float* v, size_t n) {
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += double(v[i]) * v[i];
  return std::sqrt(ss);
}

std::vector<float> floats(fuzz::Input& in, size_t n) {
  std::vector<float> v(n);
  for (float& x : v) {
    uint32_t bits = in.u32();
    std::memcpy(&x, &bits, 4);
  }
  return v;
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::reset_random();
  fuzz::Input in(data, size);
  const size_t dims = in.byte() % 40 + 1;
  EmbeddingIndex index;
  FUZZ_CHECK(index.reset(dims) == kOk);
  for (size_t op = 0; op < kMaxOps && in.left(); op++) {
    const uint8_t kind = in.byte();
    // Small ids collide (replacing), large ones probe the 2^53 limit.
    const uint64_t id =
        kind & 0x80 ? (uint64_t(in.u32()) << 32 | in.u32()) >> (in.byte() % 12) : in.byte() % 8;
    const std::vector<float> v = floats(in, dims);
    bool finite = true;
    for (float x : v) finite &= std::isfinite(x);
    const double n = norm(v.data(), dims);
    if (kind % 3 == 0) {
      const size_t size_before = index.size();
      const Status s = index.upsert(id, v.data());
      FUZZ_CHECK(s == kOk || s == kBadInput);
      if (s == kOk) {
        FUZZ_CHECK(finite && n > 0 && id <= kMaxFileId);
        FUZZ_CHECK(std::fabs(norm(index.get(id), dims) - 1) < kUnitTolerance);
      } else {
        // Refused: invalid, or so small that its inverse norm overflows a float.
        FUZZ_CHECK(!finite || id > kMaxFileId || n == 0 || !std::isfinite(float(1.0 / n)));
        FUZZ_CHECK(index.size() == size_before);
      }
    } else if (kind % 3 == 1) {
      const bool had = index.contains(id);
      FUZZ_CHECK(index.remove(id) == had && !index.contains(id));
    } else {
      SearchOptions opt;
      opt.limit = in.byte() % 12;
      opt.min_score = float(int(in.byte()) - 128) / 64;
      opt.quantized = kind & 8;
      opt.candidates = in.byte() % 4;
      std::vector<Hit> hits;
      const Status s = index.search(v.data(), opt, hits);
      FUZZ_CHECK(s == kOk || s == kBadInput);
      if (s != kOk) continue;
      FUZZ_CHECK(hits.size() <= opt.limit && hits.size() <= index.size());
      for (size_t i = 0; i < hits.size(); i++) {
        const float* stored = index.get(hits[i].id);
        FUZZ_CHECK(stored != nullptr && hits[i].score >= opt.min_score);
        if (i) FUZZ_CHECK(!ranks_before(hits[i], hits[i - 1]) && hits[i].id != hits[i - 1].id);
        double dot = 0;
        for (size_t d = 0; d < dims; d++) dot += double(stored[d]) * (v[d] / n);
        FUZZ_CHECK(std::fabs(dot - hits[i].score) < kScoreTolerance);
      }
    }
  }
  std::vector<uint8_t> saved, before, after;
  FUZZ_CHECK(index_save(index, fuzz::fixed_key(), saved) == kOk);
  EmbeddingIndex loaded;
  FUZZ_CHECK(index_load(loaded, saved.data(), saved.size(), fuzz::fixed_key()) == kOk);
  index_serialize(index, before);
  index_serialize(loaded, after);
  FUZZ_CHECK(before == after);
  return 0;
}
