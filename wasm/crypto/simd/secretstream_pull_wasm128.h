// crypto_secretstream_xchacha20poly1305_pull with ChaCha20 and Poly1305 stitched into one
// pass over the ciphertext (see secretstream_pull_wasm128.c). wasm builds only.
#pragma once
#include "sodium/crypto_secretstream_xchacha20poly1305.h"

#ifdef __cplusplus
extern "C" {
#endif

// Same contract and same results as libsodium's pull, except that m is written before the
// tag is checked (and wiped again if the check fails). m may equal in + 1 (in place) but must
// not otherwise overlap in. Calls libsodium's own pull when cipherlens_simd_scalar_mode is set.
int cipherlens_secretstream_pull(crypto_secretstream_xchacha20poly1305_state* state,
                                 unsigned char* m, unsigned long long* mlen_p, unsigned char* tag_p,
                                 const unsigned char* in, unsigned long long inlen,
                                 const unsigned char* ad, unsigned long long adlen);

#ifdef __cplusplus
}
#endif
