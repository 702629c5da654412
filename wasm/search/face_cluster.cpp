#include "face_cluster.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <sodium.h>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace cl {
namespace {

constexpr size_t kMaxDims = 1024;
constexpr size_t kLanes = 8;      // int16 values per SIMD step
constexpr size_t kRowTile = 32;   // rows whose candidates are gathered, then resolved
constexpr size_t kColTile = 256;  // columns scanned while a row tile stays in cache

template <class T>
void wipe(std::vector<T>& v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(T));
  v.clear();
  v.shrink_to_fit();
}

// Dot products of rows a and b with four columns: out[0..3] for a, out[4..7] for b. The int16
// values are at most qmax (see prepare), so no int32 lane can overflow.
#ifdef __wasm_simd128__
inline int32_t hsum(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}
void dots_2x4(const int16_t* a, const int16_t* b, const int16_t* const c[4], size_t stride,
              int32_t out[8]) {
  v128_t a0 = wasm_i32x4_splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  for (size_t k = 0; k < stride; k += kLanes) {
    const v128_t ra = wasm_v128_load(a + k), rb = wasm_v128_load(b + k);
    const v128_t c0 = wasm_v128_load(c[0] + k), c1 = wasm_v128_load(c[1] + k);
    const v128_t c2 = wasm_v128_load(c[2] + k), c3 = wasm_v128_load(c[3] + k);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(ra, c0));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(ra, c1));
    a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(ra, c2));
    a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(ra, c3));
    b0 = wasm_i32x4_add(b0, wasm_i32x4_dot_i16x8(rb, c0));
    b1 = wasm_i32x4_add(b1, wasm_i32x4_dot_i16x8(rb, c1));
    b2 = wasm_i32x4_add(b2, wasm_i32x4_dot_i16x8(rb, c2));
    b3 = wasm_i32x4_add(b3, wasm_i32x4_dot_i16x8(rb, c3));
  }
  out[0] = hsum(a0), out[1] = hsum(a1), out[2] = hsum(a2), out[3] = hsum(a3);
  out[4] = hsum(b0), out[5] = hsum(b1), out[6] = hsum(b2), out[7] = hsum(b3);
}
#else
void dots_2x4(const int16_t* a, const int16_t* b, const int16_t* const c[4], size_t stride,
              int32_t out[8]) {
  for (int j = 0; j < 4; j++) {
    int32_t sa = 0, sb = 0;
    for (size_t k = 0; k < stride; k++) {
      sa += int32_t(a[k]) * c[j][k];
      sb += int32_t(b[k]) * c[j][k];
    }
    out[j] = sa, out[4 + j] = sb;
  }
}
#endif

}  // namespace

Status FaceClusterer::reset(size_t n, size_t dims) {
  clear();
  if (dims == 0 || dims > kMaxDims)
    return fail(kBadInput, "face embeddings must have 1..1024 values");
  // 2^27 floats (512 MiB) and their int16 copies: far beyond a library's faces (100,000 x 192 is
  // 2^24.2), and within wasm's 4 GiB.
  if (n > (size_t(1) << 27) / dims) return fail(kBadInput, "too many faces to cluster at once");
  n_ = n, dims_ = dims, stride_ = (dims + kLanes - 1) / kLanes * kLanes;
  emb_.assign(n * dims, 0.0f);
  bad_.assign(n, 0);
  cluster_.assign(n, -1);
  rej_offsets_.assign(n + 1, 0);
  return kOk;
}

Status FaceClusterer::set_rejections(const uint32_t* offsets, const int32_t* ids) {
  if (offsets[0] != 0) return fail(kBadInput, "rejection offsets must start at 0");
  for (size_t i = 0; i < n_; i++)
    if (offsets[i + 1] < offsets[i]) return fail(kBadInput, "rejection offsets must not decrease");
  rej_offsets_.assign(offsets, offsets + n_ + 1);
  rej_ids_.assign(ids, ids + offsets[n_]);
  // Sorted per face, for a binary search.
  for (size_t i = 0; i < n_; i++)
    std::sort(rej_ids_.begin() + rej_offsets_[i], rej_ids_.begin() + rej_offsets_[i + 1]);
  return kOk;
}

Status FaceClusterer::prepare(uint32_t existing, bool fast, size_t batch, size_t step) {
  if (existing > (1u << 30)) return fail(kBadInput, "too many existing clusters");
  if (step == 0 || step > batch) return fail(kBadInput, "a clustering step must be 1..batch");
  batch_ = batch, step_ = step;
  for (size_t i = 0; i < n_; i++) {
    if (cluster_[i] < -1 || cluster_[i] >= int64_t(existing))
      return fail(kBadInput, "a face's cluster is not one of the existing clusters");
  }
  double max_abs = 0;
  for (float v : emb_) {
    if (!std::isfinite(v)) return fail(kBadInput, "a face embedding has a NaN or infinite value");
    max_abs = std::max(max_abs, double(std::fabs(v)));
  }
  next_cluster_ = existing;
  fast_ = fast;
  exact_ = 0;
  wipe(quant_);
  if (fast) {
    // int16 values at most qmax: each int32 lane of dots_2x4 sums stride / 4 products.
    const double qmax = std::min(4095.0, std::floor(std::sqrt(2147483647.0 / (stride_ / 4.0))));
    scale_ = max_abs > 0 ? qmax / max_abs : 1.0;
    quant_.assign(n_ * stride_, 0);
    double max_l1 = 0, max_l1q = 0;
    for (size_t i = 0; i < n_; i++) {
      double l1 = 0, l1q = 0;
      for (size_t k = 0; k < dims_; k++) {
        const double x = emb_[i * dims_ + k];
        const double q = std::nearbyint(x * scale_);
        quant_[i * stride_ + k] = int16_t(q);
        l1 += std::fabs(x);
        l1q += std::fabs(q) / scale_;
      }
      max_l1 = std::max(max_l1, l1), max_l1q = std::max(max_l1q, l1q);
    }
    // |x.y - qx.qy / s^2| <= sum |x - qx/s| |y| + |qx/s| |y - qy/s| <= 0.5/s (|y|_1 + |qx/s|_1),
    // plus a margin for the double arithmetic on both sides.
    bound_ = 0.5 / scale_ * (max_l1 + max_l1q) + 1e-9;
  }
  prepared_ = true;
  return kOk;
}

size_t FaceClusterer::batch_count() const { return n_ == 0 ? 0 : (n_ - 1) / step_ + 1; }

double FaceClusterer::exact_dot(size_t a, size_t b) const {
  // Ente's dotProduct over Float32Arrays: each product exact in double, summed in order.
  const float* x = &emb_[a * dims_];
  const float* y = &emb_[b * dims_];
  double d = 0;
  for (size_t k = 0; k < dims_; k++) d += double(x[k]) * double(y[k]);
  return d;
}

bool FaceClusterer::rejected(size_t face, int32_t cluster) const {
  const auto first = rej_ids_.begin() + rej_offsets_[face];
  const auto last = rej_ids_.begin() + rej_offsets_[face + 1];
  return std::binary_search(first, last, cluster);
}

void FaceClusterer::assign(const std::vector<uint32_t>& order, size_t p, size_t best) {
  cluster_[order[p]] = best == SIZE_MAX ? int32_t(next_cluster_++) : cluster_[order[best]];
}

// Ente's loop as written: every earlier face of the batch, nearest last to first.
void FaceClusterer::batch_reference(const std::vector<uint32_t>& order, size_t first) {
  for (size_t p = first; p < order.size(); p++) {
    const uint32_t f = order[p];
    const bool has_rej = rej_offsets_[f + 1] > rej_offsets_[f];
    size_t best = SIZE_MAX;
    double best_sim = 0;
    for (size_t q = p; q-- > 0;) {
      const uint32_t g = order[q];
      const double s = exact_dot(f, g);
      if (s <= best_sim) continue;
      if (s < (bad_[g] ? kClusterThresholdBadFace : kClusterThreshold)) continue;
      if (has_rej && rejected(f, cluster_[g])) continue;
      best = q, best_sim = s;
    }
    assign(order, p, best);
  }
}

// The same decisions: int16 dot products (bounded error bound_ in similarity) pick the
// candidates, exact similarities decide among those the bound cannot separate.
void FaceClusterer::batch_fast(const std::vector<uint32_t>& order, size_t first) {
  const size_t L = order.size();
  const double s2 = scale_ * scale_;
  // The batch's quantised faces side by side, and each one's candidate thresholds (int units).
  std::vector<int16_t> qs(L * stride_);
  std::vector<double> lo(L), hi(L);
  for (size_t q = 0; q < L; q++) {
    std::copy_n(&quant_[size_t(order[q]) * stride_], stride_, &qs[q * stride_]);
    const double thr = bad_[order[q]] ? kClusterThresholdBadFace : kClusterThreshold;
    lo[q] = (thr - bound_) * s2;
    hi[q] = (thr + bound_) * s2;
  }
  const double window = 2 * bound_ * s2;
  std::vector<std::vector<std::pair<uint32_t, int32_t>>> cands(kRowTile);
  std::vector<double> definite(kRowTile);
  std::vector<char> has_rej(kRowTile);
  const std::vector<int16_t> zero(stride_, 0);

  for (size_t p0 = first; p0 < L; p0 += kRowTile) {
    const size_t p1 = std::min(L, p0 + kRowTile);
    for (size_t r = 0; r < p1 - p0; r++) {
      cands[r].clear();
      definite[r] = -std::numeric_limits<double>::infinity();
      const uint32_t f = order[p0 + r];
      has_rej[r] = rej_offsets_[f + 1] > rej_offsets_[f];
    }
    // Without rejections every definite candidate is valid, so the best one is within the window
    // of the highest; with rejections that one may be invalid: every candidate is kept.
    auto consider = [&](size_t p, size_t q, int32_t dot) {
      const size_t r = p - p0;
      if (dot < lo[q] || (!has_rej[r] && dot < definite[r] - window)) return;
      if (dot >= hi[q]) definite[r] = std::max(definite[r], double(dot));
      cands[r].emplace_back(uint32_t(q), dot);
    };
    for (size_t c0 = 0; c0 + 1 < p1; c0 += kColTile) {
      const size_t c1 = std::min(c0 + kColTile, p1 - 1);
      for (size_t p = p0; p < p1; p += 2) {
        const bool pair = p + 1 < p1;
        const size_t qend = std::min(c1, pair ? p + 1 : p);  // columns before the last row
        const int16_t* ra = &qs[p * stride_];
        const int16_t* rb = pair ? &qs[(p + 1) * stride_] : ra;
        for (size_t q = c0; q < qend; q += 4) {
          const int16_t* c[4];
          for (int j = 0; j < 4; j++) c[j] = q + j < qend ? &qs[(q + j) * stride_] : zero.data();
          int32_t d[8];
          dots_2x4(ra, rb, c, stride_, d);
          for (size_t j = 0; j < 4 && q + j < qend; j++) {
            if (q + j < p) consider(p, q + j, d[j]);
            if (pair) consider(p + 1, q + j, d[4 + j]);
          }
        }
      }
    }
    // Each row in turn: earlier rows' clusters are known when a rejection needs them.
    for (size_t p = p0; p < p1; p++) {
      const size_t r = p - p0;
      const uint32_t f = order[p];
      size_t best = SIZE_MAX;
      double best_sim = 0;
      for (const auto& [q, dot] : cands[r]) {
        if (!has_rej[r] && dot < definite[r] - window) continue;
        const uint32_t g = order[q];
        const double s = exact_dot(f, g);
        exact_++;
        if (s < (bad_[g] ? kClusterThresholdBadFace : kClusterThreshold)) continue;
        if (has_rej[r] && rejected(f, cluster_[g])) continue;
        if (s > best_sim || (s == best_sim && q > best)) best = q, best_sim = s;
      }
      assign(order, p, best);
    }
  }
  wipe(qs);
}

Status FaceClusterer::run_batch(size_t b) {
  if (!prepared_) return fail(kBadInput, "the clusterer was not prepared");
  if (b >= batch_count()) return fail(kBadInput, "no such clustering batch");
  const size_t begin = b * step_, end = std::min(n_, begin + batch_);
  std::vector<uint32_t> order;
  order.reserve(end - begin);
  for (size_t i = begin; i < end; i++)
    if (cluster_[i] >= 0) order.push_back(uint32_t(i));
  const size_t first = order.size();
  if (first == end - begin) return kOk;  // nothing to cluster in this batch
  for (size_t i = begin; i < end; i++)
    if (cluster_[i] < 0) order.push_back(uint32_t(i));
  if (fast_)
    batch_fast(order, first);
  else
    batch_reference(order, first);
  return kOk;
}

void FaceClusterer::clear() {
  wipe(emb_);
  wipe(quant_);
  wipe(bad_);
  wipe(cluster_);
  wipe(rej_offsets_);
  wipe(rej_ids_);
  n_ = dims_ = stride_ = 0;
  prepared_ = false;
  next_cluster_ = 0;
}

}  // namespace cl
