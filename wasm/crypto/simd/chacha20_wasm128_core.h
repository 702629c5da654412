// The 4-block ChaCha20 kernel shared by chacha20_wasm128.c and the stitched secretstream pull
// (secretstream_pull_wasm128.c): one block per 32-bit lane ("vertical" layout), 16 state
// vectors, then a 4x4 transpose back to byte order. Static inline so that each user gets its
// own copy with its own scheduling.
#pragma once
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

static inline uint32_t chacha_load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);  // wasm is little-endian
  return v;
}

// in[0..11] = constants and key; the caller sets in[14..15] (words 12-13 come from the counter).
static inline void chacha_setup(uint32_t in[16], const uint8_t* k) {
  in[0] = 0x61707865;
  in[1] = 0x3320646e;
  in[2] = 0x79622d32;
  in[3] = 0x6b206574;
  for (int i = 0; i < 8; i++) in[4 + i] = chacha_load32(k + 4 * i);
  in[12] = in[13] = 0;
}

// The IETF variant (12-byte nonce n): words 14-15 from the nonce; returns the 64-bit counter
// for block counter ic, with nonce word 0 as its high half (carried into like the ref code).
static inline uint64_t chacha_setup_ietf(uint32_t in[16], const uint8_t* k, const uint8_t* n,
                                         uint32_t ic) {
  chacha_setup(in, k);
  in[14] = chacha_load32(n + 4);
  in[15] = chacha_load32(n + 8);
  return ((uint64_t)chacha_load32(n) << 32) | ic;
}

// Rotations by 16 and 8 as byte swizzles with the masks in variables. A constant
// i8x16.shuffle made V8 rebuild its pshufb mask from immediates at every use (4 extra
// instructions); shift/or pairs were slower still. The masks are deliberately not const so
// the compiler keeps them as swizzles (measured ~7% faster than constant shuffles).
#define CHACHA_ROTL(x, n) wasm_v128_or(wasm_i32x4_shl(x, n), wasm_u32x4_shr(x, 32 - (n)))
static uint8_t chacha_rot16_mask[16] = {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13};
static uint8_t chacha_rot8_mask[16] = {3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14};
#define CHACHA_ROTL16(x) wasm_i8x16_swizzle(x, M16)
#define CHACHA_ROTL8(x) wasm_i8x16_swizzle(x, M8)

// Quarter rounds one after another: interleaving four step by step measured no faster
// (V8 then spills more of the 16 state vectors).
#define CHACHA_QR(a, b, c, d)               \
  a = wasm_i32x4_add(a, b);                 \
  d = CHACHA_ROTL16(wasm_v128_xor(d, a));   \
  c = wasm_i32x4_add(c, d);                 \
  b = CHACHA_ROTL(wasm_v128_xor(b, c), 12); \
  a = wasm_i32x4_add(a, b);                 \
  d = CHACHA_ROTL8(wasm_v128_xor(d, a));    \
  c = wasm_i32x4_add(c, d);                 \
  b = CHACHA_ROTL(wasm_v128_xor(b, c), 7)

#define CHACHA_COLUMN_ROUND(x)         \
  CHACHA_QR(x[0], x[4], x[8], x[12]);  \
  CHACHA_QR(x[1], x[5], x[9], x[13]);  \
  CHACHA_QR(x[2], x[6], x[10], x[14]); \
  CHACHA_QR(x[3], x[7], x[11], x[15])
#define CHACHA_DIAGONAL_ROUND(x)       \
  CHACHA_QR(x[0], x[5], x[10], x[15]); \
  CHACHA_QR(x[1], x[6], x[11], x[12]); \
  CHACHA_QR(x[2], x[7], x[8], x[13]);  \
  CHACHA_QR(x[3], x[4], x[9], x[14])

// x[] = the initial state of four blocks at 64-bit counter ctr (in[12..13] are ignored).
static inline __attribute__((always_inline)) void chacha4_init(v128_t x[16], const uint32_t in[16],
                                                               uint64_t ctr) {
  for (int i = 0; i < 16; i++) x[i] = wasm_i32x4_splat(in[i]);
  const uint64_t c1 = ctr + 1, c2 = ctr + 2, c3 = ctr + 3;
  x[12] = wasm_i32x4_make((int32_t)ctr, (int32_t)c1, (int32_t)c2, (int32_t)c3);
  x[13] = wasm_i32x4_make((int32_t)(ctr >> 32), (int32_t)(c1 >> 32), (int32_t)(c2 >> 32),
                          (int32_t)(c3 >> 32));
}

// Transposes words a..d of four blocks (lane = block) and XORs them into 16 bytes at
// offset `off` of each of the four 64-byte blocks at m -> c.
static inline __attribute__((always_inline)) void chacha4_xor4(uint8_t* c, const uint8_t* m,
                                                               size_t off, v128_t a, v128_t b,
                                                               v128_t cc, v128_t d) {
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

// Adds the initial state (rebuilt from in[] and ctr rather than kept live through the
// rounds) and XORs the four keystream blocks into 256 bytes of m -> c.
static inline __attribute__((always_inline)) void chacha4_finish_xor(uint8_t* c, const uint8_t* m,
                                                                     v128_t x[16],
                                                                     const uint32_t in[16],
                                                                     uint64_t ctr) {
  v128_t j[16];
  chacha4_init(j, in, ctr);
  for (int i = 0; i < 16; i++) x[i] = wasm_i32x4_add(x[i], j[i]);
  chacha4_xor4(c, m, 0, x[0], x[1], x[2], x[3]);
  chacha4_xor4(c, m, 16, x[4], x[5], x[6], x[7]);
  chacha4_xor4(c, m, 32, x[8], x[9], x[10], x[11]);
  chacha4_xor4(c, m, 48, x[12], x[13], x[14], x[15]);
}
