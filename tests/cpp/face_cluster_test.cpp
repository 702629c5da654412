// Clustering: the fast path (int16 candidates, exact similarities where the error bound leaves
// the decision open) decides exactly as the reference path (Ente's loop, every similarity
// exact), across overlapping batches, with existing clusters, bad faces and rejections.
// tests/js/face-cluster.test.mjs compares with a JavaScript port of Ente's own code.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "face_cluster.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {

struct Faces {
  size_t n, dims;
  std::vector<float> emb;
  std::vector<uint8_t> bad;
  std::vector<int32_t> clusters;
  std::vector<uint32_t> offsets;
  std::vector<int32_t> rejected;
};

void normalise(float* v, size_t dims) {
  double s = 0;
  for (size_t k = 0; k < dims; k++) s += double(v[k]) * v[k];
  const double inv = 1 / std::sqrt(s);
  for (size_t k = 0; k < dims; k++) v[k] = float(v[k] * inv);
}

// `ids` people, each face its person's direction plus noise of the given size: similarities
// spread across both thresholds. Some faces are bad.
Faces make_faces(size_t n, size_t dims, size_t ids, double noise, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0, 1);
  std::vector<float> centres(ids * dims);
  for (auto& v : centres) v = float(g(rng));
  for (size_t i = 0; i < ids; i++) normalise(&centres[i * dims], dims);
  Faces f{n,
          dims,
          std::vector<float>(n * dims),
          std::vector<uint8_t>(n),
          std::vector<int32_t>(n, -1),
          std::vector<uint32_t>(n + 1, 0),
          {}};
  std::uniform_int_distribution<size_t> pick(0, ids - 1);
  for (size_t i = 0; i < n; i++) {
    const size_t id = pick(rng);
    for (size_t k = 0; k < dims; k++)
      f.emb[i * dims + k] =
          float(centres[id * dims + k] + noise / std::sqrt(double(dims)) * g(rng));
    normalise(&f.emb[i * dims], dims);
    f.bad[i] = rng() % 5 == 0;
  }
  return f;
}

struct Result {
  std::vector<int32_t> clusters;
  uint32_t count;
  uint64_t exact;
};

Result run(const Faces& f, uint32_t existing, bool fast, size_t batch, size_t step) {
  FaceClusterer c;
  REQUIRE(c.reset(f.n, f.dims) == kOk);
  std::copy(f.emb.begin(), f.emb.end(), c.embeddings());
  std::copy(f.bad.begin(), f.bad.end(), c.bad());
  std::copy(f.clusters.begin(), f.clusters.end(), c.clusters());
  if (!f.rejected.empty()) REQUIRE(c.set_rejections(f.offsets.data(), f.rejected.data()) == kOk);
  REQUIRE(c.prepare(existing, fast, batch, step) == kOk);
  for (size_t b = 0; b < c.batch_count(); b++) REQUIRE(c.run_batch(b) == kOk);
  return {std::vector<int32_t>(c.clusters(), c.clusters() + f.n), c.cluster_count(),
          c.exact_count()};
}

}  // namespace

TEST_CASE("Clustering: the fast path decides as Ente's loop, batch by overlapping batch",
          "[faces][cluster]") {
  for (double noise : {0.4, 0.5, 0.6}) {
    CAPTURE(noise);
    const Faces f = make_faces(2000, 192, 40, noise, seed_for(uint32_t(noise * 10)));
    const Result ref = run(f, 0, false, 1000, 750);
    const Result fast = run(f, 0, true, 1000, 750);
    CHECK(fast.clusters == ref.clusters);
    CHECK(fast.count == ref.count);
    // The candidates narrow the exact work to a small part of the ~1.2 million pairs.
    CHECK(fast.exact < 2000u * 1000 / 8);
  }
}

TEST_CASE("Clustering: existing clusters come first, rejected clusters are never joined",
          "[faces][cluster]") {
  Faces f = make_faces(2500, 64, 12, 0.7, seed_for(7));
  // The first 300 faces already sit in 10 clusters (by face number, not by similarity).
  for (size_t i = 0; i < 300; i++) f.clusters[i] = int32_t(i % 10);
  // Every 7th face rejects clusters 0..4.
  for (size_t i = 0; i < f.n; i++) {
    if (i % 7 == 0)
      for (int32_t c = 0; c < 5; c++) f.rejected.push_back(c);
    f.offsets[i + 1] = uint32_t(f.rejected.size());
  }
  const Result ref = run(f, 10, false, 1000, 750);
  const Result fast = run(f, 10, true, 1000, 750);
  CHECK(fast.clusters == ref.clusters);
  for (size_t i = 0; i < 300; i++) CHECK(ref.clusters[i] == int32_t(i % 10));
  size_t rejected_joins = 0, joined_existing = 0;
  for (size_t i = 300; i < f.n; i++) {
    joined_existing += ref.clusters[i] < 10;
    rejected_joins += i % 7 == 0 && ref.clusters[i] < 5;
  }
  CHECK(rejected_joins == 0);
  CHECK(joined_existing > 0);
}

TEST_CASE("Clustering: Ente's batch sizes, bad faces, and what it refuses", "[faces][cluster]") {
  // Two of Ente's batches (0..10,000 and 7,500..12,000) with the fast path only (and 16 values
  // a face, to stay quick under ASan): the reference loop over 10,000 faces is left to the
  // JavaScript test. Every face of one person and none of two far-apart people share a cluster.
  const size_t n = 12000, dims = 16;
  std::vector<float> a(dims, 0), b(dims, 0);
  a[0] = 1, b[1] = 1;
  FaceClusterer c;
  REQUIRE(c.reset(n, dims) == kOk);
  std::mt19937 rng(seed_for(11));
  std::normal_distribution<double> g(0, 0.05);
  for (size_t i = 0; i < n; i++) {
    float* v = c.embeddings() + i * dims;
    for (size_t k = 0; k < dims; k++) v[k] = float((i % 2 ? a : b)[k] + g(rng));
    normalise(v, dims);
  }
  REQUIRE(c.prepare(0) == kOk);
  CHECK(c.batch_count() == 2);
  for (size_t b2 = 0; b2 < c.batch_count(); b2++) REQUIRE(c.run_batch(b2) == kOk);
  CHECK(c.cluster_count() == 2);
  for (size_t i = 2; i < n; i++) CHECK(c.clusters()[i] == c.clusters()[i % 2]);
  CHECK(c.run_batch(2) == kBadInput);

  FaceClusterer d;
  CHECK(d.reset(10, 0) == kBadInput);
  CHECK(d.reset(10, 1025) == kBadInput);
  REQUIRE(d.reset(3, 4) == kOk);
  CHECK(d.run_batch(0) == kBadInput);  // not prepared
  d.clusters()[1] = 5;
  CHECK(d.prepare(5) == kBadInput);  // cluster 5 of 5 existing
  d.clusters()[1] = -1;
  d.embeddings()[2] = std::nanf("");
  CHECK(d.prepare(5) == kBadInput);
  d.embeddings()[2] = 0;
  CHECK(d.prepare(0, true, 10, 11) == kBadInput);  // step beyond the batch
  const uint32_t bad_offsets[4] = {0, 2, 1, 1};
  const int32_t ids[2] = {0, 1};
  CHECK(d.set_rejections(bad_offsets, ids) == kBadInput);
}
