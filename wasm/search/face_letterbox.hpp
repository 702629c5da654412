// The face detector's input, as Ente's mobile client (and its Python ground truth) makes it:
// scale = min(640 / w, 640 / h); the photo resized to round(w * scale) x round(h * scale) with
// plain bilinear sampling (no antialiasing) and pasted into the top-left corner of a 640 x 640
// canvas filled with grey 114; planar RGB / 255 (image_ml_util.dart, preprocessImageYoloFace).
// Every value is computed in double in the same order as Ente's Dart code, so the result equals
// it bit for bit. (An f64x2 SIMD version of the same arithmetic measured 10-30% slower in V8: the
// gathers and lane extracts cost more than the arithmetic saved; the divisions by 255 are a table.)
#pragma once
#include <cstdint>

#include "face_spec.hpp"
#include "status.hpp"

namespace cl {

struct FaceLetterbox {
  double scale;  // min(640 / w, 640 / h)
  uint32_t scaled_w, scaled_h;
};

// Fails (kBadInput) for a side of 0 or above kFaceMaxImageSide.
Status face_letterbox_geometry(uint32_t w, uint32_t h, FaceLetterbox* out);

// RGBA (w * h * 4 bytes, alpha ignored) -> float32 [3][640][640].
Status face_letterbox(float* out, const uint8_t* rgba, uint32_t w, uint32_t h,
                      FaceLetterbox* geometry);

}  // namespace cl
