// Binding of the embedding index. One IndexHandle per JS index: it owns staging buffers in wasm
// memory (JS writes an embedding at inputPtr(), reads results at resultIdsPtr/ScoresPtr), so
// upserts and searches make no allocations on the JS side. File ids travel as doubles and are
// checked to be integers in 0 .. 2^53 - 1 here as well as in TS.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include <sodium.h>

#include "embedding_index.hpp"
#include "index_file.hpp"
#include "file_id.hpp"
#include "ptr.hpp"

using namespace emscripten;
using clb::bad_id;
using clb::P;
using clb::to_file_id;

namespace {

class IndexHandle {
 public:
  ~IndexHandle() {
    sodium_memzero(input_.data(), input_.size() * sizeof(float));
    clear_bytes();
  }

  int init(int dims) {
    if (dims <= 0) return cl::fail(cl::kBadInput, "index dimension must be 1..65536");
    if (cl::Status s = index_.reset(size_t(dims))) return s;
    input_.assign(size_t(dims), 0.0f);
    return cl::kOk;
  }
  int dims() const { return int(index_.dims()); }
  int size() const { return int(index_.size()); }
  // Room for one embedding (dims floats), or a batch of `n` (grown on request); 0 when the heap
  // cannot hold it (probed first: a failing std::vector allocation would abort the module).
  uintptr_t inputPtr(int n) {
    size_t need = size_t(n > 1 ? n : 1) * index_.dims();
    if (input_.size() < need) {
      void* probe = std::malloc(need * sizeof(float));
      std::free(probe);
      if (!probe) return 0;
      sodium_memzero(input_.data(), input_.size() * sizeof(float));
      std::vector<float>().swap(input_);
      input_.assign(need, 0.0f);
    }
    return reinterpret_cast<uintptr_t>(input_.data());
  }

  int upsert(double file_id) {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    return -int(index_.upsert(id, input_.data()));
  }
  // ids: n doubles; vectors at inputPtr(n). Every id and vector is checked before anything
  // changes, so a bad batch changes nothing. Returns n or -status.
  int upsertMany(uintptr_t ids_ptr, int n) {
    const double* ids = reinterpret_cast<const double*>(ids_ptr);
    std::vector<uint64_t> checked(size_t(n > 0 ? n : 0));
    for (int i = 0; i < n; i++) {
      if (!to_file_id(ids[i], &checked[i])) return bad_id();
      if (cl::Status s = index_.check_vector(input_.data() + size_t(i) * index_.dims()))
        return -int(s);
    }
    if (cl::Status s = index_.reserve(index_.size() + size_t(n))) return -int(s);
    for (int i = 0; i < n; i++) {
      if (cl::Status s = index_.upsert(checked[i], input_.data() + size_t(i) * index_.dims()))
        return -int(s);
    }
    return n;
  }
  // 1 removed, 0 absent, -status for a bad id.
  int remove(double file_id) {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    return index_.remove(id) ? 1 : 0;
  }
  // Copies the stored vector to inputPtr(); 1 found, 0 absent, -status.
  int get(double file_id) {
    uint64_t id;
    if (!to_file_id(file_id, &id)) return bad_id();
    const float* v = index_.get(id);
    if (!v) return 0;
    std::copy(v, v + index_.dims(), input_.data());
    return 1;
  }
  // Every id into the result buffer; returns the count.
  int ids() {
    res_ids_.resize(index_.size());
    for (size_t r = 0; r < index_.size(); r++) res_ids_[r] = double(index_.id_at(r));
    return int(res_ids_.size());
  }

  // Query at inputPtr(). Returns the hit count or -status.
  int search(int limit, float min_score, bool quantized, int candidates) {
    cl::SearchOptions opt;
    opt.limit = size_t(limit > 0 ? limit : 0);
    opt.min_score = min_score;
    opt.quantized = quantized;
    opt.candidates = size_t(candidates > 0 ? candidates : 0);
    if (cl::Status s = index_.search(input_.data(), opt, hits_)) return -int(s);
    res_ids_.resize(hits_.size());
    res_scores_.resize(hits_.size());
    for (size_t i = 0; i < hits_.size(); i++) {
      res_ids_[i] = double(hits_[i].id);
      res_scores_[i] = hits_[i].score;
    }
    return int(hits_.size());
  }
  uintptr_t resultIdsPtr() const { return reinterpret_cast<uintptr_t>(res_ids_.data()); }
  uintptr_t resultScoresPtr() const { return reinterpret_cast<uintptr_t>(res_scores_.data()); }

  // Saved bytes land in the byte buffer: length or -status.
  int save(uintptr_t key) {
    clear_bytes();
    if (cl::Status s = cl::index_save(index_, P(key), bytes_)) return -int(s);
    return int(bytes_.size());
  }
  uintptr_t bytesPtr() const { return reinterpret_cast<uintptr_t>(bytes_.data()); }
  void clearBytes() { clear_bytes(); }

  // Replaces the contents only on success.
  int load(uintptr_t data, size_t len, uintptr_t key) {
    if (cl::Status s = cl::index_load(index_, P(data), len, P(key))) return s;
    sodium_memzero(input_.data(), input_.size() * sizeof(float));
    input_.assign(index_.dims(), 0.0f);
    return cl::kOk;
  }

 private:
  void clear_bytes() {
    sodium_memzero(bytes_.data(), bytes_.size());
    bytes_.clear();
  }

  cl::EmbeddingIndex index_;
  std::vector<float> input_;
  std::vector<cl::Hit> hits_;
  std::vector<double> res_ids_;
  std::vector<float> res_scores_;
  std::vector<uint8_t> bytes_;
};
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_index) {
  class_<IndexHandle>("EmbeddingIndex")
      .constructor<>()
      .function("init", &IndexHandle::init)
      .function("dims", &IndexHandle::dims)
      .function("size", &IndexHandle::size)
      .function("inputPtr", &IndexHandle::inputPtr)
      .function("upsert", &IndexHandle::upsert)
      .function("upsertMany", &IndexHandle::upsertMany)
      .function("remove", &IndexHandle::remove)
      .function("get", &IndexHandle::get)
      .function("ids", &IndexHandle::ids)
      .function("search", &IndexHandle::search)
      .function("resultIdsPtr", &IndexHandle::resultIdsPtr)
      .function("resultScoresPtr", &IndexHandle::resultScoresPtr)
      .function("save", &IndexHandle::save)
      .function("bytesPtr", &IndexHandle::bytesPtr)
      .function("clearBytes", &IndexHandle::clearBytes)
      .function("load", &IndexHandle::load);
}
