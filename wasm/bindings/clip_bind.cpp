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
// dims: two uint32 slots receiving the output width and height.
int clip_downscale_size(uint32_t w, uint32_t h, uint32_t max_side, uintptr_t dims) {
  auto* out = reinterpret_cast<uint32_t*>(dims);
  return cl::clip_downscale_size(w, h, max_side, &out[0], &out[1]);
}
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_clip) {
  function("clipTextBuffer", &clip_text_buffer);
  function("clipTokensPtr", +[]() { return reinterpret_cast<uintptr_t>(g_tokens); });
  function("clipPreprocess", +[](uintptr_t out, uintptr_t rgba, uint32_t w, uint32_t h, bool simd) {
    return int(cl::clip_preprocess(reinterpret_cast<float*>(out), P(rgba), w, h, simd));
  });
  function("clipDownscaleSize", &clip_downscale_size);
  function("clipDownscale", +[](uintptr_t out, uint32_t ow, uint32_t oh, uintptr_t rgba, uint32_t w, uint32_t h, bool simd) {
    return int(cl::clip_downscale(P(out), ow, oh, P(rgba), w, h, simd));
  });
  function("clipSimd", &cl::clip_simd_available);
  function("clipRelease", &cl::clip_tokenizer_release);
}
