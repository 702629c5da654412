// Embedding index: SIMD and int8 kernels against scalar references on random data at every
// length and count boundary, ties, upsert/remove bookkeeping, and recall of the int8 path.
#include <catch2/catch.hpp>

#include "test_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "embedding_index.hpp"
#include "embedding_kernels.hpp"

using namespace cl;

namespace {
// Random index of `count` vectors with ids spread over the 53-bit range.
EmbeddingIndex random_index(std::mt19937& rng, size_t dims, size_t count,
                            std::vector<uint64_t>* ids = nullptr) {
  EmbeddingIndex idx;
  REQUIRE(idx.reset(dims) == kOk);
  std::uniform_int_distribution<uint64_t> pick(0, kMaxFileId);
  for (size_t i = 0; i < count; i++) {
    uint64_t id = pick(rng);
    if (idx.contains(id)) {
      i--;
      continue;
    }
    auto v = gaussian(rng, dims);
    REQUIRE(idx.upsert(id, v.data()) == kOk);
    if (ids) ids->push_back(id);
  }
  return idx;
}

// Exact and SIMD results agree: same ids in order except across near-ties, scores within 1e-5.
void require_same_ranking(const std::vector<Hit>& got, const std::vector<Hit>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); i++) {
    CAPTURE(i);
    REQUIRE(std::fabs(got[i].score - want[i].score) <= 1e-5f);
    if (got[i].id != want[i].id) {
      // Allowed only where the reference itself has a near-tie at this rank.
      bool near_tie = (i > 0 && want[i - 1].score - want[i].score <= 2e-5f) ||
                      (i + 1 < want.size() && want[i].score - want[i + 1].score <= 2e-5f);
      REQUIRE(near_tie);
    }
  }
}
}  // namespace

TEST_CASE("kernels match scalar references at every length up to 80", "[index]") {
  std::mt19937 rng(seed_for(1));
  for (size_t n = 1; n <= 80; n++) {
    CAPTURE(n);
    size_t stride = padded_stride(n);
    REQUIRE(stride % kLanes == 0);
    REQUIRE(stride >= n);
    REQUIRE(stride < n + kLanes);
    std::vector<float> a(stride, 0), b(stride, 0);
    auto ra = gaussian(rng, n), rb = gaussian(rng, n);
    std::copy(ra.begin(), ra.end(), a.begin());
    std::copy(rb.begin(), rb.end(), b.begin());
    float want = dot_f32_scalar(a.data(), b.data(), n);
    REQUIRE(std::fabs(dot_f32(a.data(), b.data(), stride) - want) <= 1e-4f * (1 + std::fabs(want)));

    std::vector<int8_t> qa(stride, 0), qb(stride, 0);
    float sa = quantize_i8(qa.data(), a.data(), n), sb = quantize_i8(qb.data(), b.data(), n);
    std::vector<int16_t> wb(stride);
    widen_i8(wb.data(), qb.data(), stride);
    REQUIRE(dot_i8(qa.data(), wb.data(), stride) == dot_i8_scalar(qa.data(), qb.data(), n));
    // Quantisation error: each component within half a step.
    for (size_t i = 0; i < n; i++) {
      REQUIRE(std::fabs(qa[i] * sa - a[i]) <= sa * 0.5f + 1e-6f);
      REQUIRE(std::fabs(qb[i] * sb - b[i]) <= sb * 0.5f + 1e-6f);
    }
  }
}

TEST_CASE("int8 kernel at the extremes: +-127 everywhere does not overflow", "[index]") {
  for (size_t n : {size_t(16), size_t(512), size_t(65536)}) {
    std::vector<int8_t> a(n, 127), c(n, -127);
    std::vector<int16_t> wa(n), wc(n);
    widen_i8(wa.data(), a.data(), n);
    widen_i8(wc.data(), c.data(), n);
    REQUIRE(dot_i8(a.data(), wa.data(), n) == int32_t(n) * 127 * 127);
    REQUIRE(dot_i8(a.data(), wc.data(), n) == -int32_t(n) * 127 * 127);
    // Alternating signs.
    for (size_t i = 0; i < n; i += 2) c[i] = 127;
    widen_i8(wc.data(), c.data(), n);
    REQUIRE(dot_i8(a.data(), wc.data(), n) == dot_i8_scalar(a.data(), c.data(), n));
  }
  std::vector<float> x = {-1.0f, 0.5f, 1.0f};
  std::vector<int8_t> q(3);
  REQUIRE(quantize_i8(q.data(), x.data(), 3) == Approx(1.0f / 127));
  REQUIRE(q == std::vector<int8_t>{-127, 64, 127});
}

TEST_CASE("float SIMD search equals the scalar reference for every dims/count boundary",
          "[index]") {
  std::mt19937 rng(seed_for(2));
  for (size_t dims : {1, 2, 3, 4, 15, 16, 17, 31, 32, 33, 63, 64, 65, 512}) {
    for (size_t count : {0, 1, 2, 9, 10, 11, 100, 257}) {
      CAPTURE(dims, count);
      auto idx = random_index(rng, dims, count);
      REQUIRE(idx.size() == count);
      for (size_t limit : {1, 10, 1000}) {
        for (float min_score : {-2.0f, 0.0f, 0.175f}) {
          CAPTURE(limit, min_score);
          auto q = gaussian(rng, dims);
          SearchOptions opt;
          opt.limit = limit;
          opt.min_score = min_score;
          std::vector<Hit> got, want;
          REQUIRE(idx.search(q.data(), opt, got) == kOk);
          REQUIRE(idx.search_reference(q.data(), opt, want) == kOk);
          require_same_ranking(got, want);
          for (size_t i = 0; i < got.size(); i++) REQUIRE(got[i].score >= min_score);
          for (size_t i = 1; i < got.size(); i++) REQUIRE(!ranks_before(got[i], got[i - 1]));
        }
      }
    }
  }
}

TEST_CASE("int8 candidate scan: SIMD equals scalar exactly; re-rank gives exact scores",
          "[index]") {
  std::mt19937 rng(seed_for(3));
  for (size_t dims : {1, 7, 16, 17, 48, 512}) {
    for (size_t count : {1, 10, 99, 300}) {
      CAPTURE(dims, count);
      auto idx = random_index(rng, dims, count);
      auto q = gaussian(rng, dims);
      for (size_t want_n : {1, 10, 100, 1000}) {
        std::vector<Hit> simd, scalar;
        REQUIRE(idx.approximate_candidates(q.data(), want_n, false, simd) == kOk);
        REQUIRE(idx.approximate_candidates(q.data(), want_n, true, scalar) == kOk);
        REQUIRE(simd.size() == std::min(want_n, count));
        REQUIRE(simd.size() == scalar.size());
        for (size_t i = 0; i < simd.size(); i++) {
          REQUIRE(simd[i].id == scalar[i].id);
          REQUIRE(simd[i].score == scalar[i].score);  // integer dot products: bit-identical
        }
      }
      // Every hit of the quantised search carries its exact score.
      SearchOptions opt;
      opt.limit = 10;
      opt.quantized = true;
      std::vector<Hit> got, exact;
      REQUIRE(idx.search(q.data(), opt, got) == kOk);
      opt.quantized = false;
      opt.limit = count;
      REQUIRE(idx.search_reference(q.data(), opt, exact) == kOk);
      for (const Hit& h : got) {
        auto it =
            std::find_if(exact.begin(), exact.end(), [&](const Hit& e) { return e.id == h.id; });
        REQUIRE(it != exact.end());
        REQUIRE(std::fabs(it->score - h.score) <= 1e-5f);
      }
      // With every vector a candidate the quantised path is exact.
      SearchOptions all;
      all.limit = 10;
      all.quantized = true;
      all.candidates = count;
      REQUIRE(idx.search(q.data(), all, got) == kOk);
      all.quantized = false;
      std::vector<Hit> ref;
      REQUIRE(idx.search_reference(q.data(), all, ref) == kOk);
      require_same_ranking(got, ref);
    }
  }
}

TEST_CASE("int8 path recall@10 >= 0.99 on random 512-d data", "[index]") {
  std::mt19937 rng(seed_for(4));
  const size_t dims = 512, count = 20000, queries = 40;
  auto idx = random_index(rng, dims, count);
  size_t found = 0;
  for (size_t t = 0; t < queries; t++) {
    // Half the queries are pure noise, half are near a stored vector (the realistic case).
    auto q = gaussian(rng, dims);
    if (t % 2) {
      const float* base = idx.vector_at(rng() % count);
      for (size_t i = 0; i < dims; i++) q[i] = base[i] + 0.02f * q[i];
    }
    SearchOptions opt;
    opt.limit = 10;
    std::vector<Hit> exact, approx;
    REQUIRE(idx.search_reference(q.data(), opt, exact) == kOk);
    opt.quantized = true;
    REQUIRE(idx.search(q.data(), opt, approx) == kOk);
    std::set<uint64_t> want;
    for (auto& h : exact) want.insert(h.id);
    for (auto& h : approx) found += want.count(h.id);
  }
  double recall = double(found) / (queries * 10);
  CAPTURE(recall);
  REQUIRE(recall >= 0.99);
}

TEST_CASE("ties rank by ascending file id in every path", "[index]") {
  std::mt19937 rng(seed_for(5));
  for (size_t dims : {3, 16, 100}) {
    EmbeddingIndex idx;
    REQUIRE(idx.reset(dims) == kOk);
    auto v = gaussian(rng, dims), w = gaussian(rng, dims);
    // Eleven copies of v and of w, ids shuffled; 22 rows, so copies sit both in the four-row
    // blocks and in the tail of the scan.
    std::vector<uint64_t> ids = {90, 5, 77, 13, 1, 42, 8, 1000, 3, 64, 7};
    for (size_t i = 0; i < ids.size(); i++) {
      std::vector<float> sv(v), sw(w);
      REQUIRE(idx.upsert(ids[i], sv.data()) == kOk);
      REQUIRE(idx.upsert(ids[i] + 5000, sw.data()) == kOk);
    }
    for (bool quantized : {false, true}) {
      SearchOptions opt;
      opt.limit = 15;
      opt.quantized = quantized;
      std::vector<Hit> got, ref;
      REQUIRE(idx.search(v.data(), opt, got) == kOk);
      REQUIRE(idx.search_reference(v.data(), opt, ref) == kOk);
      REQUIRE(got.size() == 15);
      std::vector<uint64_t> sorted_ids(ids);
      std::sort(sorted_ids.begin(), sorted_ids.end());
      for (size_t i = 0; i < ids.size(); i++) {
        REQUIRE(got[i].id == sorted_ids[i]);
        REQUIRE(ref[i].id == sorted_ids[i]);
        REQUIRE(got[i].score == got[0].score);
      }
      for (size_t i = ids.size(); i < 15; i++)
        REQUIRE(got[i].id == sorted_ids[i - ids.size()] + 5000);
    }
  }
}

TEST_CASE("upsert replaces, remove swaps the last row in, lookups stay right", "[index]") {
  std::mt19937 rng(seed_for(6));
  const size_t dims = 20;
  EmbeddingIndex idx;
  REQUIRE(idx.reset(dims) == kOk);
  std::vector<std::vector<float>> vecs;
  for (uint64_t id = 0; id < 50; id++) {
    vecs.push_back(gaussian(rng, dims));
    REQUIRE(idx.upsert(id, vecs.back().data()) == kOk);
  }
  // Replace id 7 and check it is found with score 1 for its new vector.
  vecs[7] = gaussian(rng, dims);
  REQUIRE(idx.upsert(7, vecs[7].data()) == kOk);
  REQUIRE(idx.size() == 50);
  SearchOptions opt;
  opt.limit = 1;
  std::vector<Hit> got;
  REQUIRE(idx.search(vecs[7].data(), opt, got) == kOk);
  REQUIRE(got[0].id == 7);
  REQUIRE(got[0].score == Approx(1.0f).epsilon(1e-5));

  // Remove every third id, including the first and the last slot.
  std::set<uint64_t> live;
  for (uint64_t id = 0; id < 50; id++) live.insert(id);
  for (uint64_t id : {uint64_t(0), uint64_t(49)}) {
    REQUIRE(idx.remove(id));
    live.erase(id);
  }
  for (uint64_t id = 3; id < 49; id += 3) {
    REQUIRE(idx.remove(id));
    live.erase(id);
  }
  REQUIRE_FALSE(idx.remove(3));
  REQUIRE_FALSE(idx.remove(12345));
  REQUIRE(idx.size() == live.size());
  for (uint64_t id = 0; id < 50; id++) {
    CAPTURE(id);
    REQUIRE(idx.contains(id) == (live.count(id) == 1));
    if (!live.count(id)) {
      REQUIRE(idx.get(id) == nullptr);
      continue;
    }
    const float* stored = idx.get(id);
    REQUIRE(stored != nullptr);
    // The stored vector is the normalised input.
    double n = 0;
    for (size_t i = 0; i < dims; i++) n += double(vecs[id][i]) * vecs[id][i];
    for (size_t i = 0; i < dims; i++)
      REQUIRE(stored[i] == Approx(vecs[id][i] / std::sqrt(n)).margin(1e-6));
    opt.limit = 1;
    for (bool quantized : {false, true}) {
      opt.quantized = quantized;
      REQUIRE(idx.search(vecs[id].data(), opt, got) == kOk);
      REQUIRE(got[0].id == id);
    }
  }
  opt.limit = 100;
  opt.quantized = false;
  REQUIRE(idx.search(vecs[1].data(), opt, got) == kOk);
  REQUIRE(got.size() == live.size());
}

TEST_CASE("bad input is rejected and changes nothing", "[index]") {
  EmbeddingIndex idx;
  std::vector<float> v(8, 1.0f), zero(8, 0.0f), nan(8, 1.0f), inf(8, 1.0f);
  nan[3] = std::nanf("");
  inf[5] = INFINITY;
  REQUIRE(idx.upsert(1, v.data()) == kBadInput);  // no dimension yet
  REQUIRE(idx.reset(0) == kBadInput);
  REQUIRE(idx.reset(kMaxDims + 1) == kBadInput);
  REQUIRE(idx.reset(8) == kOk);
  REQUIRE(idx.upsert(1, v.data()) == kOk);
  REQUIRE(idx.upsert(kMaxFileId, v.data()) == kOk);
  REQUIRE(idx.upsert(kMaxFileId + 1, v.data()) == kBadInput);
  REQUIRE(idx.upsert(2, zero.data()) == kBadInput);
  REQUIRE(idx.upsert(1, nan.data()) == kBadInput);
  REQUIRE(idx.upsert(1, inf.data()) == kBadInput);
  REQUIRE(idx.size() == 2);
  REQUIRE(idx.get(1)[0] == Approx(1 / std::sqrt(8.0f)));
  REQUIRE(idx.check_vector(v.data()) == kOk);
  REQUIRE(idx.check_vector(zero.data()) == kBadInput);
  REQUIRE(idx.check_vector(nan.data()) == kBadInput);
  REQUIRE(idx.check_vector(inf.data()) == kBadInput);
  std::vector<Hit> got;
  REQUIRE(idx.search(zero.data(), SearchOptions{}, got) == kBadInput);
  REQUIRE(idx.search(nan.data(), SearchOptions{}, got) == kBadInput);
  // Tiny but non-zero components still normalise.
  std::vector<float> tiny(8, 1e-30f);
  REQUIRE(idx.upsert(3, tiny.data()) == kOk);
  REQUIRE(idx.get(3)[0] == Approx(1 / std::sqrt(8.0f)));
  std::vector<float> big(8, 3e38f);
  REQUIRE(idx.upsert(4, big.data()) == kOk);
  REQUIRE(idx.get(4)[7] == Approx(1 / std::sqrt(8.0f)));
}
