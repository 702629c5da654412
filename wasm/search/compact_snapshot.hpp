// Encrypted snapshots of a CompactIndex, written and read in pieces, so that neither side ever
// holds a copy of the whole index (a million vectors is ~650 MB) and no size cap applies.
//
// The pieces are the messages of one XChaCha20-Poly1305 secretstream (libsodium's
// crypto_secretstream, key derived from the index key): piece 0 starts with the 24-byte stream
// header. Every message is tagged MESSAGE except the last, which is tagged FINAL, so the stream
// state itself detects a piece that is reordered, dropped, replayed or altered (AUTH_FAILED) and
// a snapshot cut short (TRUNCATED: no FINAL piece). Plaintext of each piece (integers
// little-endian): u8 kind, u32 piece number, then
//   1 HEADER  magic "CLCX", u32 version 1, u32 dims, u32 code bits, u32 rotated dims, u64 rows,
//             u32 page entries, u32 rows per piece, u32 records per page, 16-byte index uuid,
//             u64 rotation seed, u32 meta length, meta bytes (the caller's, e.g. a sync cursor)
//   2 PAGES   u32 first entry, u32 count, count x (u64 page name, u32 records, u32 live),
//             records = 0xffffffff for an unused entry
//   3 ROWS    u64 first row, u32 count, then count u64 file ids, count u32 record locations
//             (page entry * 32 + position), count f32 f, count f32 h, count f32 int8 scales,
//             ceil(count / 32) code blocks, count x rotated-dims int8 copies
//   4 END     u64 rows, u32 page entries, u32 pieces            (tagged FINAL)
// Everything authentic is still checked (ids distinct and in range, locations inside live pages,
// live counts, finite factors): a malformed writer gives BAD_INPUT, never a corrupt index.
#pragma once
#include <cstddef>
#include <cstdint>

#include <sodium.h>

#include "checked_array.hpp"
#include "compact_index.hpp"
#include "status.hpp"

namespace cl {

constexpr size_t kSnapshotHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
// The largest piece a reader accepts (a piece of rows is ~4 MiB at most).
constexpr size_t kMaxSnapshotPiece = 16u << 20;

class CompactSnapshotWriter {
 public:
  ~CompactSnapshotWriter();
  // `index` must outlive the writer and not change while it writes.
  Status begin(const CompactIndex& index, const uint8_t* meta, size_t meta_len);
  // Produces the next piece at data()/size(); *done is set after the last (FINAL) piece.
  Status next(bool* done);
  const uint8_t* data() const { return out_.data(); }
  size_t size() const { return out_.size(); }
  // Forgets the snapshot in progress and frees its buffers.
  void reset();

 private:
  Status emit(bool final);
  const CompactIndex* index_ = nullptr;
  crypto_secretstream_xchacha20poly1305_state state_;
  CheckedArray<uint8_t> plain_, out_, meta_;
  int phase_ = 0;
  size_t position_ = 0, pieces_ = 0, rows_per_piece_ = 0;
};

class CompactSnapshotReader {
 public:
  ~CompactSnapshotReader();
  // key: the index key (32 bytes).
  Status begin(const uint8_t key[32]);
  // One piece, in order. Any failure is final (later calls fail too).
  Status feed(const uint8_t* piece, size_t len);
  // After the FINAL piece: moves the loaded index into `target` (its old contents are wiped)
  // and its meta bytes into `meta`. kTruncated if the FINAL piece never came.
  Status finish(CompactIndex& target, CheckedArray<uint8_t>& meta);
  // Forgets the load in progress and frees (wiping) what it read.
  void reset();

 private:
  Status parse(const uint8_t* m, size_t len, bool final);
  Status parse_header(const uint8_t* p, size_t len);
  Status parse_pages(const uint8_t* p, size_t len);
  Status parse_rows(const uint8_t* p, size_t len);
  Status parse_end(const uint8_t* p, size_t len);
  uint8_t key_[32] = {0};
  crypto_secretstream_xchacha20poly1305_state state_;
  CompactIndex index_;
  CheckedArray<uint8_t> plain_, meta_;
  CheckedArray<uint32_t> live_;  // live records per page, counted from the rows
  uint64_t rows_ = 0, rows_seen_ = 0;
  uint32_t pages_ = 0, pages_seen_ = 0, rows_per_piece_ = 0;
  size_t pieces_ = 0;
  bool started_ = false, header_ = false, done_ = false, failed_ = false;
};

}  // namespace cl
