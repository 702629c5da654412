#include "status.hpp"

#include <sodium.h>

#include <string>

namespace cl {
namespace {
thread_local std::string g_message;
thread_local long g_chunk = -1;
}  // namespace

Status fail(Status status, const char* message, long chunk) {
  g_message = message;
  g_chunk = chunk;
  return status;
}

const char* last_error_message() { return g_message.c_str(); }
long last_error_chunk() { return g_chunk; }

Status init() {
  return sodium_init() < 0 ? fail(kOutOfMemory, "libsodium failed to initialise") : kOk;
}

}  // namespace cl
