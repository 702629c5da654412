// Binding of Ente's file hash (BLAKE2b-512), incremental so large files hash in pieces.
#include <emscripten/bind.h>

#include "file_hash.hpp"
#include "ptr.hpp"

using namespace emscripten;
using clb::P;

namespace {
class Hasher {
 public:
  void update(uintptr_t data, size_t len) { h_.update(P(data), len); }
  void finish(uintptr_t out) { h_.finish(P(out)); }

 private:
  cl::FileHasher h_;
};
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_hash) {
  class_<Hasher>("FileHasher")
      .constructor<>()
      .function("update", &Hasher::update)
      .function("finish", &Hasher::finish);
}
