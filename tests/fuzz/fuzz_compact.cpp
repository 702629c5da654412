// The compact index's snapshot reader on authentic but arbitrary pieces: the input's plaintext
// pieces (mode 0), or an authentic snapshot of a small index whose plaintext pieces the input
// changes, cuts, drops or repeats (mode 1), encrypted as a secretstream with the index's key so
// the parser behind the authentication is what gets explored; and sealed records (mode 2).
// Properties: a load either fails with a typed status and leaves the destination as it was, or
// gives an index that is consistent (every id found at a live record position, a re-save loads
// back to the same candidates); a record opens only if authentic at its position.
// Inputs whose header declares more than a small index (rows, pages, dimensions) are skipped: the
// reader allocates what an authentic header declares (that is the point of the header).
#include <cstring>

#include "compact_index.hpp"
#include "compact_snapshot.hpp"
#include "fuzz_support.hpp"
#include "nonnull.hpp"

using namespace cl;

namespace {
const uint8_t kKey[32] = {7, 1, 2, 3};

void small_index(CompactIndex& x, size_t dims, size_t n) {
  const uint8_t uuid[16] = {9};
  const uint64_t seed = 42;
  FUZZ_CHECK(x.create(dims, 2, kKey, uuid, &seed) == kOk);
  std::vector<uint64_t> ids(n);
  std::vector<float> v(n * dims);
  for (size_t i = 0; i < n; i++) {
    ids[i] = i * 3 + 1;
    for (size_t d = 0; d < dims; d++) v[i * dims + d] = float((i * 7 + d * 13) % 11) - 5.0f + 0.5f;
  }
  FUZZ_CHECK(x.stage(ids.data(), v.data(), n) == kOk);
  x.commit();
}

// The plaintext pieces of a snapshot of x (decrypted with the index key).
std::vector<std::vector<uint8_t>> plain_pieces(const CompactIndex& x) {
  CompactSnapshotWriter w;
  FUZZ_CHECK(w.begin(x, nullptr, 0) == kOk);
  uint8_t skey[32];
  crypto_kdf_derive_from_key(skey, 32, 2, "clcompct", kKey);
  crypto_secretstream_xchacha20poly1305_state st;
  std::vector<std::vector<uint8_t>> out;
  for (bool done = false; !done;) {
    FUZZ_CHECK(w.next(&done) == kOk);
    const uint8_t* c = w.data();
    size_t len = w.size();
    if (out.empty()) {
      FUZZ_CHECK(crypto_secretstream_xchacha20poly1305_init_pull(&st, c, skey) == 0);
      c += kSnapshotHeaderBytes;
      len -= kSnapshotHeaderBytes;
    }
    std::vector<uint8_t> m(len - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    FUZZ_CHECK(crypto_secretstream_xchacha20poly1305_pull(&st, m.data(), &mlen, &tag, c, len,
                                                          nullptr, 0) == 0);
    out.push_back(m);
  }
  return out;
}

// Encrypts plaintext pieces as a snapshot stream (the last FINAL unless `open_end`).
std::vector<std::vector<uint8_t>> seal(const std::vector<std::vector<uint8_t>>& plain,
                                       bool open_end) {
  uint8_t skey[32];
  crypto_kdf_derive_from_key(skey, 32, 2, "clcompct", kKey);
  crypto_secretstream_xchacha20poly1305_state st;
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < plain.size(); i++) {
    const size_t head = i == 0 ? kSnapshotHeaderBytes : 0;
    std::vector<uint8_t> c(head + plain[i].size() + crypto_secretstream_xchacha20poly1305_ABYTES);
    if (i == 0) crypto_secretstream_xchacha20poly1305_init_push(&st, c.data(), skey);
    const bool last = i + 1 == plain.size() && !open_end;
    crypto_secretstream_xchacha20poly1305_push(
        &st, c.data() + head, nullptr, nonnull(plain[i].data()), plain[i].size(), nullptr, 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    out.push_back(c);
  }
  return out;
}

uint32_t rd32(const uint8_t* p) {
  return uint32_t(p[0]) | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24;
}

// The header of a HEADER piece declares a small index (or the piece is not a header).
bool small_enough(const std::vector<uint8_t>& piece) {
  if (piece.size() < 5 + 32 || piece[0] != 1) return true;
  const uint8_t* h = piece.data() + 5;
  const uint32_t dims = rd32(h + 8);
  const uint64_t rows = rd32(h + 20) | uint64_t(rd32(h + 24)) << 32;
  const uint32_t pages = rd32(h + 28);
  return dims <= 64 && rows <= 20000 && pages <= 4096;
}

void check_consistent(const CompactIndex& x) {
  for (size_t slot = 0; slot < x.size(); slot++) {
    uint32_t page = 0, record = 0;
    FUZZ_CHECK(x.locate(x.id_at(slot), &page, &record));
    FUZZ_CHECK(page < x.page_count() && !x.page(page).free && record < x.page(page).records);
  }
  // A re-save loads back to an index with the same answers.
  auto again = seal(plain_pieces(x), false);
  CompactSnapshotReader r;
  FUZZ_CHECK(r.begin(kKey) == kOk);
  for (auto& p : again) FUZZ_CHECK(r.feed(p.data(), p.size()) == kOk);
  CompactIndex y;
  CheckedArray<uint8_t> meta;
  FUZZ_CHECK(r.finish(y, meta) == kOk);
  FUZZ_CHECK(y.size() == x.size());
  std::vector<float> q(x.dims(), 0.25f);
  q[0] = 1;
  CompactSearchOptions opt;
  opt.limit = 5;
  CheckedArray<Candidate> a, b;
  FUZZ_CHECK(x.candidates(q.data(), opt, a) == kOk);
  FUZZ_CHECK(y.candidates(q.data(), opt, b) == kOk);
  FUZZ_CHECK(a.size() == b.size());
  for (size_t i = 0; i < a.size(); i++) FUZZ_CHECK(a[i].id == b[i].id && a[i].loc == b[i].loc);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (sodium_init() < 0) return 0;
  fuzz::Input in(data, size);
  const int mode = in.byte() % 3;
  if (mode == 2) {
    // Arbitrary bytes as a sealed record of an index's page 0, position 0..31.
    CompactIndex x;
    small_index(x, 4, 40);
    std::vector<uint8_t> rec = in.bytes(x.record_bytes());
    rec.resize(x.record_bytes(), 0);
    uint64_t id = 0;
    float v[4];
    const Status s = x.open_record(rec.data(), 0, in.byte() % 32, &id, v);
    FUZZ_CHECK(s == kAuthFailed);  // forging one would need the key
    return 0;
  }
  std::vector<std::vector<uint8_t>> plain;
  if (mode == 0) {
    while (in.left() > 0 && plain.size() < 16) plain.push_back(in.bytes(in.u16() % 4096));
  } else {
    CompactIndex x;
    const size_t dims = 1 + in.byte() % 20;
    small_index(x, dims, in.u16() % 300);
    plain = plain_pieces(x);
    for (int edits = in.byte() % 8; edits > 0 && in.left() > 0; edits--) {
      const size_t i = in.byte() % plain.size();
      switch (in.byte() % 4) {
        case 0:  // change a byte
          if (!plain[i].empty()) plain[i][in.u16() % plain[i].size()] ^= uint8_t(1 + in.byte());
          break;
        case 1:  // cut
          plain[i].resize(in.u16() % (plain[i].size() + 1));
          break;
        case 2:  // drop
          if (plain.size() > 1) plain.erase(plain.begin() + long(i));
          break;
        default:  // repeat
          plain.insert(plain.begin() + long(i), plain[i]);
      }
    }
  }
  if (plain.empty()) return 0;
  for (auto& p : plain)
    if (!small_enough(p)) return 0;
  const bool open_end = in.flag();
  auto pieces = seal(plain, open_end);

  CompactIndex dest;
  small_index(dest, 3, 10);
  const size_t before = dest.size();
  CompactSnapshotReader r;
  FUZZ_CHECK(r.begin(kKey) == kOk);
  Status s = kOk;
  for (auto& p : pieces)
    if ((s = r.feed(p.data(), p.size()))) break;
  CheckedArray<uint8_t> meta;
  if (s == kOk) s = r.finish(dest, meta);
  if (s != kOk) {
    FUZZ_CHECK(s == kBadInput || s == kTruncated || s == kOutOfMemory);
    FUZZ_CHECK(dest.size() == before && dest.dims() == 3);
    return 0;
  }
  FUZZ_CHECK(!open_end);
  check_consistent(dest);
  return 0;
}
