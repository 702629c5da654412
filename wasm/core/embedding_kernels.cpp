#include "embedding_kernels.hpp"

#include <cmath>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace cl {

#ifdef __wasm_simd128__
float dot_f32(const float* a, const float* b, size_t n) {
  // Four independent accumulators hide the add latency (wasm has no fused multiply-add).
  v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < n; i += kLanes) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
  return (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
         (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
}

int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  // 16 products as two i16x8 halves; |q| <= 127 so a pair sum (<= 32258) fits in i16 before
  // widening to i32.
  v128_t acc = wasm_i32x4_splat(0);
  for (size_t i = 0; i < n; i += kLanes) {
    v128_t va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);
    v128_t p = wasm_i16x8_add(wasm_i16x8_extmul_low_i8x16(va, vb), wasm_i16x8_extmul_high_i8x16(va, vb));
    acc = wasm_i32x4_add(acc, wasm_i32x4_extadd_pairwise_i16x8(p));
  }
  return wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
         wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
}
#else
float dot_f32(const float* a, const float* b, size_t n) {
  float s[kLanes] = {};
  for (size_t i = 0; i < n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) s[j] += a[i + j] * b[i + j];
  float t = 0;
  for (size_t j = 0; j < kLanes; j++) t += s[j];
  return t;
}

int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t s[kLanes] = {};
  for (size_t i = 0; i < n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) s[j] += int32_t(a[i + j]) * int32_t(b[i + j]);
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
