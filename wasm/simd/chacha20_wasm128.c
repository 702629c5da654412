// ChaCha20 with wasm SIMD128: four blocks at once, one block per 32-bit lane ("vertical"
// layout), then a 4x4 transpose back to byte order. Same semantics as libsodium's ref code,
// including its counter: words 12-13 form one 64-bit little-endian counter in every variant
// (the IETF variants carry a 32-bit wrap into nonce word 13, exactly as chacha20_ref.c does).
// Installed in place of libsodium's ref implementation by wasm/simd/sodium_wasm128_select.h;
// the ref implementation stays linked and is used when cipherlens_simd_scalar_mode is set.
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

#include "crypto_stream_chacha20.h"
#include "utils.h"

#include "crypto_stream/chacha20/stream_chacha20.h"  // libsodium's internal interface
#include "simd_mode.h"

extern struct crypto_stream_chacha20_implementation crypto_stream_chacha20_ref_implementation;

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);  // wasm is little-endian
  return v;
}

// Rotations by 16 and 8 as byte swizzles with the masks in variables. A constant
// i8x16.shuffle made V8 rebuild its pshufb mask from immediates at every use (4 extra
// instructions); shift/or pairs were slower still. The masks are deliberately not const so
// the compiler keeps them as swizzles (measured ~7% faster than constant shuffles).
#define ROTL(x, n) wasm_v128_or(wasm_i32x4_shl(x, n), wasm_u32x4_shr(x, 32 - (n)))
static uint8_t rot16_mask[16] = {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13};
static uint8_t rot8_mask[16] = {3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14};
#define ROTL16(x) wasm_i8x16_swizzle(x, M16)
#define ROTL8(x) wasm_i8x16_swizzle(x, M8)

// Quarter rounds one after another: interleaving four step by step measured no faster
// (V8 then spills more of the 16 state vectors).
#define QR(a, b, c, d)                                       \
  a = wasm_i32x4_add(a, b); d = ROTL16(wasm_v128_xor(d, a));    \
  c = wasm_i32x4_add(c, d); b = ROTL(wasm_v128_xor(b, c), 12);  \
  a = wasm_i32x4_add(a, b); d = ROTL8(wasm_v128_xor(d, a));     \
  c = wasm_i32x4_add(c, d); b = ROTL(wasm_v128_xor(b, c), 7)

// Transposes words a..d of four blocks (lane = block) and XORs them into 16 bytes at
// offset `off` of each of the four 64-byte blocks at m -> c.
static inline void xor4(uint8_t *c, const uint8_t *m, size_t off, v128_t a, v128_t b, v128_t cc,
                        v128_t d) {
  v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
  v128_t t1 = wasm_i32x4_shuffle(cc, d, 0, 4, 1, 5);
  v128_t t2 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
  v128_t t3 = wasm_i32x4_shuffle(cc, d, 2, 6, 3, 7);
  v128_t b0 = wasm_i64x2_shuffle(t0, t1, 0, 2);
  v128_t b1 = wasm_i64x2_shuffle(t0, t1, 1, 3);
  v128_t b2 = wasm_i64x2_shuffle(t2, t3, 0, 2);
  v128_t b3 = wasm_i64x2_shuffle(t2, t3, 1, 3);
  wasm_v128_store(c + off, wasm_v128_xor(b0, wasm_v128_load(m + off)));
  wasm_v128_store(c + 64 + off, wasm_v128_xor(b1, wasm_v128_load(m + 64 + off)));
  wasm_v128_store(c + 128 + off, wasm_v128_xor(b2, wasm_v128_load(m + 128 + off)));
  wasm_v128_store(c + 192 + off, wasm_v128_xor(b3, wasm_v128_load(m + 192 + off)));
}

// XORs 256 bytes of m with four keystream blocks starting at 64-bit counter ctr.
static void blocks4(uint8_t *c, const uint8_t *m, const uint32_t in[16], uint64_t ctr) {
  v128_t x0 = wasm_i32x4_splat(in[0]), x1 = wasm_i32x4_splat(in[1]);
  v128_t x2 = wasm_i32x4_splat(in[2]), x3 = wasm_i32x4_splat(in[3]);
  v128_t x4 = wasm_i32x4_splat(in[4]), x5 = wasm_i32x4_splat(in[5]);
  v128_t x6 = wasm_i32x4_splat(in[6]), x7 = wasm_i32x4_splat(in[7]);
  v128_t x8 = wasm_i32x4_splat(in[8]), x9 = wasm_i32x4_splat(in[9]);
  v128_t x10 = wasm_i32x4_splat(in[10]), x11 = wasm_i32x4_splat(in[11]);
  const uint64_t c1 = ctr + 1, c2 = ctr + 2, c3 = ctr + 3;
  v128_t x12 = wasm_i32x4_make((int32_t)ctr, (int32_t)c1, (int32_t)c2, (int32_t)c3);
  v128_t x13 = wasm_i32x4_make((int32_t)(ctr >> 32), (int32_t)(c1 >> 32), (int32_t)(c2 >> 32),
                               (int32_t)(c3 >> 32));
  v128_t x14 = wasm_i32x4_splat(in[14]), x15 = wasm_i32x4_splat(in[15]);
  const v128_t j12 = x12, j13 = x13;
  const v128_t M16 = wasm_v128_load(rot16_mask), M8 = wasm_v128_load(rot8_mask);
  for (int i = 0; i < 10; i++) {
    QR(x0, x4, x8, x12);
    QR(x1, x5, x9, x13);
    QR(x2, x6, x10, x14);
    QR(x3, x7, x11, x15);
    QR(x0, x5, x10, x15);
    QR(x1, x6, x11, x12);
    QR(x2, x7, x8, x13);
    QR(x3, x4, x9, x14);
  }
#define ADD(i) x##i = wasm_i32x4_add(x##i, wasm_i32x4_splat(in[i]))
  ADD(0); ADD(1); ADD(2); ADD(3); ADD(4); ADD(5); ADD(6); ADD(7);
  ADD(8); ADD(9); ADD(10); ADD(11); ADD(14); ADD(15);
#undef ADD
  x12 = wasm_i32x4_add(x12, j12);
  x13 = wasm_i32x4_add(x13, j13);
  xor4(c, m, 0, x0, x1, x2, x3);
  xor4(c, m, 16, x4, x5, x6, x7);
  xor4(c, m, 32, x8, x9, x10, x11);
  xor4(c, m, 48, x12, x13, x14, x15);
}

// in[0..11] = constants and key, in[14..15] = last nonce words; words 12-13 come from ctr.
static void xor_stream(uint8_t *c, const uint8_t *m, unsigned long long len, uint32_t in[16],
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

static void setup(uint32_t in[16], const uint8_t *k) {
  in[0] = 0x61707865;
  in[1] = 0x3320646e;
  in[2] = 0x79622d32;
  in[3] = 0x6b206574;
  for (int i = 0; i < 8; i++) in[4 + i] = load32(k + 4 * i);
}

// Original variant: 8-byte nonce, 64-bit counter in words 12-13.
static int stream_xor_ic(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                         const unsigned char *n, uint64_t ic, const unsigned char *k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_xor_ic(c, m, mlen, n, ic, k);
  if (!mlen) return 0;
  uint32_t in[16];
  setup(in, k);
  in[14] = load32(n);
  in[15] = load32(n + 4);
  xor_stream(c, m, mlen, in, ic);
  sodium_memzero(in, sizeof in);
  return 0;
}

// IETF variant: 12-byte nonce, 32-bit counter in word 12, nonce word 0 in word 13 (carried
// into like ref does).
static int stream_ietf_ext_xor_ic(unsigned char *c, const unsigned char *m,
                                  unsigned long long mlen, const unsigned char *n, uint32_t ic,
                                  const unsigned char *k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_ietf_ext_xor_ic(c, m, mlen, n, ic, k);
  if (!mlen) return 0;
  uint32_t in[16];
  setup(in, k);
  in[14] = load32(n + 4);
  in[15] = load32(n + 8);
  xor_stream(c, m, mlen, in, ((uint64_t)load32(n) << 32) | ic);
  sodium_memzero(in, sizeof in);
  return 0;
}

static int stream(unsigned char *c, unsigned long long clen, const unsigned char *n,
                  const unsigned char *k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream(c, clen, n, k);
  memset(c, 0, (size_t)clen);
  return stream_xor_ic(c, c, clen, n, 0, k);
}

static int stream_ietf_ext(unsigned char *c, unsigned long long clen, const unsigned char *n,
                           const unsigned char *k) {
  if (cipherlens_simd_scalar_mode)
    return crypto_stream_chacha20_ref_implementation.stream_ietf_ext(c, clen, n, k);
  memset(c, 0, (size_t)clen);
  return stream_ietf_ext_xor_ic(c, c, clen, n, 0, k);
}

struct crypto_stream_chacha20_implementation crypto_stream_chacha20_wasm128_implementation = {
    stream, stream_ietf_ext, stream_xor_ic, stream_ietf_ext_xor_ic};
