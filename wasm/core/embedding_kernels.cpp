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
// 16 int8 of a row against 16 widened query values, accumulated as i32x4.
inline v128_t step_i8(v128_t acc, const int8_t* row, v128_t qlo, v128_t qhi) {
  v128_t v = wasm_v128_load(row);
  acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(v), qlo));
  return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(v), qhi));
}
}  // namespace

float dot_f32(const float* a, const float* b, size_t n) {
  // The same lanes and order as one row of dot4_f32, so a vector scores bit-identically
  // wherever it sits (equal vectors must tie exactly).
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0;
  for (size_t i = 0; i < n; i += 8) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  return hsum_f32(wasm_f32x4_add(s0, s1));
}

void dot4_f32(const float* rows, const float* q, size_t n, float out[4]) {
  // Two accumulators per row: eight live sums plus two query vectors fit the registers.
  v128_t z = wasm_f32x4_splat(0);
  v128_t a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
  const float *r0 = rows, *r1 = rows + n, *r2 = rows + 2 * n, *r3 = rows + 3 * n;
  for (size_t i = 0; i < n; i += 8) {
    v128_t q0 = wasm_v128_load(q + i), q1 = wasm_v128_load(q + i + 4);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(r0 + i), q0));
    b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(wasm_v128_load(r0 + i + 4), q1));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(r1 + i), q0));
    b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(wasm_v128_load(r1 + i + 4), q1));
    a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(r2 + i), q0));
    b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(wasm_v128_load(r2 + i + 4), q1));
    a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(r3 + i), q0));
    b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(wasm_v128_load(r3 + i + 4), q1));
  }
  out[0] = hsum_f32(wasm_f32x4_add(a0, b0));
  out[1] = hsum_f32(wasm_f32x4_add(a1, b1));
  out[2] = hsum_f32(wasm_f32x4_add(a2, b2));
  out[3] = hsum_f32(wasm_f32x4_add(a3, b3));
}

int32_t dot_i8(const int8_t* a, const int16_t* q16, size_t n) {
  v128_t acc = wasm_i32x4_splat(0);
  for (size_t i = 0; i < n; i += kLanes)
    acc = step_i8(acc, a + i, wasm_v128_load(q16 + i), wasm_v128_load(q16 + i + 8));
  return hsum_i32(acc);
}

void dot4_i8(const int8_t* rows, const int16_t* q16, size_t n, int32_t out[4]) {
  v128_t a0 = wasm_i32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
  const int8_t *r0 = rows, *r1 = rows + n, *r2 = rows + 2 * n, *r3 = rows + 3 * n;
  for (size_t i = 0; i < n; i += kLanes) {
    v128_t qlo = wasm_v128_load(q16 + i), qhi = wasm_v128_load(q16 + i + 8);
    a0 = step_i8(a0, r0 + i, qlo, qhi);
    a1 = step_i8(a1, r1 + i, qlo, qhi);
    a2 = step_i8(a2, r2 + i, qlo, qhi);
    a3 = step_i8(a3, r3 + i, qlo, qhi);
  }
  out[0] = hsum_i32(a0);
  out[1] = hsum_i32(a1);
  out[2] = hsum_i32(a2);
  out[3] = hsum_i32(a3);
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

void dot4_f32(const float* rows, const float* q, size_t n, float out[4]) {
  for (int r = 0; r < 4; r++) out[r] = dot_f32(rows + r * n, q, n);
}

int32_t dot_i8(const int8_t* a, const int16_t* q16, size_t n) {
  int32_t s[kLanes] = {};
  for (size_t i = 0; i < n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) s[j] += int32_t(a[i + j]) * q16[i + j];
  int32_t t = 0;
  for (size_t j = 0; j < kLanes; j++) t += s[j];
  return t;
}

void dot4_i8(const int8_t* rows, const int16_t* q16, size_t n, int32_t out[4]) {
  for (int r = 0; r < 4; r++) out[r] = dot_i8(rows + r * n, q16, n);
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
