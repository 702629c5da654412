// In-memory embedding index: file id -> L2-normalised vector, top-k by cosine (dot product of
// normalised vectors), with a float32 SIMD scan and an int8 scan whose candidates are re-ranked
// with exact float scores. Results are ordered best first; equal scores by ascending file id.
#pragma once
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "status.hpp"

namespace cl {

// File ids are the integers JS numbers hold exactly: 0 .. 2^53 - 1.
constexpr uint64_t kMaxFileId = (uint64_t(1) << 53) - 1;
constexpr size_t kMaxDims = 65536;

struct Hit {
  uint64_t id;
  float score;
};

// True when a ranks before b: higher score, then lower id.
inline bool ranks_before(const Hit& a, const Hit& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

struct SearchOptions {
  size_t limit = 10;
  float min_score = -2.0f;  // below every cosine: no threshold
  bool quantized = false;
  size_t candidates =
      0;  // int8 path: how many approximate hits to re-rank; 0 = max(10 * limit, 100)
};

class EmbeddingIndex {
 public:
  EmbeddingIndex() = default;
  ~EmbeddingIndex();
  EmbeddingIndex(const EmbeddingIndex&) = delete;
  EmbeddingIndex& operator=(const EmbeddingIndex&) = delete;
  EmbeddingIndex(EmbeddingIndex&&) = default;
  // Exchanges contents (how a loaded index replaces a live one without copying).
  void swap(EmbeddingIndex& other) noexcept;

  // Empties the index and sets its dimension (1 .. kMaxDims).
  Status reset(size_t dims);
  size_t dims() const { return dims_; }
  size_t size() const { return ids_.size(); }
  // Capacity for n rows. kOutOfMemory (nothing changed) when the heap cannot hold them: every
  // growth is probed first, so a full heap is a status, never an abort.
  Status reserve(size_t n);

  // Stores v / |v| under id, replacing any earlier vector. kBadInput for an id out of range, a
  // non-finite component or a zero vector (nothing changes then).
  Status upsert(uint64_t id, const float* v);
  // kBadInput unless v (dims floats) could be upserted: finite and non-zero.
  Status check_vector(const float* v) const;
  // For loading saved data: stores v as it is, which must already have unit norm (1e-3), so a
  // save/load round trip is bit-exact. kBadInput for a duplicate id as well.
  Status insert_normalized(uint64_t id, const float* v);
  bool remove(uint64_t id);
  bool contains(uint64_t id) const { return slot_.count(id) != 0; }
  // The stored (normalised) vector, or nullptr.
  const float* get(uint64_t id) const;
  uint64_t id_at(size_t slot) const { return ids_[slot]; }
  const float* vector_at(size_t slot) const { return vecs_.data() + slot * stride_; }

  // Top hits for query q (dims floats, normalised here) with score >= min_score.
  Status search(const float* q, const SearchOptions& opt, std::vector<Hit>& out) const;
  // Reference: scalar dot products of every vector, full sort (for differential tests).
  Status search_reference(const float* q, const SearchOptions& opt, std::vector<Hit>& out) const;
  // The int8 stage alone: the `n` best approximate hits (approximate scores), SIMD or scalar.
  Status approximate_candidates(const float* q, size_t n, bool scalar, std::vector<Hit>& out) const;

 private:
  Status normalized_query(const float* q, std::vector<float>& out) const;
  void quantize_query(const float* qn, std::vector<int8_t>& out, float* scale) const;
  void write_slot(size_t slot, uint64_t id, const float* v, float inv_norm);
  size_t append_slot(uint64_t id);

  size_t dims_ = 0, stride_ = 0;                 // stride_: dims_ padded to a multiple of kLanes
  std::vector<uint64_t> ids_;                    // slot -> id
  std::vector<float> vecs_;                      // size() x stride_, zero padded
  std::vector<int8_t> q8_;                       // size() x stride_, int8 copies
  std::vector<float> q8_scale_;                  // slot -> dequantisation scale
  std::unordered_map<uint64_t, uint32_t> slot_;  // id -> slot
};

}  // namespace cl
