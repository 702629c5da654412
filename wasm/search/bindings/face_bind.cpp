// Bindings of the face pipeline and clustering. A FaceImage holds one decoded photo in wasm
// memory between the detector's input (letterbox) and the alignment of each face found, so the
// pixels cross once, and zeroes them when cleared; detections come back as doubles in the
// caller's block; a FaceClusterer
// lends its buffers for the embeddings and flags, and runs one batch per call so the caller can
// report progress in between.
#include <emscripten/bind.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <sodium.h>

#include "face_align.hpp"
#include "face_cluster.hpp"
#include "face_detect.hpp"
#include "face_letterbox.hpp"

using namespace emscripten;

namespace {

constexpr size_t kDetectionDoubles = 1 + 4 + 2 * cl::kFaceLandmarks;  // score, box, landmarks

class FaceImage {
 public:
  ~FaceImage() { clear(); }
  // Room for an RGBA photo of w x h, written by the caller at imagePtr().
  int setImage(uint32_t w, uint32_t h) {
    clear();
    cl::FaceLetterbox g;
    if (cl::Status s = cl::face_letterbox_geometry(w, h, &g)) return s;
    const size_t bytes = size_t(w) * h * 4;
    if (bytes > 0x7fffffffu)
      return cl::fail(cl::kOutOfMemory, "the photo is larger than 2^31 bytes");
    pixels_ = static_cast<uint8_t*>(std::malloc(bytes));
    if (!pixels_) return cl::fail(cl::kOutOfMemory, "no wasm memory for the photo");
    w_ = w, h_ = h;
    return cl::kOk;
  }
  uintptr_t imagePtr() const { return reinterpret_cast<uintptr_t>(pixels_); }
  // The detector's input (3 * 640 * 640 floats) at `out`.
  int letterbox(uintptr_t out) {
    if (!pixels_) return cl::fail(cl::kBadInput, "no photo was set");
    return cl::face_letterbox(reinterpret_cast<float*>(out), pixels_, w_, h_, &geometry_);
  }
  uint32_t scaledWidth() const { return geometry_.scaled_w; }
  uint32_t scaledHeight() const { return geometry_.scaled_h; }
  // One aligned face (112 * 112 * 3 floats at `out`) from 5 landmarks in pixels (10 doubles).
  int align(uintptr_t landmarks, uintptr_t out) {
    if (!pixels_) return cl::fail(cl::kBadInput, "no photo was set");
    cl::FaceAlignment a;
    if (cl::Status s = cl::face_alignment(reinterpret_cast<const double*>(landmarks), &a)) return s;
    cl::face_warp(reinterpret_cast<float*>(out), pixels_, w_, h_, a);
    return cl::kOk;
  }
  // Zeroes and frees the photo.
  void clear() {
    if (pixels_) {
      sodium_memzero(pixels_, size_t(w_) * h_ * 4);
      std::free(pixels_);
    }
    pixels_ = nullptr;
    w_ = h_ = 0;
    geometry_ = {};
  }

 private:
  uint8_t* pixels_ = nullptr;
  uint32_t w_ = 0, h_ = 0;
  cl::FaceLetterbox geometry_{};
};

// Detections into `out` (kDetectionDoubles each, at most `capacity` of them): their count (which
// may exceed capacity: call again with room for all), or -status.
int face_detections(uintptr_t rows, uint32_t n_rows, uint32_t scaled_w, uint32_t scaled_h,
                    uintptr_t out, uint32_t capacity) {
  std::vector<cl::FaceDetection> found;
  if (cl::Status s = cl::face_detections(reinterpret_cast<const float*>(rows), n_rows, scaled_w,
                                         scaled_h, &found))
    return -int(s);
  double* o = reinterpret_cast<double*>(out);
  for (size_t i = 0; i < found.size() && i < capacity; i++, o += kDetectionDoubles) {
    const auto& d = found[i];
    o[0] = d.score;
    std::copy(d.box, d.box + 4, o + 1);
    std::copy(d.landmarks, d.landmarks + 2 * cl::kFaceLandmarks, o + 5);
  }
  return int(found.size());
}

// The alignment matrix (6 doubles at `out`) for 5 landmarks in pixels: a status.
int face_alignment(uintptr_t landmarks, uintptr_t out) {
  cl::FaceAlignment a;
  if (cl::Status s = cl::face_alignment(reinterpret_cast<const double*>(landmarks), &a)) return s;
  std::copy(a.m, a.m + 6, reinterpret_cast<double*>(out));
  return cl::kOk;
}

int face_direction(uintptr_t landmarks) {
  return int(cl::face_direction(reinterpret_cast<const double*>(landmarks)));
}

double face_blur(uintptr_t aligned, int direction) {
  return cl::face_blur(reinterpret_cast<const float*>(aligned),
                       direction == 1   ? cl::FaceDirection::kLeft
                       : direction == 2 ? cl::FaceDirection::kRight
                                        : cl::FaceDirection::kStraight);
}

// Ente's faceID, or "" (with the reason recorded) for a bad file id or a NaN coordinate.
std::string face_id(double file_id, uintptr_t box) {
  char out[64];
  const size_t n = cl::face_id(out, file_id, reinterpret_cast<const double*>(box));
  return std::string(out, n);
}

class Clusterer {
 public:
  int reset(uint32_t n, uint32_t dims) { return c_.reset(n, dims); }
  uintptr_t embeddingsPtr() { return reinterpret_cast<uintptr_t>(c_.embeddings()); }
  uintptr_t badPtr() { return reinterpret_cast<uintptr_t>(c_.bad()); }
  uintptr_t clustersPtr() { return reinterpret_cast<uintptr_t>(c_.clusters()); }
  int setRejections(uintptr_t offsets, uintptr_t ids) {
    return c_.set_rejections(reinterpret_cast<const uint32_t*>(offsets),
                             reinterpret_cast<const int32_t*>(ids));
  }
  int prepare(uint32_t existing, bool fast, uint32_t batch, uint32_t step) {
    return c_.prepare(existing, fast, batch, step);
  }
  uint32_t batchCount() const { return uint32_t(c_.batch_count()); }
  int runBatch(uint32_t b) { return c_.run_batch(b); }
  uint32_t clusterCount() const { return c_.cluster_count(); }
  double exactCount() const { return double(c_.exact_count()); }
  void clear() { c_.clear(); }

 private:
  cl::FaceClusterer c_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_faces) {
  class_<FaceImage>("FaceImage")
      .constructor<>()
      .function("setImage", &FaceImage::setImage)
      .function("imagePtr", &FaceImage::imagePtr)
      .function("letterbox", &FaceImage::letterbox)
      .function("scaledWidth", &FaceImage::scaledWidth)
      .function("scaledHeight", &FaceImage::scaledHeight)
      .function("align", &FaceImage::align)
      .function("clear", &FaceImage::clear);
  function("faceDetections", &face_detections);
  function("faceAlignment", &face_alignment);
  function("faceDirection", &face_direction);
  function("faceBlur", &face_blur);
  function("faceId", &face_id);
  class_<Clusterer>("FaceClusterer")
      .constructor<>()
      .function("reset", &Clusterer::reset)
      .function("embeddingsPtr", &Clusterer::embeddingsPtr)
      .function("badPtr", &Clusterer::badPtr)
      .function("clustersPtr", &Clusterer::clustersPtr)
      .function("setRejections", &Clusterer::setRejections)
      .function("prepare", &Clusterer::prepare)
      .function("batchCount", &Clusterer::batchCount)
      .function("runBatch", &Clusterer::runBatch)
      .function("clusterCount", &Clusterer::clusterCount)
      .function("exactCount", &Clusterer::exactCount)
      .function("clear", &Clusterer::clear);
}
