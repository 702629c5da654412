#include "face_detect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace cl {
namespace {

inline double clamp01(double v) { return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v; }

}  // namespace

double face_iou(const FaceDetection& a, const FaceDetection& b) {
  // Ente's _calculateIOU, operation for operation.
  const double area_a = (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]);
  const double area_b = (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]);
  const double iw = std::min(a.box[2], b.box[2]) - std::max(a.box[0], b.box[0]);
  const double ih = std::min(a.box[3], b.box[3]) - std::max(a.box[1], b.box[1]);
  if (iw < 0 || ih < 0) return 0.0;
  const double inter = iw * ih;
  return inter / (area_a + area_b - inter);
}

void face_nms(std::vector<FaceDetection>* detections, double iou_threshold) {
  auto& d = *detections;
  std::stable_sort(d.begin(), d.end(), [](const FaceDetection& a, const FaceDetection& b) {
    return a.score > b.score;
  });
  // Dart removes the later box from the list as it goes; marking it is the same walk.
  std::vector<char> removed(d.size(), 0);
  for (size_t i = 0; i < d.size(); i++) {
    if (removed[i]) continue;
    for (size_t j = i + 1; j < d.size(); j++) {
      if (!removed[j] && face_iou(d[i], d[j]) >= iou_threshold) removed[j] = 1;
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < d.size(); i++)
    if (!removed[i]) d[kept++] = d[i];
  d.resize(kept);
}

Status face_detections(const float* rows, size_t n_rows, uint32_t scaled_w, uint32_t scaled_h,
                       std::vector<FaceDetection>* out) {
  out->clear();
  if (scaled_w > kFaceInputSide || scaled_h > kFaceInputSide)
    return fail(kBadInput, "the scaled photo is larger than the detector's 640 x 640 input");
  // A side that rounded to 0 left nothing of the photo in the input (and would divide by 0).
  if (scaled_w == 0 || scaled_h == 0) return kOk;
  const double side = kFaceInputSide;
  const bool rescale = scaled_w != kFaceInputSide || scaled_h != kFaceInputSide;
  const double sx = side / scaled_w, sy = side / scaled_h;
  for (size_t i = 0; i < n_rows; i++) {
    const float* r = rows + i * kFaceRowFloats;
    // NaN scores pass Ente's `score < 0.5` test; here a row with any non-finite value is skipped.
    if (!(r[4] >= kFaceMinScore)) continue;
    bool finite = true;
    for (size_t k = 0; k < 15; k++) finite = finite && std::isfinite(r[k]);
    if (!finite) continue;
    FaceDetection d;
    d.score = r[4];
    const double cx = r[0], cy = r[1], w = r[2], h = r[3];
    d.box[0] = clamp01((cx - w / 2) / side);
    d.box[1] = clamp01((cy - h / 2) / side);
    d.box[2] = clamp01((cx + w / 2) / side);
    d.box[3] = clamp01((cy + h / 2) / side);
    for (size_t k = 0; k < kFaceLandmarks; k++) {
      d.landmarks[2 * k] = clamp01(double(r[5 + 2 * k]) / side);
      d.landmarks[2 * k + 1] = clamp01(double(r[6 + 2 * k]) / side);
    }
    if (rescale) {
      // correctForMaintainedAspectRatio: the photo sits in the top-left corner, so only scale.
      for (int k = 0; k < 4; k++) d.box[k] = clamp01(d.box[k] * (k % 2 ? sy : sx));
      for (size_t k = 0; k < 2 * kFaceLandmarks; k++)
        d.landmarks[k] = clamp01(d.landmarks[k] * (k % 2 ? sy : sx));
    }
    out->push_back(d);
  }
  face_nms(out, kFaceIouThreshold);
  return kOk;
}

namespace {

// JavaScript's v.toFixed(5) for 0 <= v < 1, as the 5 digits after "0." (or "00000" when it rounds
// to 1): n = round(v * 10^5) on the exact binary value, a tie taking the larger n.
void fixed5(char* out, double v) {
  uint64_t n = 0;
  if (v > 0) {
    int e;
    const double m = std::frexp(v, &e);  // v = m * 2^e, 0.5 <= m < 1
    const uint64_t mant = uint64_t(std::ldexp(m, 53));
    const int k = 53 - e;  // v = mant / 2^k, k >= 53 for v < 1
    if (k < 120) {
      const unsigned __int128 num = (unsigned __int128)mant * 100000u;
      n = uint64_t(num >> k);
      const unsigned __int128 rem = num & ((((unsigned __int128)1) << k) - 1);
      if (rem >= (((unsigned __int128)1) << (k - 1))) n++;
    }
  }
  if (n >= 100000) n = 0;  // "1.00000".substring(2)
  std::snprintf(out, 6, "%05u", unsigned(n));
}

}  // namespace

size_t face_id(char* out, double file_id, const double box[4]) {
  if (!(file_id >= 0 && file_id <= 9007199254740991.0) || std::floor(file_id) != file_id) {
    fail(kBadInput, "file id must be an integer in 0 .. 2^53 - 1");
    return 0;
  }
  for (int k = 0; k < 4; k++) {
    if (std::isnan(box[k])) {
      fail(kBadInput, "a face box coordinate is NaN");
      return 0;
    }
  }
  int len = std::snprintf(out, 24, "%llu", static_cast<unsigned long long>(file_id));
  for (int k = 0; k < 4; k++) {
    const double v = std::min(0.999999, std::max(0.0, box[k]));
    out[len++] = '_';
    fixed5(out + len, v);
    len += 5;
  }
  out[len] = '\0';
  return size_t(len);
}

}  // namespace cl
