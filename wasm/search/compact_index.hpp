// The compact embedding index: what a million photos need in a browser tab.
//
// In wasm memory, per vector (512 dimensions): a 2-bit code (128 B) and an int8 copy (512 B) of
// the rotated vector (compact_codes.hpp), three floats, the file id and where its full-precision
// record lives: about 670 bytes, against 2.5 KB for the float32 + int8 EmbeddingIndex.
// The full-precision vectors live outside wasm memory, in encrypted pages the caller stores
// (IndexedDB, OPFS, files): each record is (file id, unit vector) sealed with
// XChaCha20-Poly1305 under a key derived from the index key, its page name and position bound
// in the associated data. A search scans the codes of every vector, scores the int8 copies of
// those whose error bound says they may still rank, and re-ranks the best few with their exact
// float vectors read back from the pages (compact_search.cpp).
//
// Pages are append-only: records are added to the current "tail" page until it holds
// kPageRecords, then a new page starts; replacing or removing a vector only marks its old record
// dead, and a page whose records are all dead is deleted (after the next snapshot, when the last
// snapshot still refers to it). Page names are 64-bit: a random 32-bit epoch per session and a
// counter, so two sessions never write the same name.
//
// Changes are staged, then committed: stage() seals the records into page bytes for the caller
// to write, commit() applies them once the pages are stored, abort() forgets them. Every
// allocation is checked (checked_array.hpp): running out of memory is kOutOfMemory, never an
// abort, and leaves the index as it was.
#pragma once
#include <cstddef>
#include <cstdint>

#include "checked_array.hpp"
#include "compact_codes.hpp"
#include "embedding_index.hpp"  // kMaxFileId, kMaxDims, Hit, ranks_before
#include "status.hpp"

namespace cl {

constexpr size_t kSegmentRows = 4096;        // rows per allocation (a multiple of compact::kBlock)
constexpr size_t kPageRecords = 32;          // records per page
constexpr size_t kRecordOverhead = 24 + 16;  // nonce + tag
constexpr size_t kPageHeaderBytes = 32;
constexpr uint32_t kNoSlot = UINT32_MAX;

struct PageEntry {
  uint64_t name;
  uint32_t records;     // sealed records in the page
  uint32_t live;        // records still referenced by a row
  uint8_t in_snapshot;  // the last committed snapshot refers to it
  uint8_t free;         // entry unused (its page was deleted)
  uint8_t pad[6];
};

// One candidate of the first search stage.
struct Candidate {
  uint64_t id;
  float score;  // int8 estimate
  uint32_t slot;
  uint32_t loc;  // page index * kPageRecords + record
};

struct CompactSearchOptions {
  size_t limit = 10;
  float min_score = -2.0f;
  size_t rerank = 0;       // candidates to re-rank exactly; 0 = limit + 16 (at least 32)
  float epsilon = 3.0f;    // error bound multiple (RaBitQ's epsilon_0)
  bool scan_int8 = false;  // benchmark alternative: score every int8 copy, no code scan
};

struct CompactSearchStats {
  size_t scored = 0;  // int8 copies scored
};

class CompactIndex {
 public:
  CompactIndex() = default;
  ~CompactIndex();
  CompactIndex(const CompactIndex&) = delete;
  CompactIndex& operator=(const CompactIndex&) = delete;
  void swap(CompactIndex& o) noexcept;

  // A new empty index. key: 32 bytes (record and snapshot keys are derived from it); uuid and
  // seed are random unless given (tests).
  Status create(size_t dims, int bits, const uint8_t key[32], const uint8_t* uuid = nullptr,
                const uint64_t* seed = nullptr);
  size_t dims() const { return dims_; }
  int bits() const { return bits_; }
  size_t rdims() const { return rot_.rdims(); }
  size_t size() const { return n_; }
  bool contains(uint64_t id) const { return find(id) != kNoSlot; }
  uint64_t id_at(size_t slot) const { return *row(slot).id; }
  // Where id's record is: page entry and position. false if absent.
  bool locate(uint64_t id, uint32_t* page, uint32_t* record) const;
  const PageEntry& page(uint32_t i) const { return pages_[i]; }
  size_t page_count() const { return pages_.size(); }
  size_t record_plain_bytes() const { return 8 + 4 * dims_; }
  size_t record_bytes() const { return record_plain_bytes() + kRecordOverhead; }
  // Bytes this index holds in wasm memory.
  size_t memory_bytes() const;

  // ---- changes
  // Stages n upserts (ids[i] <- vectors[i * dims ..]); later duplicates of an id win.
  // kBadInput for a bad id or a vector that is not finite and non-zero; kOutOfMemory; nothing
  // changes on failure. Afterwards staged_pages() pages are to be written.
  Status stage(const uint64_t* ids, const float* vectors, size_t n);
  size_t staged_pages() const { return staged_page_index_.size(); }
  uint64_t staged_page_name(size_t i) const;
  const uint8_t* staged_page_bytes(size_t i) const;
  size_t staged_page_size(size_t i) const;
  // Applies the staged upserts (cannot fail: stage() reserved everything). Pages that lost
  // their last record and that no snapshot refers to are listed in deletable().
  void commit();
  void abort_staged();
  // Removes id (true if it was there). Its page may become deletable().
  bool remove(uint64_t id);
  // Pages the caller may delete now; taken() empties the list.
  const CheckedArray<uint64_t>& deletable() const { return deletable_; }
  void deletable_taken() { deletable_.clear(); }

  // ---- search (compact_search.cpp)
  // Stage one: the best candidates by int8 score, best first.
  Status candidates(const float* q, const CompactSearchOptions& opt, CheckedArray<Candidate>& out,
                    CompactSearchStats* stats = nullptr) const;
  // Stage two: exact scores of n candidates from their sealed records (record_bytes() each, in
  // candidate order); the best `limit` scoring at least min_score, best first.
  Status rerank(const float* q, const Candidate* cands, size_t n, const uint8_t* sealed,
                size_t limit, float min_score, CheckedArray<Hit>& out) const;
  // Opens a sealed record (record_bytes()) of page `page`, position `record`: its id and unit
  // vector (dims floats). kAuthFailed if it is not authentic there.
  Status open_record(const uint8_t* sealed, uint32_t page, uint32_t record, uint64_t* id,
                     float* vector) const;
  // ---- snapshot (compact_snapshot.cpp): see there for the format
  friend class CompactSnapshotWriter;
  friend class CompactSnapshotReader;
  const uint8_t* snapshot_key() const { return snapshot_key_; }
  // After a snapshot was stored: every page is in it; pages that waited for it become
  // deletable().
  void snapshot_committed();

  // Row storage (also used by the snapshot reader and tests).
  struct RowRef {
    uint64_t* id;
    uint32_t* loc;
    float* f;  // compact::VectorFactors, kept as two arrays for the SIMD bound check
    float* h;
    float* scale;
    int8_t* q8;
    uint8_t* block;  // the row's code block (32 rows share it)
    size_t lane;
  };
  RowRef row(size_t slot) const;

 private:
  struct Segment {
    uint8_t* base = nullptr;
    size_t bytes = 0;
  };
  size_t segment_bytes() const;
  Status add_segment();
  void drop_last_segment();
  Status ensure_rows(size_t n);

  uint32_t find(uint64_t id) const;
  Status ensure_map(size_t n);
  void map_insert(uint64_t id, uint32_t slot);
  void map_erase(uint64_t id);
  void map_set(uint64_t id, uint32_t slot);

  Status new_page_entry(uint64_t name, uint32_t* index);
  uint64_t next_page_name();
  void record_dead(uint32_t loc);
  void page_emptied(uint32_t page);
  void copy_row(size_t dst, size_t src);
  Status seal_record(uint8_t* out, uint64_t page_name, uint32_t record, uint64_t id,
                     const float* v) const;
  void choose_epoch();

  size_t dims_ = 0, n_ = 0, groups_ = 0;
  int bits_ = 2;
  compact::Rotation rot_;
  uint8_t uuid_[16] = {0};
  uint8_t record_key_[32] = {0}, snapshot_key_[32] = {0};
  CheckedArray<Segment> segments_;
  CheckedArray<uint32_t> map_;  // open addressing, linear probing: slot or kNoSlot
  CheckedArray<PageEntry> pages_;
  CheckedArray<uint32_t> free_pages_;
  CheckedArray<uint64_t> deletable_;
  CheckedArray<uint32_t> waiting_;  // emptied pages the last snapshot still refers to
  uint32_t tail_ = kNoSlot;         // page entry being filled
  CheckedArray<uint8_t> tail_bytes_;
  uint32_t epoch_ = 0, counter_ = 0;

  // staged upserts
  struct Staged {
    uint64_t id;
    uint32_t loc;
    float scale;
    compact::VectorFactors factors;
  };
  CheckedArray<Staged> staged_;
  CheckedArray<uint8_t> staged_codes_;        // groups_ nibbles per staged row
  CheckedArray<int8_t> staged_q8_;            // rdims per staged row
  CheckedArray<uint8_t> staged_bytes_;        // the staged pages, one after another
  CheckedArray<size_t> staged_offsets_;       // start of each staged page, then the end
  CheckedArray<uint32_t> staged_page_index_;  // page entry of each staged page
  CheckedArray<uint32_t> staged_new_pages_;   // entries created by stage(), freed by abort
  CheckedArray<uint32_t> staged_records_;     // records in each staged page
};

}  // namespace cl
