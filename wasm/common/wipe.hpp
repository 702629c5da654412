// Zeroes the stack region that deeper calls just used. libsodium leaves some results on the
// stack (e.g. blake2b_final's output buffer, used by Argon2 and crypto_kdf); calling this
// right after such a call, from the same frame, overwrites what they left there.
#pragma once

namespace cl {
void burn_stack();
// The same for the shallow one-shot calls, sized to what they reach (measured in the wasm build
// by painting the stack below its top and finding the deepest write): sealed-box open's X25519
// reaches ~1.4 KiB, so it gets 4 KiB; secretbox open reaches ~0.2 KiB, so 1 KiB. Both must
// cover crypto_secretbox_open_detached's block0, which holds the first 32 bytes of plaintext
// (the unwrapped key) and which libsodium does not wipe; tests/js/memory.test.mjs fails if not.
// A 32-byte key unwrap costs ~0.6 us, and a 4 KiB wipe ~0.08 us of it.
void burn_shallow_stack();
void burn_unwrap_stack();
}  // namespace cl
