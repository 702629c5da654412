// Poly1305 for wasm: 26-bit limbs (wasm has 64-bit multiplies but no 64x64->128, so 64-bit
// limbs would go through __multi3), with long inputs processed two blocks at a time in
// SIMD128 lanes: lane a accumulates the even blocks and lane b the odd ones, both multiplied
// by r^2, and the last pair by (r^2, r) before the lanes are summed. Short tails use the
// scalar 26-bit block function. libsodium's donna implementation stays linked: states made
// while cipherlens_simd_scalar_mode is set are handled by it (marked in the state's last byte).
// Installed in onetimeauth_poly1305.c by wasm/simd/sodium_wasm128_select.h.
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

#include "crypto_onetimeauth_poly1305.h"
#include "crypto_verify_16.h"
#include "utils.h"

#include "crypto_onetimeauth/poly1305/onetimeauth_poly1305.h"  // libsodium's internal interface
#include "simd_mode.h"

extern struct crypto_onetimeauth_poly1305_implementation
    crypto_onetimeauth_poly1305_donna_implementation;

#define MASK26 0x3ffffffu
#define SCALAR_MARK 0xa5  // opaque[255] of a state owned by libsodium's donna code

typedef struct {
  uint32_t r[5], h[5], pad[4];
  uint32_t r2[5];  // r^2, for the two-lane path
  uint32_t leftover;
  uint8_t buffer[16];
} state_t;

typedef char state_fits[sizeof(state_t) <= 255 ? 1 : -1];

static inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

// h = h * r mod 2^130 - 5, limbs partly reduced (< 2^26 + small).
static inline void mul_r(uint32_t h[5], const uint32_t r[5]) {
  const uint64_t r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4];
  const uint64_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  const uint64_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4];
  uint64_t d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
  uint64_t d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
  uint64_t d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
  uint64_t d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
  uint64_t d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
  d1 += d0 >> 26;
  d2 += d1 >> 26;
  d3 += d2 >> 26;
  d4 += d3 >> 26;
  uint64_t c = d4 >> 26;
  uint64_t t0 = (d0 & MASK26) + c * 5;
  h[0] = (uint32_t)(t0 & MASK26);
  h[1] = (uint32_t)((d1 & MASK26) + (t0 >> 26));
  h[2] = (uint32_t)(d2 & MASK26);
  h[3] = (uint32_t)(d3 & MASK26);
  h[4] = (uint32_t)(d4 & MASK26);
}

// One block at a time; hibit is 2^128 in limb 4 (0 for the padded final block).
static void blocks_scalar(state_t *st, const uint8_t *m, size_t bytes, uint32_t hibit) {
  while (bytes >= 16) {
    st->h[0] += load32(m) & MASK26;
    st->h[1] += (load32(m + 3) >> 2) & MASK26;
    st->h[2] += (load32(m + 6) >> 4) & MASK26;
    st->h[3] += (load32(m + 9) >> 6) & MASK26;
    st->h[4] += (load32(m + 12) >> 8) | hibit;
    mul_r(st->h, st->r);
    m += 16;
    bytes -= 16;
  }
}

#define MUL(a, b) wasm_u64x2_extmul_low_u32x4(a, b)
#define ADD64 wasm_i64x2_add
#define NARROW(x) wasm_i32x4_shuffle(x, x, 0, 2, 0, 2)  // low 32 bits of both 64-bit lanes

// An even number (>= 2) of full blocks, two lanes at a time.
static void blocks_simd(state_t *st, const uint8_t *m, size_t bytes) {
  const v128_t mask = wasm_i64x2_splat(MASK26), mask32 = wasm_i32x4_splat(MASK26);
  const v128_t hibit = wasm_i32x4_splat(1 << 24);
  // Multipliers: r^2 in both lanes for every pair but the last, (r^2, r) for the last.
  v128_t R[5], S[5], RL[5], SL[5];
  for (int k = 0; k < 5; k++) {
    R[k] = wasm_i32x4_splat(st->r2[k]);
    S[k] = wasm_i32x4_splat(st->r2[k] * 5);
    RL[k] = wasm_i32x4_make(st->r2[k], st->r[k], 0, 0);
    SL[k] = wasm_i32x4_make(st->r2[k] * 5, st->r[k] * 5, 0, 0);
  }
  v128_t h0 = wasm_i32x4_make(st->h[0], 0, 0, 0), h1 = wasm_i32x4_make(st->h[1], 0, 0, 0);
  v128_t h2 = wasm_i32x4_make(st->h[2], 0, 0, 0), h3 = wasm_i32x4_make(st->h[3], 0, 0, 0);
  v128_t h4 = wasm_i32x4_make(st->h[4], 0, 0, 0);
  while (bytes >= 32) {
    const int last = bytes < 64;
    const v128_t *r = last ? RL : R, *s = last ? SL : S;
    // Words w0..w3 of the two blocks, block a in lane 0 and block b in lane 1.
    v128_t a = wasm_v128_load(m), b = wasm_v128_load(m + 16);
    v128_t w01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);  // a0 b0 a1 b1
    v128_t w23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);  // a2 b2 a3 b3
    v128_t w0 = w01, w1 = wasm_i32x4_shuffle(w01, w01, 2, 3, 2, 3);
    v128_t w2 = w23, w3 = wasm_i32x4_shuffle(w23, w23, 2, 3, 2, 3);
    h0 = wasm_i32x4_add(h0, wasm_v128_and(w0, mask32));
    h1 = wasm_i32x4_add(h1, wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w0, 26), wasm_i32x4_shl(w1, 6)), mask32));
    h2 = wasm_i32x4_add(h2, wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w1, 20), wasm_i32x4_shl(w2, 12)), mask32));
    h3 = wasm_i32x4_add(h3, wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w2, 14), wasm_i32x4_shl(w3, 18)), mask32));
    h4 = wasm_i32x4_add(h4, wasm_v128_or(wasm_u32x4_shr(w3, 8), hibit));
    v128_t d0 = ADD64(ADD64(ADD64(MUL(h0, r[0]), MUL(h1, s[4])), ADD64(MUL(h2, s[3]), MUL(h3, s[2]))), MUL(h4, s[1]));
    v128_t d1 = ADD64(ADD64(ADD64(MUL(h0, r[1]), MUL(h1, r[0])), ADD64(MUL(h2, s[4]), MUL(h3, s[3]))), MUL(h4, s[2]));
    v128_t d2 = ADD64(ADD64(ADD64(MUL(h0, r[2]), MUL(h1, r[1])), ADD64(MUL(h2, r[0]), MUL(h3, s[4]))), MUL(h4, s[3]));
    v128_t d3 = ADD64(ADD64(ADD64(MUL(h0, r[3]), MUL(h1, r[2])), ADD64(MUL(h2, r[1]), MUL(h3, r[0]))), MUL(h4, s[4]));
    v128_t d4 = ADD64(ADD64(ADD64(MUL(h0, r[4]), MUL(h1, r[3])), ADD64(MUL(h2, r[2]), MUL(h3, r[1]))), MUL(h4, r[0]));
    d1 = ADD64(d1, wasm_u64x2_shr(d0, 26)); d0 = wasm_v128_and(d0, mask);
    d2 = ADD64(d2, wasm_u64x2_shr(d1, 26)); d1 = wasm_v128_and(d1, mask);
    d3 = ADD64(d3, wasm_u64x2_shr(d2, 26)); d2 = wasm_v128_and(d2, mask);
    d4 = ADD64(d4, wasm_u64x2_shr(d3, 26)); d3 = wasm_v128_and(d3, mask);
    v128_t c = wasm_u64x2_shr(d4, 26); d4 = wasm_v128_and(d4, mask);
    d0 = ADD64(d0, ADD64(c, wasm_i64x2_shl(c, 2)));
    d1 = ADD64(d1, wasm_u64x2_shr(d0, 26)); d0 = wasm_v128_and(d0, mask);
    h0 = NARROW(d0); h1 = NARROW(d1); h2 = NARROW(d2); h3 = NARROW(d3); h4 = NARROW(d4);
    m += 32;
    bytes -= 32;
  }
  // h = lane a + lane b (each < 2^26 + small), then one carry pass.
  uint64_t t[5] = {
      (uint64_t)wasm_u32x4_extract_lane(h0, 0) + wasm_u32x4_extract_lane(h0, 1),
      (uint64_t)wasm_u32x4_extract_lane(h1, 0) + wasm_u32x4_extract_lane(h1, 1),
      (uint64_t)wasm_u32x4_extract_lane(h2, 0) + wasm_u32x4_extract_lane(h2, 1),
      (uint64_t)wasm_u32x4_extract_lane(h3, 0) + wasm_u32x4_extract_lane(h3, 1),
      (uint64_t)wasm_u32x4_extract_lane(h4, 0) + wasm_u32x4_extract_lane(h4, 1)};
  t[1] += t[0] >> 26; t[0] &= MASK26;
  t[2] += t[1] >> 26; t[1] &= MASK26;
  t[3] += t[2] >> 26; t[2] &= MASK26;
  t[4] += t[3] >> 26; t[3] &= MASK26;
  t[0] += (t[4] >> 26) * 5; t[4] &= MASK26;
  t[1] += t[0] >> 26; t[0] &= MASK26;
  for (int k = 0; k < 5; k++) st->h[k] = (uint32_t)t[k];
}

// Below this many bytes the scalar loop is as fast (lane setup and the final sum cost).
#ifndef SIMD_MIN_BYTES
#define SIMD_MIN_BYTES 128
#endif

static void blocks(state_t *st, const uint8_t *m, size_t bytes) {
  if (bytes >= SIMD_MIN_BYTES) {
    size_t pairs = bytes & ~(size_t)31;
    blocks_simd(st, m, pairs);
    m += pairs;
    bytes -= pairs;
  }
  blocks_scalar(st, m, bytes, 1u << 24);
}

static void init(state_t *st, const unsigned char key[32]) {
  memset(st, 0, sizeof *st);
  st->r[0] = load32(key) & 0x3ffffff;
  st->r[1] = (load32(key + 3) >> 2) & 0x3ffff03;
  st->r[2] = (load32(key + 6) >> 4) & 0x3ffc0ff;
  st->r[3] = (load32(key + 9) >> 6) & 0x3f03fff;
  st->r[4] = (load32(key + 12) >> 8) & 0x00fffff;
  memcpy(st->r2, st->r, sizeof st->r2);
  mul_r(st->r2, st->r);
  for (int k = 0; k < 4; k++) st->pad[k] = load32(key + 16 + 4 * k);
}

static void update(state_t *st, const unsigned char *m, unsigned long long len) {
  if (st->leftover) {
    size_t want = 16 - st->leftover;
    if (want > len) want = (size_t)len;
    memcpy(st->buffer + st->leftover, m, want);
    m += want;
    len -= want;
    st->leftover += want;
    if (st->leftover < 16) return;
    blocks_scalar(st, st->buffer, 16, 1u << 24);
    st->leftover = 0;
  }
  if (len >= 16) {
    size_t full = (size_t)len & ~(size_t)15;
    blocks(st, m, full);
    m += full;
    len -= full;
  }
  if (len) {
    memcpy(st->buffer, m, (size_t)len);
    st->leftover = (uint32_t)len;
  }
}

static void finish(state_t *st, unsigned char out[16]) {
  if (st->leftover) {
    st->buffer[st->leftover] = 1;
    memset(st->buffer + st->leftover + 1, 0, 16 - st->leftover - 1);
    blocks_scalar(st, st->buffer, 16, 0);
  }
  uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4], c;
  // Full carry, then h - p in constant time, then h + pad mod 2^128.
  c = h1 >> 26; h1 &= MASK26; h2 += c;
  c = h2 >> 26; h2 &= MASK26; h3 += c;
  c = h3 >> 26; h3 &= MASK26; h4 += c;
  c = h4 >> 26; h4 &= MASK26; h0 += c * 5;
  c = h0 >> 26; h0 &= MASK26; h1 += c;
  uint32_t g0 = h0 + 5; c = g0 >> 26; g0 &= MASK26;
  uint32_t g1 = h1 + c; c = g1 >> 26; g1 &= MASK26;
  uint32_t g2 = h2 + c; c = g2 >> 26; g2 &= MASK26;
  uint32_t g3 = h3 + c; c = g3 >> 26; g3 &= MASK26;
  uint32_t g4 = h4 + c - (1u << 26);
  uint32_t mask = (g4 >> 31) - 1;  // all ones if h >= p
  h0 = (h0 & ~mask) | (g0 & mask);
  h1 = (h1 & ~mask) | (g1 & mask);
  h2 = (h2 & ~mask) | (g2 & mask);
  h3 = (h3 & ~mask) | (g3 & mask);
  h4 = (h4 & ~mask) | (g4 & mask);
  uint64_t f;
  f = (uint64_t)(h0 | (h1 << 26)) + st->pad[0];
  uint32_t o0 = (uint32_t)f;
  f = (uint64_t)((h1 >> 6) | (h2 << 20)) + st->pad[1] + (f >> 32);
  uint32_t o1 = (uint32_t)f;
  f = (uint64_t)((h2 >> 12) | (h3 << 14)) + st->pad[2] + (f >> 32);
  uint32_t o2 = (uint32_t)f;
  f = (uint64_t)((h3 >> 18) | (h4 << 8)) + st->pad[3] + (f >> 32);
  uint32_t o3 = (uint32_t)f;
  memcpy(out, &o0, 4);
  memcpy(out + 4, &o1, 4);
  memcpy(out + 8, &o2, 4);
  memcpy(out + 12, &o3, 4);
  sodium_memzero(st, sizeof *st);
}

#define DONNA crypto_onetimeauth_poly1305_donna_implementation
#define IS_SCALAR(state) ((state)->opaque[255] == SCALAR_MARK)

static int auth(unsigned char *out, const unsigned char *m, unsigned long long len,
                const unsigned char *key) {
  if (cipherlens_simd_scalar_mode) return DONNA.onetimeauth(out, m, len, key);
  state_t st;
  init(&st, key);
  update(&st, m, len);
  finish(&st, out);
  return 0;
}

static int verify(const unsigned char *h, const unsigned char *m, unsigned long long len,
                  const unsigned char *key) {
  if (cipherlens_simd_scalar_mode) return DONNA.onetimeauth_verify(h, m, len, key);
  unsigned char correct[16];
  auth(correct, m, len, key);
  int rc = crypto_verify_16(h, correct);
  sodium_memzero(correct, sizeof correct);
  return rc;
}

static int state_init(crypto_onetimeauth_poly1305_state *state, const unsigned char *key) {
  if (cipherlens_simd_scalar_mode) {
    int rc = DONNA.onetimeauth_init(state, key);
    state->opaque[255] = SCALAR_MARK;
    return rc;
  }
  init((state_t *)(void *)state, key);
  state->opaque[255] = 0;
  return 0;
}

static int state_update(crypto_onetimeauth_poly1305_state *state, const unsigned char *m,
                        unsigned long long len) {
  if (IS_SCALAR(state)) return DONNA.onetimeauth_update(state, m, len);
  update((state_t *)(void *)state, m, len);
  return 0;
}

static int state_final(crypto_onetimeauth_poly1305_state *state, unsigned char *out) {
  if (IS_SCALAR(state)) {
    int rc = DONNA.onetimeauth_final(state, out);
    state->opaque[255] = 0;
    return rc;
  }
  finish((state_t *)(void *)state, out);
  return 0;
}

struct crypto_onetimeauth_poly1305_implementation
    crypto_onetimeauth_poly1305_wasm128_implementation = {auth, verify, state_init, state_update,
                                                          state_final};
