// Search in the compact index, in two stages.
//
// Stage one (candidates): the query is normalised and rotated like the vectors. For every
// vector, its code gives an estimate of the dot product and a bound on the error
// (RaBitQ: |est - <x, q>| <= epsilon * sqrt(1 - o^2) / o / sqrt(D - 1) with high probability
// over the rotation, o the code's cosine to its vector, plus the lookup tables' rounding); a
// vector whose estimate plus bound cannot reach the current k-th best int8 score (less the int8
// error) cannot be in the top k, and is skipped. The others get their int8 score, and the best
// `rerank` of them are the candidates.
// Stage two (rerank): the candidates' sealed records, read back from the pages by the caller,
// are opened and scored exactly; the best `limit` are the hits.
#include <algorithm>
#include <cmath>
#include <cstring>

#include <sodium.h>

#include "compact_index.hpp"
#include "embedding_kernels.hpp"

namespace cl {
namespace {

inline bool before(const Candidate& a, const Candidate& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

// The k best of what is pushed; front() is the worst kept.
class CandidateHeap {
 public:
  Status init(size_t k) {
    k_ = k;
    return heap_.reserve_exact(k);
  }
  bool full() const { return heap_.size() == k_; }
  const Candidate& worst() const { return heap_[0]; }
  void push(const Candidate& c) {
    auto cmp = [](const Candidate& a, const Candidate& b) { return before(a, b); };
    if (heap_.size() < k_) {
      heap_.push_back(c);  // reserved
      std::push_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
    } else if (before(c, heap_[0])) {
      std::pop_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
      heap_.back() = c;
      std::push_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
    }
  }
  // Best first.
  CheckedArray<Candidate>& sorted() {
    auto cmp = [](const Candidate& a, const Candidate& b) { return before(a, b); };
    std::sort_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
    return heap_;
  }

 private:
  size_t k_ = 0;
  CheckedArray<Candidate> heap_;
};

// Min-heap of the k best scores (ties irrelevant): the current k-th best.
class ScoreHeap {
 public:
  Status init(size_t k) {
    k_ = k;
    return heap_.reserve_exact(k);
  }
  // The k-th best so far, or -infinity while fewer than k.
  float kth() const { return heap_.size() == k_ ? heap_[0] : -INFINITY; }
  void push(float s) {
    auto cmp = [](float a, float b) { return a > b; };
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
    } else if (s > heap_[0]) {
      std::pop_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
      heap_.back() = s;
      std::push_heap(heap_.data(), heap_.data() + heap_.size(), cmp);
    }
  }

 private:
  size_t k_ = 0;
  CheckedArray<float> heap_;
};

}  // namespace

Status CompactIndex::candidates(const float* q, const CompactSearchOptions& opt,
                                CheckedArray<Candidate>& out, CompactSearchStats* stats) const {
  out.clear();
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  const float inv = inverse_norm(q, dims_);
  if (inv == 0) return fail(kBadInput, "query must be finite and non-zero");
  const size_t k = std::min(opt.limit, n_);
  if (k == 0) return kOk;
  const size_t R =
      std::min(n_, std::max(k, opt.rerank ? opt.rerank : std::max<size_t>(k + 16, 32)));
  const size_t rd = rdims();

  CheckedArray<float> unit, qr;
  CheckedArray<int8_t> q8;
  CheckedArray<int16_t> q16;
  CandidateHeap top;
  ScoreHeap kth;
  compact::QueryLut lut;
  Status st = unit.resize(dims_);
  if (!st) st = qr.resize(rd);
  if (!st) st = q8.resize(rd);
  if (!st) st = q16.resize(rd);
  if (!st) st = top.init(R);
  if (!st) st = kth.init(k);
  if (st) return st;
  for (size_t i = 0; i < dims_; i++) unit[i] = q[i] * inv;
  rot_.apply(unit.data(), qr.data());
  if (!opt.scan_int8 && (st = lut.build(qr.data(), rd, bits_))) return st;
  const float qscale = quantize_i8(q8.data(), qr.data(), rd);
  widen_i8(q16.data(), q8.data(), rd);
  // int8 scores are off by (s_r + s_q) / sqrt(12) standard deviations at most (rounding of both
  // sides, s the scales, vector and query of unit length, s_r about s_q after the rotation):
  // a margin of 6 of them.
  const float margin = 6.0f * 2.0f * qscale / std::sqrt(12.0f);
  const float eps = opt.epsilon / std::sqrt(float(std::max<size_t>(rd - 1, 1)));
  const float base = lut.offset + lut.error;
  size_t scored = 0;

  auto score = [&](size_t slot) {
    const RowRef r = row(slot);
    const float s = float(dot_i8(r.q8, q16.data(), rd)) * (*r.scale * qscale);
    scored++;
    kth.push(s);
    top.push(Candidate{*r.id, s, uint32_t(slot), *r.loc});
  };

  alignas(16) uint32_t sums[compact::kBlock];
  for (size_t seg = 0; seg * kSegmentRows < n_; seg++) {
    const size_t first = seg * kSegmentRows;
    const size_t rows = std::min(kSegmentRows, n_ - first);
    if (opt.scan_int8) {
      for (size_t i = 0; i < rows; i++) score(first + i);
      continue;
    }
    const RowRef head = row(first);
    const size_t bb = compact::block_bytes(rd, bits_);
    for (size_t b = 0; b * compact::kBlock < rows; b++) {
      const size_t lanes = std::min(compact::kBlock, rows - b * compact::kBlock);
      compact::scan_block(head.block + b * bb, lut.entries.data(), groups_, sums);
      const float tau = std::max(opt.min_score, kth.kth()) - margin;
      uint32_t mask =
          compact::passing_lanes(sums, head.f + b * compact::kBlock, head.h + b * compact::kBlock,
                                 lut.step, base, eps, tau, lanes);
      while (mask) {
        const int lane = __builtin_ctz(mask);
        mask &= mask - 1;
        score(first + b * compact::kBlock + lane);
      }
    }
  }
  if (stats) stats->scored = scored;
  out.swap(top.sorted());
  // Candidates below the threshold by more than the int8 error cannot reach it exactly.
  size_t keep = 0;
  while (keep < out.size() && out[keep].score >= opt.min_score - margin) keep++;
  out.truncate(keep);
  return kOk;
}

Status CompactIndex::rerank(const float* q, const Candidate* cands, size_t n, const uint8_t* sealed,
                            size_t limit, float min_score, CheckedArray<Hit>& out) const {
  out.clear();
  const float inv = inverse_norm(q, dims_);
  if (inv == 0) return fail(kBadInput, "query must be finite and non-zero");
  CheckedArray<float> unit, v;
  Status st = unit.resize(dims_);
  if (!st) st = v.resize(dims_);
  if (!st) st = out.reserve_exact(n);
  if (st) return st;
  for (size_t i = 0; i < dims_; i++) unit[i] = q[i] * inv;
  const size_t rb = record_bytes();
  for (size_t i = 0; i < n; i++) {
    uint64_t id = 0;
    const uint32_t page = cands[i].loc / kPageRecords, record = cands[i].loc % kPageRecords;
    if (Status s = open_record(sealed + i * rb, page, record, &id, v.data())) return s;
    if (id != cands[i].id) return fail(kAuthFailed, "a page record belongs to another file");
    float s = 0;
    for (size_t d = 0; d < dims_; d++) s += unit[d] * v[d];
    if (s >= min_score) out.push_back(Hit{id, s});
  }
  std::sort(out.data(), out.data() + out.size(),
            [](const Hit& a, const Hit& b) { return ranks_before(a, b); });
  out.truncate(std::min(limit, out.size()));
  return kOk;
}

}  // namespace cl
