// Binding of the compact index (compact_index.hpp). One CompactHandle per JS index: it owns
// staging buffers in wasm memory (JS writes queries and batches at inputPtr(), sealed records at
// recordsPtr(), reads results at the result pointers), so every call passes plain numbers. Its
// buffers grow through CheckedArray: a full heap is a status (or a null pointer), never an abort.
// File ids travel as doubles and are checked to be integers in 0 .. 2^53 - 1 here too.
#include <emscripten/bind.h>

#include <cmath>

#include <sodium.h>

#include "compact_index.hpp"
#include "compact_snapshot.hpp"
#include "file_id.hpp"
#include "ptr.hpp"

using namespace emscripten;
using clb::bad_id;
using clb::P;
using clb::to_file_id;

namespace {

class CompactHandle {
 public:
  ~CompactHandle() { clear_records(); }

  int create(int dims, int bits, uintptr_t key) {
    if (dims <= 0) return cl::fail(cl::kBadInput, "index dimension must be 1..65536");
    if (cl::Status s = index_.create(size_t(dims), bits, P(key))) return s;
    return grow_input(1) ? cl::kOk : cl::kOutOfMemory;
  }
  int dims() const { return int(index_.dims()); }
  int size() const { return int(index_.size()); }
  double memoryBytes() const {
    return double(index_.memory_bytes() + input_.bytes() + records_.bytes() + cands_.bytes() +
                  hits_.bytes() + ids_.bytes() + scores_.bytes() + u32_.bytes());
  }

  // Room for n embeddings (n * dims floats); 0 when the heap is full.
  uintptr_t inputPtr(int n) {
    if (!grow_input(size_t(n > 1 ? n : 1))) return 0;
    return reinterpret_cast<uintptr_t>(input_.data());
  }
  // Room for n sealed records; 0 when the heap is full.
  uintptr_t recordsPtr(int n) {
    clear_records();
    if (records_.resize(size_t(n > 0 ? n : 0) * index_.record_bytes())) return 0;
    return reinterpret_cast<uintptr_t>(records_.data());
  }
  uintptr_t idsPtr() const { return reinterpret_cast<uintptr_t>(ids_.data()); }
  uintptr_t scoresPtr() const { return reinterpret_cast<uintptr_t>(scores_.data()); }
  uintptr_t u32Ptr() const { return reinterpret_cast<uintptr_t>(u32_.data()); }

  // ---- changes
  // ids: n doubles; vectors at inputPtr(n). Returns the number of pages to write, or -status.
  int stage(uintptr_t ids_ptr, int n) {
    const double* ids = reinterpret_cast<const double*>(ids_ptr);
    cl::CheckedArray<uint64_t> checked;
    if (cl::Status s = checked.resize(size_t(n > 0 ? n : 0))) return -int(s);
    for (int i = 0; i < n; i++)
      if (!to_file_id(ids[i], &checked[i])) return bad_id();
    if (cl::Status s = index_.stage(checked.data(), input_.data(), size_t(n))) return -int(s);
    return int(index_.staged_pages());
  }
  // Staged page i: u32Ptr() gets [name low, name high, bytes pointer, length].
  int stagedPage(int i) {
    if (i < 0 || size_t(i) >= index_.staged_pages() || !result_u32(4)) return 0;
    const uint64_t name = index_.staged_page_name(size_t(i));
    u32_[0] = uint32_t(name);
    u32_[1] = uint32_t(name >> 32);
    u32_[2] = uint32_t(reinterpret_cast<uintptr_t>(index_.staged_page_bytes(size_t(i))));
    u32_[3] = uint32_t(index_.staged_page_size(size_t(i)));
    return 1;
  }
  void commit() { index_.commit(); }
  void abortStaged() { index_.abort_staged(); }
  // 1 removed, 0 absent, -status for a bad id.
  int remove(double file_id) {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    return index_.remove(id) ? 1 : 0;
  }
  int has(double file_id) const {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    return index_.contains(id) ? 1 : 0;
  }
  // Pages that may be deleted now, as name pairs at u32Ptr(); the list is then emptied.
  int takeDeletable() {
    const auto& d = index_.deletable();
    if (!result_u32(2 * d.size())) return -int(cl::kOutOfMemory);
    for (size_t i = 0; i < d.size(); i++) {
      u32_[2 * i] = uint32_t(d[i]);
      u32_[2 * i + 1] = uint32_t(d[i] >> 32);
    }
    const int n = int(d.size());
    index_.deletable_taken();
    return n;
  }
  // Every id into idsPtr(); returns the count (or -status).
  int ids() {
    if (ids_.resize(index_.size())) return -int(cl::kOutOfMemory);
    for (size_t r = 0; r < index_.size(); r++) ids_[r] = double(index_.id_at(r));
    return int(index_.size());
  }

  // ---- reading records
  // Where id's record is: u32Ptr() gets [name low, name high, page entry, position]. 1 found,
  // 0 absent, -status.
  int locate(double file_id) {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    uint32_t page = 0, record = 0;
    if (!index_.locate(id, &page, &record)) return 0;
    if (!result_u32(4)) return -int(cl::kOutOfMemory);
    put_page(0, page);
    u32_[2] = page;
    u32_[3] = record;
    return 1;
  }
  // Opens the record at recordsPtr() as id's (page entry, position); its vector goes to
  // inputPtr(). 1, or -status (AUTH_FAILED when it is not id's authentic record).
  int openRecord(double file_id, int page, int record) {
    uint64_t id, got = 0;
    if (!to_file_id(file_id, &id)) return bad_id();
    if (records_.size() < index_.record_bytes() || page < 0 || record < 0)
      return -int(cl::fail(cl::kBadInput, "no record staged"));
    if (cl::Status s = index_.open_record(records_.data(), uint32_t(page), uint32_t(record), &got,
                                          input_.data()))
      return -int(s);
    if (got != id) return -int(cl::fail(cl::kAuthFailed, "a page record belongs to another file"));
    return 1;
  }

  // ---- search (query at inputPtr())
  // Stage one: the count of candidates, best first: ids at idsPtr(), int8 scores at scoresPtr(),
  // and 4 u32 each at u32Ptr(): [page name low, name high, page entry, position].
  int candidates(int limit, float min_score, int rerank, float epsilon, bool scan_int8) {
    cl::CompactSearchOptions opt;
    opt.limit = size_t(limit > 0 ? limit : 0);
    opt.min_score = min_score;
    opt.rerank = size_t(rerank > 0 ? rerank : 0);
    opt.epsilon = epsilon;
    opt.scan_int8 = scan_int8;
    stats_ = cl::CompactSearchStats{};
    if (cl::Status s = index_.candidates(input_.data(), opt, cands_, &stats_)) return -int(s);
    const size_t n = cands_.size();
    if (ids_.resize(n) || scores_.resize(n) || !result_u32(4 * n)) return -int(cl::kOutOfMemory);
    for (size_t i = 0; i < n; i++) {
      ids_[i] = double(cands_[i].id);
      scores_[i] = cands_[i].score;
      const uint32_t page = cands_[i].loc / cl::kPageRecords;
      put_page(4 * i, page);
      u32_[4 * i + 2] = page;
      u32_[4 * i + 3] = cands_[i].loc % cl::kPageRecords;
    }
    return int(n);
  }
  // int8 copies scored by the last candidates() call.
  int lastScored() const { return int(stats_.scored); }
  // Stage two: the first n candidates' sealed records are at recordsPtr(). Hits at idsPtr() and
  // scoresPtr(); returns their count or -status.
  int rerank(int n, int limit, float min_score) {
    const size_t count = size_t(n > 0 ? n : 0);
    if (count > cands_.size() || records_.size() < count * index_.record_bytes())
      return -int(cl::fail(cl::kBadInput, "records for the candidates are missing"));
    if (cl::Status s = index_.rerank(input_.data(), cands_.data(), count, records_.data(),
                                     size_t(limit > 0 ? limit : 0), min_score, hits_))
      return -int(s);
    if (ids_.resize(hits_.size()) || scores_.resize(hits_.size())) return -int(cl::kOutOfMemory);
    for (size_t i = 0; i < hits_.size(); i++) {
      ids_[i] = double(hits_[i].id);
      scores_[i] = hits_[i].score;
    }
    clear_records();
    return int(hits_.size());
  }
  // Without re-ranking: the first `limit` candidates scoring at least min_score (int8 scores).
  int approximate(int limit, float min_score) {
    size_t n = 0;
    while (n < cands_.size() && n < size_t(limit > 0 ? limit : 0) && cands_[n].score >= min_score)
      n++;
    if (ids_.resize(n) || scores_.resize(n)) return -int(cl::kOutOfMemory);
    for (size_t i = 0; i < n; i++) {
      ids_[i] = double(cands_[i].id);
      scores_[i] = cands_[i].score;
    }
    return int(n);
  }

  // ---- snapshots
  int saveBegin(uintptr_t meta, int len) {
    saving_ = false;
    if (cl::Status s = writer_.begin(index_, P(meta), size_t(len > 0 ? len : 0))) return s;
    saving_ = true;
    return cl::kOk;
  }
  // The next piece's length (its bytes at savePtr()); u32Ptr()[0] = 1 after the last one.
  int saveNext() {
    if (!saving_) return -int(cl::fail(cl::kBadInput, "no snapshot save in progress"));
    if (!result_u32(1)) return -int(cl::kOutOfMemory);
    bool done = false;
    if (cl::Status s = writer_.next(&done)) return -int(s);
    u32_[0] = done ? 1 : 0;
    return int(writer_.size());
  }
  uintptr_t savePtr() const { return reinterpret_cast<uintptr_t>(writer_.data()); }
  void saveEnd() {
    writer_.reset();
    saving_ = false;
  }
  // After the snapshot was stored: pages waiting for it become deletable.
  void snapshotCommitted() { index_.snapshot_committed(); }

  int loadBegin(uintptr_t key) {
    loading_ = true;
    return reader_.begin(P(key));
  }
  int loadPiece(uintptr_t piece, int len) {
    if (!loading_) return cl::fail(cl::kBadInput, "no snapshot load in progress");
    return reader_.feed(P(piece), size_t(len > 0 ? len : 0));
  }
  // Replaces the index with the loaded one; its meta bytes at metaPtr(), length returned.
  int loadFinish() {
    if (!loading_) return -int(cl::fail(cl::kBadInput, "no snapshot load in progress"));
    cl::Status s = reader_.finish(index_, meta_);
    reader_.reset();
    loading_ = false;
    if (s) return -int(s);
    if (!grow_input(1)) return -int(cl::kOutOfMemory);
    return int(meta_.size());
  }
  void loadAbort() {
    reader_.reset();
    loading_ = false;
  }
  uintptr_t metaPtr() const { return reinterpret_cast<uintptr_t>(meta_.data()); }

 private:
  bool grow_input(size_t n) {
    const size_t need = n * (index_.dims() ? index_.dims() : 1);
    if (input_.size() >= need) return true;
    input_.clear();
    return input_.resize(need) == cl::kOk;
  }
  bool result_u32(size_t n) { return u32_.size() >= n || u32_.resize(n) == cl::kOk; }
  void put_page(size_t at, uint32_t page) {
    const uint64_t name = index_.page(page).name;
    u32_[at] = uint32_t(name);
    u32_[at + 1] = uint32_t(name >> 32);
  }
  void clear_records() { records_.clear(); }

  cl::CompactIndex index_;
  cl::CheckedArray<float> input_;
  cl::CheckedArray<uint8_t> records_;
  cl::CheckedArray<cl::Candidate> cands_;
  cl::CheckedArray<cl::Hit> hits_;
  cl::CheckedArray<double> ids_;
  cl::CheckedArray<float> scores_;
  cl::CheckedArray<uint32_t> u32_;
  cl::CheckedArray<uint8_t> meta_;
  cl::CompactSearchStats stats_;
  cl::CompactSnapshotWriter writer_;
  cl::CompactSnapshotReader reader_;
  bool saving_ = false, loading_ = false;
};
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_compact_index) {
  class_<CompactHandle>("CompactIndex")
      .constructor<>()
      .function("create", &CompactHandle::create)
      .function("dims", &CompactHandle::dims)
      .function("size", &CompactHandle::size)
      .function("memoryBytes", &CompactHandle::memoryBytes)
      .function("inputPtr", &CompactHandle::inputPtr)
      .function("recordsPtr", &CompactHandle::recordsPtr)
      .function("idsPtr", &CompactHandle::idsPtr)
      .function("scoresPtr", &CompactHandle::scoresPtr)
      .function("u32Ptr", &CompactHandle::u32Ptr)
      .function("stage", &CompactHandle::stage)
      .function("stagedPage", &CompactHandle::stagedPage)
      .function("commit", &CompactHandle::commit)
      .function("abortStaged", &CompactHandle::abortStaged)
      .function("remove", &CompactHandle::remove)
      .function("has", &CompactHandle::has)
      .function("takeDeletable", &CompactHandle::takeDeletable)
      .function("ids", &CompactHandle::ids)
      .function("locate", &CompactHandle::locate)
      .function("openRecord", &CompactHandle::openRecord)
      .function("candidates", &CompactHandle::candidates)
      .function("lastScored", &CompactHandle::lastScored)
      .function("rerank", &CompactHandle::rerank)
      .function("approximate", &CompactHandle::approximate)
      .function("saveBegin", &CompactHandle::saveBegin)
      .function("saveNext", &CompactHandle::saveNext)
      .function("savePtr", &CompactHandle::savePtr)
      .function("saveEnd", &CompactHandle::saveEnd)
      .function("snapshotCommitted", &CompactHandle::snapshotCommitted)
      .function("loadBegin", &CompactHandle::loadBegin)
      .function("loadPiece", &CompactHandle::loadPiece)
      .function("loadFinish", &CompactHandle::loadFinish)
      .function("loadAbort", &CompactHandle::loadAbort)
      .function("metaPtr", &CompactHandle::metaPtr);
}
