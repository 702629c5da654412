// The CLIP tokenizer on arbitrary UTF-16 (lone surrogates, entities, any code unit) or on ASCII.
// Properties: the 77 ids are [start] + the text's first 75 tokens + [end] + zeros, every id in
// the vocabulary; a shorter limit gives a prefix; plain ASCII gives the same tokens through the
// fast path as through the general path (forced by a trailing ideographic space, which
// normalisation trims); the word cache changes nothing (tokens are the same after the tables
// are released); the two BPE algorithms agree on any word.
#include <algorithm>
#include <string>

#include "clip_tokenizer.hpp"
#include "fuzz_support.hpp"

using namespace cl;

namespace {
constexpr size_t kMaxBpeWord = 256;  // bpe_scan is quadratic
constexpr char16_t kIdeographicSpace = u'\u3000';

std::vector<int32_t> encode(const std::u16string& text, size_t max_tokens) {
  std::vector<int32_t> out;
  FUZZ_CHECK(clip_encode(out, text.data(), text.size(), max_tokens) == kOk);
  FUZZ_CHECK(out.size() <= max_tokens);
  for (int32_t id : out) FUZZ_CHECK(id >= 0 && id <= kClipEndToken);
  return out;
}

bool plain_ascii(const std::u16string& t) {
  return std::all_of(t.begin(), t.end(), [](char16_t c) { return c < 0x80 && c != u'&'; });
}
}  // namespace

FUZZ_INIT()

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t mode = in.byte();
  const size_t limit = in.byte() % (kClipContextLength - 2);
  const std::vector<uint8_t> rest = in.rest();
  std::u16string text;
  if (mode & 1) {
    for (uint8_t b : rest) text += char16_t(b & 0x7f);
  } else {
    for (size_t i = 0; i + 1 < rest.size(); i += 2) text += char16_t(rest[i] | rest[i + 1] << 8);
  }

  const std::vector<int32_t> tokens = encode(text, kClipContextLength - 2);
  int32_t ids[kClipContextLength];
  FUZZ_CHECK(clip_tokenize(ids, text.data(), text.size()) == kOk);
  FUZZ_CHECK(ids[0] == kClipStartToken);
  FUZZ_CHECK(std::equal(tokens.begin(), tokens.end(), ids + 1));
  FUZZ_CHECK(ids[tokens.size() + 1] == kClipEndToken);
  FUZZ_CHECK(std::all_of(ids + tokens.size() + 2, ids + kClipContextLength,
                         [](int32_t id) { return id == 0; }));

  const std::vector<int32_t> shorter = encode(text, limit);
  FUZZ_CHECK(std::equal(shorter.begin(), shorter.end(), tokens.begin()));

  if (plain_ascii(text))
    FUZZ_CHECK(encode(text + kIdeographicSpace, kClipContextLength - 2) == tokens);

  if ((mode & 0x70) == 0x70) {  // rarely: reloading the tables is the slow part
    clip_tokenizer_release();
    FUZZ_CHECK(encode(text, kClipContextLength - 2) == tokens);
  }

  const std::string word(rest.begin(), rest.begin() + std::min(rest.size(), kMaxBpeWord));
  if (!word.empty()) {
    std::vector<int32_t> scan, heap;
    FUZZ_CHECK(clip_bpe_for_test(scan, word, false) == kOk);
    FUZZ_CHECK(clip_bpe_for_test(heap, word, true) == kOk);
    FUZZ_CHECK(scan == heap);
  }
  return 0;
}
