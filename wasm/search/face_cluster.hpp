// Ente's linear incremental face clustering (web/packages/new/photos/services/ml/cluster.ts,
// clusterBatchLinear), on faces already filtered and sorted newest first:
// - batches of 10,000 faces, starting every 7,500 (consecutive batches share 2,500);
// - in each batch the faces that already have a cluster go first, in their order, then the rest;
// - each face without a cluster joins the cluster of the earlier face in the batch it is most
//   similar to (dot product; a tie goes to the later of the two), if that similarity is at least
//   0.76, or 0.84 when that earlier face is a "bad" face, and the face was never rejected from
//   that cluster; otherwise it starts a new cluster.
// The similarities are Ente's (double sums of float products, in order). The fast path finds the
// candidates with int16 dot products (SIMD128 in wasm) whose error is bounded, and computes the
// exact similarity only where the bound leaves the decision open, so both paths decide alike.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "face_spec.hpp"
#include "status.hpp"

namespace cl {

class FaceClusterer {
 public:
  // n faces of `dims` values (1..1024), in clustering order. Buffers below are then n long.
  Status reset(size_t n, size_t dims);
  size_t size() const { return n_; }
  float* embeddings() { return emb_.data(); }  // n * dims, unit vectors as Ente stores them
  uint8_t* bad() { return bad_.data(); }       // 1: the stricter threshold applies to this face
  // On input: an existing cluster's number (0 .. existing - 1) or -1; on output every face's.
  int32_t* clusters() { return cluster_.data(); }
  // Face i never joins the clusters ids[offsets[i] .. offsets[i + 1]) (offsets: n + 1 values).
  Status set_rejections(const uint32_t* offsets, const int32_t* ids);
  // After the buffers are filled: checks them; `existing` clusters are numbered 0 .. existing-1,
  // new ones follow. `fast` false: the reference path (every similarity computed exactly).
  // `batch` and `step` are Ente's 10,000 and 7,500 unless a test asks for others.
  Status prepare(uint32_t existing, bool fast = true, size_t batch = kClusterBatch,
                 size_t step = kClusterStep);
  // Batches to run, in order: run_batch(0), run_batch(1), ...
  size_t batch_count() const;
  Status run_batch(size_t b);
  uint32_t cluster_count() const { return next_cluster_; }
  // Exact similarities computed by the fast path so far (tests and benchmarks).
  uint64_t exact_count() const { return exact_; }
  // Frees (and zeroes) every buffer.
  void clear();

 private:
  double exact_dot(size_t a, size_t b) const;
  bool rejected(size_t face, int32_t cluster) const;
  void assign(const std::vector<uint32_t>& order, size_t p, size_t best);
  void batch_reference(const std::vector<uint32_t>& order, size_t first_unclustered);
  void batch_fast(const std::vector<uint32_t>& order, size_t first_unclustered);

  size_t n_ = 0, dims_ = 0, stride_ = 0;
  std::vector<float> emb_;
  std::vector<uint8_t> bad_;
  std::vector<int32_t> cluster_;
  std::vector<uint32_t> rej_offsets_;
  std::vector<int32_t> rej_ids_;
  bool fast_ = true, prepared_ = false;
  size_t batch_ = kClusterBatch, step_ = kClusterStep;
  uint32_t next_cluster_ = 0;
  uint64_t exact_ = 0;
  // Fast path: each face's int16 quantisation (stride_ values), the scale and error bound.
  std::vector<int16_t> quant_;
  double scale_ = 0, bound_ = 0;
};

}  // namespace cl
