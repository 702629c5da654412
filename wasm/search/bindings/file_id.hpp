// File ids cross from JS as doubles: integers 0 .. 2^53 - 1 (checked in TS too).
#pragma once
#include <cmath>
#include <cstdint>

#include "embedding_index.hpp"

namespace clb {

inline bool to_file_id(double d, uint64_t* id) {
  if (!(d >= 0 && d <= double(cl::kMaxFileId)) || std::floor(d) != d) return false;
  *id = static_cast<uint64_t>(d);
  return true;
}

// -status for a bad id, as the bindings return it.
inline int bad_id() {
  return -int(cl::fail(cl::kBadInput, "file id must be an integer in 0 .. 2^53 - 1"));
}

}  // namespace clb
