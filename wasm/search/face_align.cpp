#include "face_align.hpp"

#include <algorithm>
#include <cmath>

#include <sodium.h>

namespace cl {

const double kArcFaceTemplate[2 * kFaceLandmarks] = {38.2946, 51.6963, 73.5318, 51.5014, 56.0252,
                                                     71.7366, 41.5493, 92.3655, 70.7299, 92.2041};

namespace {

// JavaScript's Math.round: the nearest integer, halves toward +infinity (x - floor(x) is exact).
inline double js_round(double x) {
  const double f = std::floor(x);
  return x - f >= 0.5 ? f + 1.0 : f;
}
inline double clamp(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

}  // namespace

Status face_alignment(const double landmarks[2 * kFaceLandmarks], FaceAlignment* out) {
  const size_t n = kFaceLandmarks;
  for (size_t i = 0; i < 2 * n; i++)
    if (!std::isfinite(landmarks[i])) return fail(kBadInput, "a face landmark is not finite");
  double px = 0, py = 0, qx = 0, qy = 0;
  for (size_t i = 0; i < n; i++) {
    px += landmarks[2 * i];
    py += landmarks[2 * i + 1];
    qx += kArcFaceTemplate[2 * i] / kAlignedSide;
    qy += kArcFaceTemplate[2 * i + 1] / kAlignedSide;
  }
  px /= n, py /= n, qx /= n, qy /= n;
  // Least squares over rotation + uniform scale: [a -b; b a] minimising sum |q - M p|^2 for the
  // centred points. This is Umeyama's solution (his D = diag(1, -1) case included: the best
  // proper rotation), in closed form for two dimensions.
  double var = 0, dot = 0, cross = 0;
  for (size_t i = 0; i < n; i++) {
    const double sx = landmarks[2 * i] - px, sy = landmarks[2 * i + 1] - py;
    const double tx = kArcFaceTemplate[2 * i] / kAlignedSide - qx;
    const double ty = kArcFaceTemplate[2 * i + 1] / kAlignedSide - qy;
    var += sx * sx + sy * sy;
    dot += sx * tx + sy * ty;
    cross += sx * ty - sy * tx;
  }
  if (!(var > 0)) return fail(kBadInput, "the face landmarks coincide");
  const double a = dot / var, b = cross / var;
  const double m[6] = {a, -b, qx - (a * px - b * py), b, a, qy - (b * px + a * py)};
  // Ente's warp multiplies each matrix entry by 112 unless it is exactly 1.0.
  for (int i = 0; i < 6; i++) out->m[i] = m[i] != 1.0 ? m[i] * kAlignedSide : 1.0;
  if (!(std::fabs(out->m[0] * out->m[4] - out->m[1] * out->m[3]) > 0))
    return fail(kBadInput, "the face landmarks do not determine an alignment");
  return kOk;
}

void face_warp(float* out, const uint8_t* rgba, uint32_t w, uint32_t h, const FaceAlignment& al) {
  static const uint8_t kGrey[4] = {kFaceFill, kFaceFill, kFaceFill, 0};
  const long W = long(w), H = long(h);
  auto px = [&](long x, long y) -> const uint8_t* {
    return (x < 0 || x >= W || y < 0 || y >= H) ? kGrey : rgba + (size_t(y) * w + size_t(x)) * 4;
  };
  auto cubic = [](double dx, double ipp, double icp, double inp, double iap) {
    return icp + 0.5 * (dx * (-ipp + inp) + dx * dx * (2 * ipp - 5 * icp + 4 * inp - iap) +
                        dx * dx * dx * (-ipp + 3 * icp - 3 * inp + iap));
  };
  const double det = al.m[0] * al.m[4] - al.m[1] * al.m[3];
  const double i00 = al.m[4] / det, i01 = -al.m[1] / det, i10 = -al.m[3] / det, i11 = al.m[0] / det;
  const double b0 = al.m[2], b1 = al.m[5];
  for (uint32_t yt = 0; yt < kAlignedSide; yt++) {
    for (uint32_t xt = 0; xt < kAlignedSide; xt++) {
      double fx = i00 * (xt - b0) + i01 * (yt - b1);
      double fy = i10 * (xt - b0) + i11 * (yt - b1);
      // pixelRGBBicubic, with its neighbour guards as Ente wrote them.
      fx = clamp(fx, 0, double(W - 1));
      fy = clamp(fy, 0, double(H - 1));
      const long x = long(std::trunc(fx)) - (fx >= 0.0 ? 0 : 1);
      const long y = long(std::trunc(fy)) - (fy >= 0.0 ? 0 : 1);
      const long pxl = x - 1, nx = x + 1, ax = x + 2, pyl = y - 1, ny = y + 1, ay = y + 2;
      const double dx = fx - x, dy = fy - y;
      const uint8_t* icc = px(x, y);
      const uint8_t* ipp = pxl < 0 || pyl < 0 ? icc : px(pxl, pyl);
      const uint8_t* icp = pxl < 0 ? icc : px(x, pyl);
      const uint8_t* inp = pyl < 0 || nx >= W ? icc : px(nx, pyl);
      const uint8_t* iap = ax >= W || pyl < 0 ? icc : px(ax, pyl);
      const uint8_t* ipc = pxl < 0 ? icc : px(pxl, y);
      const uint8_t* inc = nx >= W ? icc : px(nx, y);
      const uint8_t* iac = ax >= W ? icc : px(ax, y);
      const uint8_t* ipn = pxl < 0 || ny >= H ? icc : px(pxl, ny);
      const uint8_t* icn = ny >= H ? icc : px(x, ny);
      const uint8_t* inn = nx >= W || ny >= H ? icc : px(nx, ny);
      const uint8_t* ian = ax >= W || ny >= H ? icc : px(ax, ny);
      const uint8_t* ipa = pxl < 0 || ay >= H ? icc : px(pxl, ay);
      const uint8_t* ica = ay >= H ? icc : px(x, ay);
      const uint8_t* ina = nx >= W || ay >= H ? icc : px(nx, ay);
      const uint8_t* iaa = ax >= W || ay >= H ? icc : px(ax, ay);
      float* o = out + (size_t(yt) * kAlignedSide + xt) * 3;
      for (int c = 0; c < 3; c++) {
        const double ip = cubic(dx, ipp[c], icp[c], inp[c], iap[c]);
        const double ic = cubic(dx, ipc[c], icc[c], inc[c], iac[c]);
        const double in = cubic(dx, ipn[c], icn[c], inn[c], ian[c]);
        const double ia = cubic(dx, ipa[c], ica[c], ina[c], iaa[c]);
        const double v = std::trunc(clamp(cubic(dy, ip, ic, in, ia), 0, 255));
        o[c] = float(v / 127.5 - 1.0);
      }
    }
  }
}

FaceDirection face_direction(const double lm[2 * kFaceLandmarks]) {
  const double lex = lm[0], ley = lm[1], rex = lm[2], rey = lm[3], nx = lm[4], ny = lm[5];
  const double lmx = lm[6], lmy = lm[7], rmx = lm[8], rmy = lm[9];
  const double eye_dx = std::fabs(rex - lex), eye_dy = std::fabs(rey - ley);
  const double mouth_dy = std::fabs(rmy - lmy);
  const bool upright =
      std::max(ley, rey) + 0.5 * eye_dy < ny && ny + 0.5 * mouth_dy < std::min(lmy, rmy);
  const bool out_left = nx < std::min(lex, rex) && nx < std::min(lmx, rmx);
  const bool out_right = nx > std::max(lex, rex) && nx > std::max(lmx, rmx);
  const bool near_left = std::fabs(nx - lex) < 0.2 * eye_dx;
  const bool near_right = std::fabs(nx - rex) < 0.2 * eye_dx;
  if (out_left || (upright && near_left)) return FaceDirection::kLeft;
  if (out_right || (upright && near_right)) return FaceDirection::kRight;
  return FaceDirection::kStraight;
}

double face_blur(const float* aligned, FaceDirection direction) {
  constexpr int kSide = kAlignedSide;
  constexpr int kRemove = 56;                 // columns dropped, by the face's direction
  constexpr int kCols = kSide - kRemove + 2;  // padded: 58 x 114
  constexpr int kRows = kSide + 2;
  const int first = direction == FaceDirection::kStraight ? kRemove / 2
                    : direction == FaceDirection::kLeft   ? kRemove
                                                          : 0;
  auto channel = [](float f) { return clamp(js_round((double(f) + 1.0) * 127.5), 0, 255); };
  int padded[kRows][kCols] = {};
  for (int i = 0; i < kSide; i++) {
    for (int j = 0; j < kCols - 2; j++) {
      const float* p = aligned + (size_t(i) * kSide + size_t(j + first)) * 3;
      padded[i + 1][j + 1] = int(clamp(
          js_round(0.299 * channel(p[0]) + 0.587 * channel(p[1]) + 0.114 * channel(p[2])), 0, 255));
    }
  }
  for (int j = 1; j <= kCols - 2; j++) {
    padded[0][j] = padded[2][j];
    padded[kSide + 1][j] = padded[kSide - 1][j];
  }
  for (int i = 0; i < kRows; i++) {
    padded[i][0] = padded[i][2];
    padded[i][kCols - 1] = padded[i][kCols - 3];
  }
  auto laplacian = [&padded](int i, int j) {
    return padded[i][j + 1] + padded[i + 1][j] - 4 * padded[i + 1][j + 1] + padded[i + 1][j + 2] +
           padded[i + 2][j + 1];
  };
  // Ente sums the mean, then the squared deviations, row by row (integers: the sums are exact).
  double mean = 0;
  for (int i = 0; i < kSide; i++)
    for (int j = 0; j < kCols - 2; j++) mean += laplacian(i, j);
  const double total = double(kSide) * (kCols - 2);
  mean /= total;
  double variance = 0;
  for (int i = 0; i < kSide; i++) {
    for (int j = 0; j < kCols - 2; j++) {
      const double diff = laplacian(i, j) - mean;
      variance += diff * diff;
    }
  }
  sodium_memzero(padded, sizeof padded);  // the face, in grey
  return variance / total;
}

}  // namespace cl
