// Dot-product kernels of the embedding index. Rows are padded with zeros to a stride that is a
// multiple of kLanes, so the SIMD kernels never handle a tail; the scalar references take the
// unpadded length and exist for differential tests.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cl {

constexpr size_t kLanes = 16;  // floats or int8 per unrolled step
inline size_t padded_stride(size_t dims) { return (dims + kLanes - 1) / kLanes * kLanes; }

// n is a multiple of kLanes. wasm_simd128 in the wasm build, a portable 16-lane loop natively.
// The int8 kernels take the query widened to int16 (widen_i8), so each step is one
// sign-extension of the row and one i32x4.dot_i16x8_s per 8 products.
float dot_f32(const float* a, const float* b, size_t n);
int32_t dot_i8(const int8_t* a, const int16_t* q16, size_t n);
void widen_i8(int16_t* out, const int8_t* q, size_t n);

// Plain sequential loops over n elements (any n).
float dot_f32_scalar(const float* a, const float* b, size_t n);
int32_t dot_i8_scalar(const int8_t* a, const int8_t* b, size_t n);

// Inverse L2 norm of v (n floats), or 0 when v is zero, has a non-finite component or its norm
// overflows: the one check of "finite and non-zero" every index applies to embeddings and queries.
float inverse_norm(const float* v, size_t n);

// Symmetric per-vector int8 quantisation: q[i] = round(x[i] / scale), scale = max|x| / 127,
// so q is in [-127, 127] (symmetric around zero).
// Returns the scale (0 for an all-zero vector). q[n..stride) is left to the caller.
float quantize_i8(int8_t* q, const float* x, size_t n);

}  // namespace cl
