#include "face_letterbox.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cl {
namespace {

constexpr size_t kPlane = size_t(kFaceInputSide) * kFaceInputSide;

// Dart's double.round(): half away from zero. For x >= 0 (every value here) this is floor, plus
// one when the fraction is at least a half; x - floor(x) is exact, so the test is too (and needs
// no call to round(), which wasm lacks as an instruction).
inline double round_half_up(double x) {
  const double f = std::floor(x);
  return x - f >= 0.5 ? f + 1.0 : f;
}

// float(v / 255.0) for each byte value v: the division Ente's code does per channel, done once.
struct Div255 {
  float v[256];
  Div255() {
    for (int i = 0; i < 256; i++) v[i] = float(i / 255.0);
  }
};
const Div255 kDiv255;

// Where output column (or row) i samples: Dart's _getPixelBilinear on i / scale, clamped to the
// photo, its two neighbours and their weights.
struct Taps {
  std::vector<uint32_t> lo, hi;
  std::vector<double> d, d1;  // weight of hi, of lo
};

Taps make_taps(uint32_t n, uint32_t size, double scale) {
  Taps t;
  t.lo.resize(n);
  t.hi.resize(n);
  t.d.resize(n);
  t.d1.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    double f = i / scale;
    f = f < 0 ? 0 : f > double(size - 1) ? double(size - 1) : f;
    const double lo = std::floor(f);
    t.lo[i] = uint32_t(lo);
    t.hi[i] = uint32_t(std::ceil(f));
    t.d[i] = f - lo;
    t.d1[i] = 1.0 - t.d[i];
  }
  return t;
}

// Output columns [begin, end) of one row.
void row(float* out, const uint8_t* r0, const uint8_t* r1, double dy, double dy1, const Taps& tx,
         uint32_t begin, uint32_t end) {
  for (uint32_t x = begin; x < end; x++) {
    const uint8_t* p1 = r0 + size_t(tx.lo[x]) * 4;
    const uint8_t* p2 = r0 + size_t(tx.hi[x]) * 4;
    const uint8_t* p3 = r1 + size_t(tx.lo[x]) * 4;
    const uint8_t* p4 = r1 + size_t(tx.hi[x]) * 4;
    const double dx = tx.d[x], dx1 = tx.d1[x];
    for (int c = 0; c < 3; c++) {
      // The order of Ente's expression: val1 * dx1 * dy1 + val2 * dx * dy1 + val3 * dx1 * dy + ...
      const double v = p1[c] * dx1 * dy1 + p2[c] * dx * dy1 + p3[c] * dx1 * dy + p4[c] * dx * dy;
      out[c * kPlane + x] = kDiv255.v[int(round_half_up(v))];
    }
  }
}

}  // namespace

Status face_letterbox_geometry(uint32_t w, uint32_t h, FaceLetterbox* out) {
  if (w == 0 || h == 0 || w > kFaceMaxImageSide || h > kFaceMaxImageSide)
    return fail(kBadInput, "image sides must be 1..65536 pixels");
  const double side = kFaceInputSide;
  out->scale = std::min(side / w, side / h);
  out->scaled_w = uint32_t(std::min(side, round_half_up(w * out->scale)));
  out->scaled_h = uint32_t(std::min(side, round_half_up(h * out->scale)));
  return kOk;
}

Status face_letterbox(float* out, const uint8_t* rgba, uint32_t w, uint32_t h,
                      FaceLetterbox* geometry) {
  FaceLetterbox g;
  if (Status s = face_letterbox_geometry(w, h, &g)) return s;
  const Taps tx = make_taps(g.scaled_w, w, g.scale), ty = make_taps(g.scaled_h, h, g.scale);
  const float fill = float(kFaceFill / 255.0);
  for (uint32_t y = 0; y < kFaceInputSide; y++) {
    float* o = out + size_t(y) * kFaceInputSide;
    uint32_t x0 = 0;
    if (y < g.scaled_h) {
      row(o, rgba + size_t(ty.lo[y]) * w * 4, rgba + size_t(ty.hi[y]) * w * 4, ty.d[y], ty.d1[y],
          tx, 0, g.scaled_w);
      x0 = g.scaled_w;
    }
    for (int c = 0; c < 3; c++)
      std::fill(o + c * kPlane + x0, o + c * kPlane + kFaceInputSide, fill);
  }
  if (geometry) *geometry = g;
  return kOk;
}

}  // namespace cl
