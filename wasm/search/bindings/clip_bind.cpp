// Bindings of the CLIP tokenizer and image preprocessing. Text travels as UTF-16 code units in a
// reusable buffer (exactly what a JS string holds, lone surrogates included), tokens come back in
// a fixed 77-slot buffer: a query costs no allocation.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <vector>

#include "clip_preprocess.hpp"
#include "clip_tokenizer.hpp"
#include "ptr.hpp"

using namespace emscripten;
using clb::P;

namespace {
std::vector<char16_t> g_text;
int32_t g_tokens[cl::kClipContextLength];

uintptr_t clip_text_buffer(size_t units) {
  if (g_text.size() < units) g_text.resize(units);
  return reinterpret_cast<uintptr_t>(g_text.data());
}

}  // namespace

// The per-query call goes straight to wasm (no embind dispatch): tokenizes the first `units` code
// units of the text buffer into the token buffer and returns the status.
extern "C" EMSCRIPTEN_KEEPALIVE int cl_clip_tokenize(size_t units) {
  units = std::min(units, g_text.size());
  int s = cl::clip_tokenize(g_tokens, g_text.data(), units);
  std::fill(g_text.begin(), g_text.begin() + units, u'\0');  // queries are private
  return s;
}

namespace {
// Images cross in batches of rows (see cl::ClipResampler), so wasm memory holds a batch, not
// the photo.
class Resampler {
 public:
  int beginPreprocess(uint32_t w, uint32_t h, bool simd) { return r_.begin_preprocess(w, h, simd); }
  int beginDownscale(uint32_t w, uint32_t h, uint32_t ow, uint32_t oh, bool simd) {
    return r_.begin_downscale(w, h, ow, oh, simd);
  }
  uint32_t firstRow() const { return r_.first_row(); }
  uint32_t rowCount() const { return r_.row_count(); }
  int feed(uintptr_t rows, uint32_t y, uint32_t n) { return r_.feed(P(rows), y, n); }
  int finishPreprocess(uintptr_t out) {
    return r_.finish_preprocess(reinterpret_cast<float*>(out));
  }
  int finishDownscale(uintptr_t out) { return r_.finish_downscale(P(out)); }

 private:
  cl::ClipResampler r_;
};

// dims: two uint32 slots receiving the output width and height.
int clip_downscale_size(uint32_t w, uint32_t h, uint32_t max_side, uintptr_t dims) {
  auto* out = reinterpret_cast<uint32_t*>(dims);
  return cl::clip_downscale_size(w, h, max_side, &out[0], &out[1]);
}
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_clip) {
  function("clipTextBuffer", &clip_text_buffer);
  function(
      "clipTokensPtr", +[]() { return reinterpret_cast<uintptr_t>(g_tokens); });
  function("clipDownscaleSize", &clip_downscale_size);
  class_<Resampler>("ClipResampler")
      .constructor<>()
      .function("beginPreprocess", &Resampler::beginPreprocess)
      .function("beginDownscale", &Resampler::beginDownscale)
      .function("firstRow", &Resampler::firstRow)
      .function("rowCount", &Resampler::rowCount)
      .function("feed", &Resampler::feed)
      .function("finishPreprocess", &Resampler::finishPreprocess)
      .function("finishDownscale", &Resampler::finishDownscale);
  function("clipSimd", &cl::clip_simd_available);
  function("clipRelease", &cl::clip_tokenizer_release);
}
