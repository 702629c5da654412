// The face pipeline's steps in C++: the letterbox against a literal transcription of Ente's
// Dart expression, detection post-processing and
// NMS on hand-made detector rows, faceID strings (ties included), alignment and blur.
// tests/js/face-pipeline.test.mjs checks the same steps against independent JavaScript
// references and Ente's own alignment library.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "face_align.hpp"
#include "face_detect.hpp"
#include "face_letterbox.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {

// Ente's preprocessImageYoloFace, written out plainly (std::round is Dart's round for x >= 0).
std::vector<float> letterbox_dart(const std::vector<uint8_t>& rgba, uint32_t w, uint32_t h) {
  std::vector<float> out(kFaceInputFloats);
  const double scale = std::min(640.0 / w, 640.0 / h);
  const uint32_t sw = uint32_t(std::min(640.0, std::round(w * scale)));
  const uint32_t sh = uint32_t(std::min(640.0, std::round(h * scale)));
  const size_t plane = 640 * 640;
  for (uint32_t y = 0; y < 640; y++) {
    for (uint32_t x = 0; x < 640; x++) {
      int px[3] = {114, 114, 114};
      if (x < sw && y < sh) {
        double fx = std::min(std::max(x / scale, 0.0), double(w - 1));
        double fy = std::min(std::max(y / scale, 0.0), double(h - 1));
        const int x0 = int(std::floor(fx)), x1 = int(std::ceil(fx));
        const int y0 = int(std::floor(fy)), y1 = int(std::ceil(fy));
        const double dx = fx - x0, dy = fy - y0, dx1 = 1.0 - dx, dy1 = 1.0 - dy;
        for (int c = 0; c < 3; c++) {
          auto p = [&](int xx, int yy) { return rgba[(size_t(yy) * w + xx) * 4 + c]; };
          px[c] = int(std::round(p(x0, y0) * dx1 * dy1 + p(x1, y0) * dx * dy1 +
                                 p(x0, y1) * dx1 * dy + p(x1, y1) * dx * dy));
        }
      }
      for (int c = 0; c < 3; c++) out[c * plane + y * 640 + x] = float(px[c] / 255.0);
    }
  }
  return out;
}

std::vector<float> letterbox(const std::vector<uint8_t>& rgba, uint32_t w, uint32_t h,
                             FaceLetterbox* g = nullptr) {
  std::vector<float> out(kFaceInputFloats, -1.0f);
  REQUIRE(face_letterbox(out.data(), rgba.data(), w, h, g) == kOk);
  return out;
}

// A detector row: box centre and size and landmarks in 640-input pixels.
std::vector<float> row(float cx, float cy, float w, float h, float score) {
  std::vector<float> r(16, 0.0f);
  r[0] = cx, r[1] = cy, r[2] = w, r[3] = h, r[4] = score;
  const float lm[10] = {-0.2f, -0.1f, 0.2f, -0.1f, 0.0f, 0.05f, -0.15f, 0.2f, 0.15f, 0.2f};
  for (int k = 0; k < 10; k++) r[5 + k] = (k % 2 ? cy + lm[k] * h : cx + lm[k] * w);
  r[15] = score;
  return r;
}

std::string id(double file_id, double x0, double y0, double x1, double y1) {
  char out[64];
  const double box[4] = {x0, y0, x1, y1};
  return std::string(out, face_id(out, file_id, box));
}

}  // namespace

TEST_CASE("Letterbox geometry: the longer side to 640, rounded as Dart rounds", "[faces]") {
  FaceLetterbox g;
  REQUIRE(face_letterbox_geometry(4000, 3000, &g) == kOk);
  CHECK((g.scaled_w == 640 && g.scaled_h == 480));
  REQUIRE(face_letterbox_geometry(3000, 4000, &g) == kOk);
  CHECK((g.scaled_w == 480 && g.scaled_h == 640));
  REQUIRE(face_letterbox_geometry(100, 30, &g) == kOk);  // upscaled: 640 x 192
  CHECK((g.scaled_w == 640 && g.scaled_h == 192));
  REQUIRE(face_letterbox_geometry(1279, 1, &g) == kOk);  // 0.5004 -> 1
  CHECK((g.scaled_w == 640 && g.scaled_h == 1));
  REQUIRE(face_letterbox_geometry(1281, 1, &g) == kOk);  // 0.4996 -> 0: nothing of it shows
  CHECK((g.scaled_w == 640 && g.scaled_h == 0));
  CHECK(face_letterbox_geometry(0, 5, &g) == kBadInput);
  CHECK(face_letterbox_geometry(70000, 5, &g) == kBadInput);
}

TEST_CASE("Letterbox equals Ente's Dart expression", "[faces]") {
  for (auto wh : {std::pair<uint32_t, uint32_t>{1, 1},
                  {2, 3},
                  {7, 1},
                  {640, 640},
                  {641, 640},
                  {333, 517},
                  {1000, 999},
                  {1999, 45},
                  {3000, 2000}}) {
    const uint32_t w = wh.first, h = wh.second;
    const auto rgba = random_vec(size_t(w) * h * 4);
    FaceLetterbox g;
    const auto scalar = letterbox(rgba, w, h, &g);
    const auto dart = letterbox_dart(rgba, w, h);
    CAPTURE(w, h);
    CHECK(std::memcmp(scalar.data(), dart.data(), scalar.size() * 4) == 0);
    // Grey 114 right of and below the photo.
    const float fill = float(114 / 255.0);
    if (g.scaled_w < 640) CHECK(scalar[639] == fill);
    if (g.scaled_h < 640) CHECK(scalar[2 * 640 * 640 + 639 * 640] == fill);
  }
}

TEST_CASE("Detections: the score threshold, the letterbox undone, clamped to [0, 1]", "[faces]") {
  std::vector<float> rows;
  auto add = [&](std::vector<float> r) { rows.insert(rows.end(), r.begin(), r.end()); };
  add(row(100, 100, 40, 50, 0.9f));
  add(row(300, 200, 60, 60, 0.49f));  // below 0.5: dropped
  add(row(10, 470, 40, 40, 0.5f));    // exactly 0.5 is kept; its box is clamped at 0 and 1
  std::vector<float> nan_row = row(500, 100, 30, 30, 0.99f);
  nan_row[0] = std::nanf("");
  add(nan_row);  // non-finite: skipped
  std::vector<FaceDetection> d;
  // A 640 x 480 photo (4000 x 3000 scaled): y is multiplied by 640 / 480.
  REQUIRE(face_detections(rows.data(), rows.size() / 16, 640, 480, &d) == kOk);
  REQUIRE(d.size() == 2);
  CHECK(d[0].score == Approx(0.9));
  CHECK(d[0].box[0] == Approx(80.0 / 640));
  CHECK(d[0].box[1] == Approx(75.0 / 640 * 640 / 480));
  CHECK(d[0].box[2] == Approx(120.0 / 640));
  CHECK(d[0].box[3] == Approx(125.0 / 640 * 640 / 480));
  CHECK(d[0].landmarks[0] == Approx((100 - 0.2 * 40) / 640));
  CHECK(d[0].landmarks[1] == Approx((100 - 0.1 * 50) / 480));
  CHECK(d[1].score == 0.5);
  CHECK(d[1].box[0] == 0.0);
  CHECK(d[1].box[3] == 1.0);  // 490 / 480: below the photo's bottom
  // Scaled sides of 0 leave no photo to find faces in; larger than 640 is refused.
  CHECK(face_detections(rows.data(), rows.size() / 16, 640, 0, &d) == kOk);
  CHECK(d.empty());
  CHECK(face_detections(rows.data(), rows.size() / 16, 641, 480, &d) == kBadInput);
}

TEST_CASE("NMS keeps the highest score of boxes overlapping at IoU >= 0.4", "[faces]") {
  std::vector<float> rows;
  auto add = [&](std::vector<float> r) { rows.insert(rows.end(), r.begin(), r.end()); };
  add(row(200, 200, 100, 100, 0.80f));
  add(row(210, 200, 100, 100, 0.95f));  // IoU 0.82 with the first: the first goes
  add(row(400, 400, 100, 100, 0.70f));
  // 100 x 100 boxes offset by 43: IoU = 57*100 / (20000 - 5700) = 0.3986 < 0.4: both stay.
  add(row(443, 400, 100, 100, 0.90f));
  // Offset by 42: IoU 0.4085 with the 0.90 box: dropped.
  add(row(485, 400, 100, 100, 0.60f));
  std::vector<FaceDetection> d;
  REQUIRE(face_detections(rows.data(), rows.size() / 16, 640, 640, &d) == kOk);
  REQUIRE(d.size() == 3);
  CHECK(d[0].score == Approx(0.95));
  CHECK(d[1].score == Approx(0.90));
  CHECK(d[2].score == Approx(0.70));
  CHECK(face_iou(d[1], d[2]) == Approx(5700.0 / 14300));
}

TEST_CASE("faceID: Ente's format, JavaScript's toFixed(5) rounding", "[faces]") {
  CHECK(id(123, 0.1, 0.2, 0.3, 0.4) == "123_10000_20000_30000_40000");
  CHECK(id(0, 0, 0, 1, 1) == "0_00000_00000_00000_00000");  // 0.999999 -> "1.00000" -> "00000"
  // 0.999995 is 0.99999499999999994... in binary: "0.99999"; 0.9999951 rounds to "1.00000".
  CHECK(id(9007199254740991.0, -0.5, 0.999995, 0.9999951, 2) ==
        "9007199254740991_00000_99999_00000_00000");
  // Exact binary ties round up, as JavaScript's toFixed does (glibc's printf would round to even).
  CHECK(id(7, 1.0 / 64, 3.0 / 64, 5.0 / 64, 0.5) == "7_01563_04688_07813_50000");
  // 0.123455 is 0.12345499999999999... in binary: down.
  CHECK(id(1, 0.123455, 0.000005, 0.0000049, 0.9876549) == "1_12345_00001_00000_98765");
  char out[64];
  const double box[4] = {0, 0, 0, 0};
  CHECK(face_id(out, -1, box) == 0);
  CHECK(face_id(out, 1.5, box) == 0);
  CHECK(face_id(out, 9007199254740992.0, box) == 0);
  const double nan_box[4] = {0, std::nan(""), 0, 0};
  CHECK(face_id(out, 1, nan_box) == 0);
}

TEST_CASE("Alignment: landmarks on the template give the identity, a scaled copy its inverse",
          "[faces]") {
  FaceAlignment a;
  REQUIRE(face_alignment(kArcFaceTemplate, &a) == kOk);
  const double id_m[6] = {1, 0, 0, 0, 1, 0};
  for (int i = 0; i < 6; i++) CHECK(a.m[i] == Approx(id_m[i]).margin(1e-9));
  // The face twice as large, rotated by 90 degrees and moved: x' = y/2 + .., y' = -x/2 + ..
  double lm[10];
  for (int k = 0; k < 5; k++) {
    lm[2 * k] = 500 - 2 * kArcFaceTemplate[2 * k + 1];
    lm[2 * k + 1] = 300 + 2 * kArcFaceTemplate[2 * k];
  }
  REQUIRE(face_alignment(lm, &a) == kOk);
  CHECK(a.m[0] == Approx(0).margin(1e-9));
  CHECK(a.m[1] == Approx(0.5));
  CHECK(a.m[3] == Approx(-0.5));
  CHECK(a.m[4] == Approx(0).margin(1e-9));
  CHECK(a.m[2] == Approx(-150));
  CHECK(a.m[5] == Approx(250));
  const double same[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  CHECK(face_alignment(same, &a) == kBadInput);
  double inf[10] = {};
  std::copy(kArcFaceTemplate, kArcFaceTemplate + 10, inf);
  inf[3] = INFINITY;
  CHECK(face_alignment(inf, &a) == kBadInput);
}

TEST_CASE("Warp: a photo that is the aligned face comes back pixel for pixel", "[faces]") {
  // Identity alignment on a 112 x 112 photo: each output pixel samples its own source pixel.
  const auto rgba = random_vec(112 * 112 * 4);
  FaceAlignment a;
  REQUIRE(face_alignment(kArcFaceTemplate, &a) == kOk);
  std::vector<float> out(kAlignedFloats);
  face_warp(out.data(), rgba.data(), 112, 112, a);
  size_t wrong = 0;
  for (size_t p = 0; p < 112 * 112; p++)
    for (int c = 0; c < 3; c++) {
      // An integer source position: dx = dy = 0, so the cubic gives the centre pixel, except that
      // the alignment is only identity to ~1e-15 and the value is truncated.
      const float want = float(rgba[p * 4 + c] / 127.5 - 1.0);
      const float below = float((rgba[p * 4 + c] - 1) / 127.5 - 1.0);
      wrong += out[p * 3 + c] != want && out[p * 3 + c] != below;
    }
  CHECK(wrong == 0);
}

TEST_CASE("Face direction: where the nose is against eyes and mouth", "[faces]") {
  double lm[10];
  std::copy(kArcFaceTemplate, kArcFaceTemplate + 10, lm);
  CHECK(face_direction(lm) == FaceDirection::kStraight);
  lm[4] = 39;  // nose within 0.2 eye distances of the left eye, face upright
  CHECK(face_direction(lm) == FaceDirection::kLeft);
  lm[4] = 72;
  CHECK(face_direction(lm) == FaceDirection::kRight);
  lm[4] = 20;  // left of both eyes and both mouth corners
  CHECK(face_direction(lm) == FaceDirection::kLeft);
  lm[4] = 90;
  CHECK(face_direction(lm) == FaceDirection::kRight);
}

TEST_CASE("Blur: zero for a flat face, Laplacian variance on the kept columns", "[faces]") {
  std::vector<float> face(kAlignedFloats, float(100 / 127.5 - 1.0));
  CHECK(face_blur(face.data(), FaceDirection::kStraight) == 0.0);
  // One bright pixel: its Laplacian is -4 * 100 there and +100 at its 4 neighbours.
  auto set = [&](int x, int y, int v) {
    for (int c = 0; c < 3; c++) face[(size_t(y) * 112 + x) * 3 + c] = float(v / 127.5 - 1.0);
  };
  set(60, 50, 200);
  const double n = 112.0 * 56;
  const double mean = 0;  // the bright pixel's -400 and its neighbours' +400 cancel
  const double want = ((400 - mean) * (400 - mean) + 4 * (100 - mean) * (100 - mean)) / n;
  CHECK(face_blur(face.data(), FaceDirection::kStraight) == Approx(want));
  // Facing left keeps columns 56..111 (x = 60 inside), facing right 0..55 (outside): 0.
  CHECK(face_blur(face.data(), FaceDirection::kLeft) == Approx(want));
  CHECK(face_blur(face.data(), FaceDirection::kRight) == 0.0);
}
