// Image preprocessing for MobileCLIP's float image model, and a bounded downscale for the RGBA
// model. Resampling reproduces Pillow's Image.resize(..., BILINEAR) bit for bit: a separable
// triangle filter whose support widens with the downscale factor (antialiased), 22-bit fixed
// point coefficients, horizontal pass first into an 8-bit intermediate, then vertical.
// Only the output pixels that survive the centre crop are computed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "status.hpp"

namespace cl {

constexpr uint32_t kClipImageSide = 256;
constexpr size_t kClipImageFloats = 3 * kClipImageSide * kClipImageSide;
constexpr uint32_t kClipMaxImageSide = 1u << 16;  // per dimension, and w*h*4 < 2^31

// Cover scale: s = max(256/w, 256/h); scaled = max(256, round(w*s)) (half away from zero, like
// Dart's round); crop offset = floor((scaled - 256) / 2).
struct ClipGeometry {
  uint32_t scaled_w, scaled_h, crop_x, crop_y;
};
ClipGeometry clip_geometry(uint32_t w, uint32_t h);

// RGBA (w*h*4 bytes, alpha ignored) -> float32 [3][256][256], planar RGB, value / 255.
// `simd` false forces the scalar reference path (the SIMD path only exists in wasm builds with
// SIMD128 and gives identical results).
Status clip_preprocess(float* out, const uint8_t* rgba, uint32_t w, uint32_t h, bool simd = true);

// Size after bounding the longest side to `max_side` (unchanged when already within it):
// scale = max_side / max(w, h), each side max(1, round(side * scale)).
Status clip_downscale_size(uint32_t w, uint32_t h, uint32_t max_side, uint32_t* out_w,
                           uint32_t* out_h);

// RGBA -> RGBA of out_w x out_h with the same filter, every channel (alpha too, not
// premultiplied) resampled independently.
Status clip_downscale(uint8_t* out, uint32_t out_w, uint32_t out_h, const uint8_t* rgba, uint32_t w,
                      uint32_t h, bool simd = true);

// The same computations fed incrementally: source rows arrive in order, in batches of any size,
// so a large photo never has to sit whole in wasm memory (which never shrinks); only its
// horizontally resampled rows are kept (3 MiB for a 12-megapixel photo), and zeroed on
// destruction.
class ClipResampler {
 public:
  ClipResampler();
  ~ClipResampler();
  ClipResampler(const ClipResampler&) = delete;
  ClipResampler& operator=(const ClipResampler&) = delete;

  Status begin_preprocess(uint32_t w, uint32_t h, bool simd = true);
  Status begin_downscale(uint32_t w, uint32_t h, uint32_t out_w, uint32_t out_h, bool simd = true);
  // The source rows the result depends on: [first_row(), first_row() + row_count()).
  uint32_t first_row() const;
  uint32_t row_count() const;
  // Rows [y, y + n) of the source, w * 4 bytes each; rows outside the needed range are skipped.
  Status feed(const uint8_t* rows, uint32_t y, uint32_t n);
  // After every needed row was fed (else kBadInput).
  Status finish_preprocess(float* out);
  Status finish_downscale(uint8_t* out);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Whether this build carries the SIMD path.
bool clip_simd_available();

}  // namespace cl
