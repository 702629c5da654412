// Force-included (-include) into the few libsodium dispatcher files that pick an
// implementation, so they pick ours without a patched line of libsodium: their
// default "ref"/"donna" implementation symbol is renamed to ours (SIMD128 for ChaCha20 and
// Argon2, scalar 26-bit pairs for Poly1305). The real
// ref implementations are still compiled from their own files under their own names, and
// ours fall back to them when cipherlens_simd_scalar_mode is set (tests).
#pragma once
#if defined(CIPHERLENS_SELECT_CHACHA20)
#define crypto_stream_chacha20_ref_implementation crypto_stream_chacha20_wasm128_implementation
#endif
#if defined(CIPHERLENS_SELECT_POLY1305)
#define crypto_onetimeauth_poly1305_donna_implementation \
  crypto_onetimeauth_poly1305_wasm_implementation
#endif
#if defined(CIPHERLENS_SELECT_ARGON2)
#define fill_segment_ref cipherlens_fill_segment_wasm128
#endif
