#include "compact_snapshot.hpp"

#include <cmath>
#include <cstring>

namespace cl {
namespace {

constexpr uint8_t kMagic[4] = {'C', 'L', 'C', 'X'};
constexpr uint32_t kVersion = 1;
constexpr uint8_t kHeader = 1, kPages = 2, kRows = 3, kEnd = 4;
constexpr size_t kPagesPerPiece = 65536;
constexpr uint32_t kFreeEntry = 0xffffffffu;
constexpr size_t kPieceTarget = 4u << 20;

// Appends little-endian values to a buffer sized beforehand.
struct Out {
  uint8_t* p;
  void u8(uint8_t x) { *p++ = x; }
  void u32(uint32_t x) {
    for (int i = 0; i < 4; i++) *p++ = uint8_t(x >> (8 * i));
  }
  void u64(uint64_t x) {
    for (int i = 0; i < 8; i++) *p++ = uint8_t(x >> (8 * i));
  }
  void bytes(const void* b, size_t n) {
    if (n) std::memcpy(p, b, n);
    p += n;
  }
};

// Reads little-endian values, refusing to pass the end.
struct In {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;
  bool need(size_t n) {
    if (size_t(end - p) < n) ok = false;
    return ok;
  }
  uint8_t u8() { return need(1) ? *p++ : 0; }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) x |= uint32_t(*p++) << (8 * i);
    return x;
  }
  uint64_t u64() {
    if (!need(8)) return 0;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x |= uint64_t(*p++) << (8 * i);
    return x;
  }
  const uint8_t* bytes(size_t n) {
    if (!need(n)) return nullptr;
    const uint8_t* b = p;
    p += n;
    return b;
  }
};

size_t row_bytes(size_t rdims, int bits) {
  return 8 + 4 + 4 + 4 + 4 + rdims + compact::groups(rdims, bits) / 2;
}

// Rows per ROWS piece: about 4 MiB, a power of two between 32 and kSegmentRows.
size_t rows_per_piece(size_t rdims, int bits) {
  size_t r = kSegmentRows;
  while (r > compact::kBlock && r * row_bytes(rdims, bits) > kPieceTarget) r >>= 1;
  return r;
}

Status malformed(const char* why) { return fail(kBadInput, why); }

}  // namespace

// ---- writer

CompactSnapshotWriter::~CompactSnapshotWriter() { sodium_memzero(&state_, sizeof state_); }

void CompactSnapshotWriter::reset() {
  sodium_memzero(&state_, sizeof state_);
  plain_.release();
  out_.release();
  meta_.release();
  index_ = nullptr;
  phase_ = 0;
  position_ = pieces_ = rows_per_piece_ = 0;
}

Status CompactSnapshotWriter::begin(const CompactIndex& index, const uint8_t* meta,
                                    size_t meta_len) {
  reset();
  if (meta_len > (1u << 20)) return fail(kBadInput, "snapshot meta is limited to 1 MiB");
  if (Status s = meta_.resize(meta_len)) return s;
  if (meta_len) std::memcpy(meta_.data(), meta, meta_len);
  index_ = &index;
  phase_ = 0;
  position_ = pieces_ = 0;
  rows_per_piece_ = rows_per_piece(index.rdims(), index.bits());
  return kOk;
}

Status CompactSnapshotWriter::emit(bool final) {
  const size_t header = pieces_ == 0 ? kSnapshotHeaderBytes : 0;
  const size_t clen = plain_.size() + crypto_secretstream_xchacha20poly1305_ABYTES;
  out_.clear();
  if (Status s = out_.resize(header + clen)) return s;
  if (pieces_ == 0)
    crypto_secretstream_xchacha20poly1305_init_push(&state_, out_.data(), index_->snapshot_key());
  unsigned long long written = 0;
  crypto_secretstream_xchacha20poly1305_push(
      &state_, out_.data() + header, &written, nonnull(plain_.data()), plain_.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  plain_.clear();
  pieces_++;
  return kOk;
}

Status CompactSnapshotWriter::next(bool* done) {
  *done = false;
  const CompactIndex& x = *index_;
  const size_t rd = x.rdims(), n = x.size();
  plain_.clear();
  if (phase_ == 0) {
    if (Status s = plain_.resize(5 + 4 + 4 * 4 + 8 + 4 * 3 + 16 + 8 + 4 + meta_.size())) return s;
    Out o{plain_.data()};
    o.u8(kHeader);
    o.u32(uint32_t(pieces_));
    o.bytes(kMagic, 4);
    o.u32(kVersion);
    o.u32(uint32_t(x.dims()));
    o.u32(uint32_t(x.bits()));
    o.u32(uint32_t(rd));
    o.u64(n);
    o.u32(uint32_t(x.page_count()));
    o.u32(uint32_t(rows_per_piece_));
    o.u32(uint32_t(kPageRecords));
    o.bytes(x.uuid_, 16);
    o.u64(x.rot_.seed());
    o.u32(uint32_t(meta_.size()));
    o.bytes(meta_.data(), meta_.size());
    phase_ = 1;
    return emit(false);
  }
  if (phase_ == 1) {
    if (position_ < x.page_count()) {
      const size_t count = std::min(kPagesPerPiece, x.page_count() - position_);
      if (Status s = plain_.resize(5 + 8 + 16 * count)) return s;
      Out o{plain_.data()};
      o.u8(kPages);
      o.u32(uint32_t(pieces_));
      o.u32(uint32_t(position_));
      o.u32(uint32_t(count));
      for (size_t i = position_; i < position_ + count; i++) {
        const PageEntry& e = x.page(uint32_t(i));
        // A page nothing refers to is written as unused: it is deleted once this snapshot is
        // stored.
        const bool unused = e.free || e.live == 0;
        o.u64(unused ? 0 : e.name);
        o.u32(unused ? kFreeEntry : e.records);
        o.u32(unused ? 0 : e.live);
      }
      position_ += count;
      return emit(false);
    }
    phase_ = 2;
    position_ = 0;
  }
  if (phase_ == 2) {
    if (position_ < n) {
      const size_t count = std::min(rows_per_piece_, n - position_);
      const size_t blocks = (count + compact::kBlock - 1) / compact::kBlock;
      const size_t bb = compact::block_bytes(rd, x.bits());
      if (Status s = plain_.resize(5 + 12 + count * (8 + 4 * 4 + rd) + blocks * bb)) return s;
      Out o{plain_.data()};
      o.u8(kRows);
      o.u32(uint32_t(pieces_));
      o.u64(position_);
      o.u32(uint32_t(count));
      // Pieces start on segment block boundaries (rows_per_piece_ divides kSegmentRows), so each
      // array below is contiguous in the segment.
      const CompactIndex::RowRef r = x.row(position_);
      o.bytes(r.id, 8 * count);
      o.bytes(r.loc, 4 * count);
      o.bytes(r.f, 4 * count);
      o.bytes(r.h, 4 * count);
      o.bytes(r.scale, 4 * count);
      o.bytes(r.block, blocks * bb);
      o.bytes(r.q8, count * rd);
      position_ += count;
      return emit(false);
    }
    phase_ = 3;
  }
  if (phase_ == 3) {
    if (Status s = plain_.resize(5 + 16)) return s;
    Out o{plain_.data()};
    o.u8(kEnd);
    o.u32(uint32_t(pieces_));
    o.u64(n);
    o.u32(uint32_t(x.page_count()));
    o.u32(uint32_t(pieces_ + 1));
    phase_ = 4;
    *done = true;
    return emit(true);
  }
  return fail(kBadInput, "snapshot already written");
}

// ---- reader

CompactSnapshotReader::~CompactSnapshotReader() {
  sodium_memzero(key_, sizeof key_);
  sodium_memzero(&state_, sizeof state_);
}

void CompactSnapshotReader::reset() {
  sodium_memzero(key_, sizeof key_);
  sodium_memzero(&state_, sizeof state_);
  CompactIndex empty;
  index_.swap(empty);  // the partly loaded index is wiped as `empty` goes away
  plain_.release();
  meta_.release();
  live_.release();
  rows_ = rows_seen_ = 0;
  pages_ = pages_seen_ = rows_per_piece_ = 0;
  pieces_ = 0;
  started_ = header_ = done_ = failed_ = false;
}

Status CompactSnapshotReader::begin(const uint8_t key[32]) {
  reset();
  std::memcpy(key_, key, 32);
  return kOk;
}

Status CompactSnapshotReader::feed(const uint8_t* piece, size_t len) {
  if (failed_) return fail(kBadInput, "the snapshot already failed to load");
  if (done_) {
    failed_ = true;
    return fail(kBadInput, "a snapshot piece after the final one");
  }
  Status st = kOk;
  size_t off = 0;
  if (!started_) {
    if (len < kSnapshotHeaderBytes) {
      failed_ = true;
      return fail(kTruncated, "the first snapshot piece ends inside the stream header");
    }
    // The snapshot key is derived the way CompactIndex::create derives it.
    uint8_t skey[32];
    crypto_kdf_derive_from_key(skey, 32, 2, "clcompct", key_);
    const int r = crypto_secretstream_xchacha20poly1305_init_pull(&state_, piece, skey);
    sodium_memzero(skey, sizeof skey);
    if (r != 0) {
      failed_ = true;
      return fail(kBadInput, "snapshot stream header is invalid");
    }
    started_ = true;
    off = kSnapshotHeaderBytes;
  }
  const size_t clen = len - off;
  if (clen < crypto_secretstream_xchacha20poly1305_ABYTES) {
    failed_ = true;
    return fail(kTruncated, "a snapshot piece is shorter than its authentication tag");
  }
  if (clen > kMaxSnapshotPiece) {
    failed_ = true;
    return fail(kBadInput, "a snapshot piece is larger than any writer makes");
  }
  plain_.clear();
  if ((st = plain_.resize(clen - crypto_secretstream_xchacha20poly1305_ABYTES))) {
    failed_ = true;
    return st;
  }
  unsigned long long mlen = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&state_, nonnull(plain_.data()), &mlen, &tag,
                                                 piece + off, clen, nullptr, 0) != 0) {
    failed_ = true;
    return fail(kAuthFailed,
                "a snapshot piece failed authentication (wrong key, changed, "
                "reordered, dropped or replayed)",
                long(pieces_));
  }
  const bool final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE && !final) {
    failed_ = true;
    return malformed("a snapshot piece has an unexpected tag");
  }
  st = parse(plain_.data(), size_t(mlen), final);
  plain_.clear();
  if (st) {
    failed_ = true;
    return st;
  }
  pieces_++;
  if (final) done_ = true;
  return kOk;
}

Status CompactSnapshotReader::parse(const uint8_t* m, size_t len, bool final) {
  In in{m, m + len};
  const uint8_t kind = in.u8();
  const uint32_t number = in.u32();
  if (!in.ok) return malformed("a snapshot piece is too short");
  if (number != pieces_) return malformed("a snapshot piece has the wrong number");
  if (!header_ && kind != kHeader) return malformed("the snapshot does not start with its header");
  if ((kind == kEnd) != final) return malformed("only the last snapshot piece may end it");
  switch (kind) {
    case kHeader:
      if (header_) return malformed("a second snapshot header");
      return parse_header(in.p, size_t(in.end - in.p));
    case kPages:
      return parse_pages(in.p, size_t(in.end - in.p));
    case kRows:
      return parse_rows(in.p, size_t(in.end - in.p));
    case kEnd:
      return parse_end(in.p, size_t(in.end - in.p));
    default:
      return malformed("a snapshot piece of unknown kind");
  }
}

Status CompactSnapshotReader::parse_header(const uint8_t* p, size_t len) {
  In in{p, p + len};
  const uint8_t* magic = in.bytes(4);
  const uint32_t version = in.u32(), dims = in.u32(), bits = in.u32(), rdims = in.u32();
  const uint64_t rows = in.u64();
  const uint32_t pages = in.u32(), per_piece = in.u32(), records = in.u32();
  const uint8_t* uuid = in.bytes(16);
  const uint64_t seed = in.u64();
  const uint32_t meta_len = in.u32();
  const uint8_t* meta = in.bytes(meta_len);
  if (!in.ok || in.p != in.end) return malformed("the snapshot header has the wrong length");
  if (std::memcmp(magic, kMagic, 4) != 0) return malformed("not a compact index snapshot");
  if (version != kVersion) return malformed("unsupported compact index snapshot version");
  if (dims == 0 || dims > kMaxDims || (bits != 1 && bits != 2) ||
      rdims != compact::rotated_dims(dims) || records != kPageRecords ||
      per_piece != rows_per_piece(rdims, int(bits)))
    return malformed("the snapshot header is inconsistent");
  if (rows > uint64_t(pages) * kPageRecords || rows >= kNoSlot)
    return malformed("the snapshot declares more rows than its pages hold");
  if (Status s = index_.create(dims, int(bits), key_, uuid, &seed)) return s;
  // Room for the declared rows up front: a snapshot too big for this heap fails here, before
  // anything else is allocated for it.
  if (Status s = index_.ensure_rows(size_t(rows))) return s;
  if (Status s = index_.ensure_map(size_t(rows))) return s;
  if (Status s = index_.pages_.reserve_exact(pages)) return s;
  if (Status s = index_.free_pages_.reserve_exact(pages)) return s;
  if (Status s = index_.deletable_.reserve_exact(pages)) return s;
  if (Status s = index_.waiting_.reserve_exact(pages)) return s;
  if (Status s = live_.resize(pages)) return s;
  if (Status s = meta_.resize(meta_len)) return s;
  if (meta_len) std::memcpy(meta_.data(), meta, meta_len);
  rows_ = rows;
  pages_ = pages;
  rows_per_piece_ = per_piece;
  header_ = true;
  return kOk;
}

Status CompactSnapshotReader::parse_pages(const uint8_t* p, size_t len) {
  In in{p, p + len};
  const uint32_t first = in.u32(), count = in.u32();
  if (!in.ok || first != pages_seen_ || count == 0 || count > pages_ - pages_seen_ ||
      len != 8 + size_t(count) * 16)
    return malformed("a snapshot page table piece is inconsistent");
  if (rows_seen_ != 0) return malformed("snapshot page table after rows");
  for (uint32_t i = 0; i < count; i++) {
    PageEntry e{};
    e.name = in.u64();
    const uint32_t records = in.u32(), live = in.u32();
    if (records == kFreeEntry) {
      if (live != 0 || e.name != 0) return malformed("an unused page entry has contents");
      e.free = 1;
    } else {
      if (records == 0 || records > kPageRecords || live == 0 || live > records)
        return malformed("a snapshot page entry is out of range");
      e.records = records;
      e.live = live;
      e.in_snapshot = 1;
    }
    index_.pages_.push_back(e);  // reserved
    if (e.free) index_.free_pages_.push_back(first + i);
  }
  pages_seen_ += count;
  return kOk;
}

Status CompactSnapshotReader::parse_rows(const uint8_t* p, size_t len) {
  In in{p, p + len};
  const uint64_t first = in.u64();
  const uint32_t count = in.u32();
  const size_t rd = index_.rdims();
  const size_t bb = compact::block_bytes(rd, index_.bits());
  if (!in.ok || pages_seen_ != pages_ || first != rows_seen_ || count == 0 ||
      count > rows_ - rows_seen_ || (count != rows_per_piece_ && first + count != rows_))
    return malformed("a snapshot rows piece is out of order or of the wrong size");
  const size_t blocks = (count + compact::kBlock - 1) / compact::kBlock;
  if (len != 12 + size_t(count) * (8 + 4 * 4 + rd) + blocks * bb)
    return malformed("a snapshot rows piece has the wrong length");
  const uint8_t* ids = in.bytes(8 * size_t(count));
  const uint8_t* locs = in.bytes(4 * size_t(count));
  const uint8_t* fs = in.bytes(4 * size_t(count));
  const uint8_t* hs = in.bytes(4 * size_t(count));
  const uint8_t* scales = in.bytes(4 * size_t(count));
  const uint8_t* codes = in.bytes(blocks * bb);
  const uint8_t* q8 = in.bytes(size_t(count) * rd);
  CompactIndex& x = index_;
  const CompactIndex::RowRef r = x.row(size_t(first));  // allocated by parse_header
  std::memcpy(r.id, ids, 8 * size_t(count));
  std::memcpy(r.loc, locs, 4 * size_t(count));
  std::memcpy(r.f, fs, 4 * size_t(count));
  std::memcpy(r.h, hs, 4 * size_t(count));
  std::memcpy(r.scale, scales, 4 * size_t(count));
  std::memcpy(r.block, codes, blocks * bb);
  std::memcpy(r.q8, q8, size_t(count) * rd);
  // Unused lanes of the last block must be empty, as a live index keeps them.
  for (size_t lane = count; lane < blocks * compact::kBlock; lane++)
    for (size_t g = 0; g < x.groups_; g++)
      if (compact::get_nibble(r.block + (blocks - 1) * bb, lane % compact::kBlock, g) != 0)
        return malformed("a snapshot code block has data past its last row");
  for (uint32_t i = 0; i < count; i++) {
    const CompactIndex::RowRef row = x.row(size_t(first) + i);
    if (*row.id > kMaxFileId) return malformed("a snapshot file id is out of range");
    if (x.find(*row.id) != kNoSlot) return malformed("a snapshot lists a file id twice");
    const uint32_t page = *row.loc / kPageRecords, record = *row.loc % kPageRecords;
    if (page >= pages_ || x.pages_[page].free || record >= x.pages_[page].records)
      return malformed("a snapshot row points outside its pages");
    if (!(std::isfinite(*row.f) && *row.f > 0 && std::isfinite(*row.h) && *row.h >= 0 &&
          std::isfinite(*row.scale) && *row.scale >= 0))
      return malformed("a snapshot row has invalid factors");
    for (size_t d = 0; d < rd; d++)
      if (row.q8[d] == -128) return malformed("a snapshot int8 copy is out of range");
    live_[page]++;
    x.n_ = size_t(first) + i + 1;
    x.map_insert(*row.id, uint32_t(size_t(first) + i));
  }
  rows_seen_ += count;
  return kOk;
}

Status CompactSnapshotReader::parse_end(const uint8_t* p, size_t len) {
  In in{p, p + len};
  const uint64_t rows = in.u64();
  const uint32_t pages = in.u32(), pieces = in.u32();
  if (!in.ok || in.p != in.end || rows != rows_ || pages != pages_ || rows_seen_ != rows_ ||
      pages_seen_ != pages_ || pieces != pieces_ + 1)
    return malformed("the snapshot ends before its declared contents");
  for (uint32_t i = 0; i < pages_; i++)
    if (!index_.pages_[i].free && index_.pages_[i].live != live_[i])
      return malformed("a snapshot page's live count disagrees with its rows");
  return kOk;
}

Status CompactSnapshotReader::finish(CompactIndex& target, CheckedArray<uint8_t>& meta) {
  if (failed_) return fail(kBadInput, "the snapshot failed to load");
  if (!done_) return fail(kTruncated, "the snapshot ends before its final piece");
  index_.choose_epoch();
  target.swap(index_);
  meta.swap(meta_);
  failed_ = true;  // used up
  return kOk;
}

}  // namespace cl
