#include "embedding_kernels.hpp"

#include <cmath>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace cl {

#ifdef __wasm_simd128__
namespace {
inline int32_t hsum_i32(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}
inline float hsum_f32(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}
}  // namespace

// One row at a time, streamed front to back: on the machines measured, scanning one row
// sequentially beat interleaving 2 or 4 rows (each a separate memory stream) by 1.7-2.5x from
// RAM, though the interleaved kernels share query loads (scripts/bench/clip-index.bench.mjs).
float dot_f32(const float* a, const float* b, size_t n) {
  // Four independent sums, so the adds do not wait on one another.
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < n; i += kLanes) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  return hsum_f32(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)));
}

int32_t dot_i8(const int8_t* a, const int16_t* q16, size_t n) {
  // Low and high halves of each 16 bytes feed separate sums (two independent chains).
  v128_t lo = wasm_i32x4_splat(0), hi = lo;
  for (size_t i = 0; i < n; i += kLanes) {
    v128_t v = wasm_v128_load(a + i);
    lo = wasm_i32x4_add(
        lo, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(v), wasm_v128_load(q16 + i)));
    hi = wasm_i32x4_add(
        hi, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(v), wasm_v128_load(q16 + i + 8)));
  }
  return hsum_i32(wasm_i32x4_add(lo, hi));
}
#else
// Native builds (tests): the same blocking, plain loops.
float dot_f32(const float* a, const float* b, size_t n) {
  float s[kLanes] = {};
  for (size_t i = 0; i < n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) s[j] += a[i + j] * b[i + j];
  float t = 0;
  for (size_t j = 0; j < kLanes; j++) t += s[j];
  return t;
}

int32_t dot_i8(const int8_t* a, const int16_t* q16, size_t n) {
  int32_t s[kLanes] = {};
  for (size_t i = 0; i < n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) s[j] += int32_t(a[i + j]) * q16[i + j];
  int32_t t = 0;
  for (size_t j = 0; j < kLanes; j++) t += s[j];
  return t;
}

#endif

float dot_f32_scalar(const float* a, const float* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

int32_t dot_i8_scalar(const int8_t* a, const int8_t* b, size_t n) {
  int32_t s = 0;
  for (size_t i = 0; i < n; i++) s += int32_t(a[i]) * int32_t(b[i]);
  return s;
}

void widen_i8(int16_t* out, const int8_t* q, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = q[i];
}

float inverse_norm(const float* v, size_t n) {
  double ss = 0;
  for (size_t i = 0; i < n; i++) {
    if (!std::isfinite(v[i])) return 0;
    ss += double(v[i]) * v[i];
  }
  const double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0;
  return std::isfinite(inv) && float(inv) < INFINITY ? float(inv) : 0;
}

float quantize_i8(int8_t* q, const float* x, size_t n) {
  float max_abs = 0;
  for (size_t i = 0; i < n; i++) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  if (max_abs == 0) {
    for (size_t i = 0; i < n; i++) q[i] = 0;
    return 0;
  }
  const float scale = max_abs / 127.0f, inv = 127.0f / max_abs;
  for (size_t i = 0; i < n; i++) {
    float v = std::nearbyint(x[i] * inv);
    q[i] = int8_t(v > 127 ? 127 : v < -127 ? -127 : v);
  }
  return scale;
}

}  // namespace cl
