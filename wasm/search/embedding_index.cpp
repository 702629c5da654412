#include "embedding_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <sodium.h>

#include "embedding_kernels.hpp"
#include "nonnull.hpp"

namespace cl {
namespace {

// A hit plus the slot it came from (the int8 stage re-ranks by slot).
struct Cand {
  uint64_t id;
  float score;
  uint32_t slot;
};
inline bool ranks_before(const Cand& a, const Cand& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

// Bounded heap keeping the k best entries; its front is the worst kept one.
template <class T>
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(std::min<size_t>(k, 1 << 16)); }
  bool accepts(const T& h) const { return heap_.size() < k_ || ranks_before(h, heap_.front()); }
  void push(const T& h) {
    auto cmp = [](const T& a, const T& b) { return ranks_before(a, b); };
    if (heap_.size() < k_) {
      heap_.push_back(h);
      std::push_heap(heap_.begin(), heap_.end(), cmp);
    } else {
      std::pop_heap(heap_.begin(), heap_.end(), cmp);
      heap_.back() = h;
      std::push_heap(heap_.begin(), heap_.end(), cmp);
    }
  }
  // Best first.
  std::vector<T>& sorted() {
    std::sort_heap(heap_.begin(), heap_.end(),
                   [](const T& a, const T& b) { return ranks_before(a, b); });
    return heap_;
  }

 private:
  size_t k_;
  std::vector<T> heap_;
};

// The capacity v grows to for n elements: doubling, as std::vector would.
template <class T>
size_t grown_capacity(const std::vector<T>& v, size_t n) {
  return n <= v.capacity() ? v.capacity() : std::max(n, v.capacity() * 2);
}

// Grows v's capacity to exactly cap and wipes the old buffer (embeddings are private data:
// freed memory must not keep them). reserve() checked beforehand that the heap has the room: in
// the wasm build a failing operator new aborts the module.
template <class T>
void grow_to(std::vector<T>& v, size_t cap) {
  if (cap <= v.capacity()) return;
  std::vector<T> bigger;
  bigger.reserve(cap);
  bigger.assign(v.begin(), v.end());
  wipe_bytes(v.data(), v.capacity() * sizeof(T));
  v.swap(bigger);
}

// Wipes and releases v's buffer.
template <class T>
void wipe(std::vector<T>& v) {
  wipe_bytes(v.data(), v.capacity() * sizeof(T));
  std::vector<T>().swap(v);
}

size_t default_candidates(const SearchOptions& opt) {
  return opt.candidates ? std::max(opt.candidates, opt.limit)
                        : std::max<size_t>(10 * opt.limit, 100);
}

}  // namespace

EmbeddingIndex::~EmbeddingIndex() {
  wipe(vecs_);
  wipe(q8_);
  wipe(q8_scale_);
}

void EmbeddingIndex::swap(EmbeddingIndex& o) noexcept {
  std::swap(dims_, o.dims_);
  std::swap(stride_, o.stride_);
  ids_.swap(o.ids_);
  vecs_.swap(o.vecs_);
  q8_.swap(o.q8_);
  q8_scale_.swap(o.q8_scale_);
  slot_.swap(o.slot_);
}

Status EmbeddingIndex::reset(size_t dims) {
  if (dims == 0 || dims > kMaxDims) return fail(kBadInput, "index dimension must be 1..65536");
  wipe(vecs_);
  wipe(q8_);
  wipe(q8_scale_);
  ids_.clear();
  slot_.clear();
  dims_ = dims;
  stride_ = padded_stride(dims);
  return kOk;
}

Status EmbeddingIndex::reserve(size_t n) {
  const size_t cv = grown_capacity(vecs_, n * stride_), cq = grown_capacity(q8_, n * stride_),
               cs = grown_capacity(q8_scale_, n), ci = grown_capacity(ids_, n);
  const size_t more = n > ids_.size() ? n - ids_.size() : 0;
  // The map rehashes only past its load factor; asked for less it could even shrink.
  const bool map_grows = double(n) > double(slot_.bucket_count()) * slot_.max_load_factor();
  // What growing takes, probed all at once before anything changes: the arrays' new buffers,
  // the map's buckets, and a node per new id (with room to spare).
  const size_t need[] = {
      cv > vecs_.capacity() ? cv * sizeof(float) : 0,
      cq > q8_.capacity() ? cq : 0,
      cs > q8_scale_.capacity() ? cs * sizeof(float) : 0,
      ci > ids_.capacity() ? ci * sizeof(uint64_t) : 0,
      (map_grows ? 4 * n * sizeof(void*) : 0) + more * 64,
  };
  void* probe[5] = {nullptr};
  bool ok = true;
  for (size_t i = 0; i < 5 && ok; i++)
    if (need[i]) ok = (probe[i] = std::malloc(need[i])) != nullptr;
  for (void* p : probe) std::free(p);
  if (!ok) return fail(kOutOfMemory, "not enough wasm memory for the index");
  grow_to(vecs_, cv);
  grow_to(q8_, cq);
  grow_to(q8_scale_, cs);
  ids_.reserve(ci);
  if (map_grows) slot_.reserve(std::max(n, 2 * slot_.size()));
  return kOk;
}

void EmbeddingIndex::write_slot(size_t slot, uint64_t id, const float* v, float inv_norm) {
  ids_[slot] = id;
  float* row = vecs_.data() + slot * stride_;
  for (size_t i = 0; i < dims_; i++) row[i] = v[i] * inv_norm;
  std::fill(row + dims_, row + stride_, 0.0f);
  int8_t* qrow = q8_.data() + slot * stride_;
  q8_scale_[slot] = quantize_i8(qrow, row, dims_);
  std::fill(qrow + dims_, qrow + stride_, int8_t(0));
}

Status EmbeddingIndex::check_vector(const float* v) const {
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  float inv = inverse_norm(v, dims_);
  if (inv == 0 || !std::isfinite(inv))
    return fail(kBadInput, "embedding must be finite and non-zero");
  return kOk;
}

Status EmbeddingIndex::upsert(uint64_t id, const float* v) {
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  if (id > kMaxFileId) return fail(kBadInput, "file id must be an integer in 0 .. 2^53 - 1");
  float inv = inverse_norm(v, dims_);
  if (inv == 0 || !std::isfinite(inv))
    return fail(kBadInput, "embedding must be finite and non-zero");
  auto it = slot_.find(id);
  if (it != slot_.end()) {
    write_slot(it->second, id, v, inv);
    return kOk;
  }
  if (ids_.size() >= UINT32_MAX) return fail(kOutOfMemory, "index is full");
  if (Status s = reserve(ids_.size() + 1)) return s;
  write_slot(append_slot(id), id, v, inv);
  return kOk;
}

// Capacity for one more row was reserved: nothing here allocates but the map's node.
size_t EmbeddingIndex::append_slot(uint64_t id) {
  size_t slot = ids_.size(), n = slot + 1;
  ids_.push_back(id);
  vecs_.resize(n * stride_);
  q8_.resize(n * stride_);
  q8_scale_.resize(n);
  slot_.emplace(id, uint32_t(slot));
  return slot;
}

Status EmbeddingIndex::insert_normalized(uint64_t id, const float* v) {
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  if (id > kMaxFileId) return fail(kBadInput, "file id must be an integer in 0 .. 2^53 - 1");
  if (slot_.count(id)) return fail(kBadInput, "duplicate file id");
  float inv = inverse_norm(v, dims_);
  if (inv == 0 || std::fabs(inv - 1.0f) > 1e-3f)
    return fail(kBadInput, "stored vector is not unit length");
  if (ids_.size() >= UINT32_MAX) return fail(kOutOfMemory, "index is full");
  if (Status s = reserve(ids_.size() + 1)) return s;
  write_slot(append_slot(id), id, v, 1.0f);
  return kOk;
}

bool EmbeddingIndex::remove(uint64_t id) {
  auto it = slot_.find(id);
  if (it == slot_.end()) return false;
  size_t slot = it->second, last = ids_.size() - 1;
  slot_.erase(it);
  if (slot != last) {
    // The last vector moves into the hole, keeping the rows contiguous for the scans.
    std::memcpy(vecs_.data() + slot * stride_, vecs_.data() + last * stride_,
                stride_ * sizeof(float));
    std::memcpy(q8_.data() + slot * stride_, q8_.data() + last * stride_, stride_);
    q8_scale_[slot] = q8_scale_[last];
    ids_[slot] = ids_[last];
    slot_[ids_[slot]] = uint32_t(slot);
  }
  sodium_memzero(vecs_.data() + last * stride_, stride_ * sizeof(float));
  sodium_memzero(q8_.data() + last * stride_, stride_);
  ids_.pop_back();
  vecs_.resize(last * stride_);
  q8_.resize(last * stride_);
  q8_scale_.resize(last);
  return true;
}

const float* EmbeddingIndex::get(uint64_t id) const {
  auto it = slot_.find(id);
  return it == slot_.end() ? nullptr : vector_at(it->second);
}

Status EmbeddingIndex::normalized_query(const float* q, std::vector<float>& out) const {
  if (dims_ == 0) return fail(kBadInput, "index has no dimension");
  float inv = inverse_norm(q, dims_);
  if (inv == 0 || !std::isfinite(inv)) return fail(kBadInput, "query must be finite and non-zero");
  out.assign(stride_, 0.0f);
  for (size_t i = 0; i < dims_; i++) out[i] = q[i] * inv;
  return kOk;
}

void EmbeddingIndex::quantize_query(const float* qn, std::vector<int8_t>& out, float* scale) const {
  out.assign(stride_, 0);
  *scale = quantize_i8(out.data(), qn, dims_);
}

Status EmbeddingIndex::search(const float* q, const SearchOptions& opt,
                              std::vector<Hit>& out) const {
  out.clear();
  std::vector<float> qn;
  if (Status s = normalized_query(q, qn)) return s;
  const size_t n = ids_.size(), k = std::min(opt.limit, n);
  if (k == 0) return kOk;
  const float min_score = opt.min_score;
  TopK<Cand> top(k);

  if (!opt.quantized) {
    const float* base = vecs_.data();
    for (size_t r = 0; r < n; r++) {
      Cand c{ids_[r], dot_f32(base + r * stride_, qn.data(), stride_), uint32_t(r)};
      if (c.score >= min_score && top.accepts(c)) top.push(c);
    }
  } else {
    std::vector<Hit> cands;
    if (Status s = approximate_candidates(q, std::min(default_candidates(opt), n), false, cands))
      return s;
    // Exact re-rank: the threshold applies to exact scores only, so an approximate score just
    // under it cannot lose a true match.
    for (const Hit& h : cands) {
      uint32_t slot = slot_.find(h.id)->second;
      Cand c{h.id, dot_f32(vector_at(slot), qn.data(), stride_), slot};
      if (c.score >= min_score && top.accepts(c)) top.push(c);
    }
  }
  for (const Cand& c : top.sorted()) out.push_back({c.id, c.score});
  return kOk;
}

Status EmbeddingIndex::approximate_candidates(const float* q, size_t want, bool scalar,
                                              std::vector<Hit>& out) const {
  out.clear();
  std::vector<float> qn;
  if (Status s = normalized_query(q, qn)) return s;
  std::vector<int8_t> q8;
  float qscale = 0;
  quantize_query(qn.data(), q8, &qscale);
  const size_t n = ids_.size(), k = std::min(want, n);
  if (k == 0) return kOk;
  TopK<Cand> top(k);
  const int8_t* base = q8_.data();
  auto offer = [&](size_t r, int32_t d) {
    Cand c{ids_[r], float(d) * (q8_scale_[r] * qscale), uint32_t(r)};
    if (top.accepts(c)) top.push(c);
  };
  if (scalar) {
    for (size_t r = 0; r < n; r++) offer(r, dot_i8_scalar(base + r * stride_, q8.data(), dims_));
  } else {
    std::vector<int16_t> q16(stride_);
    widen_i8(q16.data(), q8.data(), stride_);
    for (size_t r = 0; r < n; r++) offer(r, dot_i8(base + r * stride_, q16.data(), stride_));
  }
  for (const Cand& c : top.sorted()) out.push_back({c.id, c.score});
  return kOk;
}

Status EmbeddingIndex::search_reference(const float* q, const SearchOptions& opt,
                                        std::vector<Hit>& out) const {
  out.clear();
  std::vector<float> qn;
  if (Status s = normalized_query(q, qn)) return s;
  for (size_t r = 0; r < ids_.size(); r++) {
    float s = dot_f32_scalar(vector_at(r), qn.data(), dims_);
    if (s >= opt.min_score) out.push_back({ids_[r], s});
  }
  std::sort(out.begin(), out.end(),
            [](const Hit& a, const Hit& b) { return cl::ranks_before(a, b); });
  if (out.size() > opt.limit) out.resize(opt.limit);
  return kOk;
}

}  // namespace cl
