// Zeroes the stack region that deeper calls just used. libsodium leaves some results on the
// stack (e.g. blake2b_final's output buffer, used by Argon2 and crypto_kdf); calling this
// right after such a call, from the same frame, overwrites what they left there.
#pragma once

namespace cl {
void burn_stack();
// The same for the shallow one-shot calls (secretbox open, sealed-box open): cheap enough for
// 32-byte key unwraps, deep enough for crypto_secretbox_open_detached's block0, which holds the
// first 32 bytes of plaintext (the unwrapped key) and which libsodium does not wipe.
void burn_shallow_stack();
}
