#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "clip_preprocess.hpp"
#include "test_helpers.hpp"

using namespace cl;

namespace {
std::vector<float> preprocess(const std::vector<uint8_t>& rgba, uint32_t w, uint32_t h, bool simd) {
  std::vector<float> out(kClipImageFloats, -1.0f);
  REQUIRE(clip_preprocess(out.data(), rgba.data(), w, h, simd) == kOk);
  return out;
}
}  // namespace

TEST_CASE("Cover geometry: scale to cover 256, round half away, floor the crop offset",
          "[clip][image]") {
  auto g = clip_geometry(4000, 3000);
  CHECK(g.scaled_w == 341);  // 4000 * 256/3000 = 341.33
  CHECK(g.scaled_h == 256);
  CHECK(g.crop_x == 42);  // (341 - 256) / 2 = 42.5 -> 42
  CHECK(g.crop_y == 0);
  g = clip_geometry(1, 1);
  CHECK((g.scaled_w == 256 && g.scaled_h == 256 && g.crop_x == 0 && g.crop_y == 0));
  g = clip_geometry(300, 1);
  CHECK((g.scaled_w == 76800 && g.scaled_h == 256 && g.crop_x == 38272));
  g = clip_geometry(511, 333);  // 511 * 256/333 = 392.84 -> 393, offset 68.5 -> 68
  CHECK((g.scaled_w == 393 && g.crop_x == 68));
  g = clip_geometry(256, 256);
  CHECK((g.scaled_w == 256 && g.scaled_h == 256));
}

TEST_CASE("A uniform image stays uniform at any scale", "[clip][image]") {
  for (auto wh : {std::pair<uint32_t, uint32_t>{1, 1},
                  {3, 1000},
                  {640, 480},
                  {1999, 77},
                  {65536, 1},
                  {1, 65536}}) {
    std::vector<uint8_t> rgba(size_t(wh.first) * wh.second * 4);
    for (size_t i = 0; i < rgba.size(); i += 4) {
      rgba[i] = 10;
      rgba[i + 1] = 128;
      rgba[i + 2] = 255;
      rgba[i + 3] = uint8_t(i);
    }
    auto out = preprocess(rgba, wh.first, wh.second, true);
    size_t wrong = 0;
    for (size_t i = 0; i < 65536; i++)
      wrong += out[i] != 10 / 255.0f || out[65536 + i] != 128 / 255.0f || out[131072 + i] != 1.0f;
    REQUIRE(wrong == 0);
  }
}

TEST_CASE("A 256x256 image passes through unchanged, a taller one is only cropped",
          "[clip][image]") {
  auto rgba = random_vec(256 * 400 * 4);
  auto out = preprocess(rgba, 256, 400, true);
  size_t wrong = 0;
  for (uint32_t y = 0; y < 256; y++)
    for (uint32_t x = 0; x < 256; x++)
      for (int c = 0; c < 3; c++)
        wrong += out[c * 65536 + y * 256 + x] != rgba[((y + 72) * 256 + x) * 4 + c] / 255.0f;
  REQUIRE(wrong == 0);
}

TEST_CASE("SIMD and scalar paths agree on every size class", "[clip][image]") {
  INFO("SIMD compiled in: " << clip_simd_available());
  const uint32_t sizes[][2] = {{1, 1},     {1, 2},      {2, 1},      {3, 5},      {17, 300},
                               {255, 257}, {256, 256},  {257, 256},  {513, 1},    {1, 700},
                               {640, 480}, {999, 1001}, {1500, 300}, {2100, 1400}};
  for (const auto& s : sizes) {
    INFO(s[0] << "x" << s[1]);
    auto rgba = random_vec(size_t(s[0]) * s[1] * 4);
    REQUIRE(preprocess(rgba, s[0], s[1], true) == preprocess(rgba, s[0], s[1], false));
    uint32_t ow, oh;
    REQUIRE(clip_downscale_size(s[0], s[1], 97, &ow, &oh) == kOk);
    std::vector<uint8_t> a(size_t(ow) * oh * 4), b(a.size());
    if (ow < s[0] || oh < s[1]) {
      REQUIRE(clip_downscale(a.data(), ow, oh, rgba.data(), s[0], s[1], true) == kOk);
      REQUIRE(clip_downscale(b.data(), ow, oh, rgba.data(), s[0], s[1], false) == kOk);
      REQUIRE(a == b);
    }
  }
}

TEST_CASE("Downscale size bounds the longest side", "[clip][image]") {
  uint32_t w = 0, h = 0;
  REQUIRE(clip_downscale_size(4000, 3000, 1024, &w, &h) == kOk);
  CHECK((w == 1024 && h == 768));
  REQUIRE(clip_downscale_size(3000, 4000, 1000, &w, &h) == kOk);
  CHECK((w == 750 && h == 1000));
  REQUIRE(clip_downscale_size(5000, 1, 100, &w, &h) == kOk);
  CHECK((w == 100 && h == 1));  // never below one pixel
  REQUIRE(clip_downscale_size(640, 480, 1024, &w, &h) == kOk);
  CHECK((w == 640 && h == 480));
  CHECK(clip_downscale_size(640, 480, 0, &w, &h) == kBadInput);
}

TEST_CASE("Downscaling by 2 widens the triangle filter to 3 taps (antialiasing)", "[clip][image]") {
  // 4x2 -> 2x1. Horizontally each output sees 3 inputs with weights 3/7, 3/7, 1/7 (support 2,
  // not the 2 nearest pixels a point-sampling bilinear would use); vertically 1/2, 1/2. Row 0 of
  // output 0: (0*3 + 100*3 + 200) / 7 = 71.4 -> 71; row 1: (40*3 + 60*3 + 10) / 7 = 44.3 -> 44;
  // then (71 + 44) / 2 = 57.5 -> 58. Output 1: rows 121 and 21 -> 71.
  std::vector<uint8_t> rgba = {0,   0,  0,  0,  100, 100, 100, 100, 200, 200, 200,
                               200, 50, 50, 50, 50,  40,  40,  40,  40,  60,  60,
                               60,  60, 10, 10, 10,  10,  20,  20,  20,  20};
  for (bool simd : {true, false}) {
    std::vector<uint8_t> out(2 * 1 * 4);
    REQUIRE(clip_downscale(out.data(), 2, 1, rgba.data(), 4, 2, simd) == kOk);
    CHECK(std::vector<uint8_t>(out) == std::vector<uint8_t>{58, 58, 58, 58, 71, 71, 71, 71});
  }
}

TEST_CASE("Bad image arguments are rejected", "[clip][image]") {
  std::vector<uint8_t> rgba(16);
  std::vector<float> out(kClipImageFloats);
  CHECK(clip_preprocess(out.data(), rgba.data(), 0, 4) == kBadInput);
  CHECK(clip_preprocess(out.data(), rgba.data(), 4, 0) == kBadInput);
  CHECK(clip_preprocess(out.data(), nullptr, 2, 2) == kBadInput);
  CHECK(clip_preprocess(out.data(), rgba.data(), 70000, 1) == kBadInput);
  CHECK(clip_downscale(rgba.data(), 3, 1, rgba.data(), 2, 2) == kBadInput);  // not a downscale
  CHECK(clip_downscale(rgba.data(), 0, 1, rgba.data(), 2, 2) == kBadInput);
}

TEST_CASE("Feeding rows in batches gives the one-shot result; missing rows are an error",
          "[clip][image]") {
  const uint32_t sizes[][2] = {{640, 480}, {300, 1}, {1, 700}, {256, 400}, {1200, 1300}};
  uint32_t seed = seed_for(7);
  for (const auto& s : sizes) {
    const uint32_t w = s[0], h = s[1];
    INFO(w << "x" << h);
    auto rgba = random_vec(size_t(w) * h * 4);
    auto whole = preprocess(rgba, w, h, true);
    for (bool simd : {true, false}) {
      ClipResampler r;
      REQUIRE(r.begin_preprocess(w, h, simd) == kOk);
      REQUIRE(r.first_row() + r.row_count() <= h);
      std::vector<float> out(kClipImageFloats);
      if (r.row_count() > 1) {
        REQUIRE(r.feed(rgba.data(), 0, r.first_row() + 1) == kOk);
        REQUIRE(r.finish_preprocess(out.data()) == kBadInput);  // rows still missing
      }
      for (uint32_t y = 0;
           y < h;) {  // random batch sizes, from row 0 (rows outside the range are skipped)
        seed = seed * 1103515245u + 12345u;
        uint32_t n = std::min(h - y, 1 + (seed >> 16) % 97);
        REQUIRE(r.feed(rgba.data() + size_t(y) * w * 4, y, n) == kOk);
        y += n;
      }
      REQUIRE(r.finish_preprocess(out.data()) == kOk);
      REQUIRE(out == whole);
      CHECK(r.feed(rgba.data(), h, 1) == kBadInput);  // past the last row
    }
    uint32_t ow, oh;
    REQUIRE(clip_downscale_size(w, h, 200, &ow, &oh) == kOk);
    if (ow < w || oh < h) {
      std::vector<uint8_t> a(size_t(ow) * oh * 4), b(a.size());
      REQUIRE(clip_downscale(a.data(), ow, oh, rgba.data(), w, h) == kOk);
      ClipResampler r;
      REQUIRE(r.begin_downscale(w, h, ow, oh) == kOk);
      for (uint32_t y = 0; y < h; y += 13)
        REQUIRE(r.feed(rgba.data() + size_t(y) * w * 4, y, std::min(13u, h - y)) == kOk);
      CHECK(r.finish_preprocess(nullptr) == kBadInput);  // started for a downscale
      REQUIRE(r.finish_downscale(b.data()) == kOk);
      REQUIRE(a == b);
    }
  }
}
