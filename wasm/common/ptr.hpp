// Bindings pass byte buffers as heap addresses (numbers) so JS copies straight into wasm
// memory with no intermediate objects; lengths travel beside them.
#pragma once
#include <cstdint>

namespace clb {
inline uint8_t* P(uintptr_t p) { return reinterpret_cast<uint8_t*>(p); }
// Functions that return a length or an error encode errors as -status.
inline int len_or_error(int status, int len) { return status ? -status : len; }
}  // namespace clb
