// CLIP image preprocessing and downscaling at odd sizes (1 x n, n x 1, primes, tiny, extreme
// aspect ratios) with rows fed in arbitrary batches, out of range and out of order. Properties:
// the incremental resampler gives the one-shot result bit for bit however rows arrive; every
// preprocessed value is a byte / 255; a uniform image stays uniform; a needed row left out is
// reported, never guessed; sizes outside the limits are refused with kBadInput.
#include <algorithm>

#include "clip_preprocess.hpp"
#include "fuzz_support.hpp"

using namespace cl;

namespace {
constexpr uint64_t kMaxPixels = 1 << 16;  // per image fed here (256 KiB of RGBA)
constexpr size_t kMaxBatches = 8;

bool is_byte_over_255(float x) {
  const int k = int(x * 255.0f + 0.5f);
  return k >= 0 && k <= 255 && float(k) / 255.0f == x;
}

// Feeds every row in batches of the input's sizes, in order or last batch first, leaving out
// row `skip` (UINT32_MAX: none).
Status feed_all(ClipResampler& r, const std::vector<uint8_t>& rgba, uint32_t w, uint32_t h,
                const uint32_t* batches, size_t n_batches, bool reverse, uint32_t skip) {
  std::vector<std::pair<uint32_t, uint32_t>> runs;  // (first row, rows)
  uint32_t y = 0;
  for (size_t b = 0; y < h; b++) {
    const uint32_t n = std::min(batches[b % n_batches], h - y);
    if (skip >= y && skip < y + n) {
      if (skip > y) runs.push_back({y, skip - y});
      if (skip + 1 < y + n) runs.push_back({skip + 1, y + n - skip - 1});
    } else {
      runs.push_back({y, n});
    }
    y += n;
  }
  if (reverse) std::reverse(runs.begin(), runs.end());
  for (const auto& run : runs)
    if (Status s = r.feed(&rgba[size_t(run.first) * w * 4], run.first, run.second)) return s;
  return kOk;
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t mode = in.byte();

  if ((mode & 0x70) == 0x70) {  // sizes alone, anywhere in uint32: the limits and the row window
    const uint32_t w = in.u32() >> (in.byte() % 32), h = in.u32() >> (in.byte() % 32);
    const bool ok = w && h && w <= kClipMaxImageSide && h <= kClipMaxImageSide &&
                    uint64_t(w) * h * 4 < (1ull << 31);
    ClipResampler r;
    const Status s = r.begin_preprocess(w, h, true);
    FUZZ_CHECK(s == (ok ? kOk : kBadInput));
    if (ok) FUZZ_CHECK(r.row_count() >= 1 && uint64_t(r.first_row()) + r.row_count() <= h);
    float out[1];
    if (ok) FUZZ_CHECK(r.finish_preprocess(out) == kBadInput);  // nothing fed yet
    return 0;
  }

  uint32_t w = in.u16() % 2048 + 1, h = in.u16() % 2048 + 1;
  if (uint64_t(w) * h > kMaxPixels) h = uint32_t(std::max<uint64_t>(1, kMaxPixels / w));
  uint32_t batches[kMaxBatches];
  const size_t n_batches = in.byte() % kMaxBatches + 1;
  for (size_t i = 0; i < n_batches; i++) batches[i] = in.byte() % 64 + 1;
  const bool uniform = mode & 2, reverse = mode & 4;
  const uint32_t max_side = in.u16() % 600 + 1;
  const uint32_t skip_pick = in.u16();
  std::vector<uint8_t> pixels = in.rest();
  if (pixels.empty() || uniform) pixels.resize(4, uint8_t(mode));
  std::vector<uint8_t> rgba(size_t(w) * h * 4);
  for (size_t i = 0; i < rgba.size(); i++) rgba[i] = pixels[i % (uniform ? 4 : pixels.size())];

  ClipResampler r;
  if (mode & 1) {  // downscale within max_side
    uint32_t ow = 0, oh = 0;
    FUZZ_CHECK(clip_downscale_size(w, h, max_side, &ow, &oh) == kOk);
    FUZZ_CHECK(ow >= 1 && oh >= 1 && ow <= w && oh <= h && std::max(ow, oh) <= max_side);
    std::vector<uint8_t> once(size_t(ow) * oh * 4), fed(once.size());
    FUZZ_CHECK(clip_downscale(once.data(), ow, oh, rgba.data(), w, h) == kOk);
    FUZZ_CHECK(r.begin_downscale(w, h, ow, oh) == kOk);
    FUZZ_CHECK(feed_all(r, rgba, w, h, batches, n_batches, reverse, UINT32_MAX) == kOk);
    FUZZ_CHECK(r.finish_downscale(fed.data()) == kOk);
    FUZZ_CHECK(fed == once);
    if (uniform)
      for (size_t i = 0; i < once.size(); i++) FUZZ_CHECK(once[i] == rgba[i % 4]);
    return 0;
  }

  std::vector<float> once(kClipImageFloats), fed(kClipImageFloats);
  FUZZ_CHECK(clip_preprocess(once.data(), rgba.data(), w, h) == kOk);
  FUZZ_CHECK(r.begin_preprocess(w, h) == kOk);
  FUZZ_CHECK(r.row_count() >= 1 && uint64_t(r.first_row()) + r.row_count() <= h);
  FUZZ_CHECK(feed_all(r, rgba, w, h, batches, n_batches, reverse, UINT32_MAX) == kOk);
  FUZZ_CHECK(r.finish_preprocess(fed.data()) == kOk);
  FUZZ_CHECK(std::memcmp(fed.data(), once.data(), fed.size() * sizeof(float)) == 0);
  constexpr size_t kPlane = kClipImageFloats / 3;
  for (size_t i = 0; i < once.size(); i++) {
    FUZZ_CHECK(is_byte_over_255(once[i]));
    if (uniform) FUZZ_CHECK(once[i] == float(rgba[i / kPlane]) / 255.0f);
  }

  // A needed row left out: the result is refused.
  ClipResampler partial;
  FUZZ_CHECK(partial.begin_preprocess(w, h) == kOk);
  FUZZ_CHECK(partial.feed(rgba.data(), h, 1) == kBadInput);  // below the image
  const uint32_t skip = partial.first_row() + skip_pick % partial.row_count();
  FUZZ_CHECK(feed_all(partial, rgba, w, h, batches, n_batches, reverse, skip) == kOk);
  FUZZ_CHECK(partial.finish_preprocess(fed.data()) == kBadInput);
  return 0;
}
