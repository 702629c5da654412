#include "clip_preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace cl {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's PRECISION_BITS for 8-bit images
constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);

// Filter taps of a run of output pixels: the first input pixel, how many, fixed-point weights.
struct Coeffs {
  int ksize = 0;
  std::vector<int32_t> start, count, k;  // k: count.size() * ksize
};

// Pillow's precompute_coeffs + normalize_coeffs_8bpc (BILINEAR, support 1) for output pixels
// [first, first + n) of a resize from in_size to out_size.
Coeffs make_coeffs(uint32_t in_size, uint32_t out_size, uint32_t first, uint32_t n) {
  Coeffs c;
  const double scale = double(float(in_size)) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 1.0 * filterscale;
  const double ss = 1.0 / filterscale;
  c.ksize = int(std::ceil(support)) * 2 + 1;
  c.start.resize(n);
  c.count.resize(n);
  c.k.assign(size_t(n) * c.ksize, 0);
  std::vector<double> w(c.ksize);
  for (uint32_t i = 0; i < n; i++) {
    const double center = (first + i + 0.5) * scale;
    int xmin = int(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > int(in_size)) xmax = int(in_size);
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; x++) {
      double a = std::fabs((x + xmin - center + 0.5) * ss);
      w[x] = a < 1.0 ? 1.0 - a : 0.0;
      ww += w[x];
    }
    int32_t* k = &c.k[size_t(i) * c.ksize];
    for (int x = 0; x < xmax; x++) {
      if (ww != 0.0) w[x] /= ww;
      const double v = w[x] * (1 << kPrecisionBits);
      k[x] = w[x] < 0 ? int32_t(-0.5 + v) : int32_t(0.5 + v);
    }
    c.start[i] = xmin;
    c.count[i] = xmax;
  }
  return c;
}

inline uint8_t clip8(int32_t v) {
  v >>= kPrecisionBits;
  return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

// ---- scalar reference passes (4 interleaved channels) ----

void horizontal_scalar(uint8_t* dst, const uint8_t* row, const Coeffs& c) {
  for (size_t i = 0; i < c.start.size(); i++) {
    const uint8_t* p = row + size_t(c.start[i]) * 4;
    const int32_t* k = &c.k[i * c.ksize];
    int32_t s0 = kHalf, s1 = kHalf, s2 = kHalf, s3 = kHalf;
    for (int t = 0; t < c.count[i]; t++, p += 4) {
      s0 += p[0] * k[t];
      s1 += p[1] * k[t];
      s2 += p[2] * k[t];
      s3 += p[3] * k[t];
    }
    dst[i * 4 + 0] = clip8(s0);
    dst[i * 4 + 1] = clip8(s1);
    dst[i * 4 + 2] = clip8(s2);
    dst[i * 4 + 3] = clip8(s3);
  }
}

// One output row from `count` source rows starting at `first` (rows of `width` pixels).
void vertical_scalar(uint8_t* dst, const uint8_t* src, size_t stride, size_t width,
                     const int32_t* k, int count) {
  for (size_t b = 0; b < width * 4; b++) {
    const uint8_t* p = src + b;
    int32_t s = kHalf;
    for (int t = 0; t < count; t++, p += stride) s += *p * k[t];
    dst[b] = clip8(s);
  }
}

// Each 22-bit weight k is split as (k >> 11) * 2^11 + (k & 2047) so both halves fit i16 and
// i32x4.dot_i16x8_s (pmaddwd) can do two taps per instruction with the exact integer result:
// pixels are reordered to R0 R1 G0 G1 B0 B1 A0 A1 and multiplied by (k0, k1) pairs.
struct PairCoeffs {
  int pairs = 0;                 // per output pixel: ceil(ksize / 2)
  std::vector<uint32_t> hi, lo;  // (k[2q] | k[2q+1] << 16) of the high and low halves
};

PairCoeffs make_pairs(const Coeffs& c) {
  PairCoeffs p;
  p.pairs = (c.ksize + 1) / 2;
  const size_t n = c.start.size();
  p.hi.assign(n * p.pairs, 0);
  p.lo.assign(n * p.pairs, 0);
  for (size_t i = 0; i < n; i++) {
    const int32_t* k = &c.k[i * c.ksize];
    for (int t = 0; t < c.count[i]; t++) {
      const uint32_t shift = (t & 1) * 16;
      p.hi[i * p.pairs + t / 2] |= uint32_t(k[t] >> 11) << shift;
      p.lo[i * p.pairs + t / 2] |= uint32_t(k[t] & 2047) << shift;
    }
  }
  return p;
}

#ifdef __wasm_simd128__
// ---- SIMD128 passes: one RGBA pixel per i32x4 lane group, exact same integer arithmetic ----

inline v128_t pack_pixel(v128_t s) {
  v128_t v = wasm_i32x4_shr(s, kPrecisionBits);
  v128_t h = wasm_i16x8_narrow_i32x4(v, v);
  return wasm_u8x16_narrow_i16x8(h, h);  // saturation == clip8
}

void horizontal_simd(uint8_t* dst, const uint8_t* row, const Coeffs& c, const PairCoeffs& pc) {
  const v128_t zero = wasm_i32x4_splat(0);
  for (size_t i = 0; i < c.start.size(); i++) {
    const uint8_t* p = row + size_t(c.start[i]) * 4;
    const uint32_t* hi = &pc.hi[i * pc.pairs];
    const uint32_t* lo = &pc.lo[i * pc.pairs];
    const int n = c.count[i];
    v128_t ah = zero, al = zero;
    int t = 0;
    for (; t + 4 <= n; t += 4, p += 16) {
      v128_t v = wasm_v128_load(p);
      v128_t a =
          wasm_i8x16_shuffle(v, zero, 0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3, 16, 7, 16);
      v128_t b =
          wasm_i8x16_shuffle(v, zero, 8, 16, 12, 16, 9, 16, 13, 16, 10, 16, 14, 16, 11, 16, 15, 16);
      ah = wasm_i32x4_add(ah, wasm_i32x4_dot_i16x8(a, wasm_i32x4_splat(int32_t(hi[t / 2]))));
      al = wasm_i32x4_add(al, wasm_i32x4_dot_i16x8(a, wasm_i32x4_splat(int32_t(lo[t / 2]))));
      ah = wasm_i32x4_add(ah, wasm_i32x4_dot_i16x8(b, wasm_i32x4_splat(int32_t(hi[t / 2 + 1]))));
      al = wasm_i32x4_add(al, wasm_i32x4_dot_i16x8(b, wasm_i32x4_splat(int32_t(lo[t / 2 + 1]))));
    }
    for (; t < n; t += 2, p += 8) {
      // Two pixels, or the last one alone (its pair's second weight is 0 and is not loaded).
      v128_t v = t + 2 <= n ? wasm_v128_load64_zero(p) : wasm_v128_load32_zero(p);
      v128_t a =
          wasm_i8x16_shuffle(v, zero, 0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3, 16, 7, 16);
      ah = wasm_i32x4_add(ah, wasm_i32x4_dot_i16x8(a, wasm_i32x4_splat(int32_t(hi[t / 2]))));
      al = wasm_i32x4_add(al, wasm_i32x4_dot_i16x8(a, wasm_i32x4_splat(int32_t(lo[t / 2]))));
    }
    v128_t sum =
        wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_shl(ah, 11), al), wasm_i32x4_splat(kHalf));
    uint32_t out = uint32_t(wasm_i32x4_extract_lane(pack_pixel(sum), 0));
    std::memcpy(dst + i * 4, &out, 4);
  }
}

// Rows are taken in pairs: the bytes of rows t and t+1 are widened and interleaved as
// (r0[i], r1[i]) u16 pairs, so one dot_i16x8 applies both rows' (split) weights at once.
void vertical_simd(uint8_t* dst, const uint8_t* src, size_t stride, size_t width, const int32_t* k,
                   int count) {
  const size_t bytes = width * 4;
  const v128_t zero = wasm_i32x4_splat(0);
  size_t b = 0;
  for (; b + 16 <= bytes; b += 16) {
    v128_t h0 = zero, h1 = zero, h2 = zero, h3 = zero, l0 = zero, l1 = zero, l2 = zero, l3 = zero;
    const uint8_t* p = src + b;
    for (int t = 0; t < count; t += 2, p += 2 * stride) {
      const bool pair = t + 1 < count;
      const v128_t r0 = wasm_v128_load(p);
      const v128_t r1 = pair ? wasm_v128_load(p + stride) : zero;
      const int32_t k1 = pair ? k[t + 1] : 0;
      const v128_t kh = wasm_i32x4_splat(int32_t(uint32_t(k[t] >> 11) | uint32_t(k1 >> 11) << 16));
      const v128_t kl =
          wasm_i32x4_splat(int32_t(uint32_t(k[t] & 2047) | uint32_t(k1 & 2047) << 16));
      const v128_t a_lo = wasm_u16x8_extend_low_u8x16(r0), a_hi = wasm_u16x8_extend_high_u8x16(r0);
      const v128_t b_lo = wasm_u16x8_extend_low_u8x16(r1), b_hi = wasm_u16x8_extend_high_u8x16(r1);
      const v128_t q0 = wasm_i16x8_shuffle(a_lo, b_lo, 0, 8, 1, 9, 2, 10, 3, 11);
      const v128_t q1 = wasm_i16x8_shuffle(a_lo, b_lo, 4, 12, 5, 13, 6, 14, 7, 15);
      const v128_t q2 = wasm_i16x8_shuffle(a_hi, b_hi, 0, 8, 1, 9, 2, 10, 3, 11);
      const v128_t q3 = wasm_i16x8_shuffle(a_hi, b_hi, 4, 12, 5, 13, 6, 14, 7, 15);
      h0 = wasm_i32x4_add(h0, wasm_i32x4_dot_i16x8(q0, kh));
      h1 = wasm_i32x4_add(h1, wasm_i32x4_dot_i16x8(q1, kh));
      h2 = wasm_i32x4_add(h2, wasm_i32x4_dot_i16x8(q2, kh));
      h3 = wasm_i32x4_add(h3, wasm_i32x4_dot_i16x8(q3, kh));
      l0 = wasm_i32x4_add(l0, wasm_i32x4_dot_i16x8(q0, kl));
      l1 = wasm_i32x4_add(l1, wasm_i32x4_dot_i16x8(q1, kl));
      l2 = wasm_i32x4_add(l2, wasm_i32x4_dot_i16x8(q2, kl));
      l3 = wasm_i32x4_add(l3, wasm_i32x4_dot_i16x8(q3, kl));
    }
    const v128_t half = wasm_i32x4_splat(kHalf);
    auto total = [&](v128_t h, v128_t l) {
      return wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_shl(h, 11), l), half),
                            kPrecisionBits);
    };
    const v128_t w0 = wasm_i16x8_narrow_i32x4(total(h0, l0), total(h1, l1));
    const v128_t w1 = wasm_i16x8_narrow_i32x4(total(h2, l2), total(h3, l3));
    wasm_v128_store(dst + b, wasm_u8x16_narrow_i16x8(w0, w1));
  }
  if (b < bytes) vertical_scalar(dst + b, src + b, stride, (bytes - b) / 4, k, count);
}
#endif

Status check_size(uint32_t w, uint32_t h) {
  if (w == 0 || h == 0) return fail(kBadInput, "image width and height must be at least 1");
  if (w > kClipMaxImageSide || h > kClipMaxImageSide || uint64_t(w) * h * 4 >= (1ull << 31))
    return fail(kBadInput, "image is too large (at most 65536 pixels a side and 2 GiB of RGBA)");
  return kOk;
}

Status check_image(const uint8_t* rgba, uint32_t w, uint32_t h) {
  if (!rgba) return fail(kBadInput, "no image");
  return check_size(w, h);
}

}  // namespace

struct ClipResampler::Impl {
  uint32_t w = 0, h = 0, sw = 0, sh = 0, x0 = 0, y0 = 0, ow = 0, oh = 0;
  bool need_h = false, need_v = false, simd = false, preprocess = false;
  Coeffs hc, vc;
  PairCoeffs pc;
  uint32_t row0 = 0, rows = 0;  // source rows the vertical pass reads
  std::vector<uint8_t> mid;     // those rows, horizontally resampled: rows x ow RGBA
  std::vector<uint8_t> fed;     // which of them arrived
  uint32_t missing = 0;

  // Pixels [x0, x0+ow) x [y0, y0+oh) of the w x h image resized to sw x sh, as Pillow computes
  // them (a pass is skipped when its axis keeps its size, as Pillow does).
  void begin(uint32_t w_, uint32_t h_, uint32_t sw_, uint32_t sh_, uint32_t x0_, uint32_t y0_,
             uint32_t ow_, uint32_t oh_, bool simd_) {
    w = w_;
    h = h_;
    sw = sw_;
    sh = sh_;
    x0 = x0_;
    y0 = y0_;
    ow = ow_;
    oh = oh_;
#ifdef __wasm_simd128__
    simd = simd_;
#else
    (void)simd_;
    simd = false;
#endif
    need_h = sw != w;
    need_v = sh != h;
    row0 = y0;
    rows = oh;
    if (need_v) {
      vc = make_coeffs(h, sh, y0, oh);
      row0 = uint32_t(vc.start[0]);
      rows = uint32_t(vc.start[oh - 1] + vc.count[oh - 1]) - row0;
    }
    if (need_h) {
      hc = make_coeffs(w, sw, x0, ow);
      if (simd) pc = make_pairs(hc);
    }
    wipe();
    mid.assign(size_t(rows) * ow * 4, 0);
    fed.assign(rows, 0);
    missing = rows;
  }

  void feed_row(const uint8_t* row, uint32_t y) {
    const uint32_t i = y - row0;
    uint8_t* dst = &mid[size_t(i) * ow * 4];
    if (!need_h) std::memcpy(dst, row + size_t(x0) * 4, size_t(ow) * 4);
#ifdef __wasm_simd128__
    else if (simd)
      horizontal_simd(dst, row, hc, pc);
#endif
    else
      horizontal_scalar(dst, row, hc);
    if (!fed[i]) {
      fed[i] = 1;
      missing--;
    }
  }

  // The window, RGBA, into out (ow x oh).
  void finish(uint8_t* out) {
    void (*vertical)(uint8_t*, const uint8_t*, size_t, size_t, const int32_t*, int) =
        vertical_scalar;
#ifdef __wasm_simd128__
    if (simd) vertical = vertical_simd;
#endif
    const size_t stride = size_t(ow) * 4;
    for (uint32_t y = 0; y < oh; y++) {
      uint8_t* dst = out + size_t(y) * stride;
      if (need_v)
        vertical(dst, &mid[size_t(vc.start[y] - int32_t(row0)) * stride], stride, ow,
                 &vc.k[size_t(y) * vc.ksize], vc.count[y]);
      else
        std::memcpy(dst, &mid[size_t(y) * stride], stride);
    }
  }

  void wipe() { std::fill(mid.begin(), mid.end(), uint8_t(0)); }
};

namespace {

uint32_t round_half_away(double x) { return uint32_t(std::floor(x + 0.5)); }

}  // namespace

ClipGeometry clip_geometry(uint32_t w, uint32_t h) {
  const double scale = std::max(double(kClipImageSide) / w, double(kClipImageSide) / h);
  ClipGeometry g;
  g.scaled_w = std::max(kClipImageSide, round_half_away(w * scale));
  g.scaled_h = std::max(kClipImageSide, round_half_away(h * scale));
  g.crop_x = (g.scaled_w - kClipImageSide) / 2;
  g.crop_y = (g.scaled_h - kClipImageSide) / 2;
  return g;
}

ClipResampler::ClipResampler() : impl_(new Impl) {}
ClipResampler::~ClipResampler() { impl_->wipe(); }

Status ClipResampler::begin_preprocess(uint32_t w, uint32_t h, bool simd) {
  if (Status s = check_size(w, h)) return s;
  const ClipGeometry g = clip_geometry(w, h);
  impl_->begin(w, h, g.scaled_w, g.scaled_h, g.crop_x, g.crop_y, kClipImageSide, kClipImageSide,
               simd);
  impl_->preprocess = true;
  return kOk;
}

Status ClipResampler::begin_downscale(uint32_t w, uint32_t h, uint32_t out_w, uint32_t out_h,
                                      bool simd) {
  if (Status s = check_size(w, h)) return s;
  if (out_w == 0 || out_h == 0 || out_w > w || out_h > h)
    return fail(kBadInput, "downscale size must be between 1 and the image size");
  impl_->begin(w, h, out_w, out_h, 0, 0, out_w, out_h, simd);
  impl_->preprocess = false;
  return kOk;
}

uint32_t ClipResampler::first_row() const { return impl_->row0; }
uint32_t ClipResampler::row_count() const { return impl_->rows; }

Status ClipResampler::feed(const uint8_t* rows, uint32_t y, uint32_t n) {
  Impl& m = *impl_;
  if (m.w == 0) return fail(kBadInput, "resampler not started");
  if (!rows || uint64_t(y) + n > m.h) return fail(kBadInput, "rows outside the image");
  const uint32_t from = std::max(y, m.row0), to = std::min(y + n, m.row0 + m.rows);
  for (uint32_t r = from; r < to; r++) m.feed_row(rows + size_t(r - y) * m.w * 4, r);
  return kOk;
}

namespace {
Status ready(const ClipResampler::Impl& m, bool preprocess) {
  if (m.w == 0 || m.preprocess != preprocess)
    return fail(kBadInput, "resampler not started for this output");
  if (m.missing) return fail(kBadInput, "not every needed image row was fed");
  return kOk;
}
}  // namespace

Status ClipResampler::finish_preprocess(float* out) {
  if (Status s = ready(*impl_, true)) return s;
  constexpr size_t kPlane = size_t(kClipImageSide) * kClipImageSide;
  std::vector<uint8_t> crop(kPlane * 4);
  impl_->finish(crop.data());
  // Planar RGB / 255 (a division, so each value is the float nearest to byte / 255).
  float table[256];
  for (int v = 0; v < 256; v++) table[v] = float(v) / 255.0f;
  for (size_t i = 0; i < kPlane; i++) {
    out[i] = table[crop[i * 4]];
    out[kPlane + i] = table[crop[i * 4 + 1]];
    out[2 * kPlane + i] = table[crop[i * 4 + 2]];
  }
  std::fill(crop.begin(), crop.end(), uint8_t(0));
  return kOk;
}

Status ClipResampler::finish_downscale(uint8_t* out) {
  if (Status s = ready(*impl_, false)) return s;
  impl_->finish(out);
  return kOk;
}

Status clip_preprocess(float* out, const uint8_t* rgba, uint32_t w, uint32_t h, bool simd) {
  if (Status s = check_image(rgba, w, h)) return s;
  ClipResampler r;
  if (Status s = r.begin_preprocess(w, h, simd)) return s;
  if (Status s = r.feed(rgba, 0, h)) return s;
  return r.finish_preprocess(out);
}

Status clip_downscale_size(uint32_t w, uint32_t h, uint32_t max_side, uint32_t* out_w,
                           uint32_t* out_h) {
  if (max_side == 0) return fail(kBadInput, "the longest side bound must be at least 1");
  if (w == 0 || h == 0) return fail(kBadInput, "image width and height must be at least 1");
  const uint32_t longest = std::max(w, h);
  if (longest <= max_side) {
    *out_w = w;
    *out_h = h;
    return kOk;
  }
  const double scale = double(max_side) / longest;
  *out_w = std::min(max_side, std::max(1u, round_half_away(w * scale)));
  *out_h = std::min(max_side, std::max(1u, round_half_away(h * scale)));
  return kOk;
}

Status clip_downscale(uint8_t* out, uint32_t out_w, uint32_t out_h, const uint8_t* rgba, uint32_t w,
                      uint32_t h, bool simd) {
  if (Status s = check_image(rgba, w, h)) return s;
  ClipResampler r;
  if (Status s = r.begin_downscale(w, h, out_w, out_h, simd)) return s;
  if (Status s = r.feed(rgba, 0, h)) return s;
  return r.finish_downscale(out);
}

bool clip_simd_available() {
#ifdef __wasm_simd128__
  return true;
#else
  return false;
#endif
}

}  // namespace cl
