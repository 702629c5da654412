#include "compact_codes.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace cl {
namespace compact {

size_t rotated_dims(size_t dims) {
  size_t r = 16;
  while (r < dims) r <<= 1;
  return r;
}

namespace {
// splitmix64: the rotation's signs from its seed (not secret: the codes never leave the core
// unencrypted, and the bound holds for any fixed data with high probability over the seed).
uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// In-place fast Walsh-Hadamard transform (unnormalised) of n = 2^k floats.
void fwht(float* a, size_t n) {
  for (size_t h = 1; h < n; h <<= 1) {
    for (size_t i = 0; i < n; i += h << 1) {
      float* x = a + i;
      float* y = a + i + h;
      for (size_t j = 0; j < h; j++) {
        const float u = x[j], v = y[j];
        x[j] = u + v;
        y[j] = u - v;
      }
    }
  }
}

inline int max_level(int bits) { return (1 << bits) - 1; }
inline float level(int k, int bits) { return float(k) - 0.5f * float(max_level(bits)); }
inline size_t dims_per_group(int bits) { return bits == 1 ? 4 : 2; }
}  // namespace

Status Rotation::init(size_t dims, uint64_t seed) {
  const size_t rd = rotated_dims(dims);
  CheckedArray<float> signs;
  if (Status s = signs.resize(3 * rd)) return s;
  uint64_t state = seed;
  for (size_t i = 0; i < 3 * rd; i += 64) {
    const uint64_t word = splitmix(state);
    for (size_t b = 0; b < 64 && i + b < 3 * rd; b++) signs[i + b] = (word >> b & 1) ? 1.0f : -1.0f;
  }
  signs_.swap(signs);
  dims_ = dims;
  rdims_ = rd;
  seed_ = seed;
  return kOk;
}

void Rotation::apply(const float* x, float* out) const {
  const size_t n = rdims_;
  std::memcpy(out, x, dims_ * sizeof(float));
  std::fill(out + dims_, out + n, 0.0f);
  const float norm = 1.0f / std::sqrt(float(n));
  for (int round = 0; round < 3; round++) {
    const float* s = signs_.data() + round * n;
    for (size_t i = 0; i < n; i++) out[i] *= s[i];
    fwht(out, n);
    for (size_t i = 0; i < n; i++) out[i] *= norm;
  }
}

void encode(const float* r, size_t rdims, int bits, uint8_t* nibbles, VectorFactors* factors,
            int8_t* q8, float* q8_scale) {
  // int8 copy, symmetric, per-vector scale.
  float max_abs = 0;
  for (size_t i = 0; i < rdims; i++) max_abs = std::fmax(max_abs, std::fabs(r[i]));
  const float inv = max_abs > 0 ? 127.0f / max_abs : 0.0f;
  for (size_t i = 0; i < rdims; i++) {
    float v = std::nearbyint(r[i] * inv);
    q8[i] = int8_t(v > 127 ? 127 : v < -127 ? -127 : v);
  }
  *q8_scale = max_abs / 127.0f;

  // b-bit code: levels k - (2^b - 1)/2; 2 bits with step 0.996 sigma, the uniform 4-level
  // quantiser of a Gaussian (the rotated components are close to N(0, 1/rdims)).
  const int top = max_level(bits);
  const float step = 0.996f / std::sqrt(float(rdims));
  double xx = 0, xr = 0;
  const size_t per = dims_per_group(bits), g_count = groups(rdims, bits);
  for (size_t g = 0; g < g_count; g++) {
    uint8_t nib = 0;
    for (size_t t = 0; t < per; t++) {
      const float v = r[g * per + t];
      int k;
      if (bits == 1) {
        k = v > 0 ? 1 : 0;
      } else {
        float f = std::floor(v / step) + 2.0f;
        k = f < 0 ? 0 : f > float(top) ? top : int(f);
      }
      const float lv = level(k, bits);
      xx += double(lv) * lv;
      xr += double(lv) * v;
      nib |= uint8_t(k << (t * bits));
    }
    nibbles[g] = nib;
  }
  // xr > 0 for any non-zero r: every level has the sign of its component.
  const double o = xr > 0 ? xr / std::sqrt(xx) : 1.0;
  factors->f = xr > 0 ? float(1.0 / xr) : 0.0f;
  factors->h = float(std::sqrt(std::max(0.0, 1.0 - o * o)) / o);
}

void set_nibble(uint8_t* block, size_t lane, size_t group, uint8_t nibble) {
  uint8_t& b = block[group * kGroupBytes + (lane & 15)];
  b = lane < 16 ? uint8_t((b & 0xf0) | (nibble & 0x0f)) : uint8_t((b & 0x0f) | (nibble << 4));
}

uint8_t get_nibble(const uint8_t* block, size_t lane, size_t group) {
  const uint8_t b = block[group * kGroupBytes + (lane & 15)];
  return lane < 16 ? (b & 0x0f) : (b >> 4);
}

Status QueryLut::build(const float* qr, size_t rdims, int bits) {
  const size_t g_count = groups(rdims, bits), per = dims_per_group(bits);
  const float lv_max = 0.5f * float(max_level(bits));
  CheckedArray<float> raw;
  if (Status s = raw.resize(g_count * 16)) return s;
  if (Status s = entries.resize(g_count * 16)) return s;
  double offset_sum = 0;
  float top = 0;
  for (size_t g = 0; g < g_count; g++) {
    float min = 0;
    for (size_t t = 0; t < per; t++) min -= std::fabs(qr[g * per + t]) * lv_max;
    for (int e = 0; e < 16; e++) {
      float v = 0;
      for (size_t t = 0; t < per; t++) {
        const int k = (e >> (t * bits)) & max_level(bits);
        v += qr[g * per + t] * level(k, bits);
      }
      raw[g * 16 + e] = v - min;
      top = std::fmax(top, v - min);
    }
    offset_sum += min;
  }
  step = top > 0 ? top / 255.0f : 1.0f;
  for (size_t i = 0; i < g_count * 16; i++) {
    float q = std::nearbyint(raw[i] / step);
    entries[i] = uint8_t(q > 255 ? 255 : q < 0 ? 0 : q);
  }
  offset = float(offset_sum);
  // Each entry is off by at most step/2, uniformly: the sum of g_count of them has standard
  // deviation step * sqrt(g_count / 12); 4 of those bound it in practice.
  error = 4.0f * step * std::sqrt(float(g_count) / 12.0f);
  return kOk;
}

void scan_block_scalar(const uint8_t* block, const uint8_t* lut, size_t n_groups, uint32_t* out) {
  for (size_t lane = 0; lane < kBlock; lane++) {
    uint32_t s = 0;
    for (size_t g = 0; g < n_groups; g++) s += lut[g * 16 + get_nibble(block, lane, g)];
    out[lane] = s;
  }
}

#ifdef __wasm_simd128__
void scan_block(const uint8_t* block, const uint8_t* lut, size_t n_groups, uint32_t* out) {
  // u32 totals of the 32 lanes, in lane order (8 x 4).
  v128_t total[8];
  for (auto& t : total) t = wasm_i32x4_splat(0);
  const v128_t low4 = wasm_i8x16_splat(0x0f);
  for (size_t g0 = 0; g0 < n_groups; g0 += kMaxChunkGroups) {
    const size_t g1 = std::min(n_groups, g0 + kMaxChunkGroups);
    // u16 sums, FAISS's trick: a0 adds the swizzle results as u16 (low byte + 256 * high byte),
    // a1 adds the high bytes alone; a0 - (a1 << 8) is then the low bytes' sum (mod 2^16, exact
    // as it stays below 65536). a0/a1: vectors 0..15 (even / odd lanes), a2/a3: 16..31.
    v128_t a0 = wasm_i16x8_splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (size_t g = g0; g < g1; g++) {
      const v128_t c = wasm_v128_load(block + g * kGroupBytes);
      const v128_t t = wasm_v128_load(lut + g * 16);
      const v128_t r0 = wasm_i8x16_swizzle(t, wasm_v128_and(c, low4));
      const v128_t r1 = wasm_i8x16_swizzle(t, wasm_u8x16_shr(c, 4));
      a0 = wasm_i16x8_add(a0, r0);
      a1 = wasm_i16x8_add(a1, wasm_u16x8_shr(r0, 8));
      a2 = wasm_i16x8_add(a2, r1);
      a3 = wasm_i16x8_add(a3, wasm_u16x8_shr(r1, 8));
    }
    a0 = wasm_i16x8_sub(a0, wasm_i16x8_shl(a1, 8));
    a2 = wasm_i16x8_sub(a2, wasm_i16x8_shl(a3, 8));
    // Interleave even and odd lanes back into vector order, widen to u32 and add.
    const v128_t v[4] = {
        wasm_i16x8_shuffle(a0, a1, 0, 8, 1, 9, 2, 10, 3, 11),
        wasm_i16x8_shuffle(a0, a1, 4, 12, 5, 13, 6, 14, 7, 15),
        wasm_i16x8_shuffle(a2, a3, 0, 8, 1, 9, 2, 10, 3, 11),
        wasm_i16x8_shuffle(a2, a3, 4, 12, 5, 13, 6, 14, 7, 15),
    };
    for (int k = 0; k < 4; k++) {
      total[2 * k] = wasm_i32x4_add(total[2 * k], wasm_u32x4_extend_low_u16x8(v[k]));
      total[2 * k + 1] = wasm_i32x4_add(total[2 * k + 1], wasm_u32x4_extend_high_u16x8(v[k]));
    }
  }
  for (int k = 0; k < 8; k++) wasm_v128_store(out + 4 * k, total[k]);
}
#else
// Native builds (tests): the same sums, a group at a time for all 32 lanes.
void scan_block(const uint8_t* block, const uint8_t* lut, size_t n_groups, uint32_t* out) {
  for (size_t lane = 0; lane < kBlock; lane++) out[lane] = 0;
  for (size_t g = 0; g < n_groups; g++) {
    const uint8_t* c = block + g * kGroupBytes;
    const uint8_t* t = lut + g * 16;
    for (size_t j = 0; j < 16; j++) {
      out[j] += t[c[j] & 15];
      out[j + 16] += t[c[j] >> 4];
    }
  }
}
#endif

namespace {
inline uint32_t keep_lanes(uint32_t mask, size_t lanes) {
  return lanes >= kBlock ? mask : mask & ((1u << lanes) - 1);
}
}  // namespace

uint32_t passing_lanes_scalar(const uint32_t* sums, const float* f, const float* h, float step,
                              float base, float eps, float tau, size_t lanes) {
  uint32_t mask = 0;
  for (size_t k = 0; k < kBlock; k++) {
    const float code = float(sums[k]) * step + base;
    const float ub = code * f[k] + eps * h[k];
    if (ub >= tau) mask |= 1u << k;
  }
  return keep_lanes(mask, lanes);
}

#ifdef __wasm_simd128__
uint32_t passing_lanes(const uint32_t* sums, const float* f, const float* h, float step, float base,
                       float eps, float tau, size_t lanes) {
  // The scalar reference's operations in the same order, 4 lanes at a time (no fused multiply-add
  // in wasm SIMD): the same floats, so the same mask.
  uint32_t mask = 0;
  const v128_t vs = wasm_f32x4_splat(step), vb = wasm_f32x4_splat(base), ve = wasm_f32x4_splat(eps),
               vt = wasm_f32x4_splat(tau);
  for (size_t k = 0; k < kBlock; k += 4) {
    const v128_t sum = wasm_f32x4_convert_u32x4(wasm_v128_load(sums + k));
    const v128_t code = wasm_f32x4_add(wasm_f32x4_mul(sum, vs), vb);
    const v128_t ub = wasm_f32x4_add(wasm_f32x4_mul(code, wasm_v128_load(f + k)),
                                     wasm_f32x4_mul(ve, wasm_v128_load(h + k)));
    mask |= uint32_t(wasm_i32x4_bitmask(wasm_f32x4_ge(ub, vt))) << k;
  }
  return keep_lanes(mask, lanes);
}
#else
uint32_t passing_lanes(const uint32_t* sums, const float* f, const float* h, float step, float base,
                       float eps, float tau, size_t lanes) {
  return passing_lanes_scalar(sums, f, h, step, base, eps, tau, lanes);
}
#endif

}  // namespace compact
}  // namespace cl
