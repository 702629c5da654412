// The numbers Ente's face pipeline fixes (YOLOv5-face detection, MobileFaceNet embeddings,
// linear clustering), defined once for the C++ side. TypeScript has its copies in
// js/src/search/face-spec.ts, compared with the module's (wasm/search/bindings/face_bind.cpp)
// by the face tests.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cl {

// Detector input: float32 [1, 3, 640, 640], RGB / 255, the photo letterboxed into its top-left.
constexpr uint32_t kFaceInputSide = 640;
constexpr size_t kFaceInputFloats = 3 * size_t(kFaceInputSide) * kFaceInputSide;
constexpr uint8_t kFaceFill = 114;  // grey outside the photo (and outside it when aligning)
// Detector output: [1, 25200, 16] rows of cx, cy, w, h, score, 5 landmarks (x, y), class score.
constexpr size_t kFaceRows = 25200;
constexpr size_t kFaceRowFloats = 16;
constexpr size_t kFaceLandmarks = 5;  // left eye, right eye, nose, left and right mouth corner
constexpr double kFaceMinScore = 0.5;
constexpr double kFaceIouThreshold = 0.4;
// Embedder input: float32 [N, 112, 112, 3], RGB / 127.5 - 1; output [N, 192].
constexpr uint32_t kAlignedSide = 112;
constexpr size_t kAlignedFloats = size_t(kAlignedSide) * kAlignedSide * 3;
constexpr size_t kFaceEmbeddingDims = 192;
// Clustering (Ente's web client, cluster.ts).
constexpr double kClusterThreshold = 0.76;
constexpr double kClusterThresholdBadFace = 0.84;
constexpr size_t kClusterBatch = 10000;
constexpr size_t kClusterStep = 7500;
// Largest photo side the face pipeline takes (as CLIP's preprocessing).
constexpr uint32_t kFaceMaxImageSide = 1u << 16;

}  // namespace cl
