// crypto_pwhash runs Argon2 with flags 0, so libsodium frees its arena without clearing it. A
// native process gets fresh pages from the OS next time, but wasm memory is never given back:
// the freed arena would keep every block, including the last one, which hashes to the derived
// key, and the first two, which let an attacker test password guesses without the memory cost.
// argon2-core.c is compiled with finalize renamed (sodium.cmake); this is the finalize that
// argon2.c calls, and it always asks for the arena to be cleared before it is freed.
#include "crypto_pwhash/argon2/argon2-core.h"
#include "crypto_pwhash/argon2/argon2.h"

void cipherlens_argon2_finalize_unwiped(const argon2_context* context, argon2_instance_t* instance);

void finalize(const argon2_context* context, argon2_instance_t* instance) {
  if (context == NULL) {
    cipherlens_argon2_finalize_unwiped(context, instance);
    return;
  }
  argon2_context clearing = *context;  // pointers and parameters only, no secret bytes
  clearing.flags |= ARGON2_FLAG_CLEAR_MEMORY;
  cipherlens_argon2_finalize_unwiped(&clearing, instance);
}
