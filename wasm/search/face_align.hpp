// A detected face to MobileFaceNet's input, and its blur, as Ente's web client computes them
// (web/packages/new/photos/services/ml/face.ts and image.ts):
// - the similarity transform (rotation, uniform scale, translation; least squares, Umeyama 1991)
//   that takes the five landmarks (pixels) to the ArcFace template divided by 112;
// - its matrix times 112 (each entry except one exactly 1.0, as Ente writes it), inverted, and
//   each of the 112 x 112 output pixels sampled from the photo by Ente's bicubic filter (source
//   position clamped to the photo; a neighbour above the top row reads grey 114, as Ente's does),
//   truncated to 0..255, stored as RGB / 127.5 - 1;
// - blur: the aligned face to grey (0.299, 0.587, 0.114, rounded), 56 of its 112 columns kept by
//   the face's direction, reflect-padded by 1, the 3 x 3 Laplacian, its variance.
// Doubles throughout, in Ente's order of operations, so results match its code bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "face_spec.hpp"
#include "status.hpp"

namespace cl {

// The ArcFace landmark template MobileFaceNet expects, in 112-pixel units.
extern const double kArcFaceTemplate[2 * kFaceLandmarks];

// Image pixels -> aligned pixels: x' = m[0] x + m[1] y + m[2], y' = m[3] x + m[4] y + m[5].
struct FaceAlignment {
  double m[6];
};

// landmarks: 5 (x, y) in image pixels. kBadInput when they do not determine a transform (all at
// one point) or a value is not finite.
Status face_alignment(const double landmarks[2 * kFaceLandmarks], FaceAlignment* out);

// The aligned face: 112 * 112 * 3 floats, row-major RGB, value / 127.5 - 1.
void face_warp(float* out, const uint8_t* rgba, uint32_t w, uint32_t h, const FaceAlignment& a);

enum class FaceDirection { kStraight = 0, kLeft = 1, kRight = 2 };
// Ente's faceDirection: where the nose sits against the eyes and mouth corners (any units).
FaceDirection face_direction(const double landmarks[2 * kFaceLandmarks]);

// Laplacian variance of an aligned face (112 * 112 * 3 floats, as face_warp writes them).
double face_blur(const float* aligned, FaceDirection direction);

}  // namespace cl
