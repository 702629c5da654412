// Module-level bindings: initialisation, errors, heap accounting, keys and key derivation.
#include <emscripten/bind.h>
#include <malloc.h>

#include <sodium.h>

#include "keys.hpp"
#include "ptr.hpp"
#include "status.hpp"

using namespace emscripten;
using clb::P;

namespace {
int derive_key(uintptr_t key, size_t key_len, uintptr_t pw, size_t pw_len, uintptr_t salt,
               double ops, double mem) {
  return cl::derive_key(P(key), key_len, P(pw), pw_len, P(salt), static_cast<uint64_t>(ops),
                        static_cast<uint64_t>(mem));
}

// Bytes currently allocated by malloc: lets tests prove that nothing leaks.
size_t heap_in_use() { return mallinfo().uordblks; }
}  // namespace

EMSCRIPTEN_BINDINGS(cipherlens_core) {
  function(
      "init", +[]() { return int(cl::init()); });
  function(
      "lastErrorMessage", +[]() { return std::string(cl::last_error_message()); });
  function(
      "lastErrorChunk", +[]() { return static_cast<int>(cl::last_error_chunk()); });
  function("heapInUse", &heap_in_use);
  function(
      "sodiumVersion", +[]() { return std::string(sodium_version_string()); });

  function(
      "generateKey", +[](uintptr_t key) { cl::generate_key(P(key)); });
  function(
      "randomBytes", +[](uintptr_t out, size_t len) { cl::random_bytes(P(out), len); });
  function("deriveKey", &derive_key);
  function(
      "deriveLoginSubKey",
      +[](uintptr_t out, uintptr_t kek) { cl::derive_login_subkey(P(out), P(kek)); });
}
