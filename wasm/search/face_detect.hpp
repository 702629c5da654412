// YOLOv5-face's output to face detections, as Ente's mobile client post-processes it
// (face_detection_service.dart, detection.dart, face_detection_postprocessing.dart): rows whose
// score is at least 0.5; boxes and landmarks divided by 640 and clamped to [0, 1]; the letterbox
// undone (x 640 / scaled side, clamped again); then naive non-maximum suppression: by score,
// highest first, dropping every later box whose IoU with a kept one is at least 0.4.
// Plus Ente's face ID, "<fileID>_<xMin>_<yMin>_<xMax>_<yMax>".
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "face_spec.hpp"
#include "status.hpp"

namespace cl {

// Relative to the photo's width and height, in [0, 1].
struct FaceDetection {
  double score;
  double box[4];                         // xMin, yMin, xMax, yMax
  double landmarks[2 * kFaceLandmarks];  // x, y of each
};

// `rows`: n_rows * 16 floats. scaled_w, scaled_h: the photo's size inside the letterbox.
// Detections come out in the order NMS keeps them (score descending; equal scores keep their
// row order, where Dart's unstable sort leaves it unspecified).
Status face_detections(const float* rows, size_t n_rows, uint32_t scaled_w, uint32_t scaled_h,
                       std::vector<FaceDetection>* out);

// The same suppression on any list: sorts it by score and removes overlaps in place.
void face_nms(std::vector<FaceDetection>* detections, double iou_threshold);
double face_iou(const FaceDetection& a, const FaceDetection& b);

// Ente's faceID into `out` (NUL-terminated; 64 bytes are always enough): the file id, then each
// box coordinate clamped to [0, 0.999999], written with 5 decimals (JavaScript's toFixed: the
// exact value rounded, halves up) without the leading "0.". Returns the length, or 0 (and
// kBadInput recorded) for a file id that is not an integer in 0 .. 2^53 - 1 or a NaN coordinate.
size_t face_id(char* out, double file_id, const double box[4]);

}  // namespace cl
