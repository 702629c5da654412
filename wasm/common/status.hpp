// Result codes shared by every core function, and the message of the last failure.
// The core never throws: the wasm build runs without C++ exceptions.
#pragma once
#include <cstddef>

namespace cl {

enum Status : int {
  kOk = 0,
  kAuthFailed = 1,   // tampered data or wrong key
  kTruncated = 2,    // data ends before its final part
  kBadInput = 3,     // wrong length, bad encoding, unknown word, trailing data...
  kOutOfMemory = 4,  // an allocation (e.g. Argon2's memory) failed
  kClosed = 5,       // used after it was finished or disposed (a stream after its FINAL chunk)
};

// Records why the last call failed and returns `status`, so callers can `return fail(...)`.
// `chunk` names the stream chunk involved, or -1.
Status fail(Status status, const char* message, long chunk = -1);
const char* last_error_message();
long last_error_chunk();

// Initialises libsodium once; every entry point of the bindings calls it first.
Status init();

}  // namespace cl
