// Codes of the compact index (compact_index.hpp), after RaBitQ (Gao & Long, SIGMOD 2024) and its
// extended form: each unit vector is rotated by a seeded randomised Hadamard transform, then kept
// as
//   - a 1- or 2-bit code per rotated dimension, with two factors, which give an estimate of the
//     dot product with any query and a probabilistic bound on its error; scanned for every
//     vector with a SIMD "fast scan" (16-entry lookup tables indexed by 4-bit nibbles, 32 vectors
//     per block, i8x16.swizzle);
//   - an int8 copy (per-vector scale), scored only for the vectors whose bound says they may
//     still be in the top k.
// The rotation spreads every vector's energy over all dimensions, which is what makes the 1/2-bit
// estimate work on any data (the bound holds with high probability over the random rotation).
#pragma once
#include <cstddef>
#include <cstdint>

#include "checked_array.hpp"
#include "status.hpp"

namespace cl {
namespace compact {

constexpr size_t kBlock = 32;            // vectors per fast-scan block
constexpr size_t kGroupBytes = 16;       // one group: a nibble for each of the 32 vectors
constexpr size_t kMaxChunkGroups = 256;  // u16 lane sums stay below 65536 (256 * 255)

// The rotated dimension: the next power of two >= max(dims, 16) (Hadamard needs a power of 2).
size_t rotated_dims(size_t dims);
// Groups (nibbles) per vector for `bits` (1: 4 dimensions per nibble, 2: 2 per nibble).
inline size_t groups(size_t rdims, int bits) { return bits == 1 ? rdims / 4 : rdims / 2; }
// Bytes of one block of codes.
inline size_t block_bytes(size_t rdims, int bits) { return groups(rdims, bits) * kGroupBytes; }

// x -> H D3 H D2 H D1 [x, 0...] / rdims^1.5: an orthogonal map of R^dims into R^rdims.
class Rotation {
 public:
  Status init(size_t dims, uint64_t seed);
  size_t dims() const { return dims_; }
  size_t rdims() const { return rdims_; }
  uint64_t seed() const { return seed_; }
  // out: rdims floats.
  void apply(const float* x, float* out) const;

 private:
  size_t dims_ = 0, rdims_ = 0;
  uint64_t seed_ = 0;
  CheckedArray<float> signs_;  // 3 x rdims, +1 or -1
};

// What a vector keeps besides its id: see compact_index.cpp for how each is used.
struct VectorFactors {
  float f;  // 1 / <xhat, r>: turns a code score into a dot-product estimate
  float h;  // sqrt(1 - o^2) / o, o = <xhat/|xhat|, r>: the estimate's error scale
};

// Encodes the rotated unit vector r (rdims floats): the nibbles of its code (groups(rdims, bits)
// of them, one per byte, low 4 bits), its factors, its int8 copy (rdims bytes) and scale.
void encode(const float* r, size_t rdims, int bits, uint8_t* nibbles, VectorFactors* factors,
            int8_t* q8, float* q8_scale);

// A block's code bytes: group g, byte j holds vector j's nibble (low 4 bits) and vector j+16's
// (high 4 bits).
void set_nibble(uint8_t* block, size_t lane, size_t group, uint8_t nibble);
uint8_t get_nibble(const uint8_t* block, size_t lane, size_t group);

// The query side of the fast scan: for each group, 16 u8 entries (entry e = the group's part of
// <xhat, q> when the vector's nibble is e, shifted to be >= 0 and quantised to a shared step).
// Code score S = step * sum(entries) + offset approximates <xhat, q>, within `error` (4 sigma of
// the rounding of the entries).
struct QueryLut {
  CheckedArray<uint8_t> entries;  // groups x 16
  float step = 0, offset = 0, error = 0;
  Status build(const float* qr, size_t rdims, int bits);
};

// Sums of entries for the 32 vectors of one block (out: 32 u32). SIMD in the wasm build.
void scan_block(const uint8_t* block, const uint8_t* lut, size_t n_groups, uint32_t* out);
// Plain reference: one nibble at a time (differential tests).
void scan_block_scalar(const uint8_t* block, const uint8_t* lut, size_t n_groups, uint32_t* out);

// The pruning test after a block's scan: bit k of the result is set when lane k (< lanes) may
// still reach tau, i.e. its upper bound f[k] * (step * sums[k] + base) + eps * h[k] >= tau
// (base: the tables' offset plus their rounding error). sums, f, h: kBlock entries each. SIMD in
// the wasm build.
uint32_t passing_lanes(const uint32_t* sums, const float* f, const float* h, float step, float base,
                       float eps, float tau, size_t lanes);
// Plain reference: one lane at a time (differential tests).
uint32_t passing_lanes_scalar(const uint32_t* sums, const float* f, const float* h, float step,
                              float base, float eps, float tau, size_t lanes);

}  // namespace compact
}  // namespace cl
