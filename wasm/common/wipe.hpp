// Zeroes the stack region that deeper calls just used. libsodium leaves some results on the
// stack (e.g. blake2b_final's output buffer, used by Argon2 and crypto_kdf); calling this
// right after such a call, from the same frame, overwrites what they left there.
#pragma once

namespace cl {
void burn_stack();
}
