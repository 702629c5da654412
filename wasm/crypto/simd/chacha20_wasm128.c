// ChaCha20 with wasm SIMD128: four blocks at once (the kernel is in chacha20_wasm128_core.h).
// Same semantics as libsodium's ref code, including its counter: words 12-13 form one 64-bit
// little-endian counter in every variant (the IETF variants carry a 32-bit wrap into nonce word 13,
// exactly as chacha20_ref.c does). Installed in place of libsodium's ref implementation by
// wasm/crypto/simd/sodium_wasm128_select.h; the ref implementation stays linked and is used when
// cipherlens_simd_scalar_mode is set.
#include <stdint.h>
#include <string.h>

#include "crypto_stream_chacha20.h"
#include "utils.h"

#include "crypto_stream/chacha20/stream_chacha20.h"  // libsodium's internal interface
#include "chacha20_wasm128_core.h"
#include "simd_mode.h"

extern struct crypto_stream_chacha20_implementation crypto_stream_chacha20_ref_implementation;

// XORs 256 bytes of m with four keystream blocks starting at 64-bit counter ctr.
static void blocks4(uint8_t* c, const uint8_t* m, const uint32_t in[16], uint64_t ctr) {
  v128_t x[16];
  chacha4_init(x, in, ctr);
  const v128_t M16 = wasm_v128_load(chacha_rot16_mask), M8 = wasm_v128_load(chacha_rot8_mask);
  for (int i = 0; i < 10; i++) {
    CHACHA_COLUMN_ROUND(x);
    CHACHA_DIAGONAL_ROUND(x);
  }
  chacha4_finish_xor(c, m, x, in, ctr);
}

// in[0..11] = constants and key, in[14..15] = last nonce words; words 12-13 come from ctr.
static void xor_stream(uint8_t* c, const uint8_t* m, unsigned long long len, uint32_t in[16],
                       uint64_t ctr) {
  while (len >= 256) {
    blocks4(c, m, in, ctr);
    ctr += 4;
    c += 256;
    m += 256;
    len -= 256;
  }
  if (len > 0) {
    uint8_t buf[256];
    memset(buf, 0, sizeof buf);
    memcpy(buf, m, (size_t)len);
    blocks4(buf, buf, in, ctr);
    memcpy(c, buf, (size_t)len);
    sodium_memzero(buf, sizeof buf);
  }
}

// Original variant: 8-byte nonce, 64-bit counter in words 12-13.
static int stream_xor_ic(unsigned char* c, const unsigned char* m, unsigned long long mlen,
                         const unsigned char* n, uint64_t ic, const unsigned char* k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_xor_ic(c, m, mlen, n, ic, k);
  if (!mlen) return 0;
  uint32_t in[16];
  chacha_setup(in, k);
  in[14] = chacha_load32(n);
  in[15] = chacha_load32(n + 4);
  xor_stream(c, m, mlen, in, ic);
  sodium_memzero(in, sizeof in);
  return 0;
}

// IETF variant: 12-byte nonce, 32-bit counter in word 12, nonce word 0 in word 13 (carried
// into like ref does).
static int stream_ietf_ext_xor_ic(unsigned char* c, const unsigned char* m, unsigned long long mlen,
                                  const unsigned char* n, uint32_t ic, const unsigned char* k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_ietf_ext_xor_ic(c, m, mlen, n, ic, k);
  if (!mlen) return 0;
  uint32_t in[16];
  const uint64_t ctr = chacha_setup_ietf(in, k, n, ic);
  xor_stream(c, m, mlen, in, ctr);
  sodium_memzero(in, sizeof in);
  return 0;
}

static int stream(unsigned char* c, unsigned long long clen, const unsigned char* n,
                  const unsigned char* k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream(c, clen, n, k);
  memset(c, 0, (size_t)clen);
  return stream_xor_ic(c, c, clen, n, 0, k);
}

static int stream_ietf_ext(unsigned char* c, unsigned long long clen, const unsigned char* n,
                           const unsigned char* k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_ietf_ext(c, clen, n, k);
  memset(c, 0, (size_t)clen);
  return stream_ietf_ext_xor_ic(c, c, clen, n, 0, k);
}

struct crypto_stream_chacha20_implementation crypto_stream_chacha20_wasm128_implementation = {
    stream, stream_ietf_ext, stream_xor_ic, stream_ietf_ext_xor_ic};
