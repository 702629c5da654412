// Poly1305 with 26-bit limbs, shared by poly1305_wasm.c and the stitched secretstream pull
// (secretstream_pull_wasm128.c). See poly1305_wasm.c for why this shape. POLY_PAIR_STEP is
// one 32-byte step of poly_blocks_pairs as a macro so that the stitched pull can place it between
// ChaCha20 rounds.
#pragma once
#include <stdint.h>
#include <string.h>

#include "utils.h"

#define MASK26 0x3ffffffu

typedef struct {
  uint32_t r[5], h[5], pad[4];
  uint32_t r2[5];  // r^2, for the two-lane path
  uint32_t leftover;
  uint8_t buffer[16];
} poly_state_t;

typedef char state_fits[sizeof(poly_state_t) <= 255 ? 1 : -1];

static inline uint32_t poly_load32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

// h = h * r mod 2^130 - 5, limbs partly reduced (< 2^26 + small).
static inline void poly_mul_r(uint32_t h[5], const uint32_t r[5]) {
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
static inline void poly_blocks_scalar(poly_state_t* st, const uint8_t* m, size_t bytes,
                                      uint32_t hibit) {
  while (bytes >= 16) {
    st->h[0] += poly_load32(m) & MASK26;
    st->h[1] += (poly_load32(m + 3) >> 2) & MASK26;
    st->h[2] += (poly_load32(m + 6) >> 4) & MASK26;
    st->h[3] += (poly_load32(m + 9) >> 6) & MASK26;
    st->h[4] += (poly_load32(m + 12) >> 8) | hibit;
    poly_mul_r(st->h, st->r);
    m += 16;
    bytes -= 16;
  }
}

// Two blocks per step: h = (h + m0) * r^2 + m1 * r. Same multiplies as one block at a time,
// but one carry chain per 32 bytes and two independent product sums for the CPU to overlap.
// Bounds: h + m < 2^27, r^2 limbs < 2^26 + 2^10 (5x < 2^29), r clamped: ten products < 2^60.
// POLY_PAIR_LOCALS(st) declares r0..r4, s1..s4 (5r), q0..q4 (r^2), t1..t4 (5r^2) and h0..h4;
// POLY_PAIR_STEP(m) absorbs the 32 bytes at m; POLY_PAIR_STORE(st) writes h back.
#define POLY_PAIR_LOCALS(st)                                                             \
  const uint64_t r0 = (st)->r[0], r1 = (st)->r[1], r2 = (st)->r[2], r3 = (st)->r[3],     \
                 r4 = (st)->r[4];                                                        \
  const uint64_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;                     \
  const uint64_t q0 = (st)->r2[0], q1 = (st)->r2[1], q2 = (st)->r2[2], q3 = (st)->r2[3], \
                 q4 = (st)->r2[4];                                                       \
  const uint64_t t1 = q1 * 5, t2 = q2 * 5, t3 = q3 * 5, t4 = q4 * 5;                     \
  uint64_t h0 = (st)->h[0], h1 = (st)->h[1], h2 = (st)->h[2], h3 = (st)->h[3], h4 = (st)->h[4]

#define POLY_PAIR_STEP(m)                                                                         \
  do {                                                                                            \
    const uint8_t* pm_ = (m);                                                                     \
    h0 += poly_load32(pm_) & MASK26;                                                              \
    h1 += (poly_load32(pm_ + 3) >> 2) & MASK26;                                                   \
    h2 += (poly_load32(pm_ + 6) >> 4) & MASK26;                                                   \
    h3 += (poly_load32(pm_ + 9) >> 6) & MASK26;                                                   \
    h4 += (poly_load32(pm_ + 12) >> 8) | (1u << 24);                                              \
    const uint64_t n0 = poly_load32(pm_ + 16) & MASK26;                                           \
    const uint64_t n1 = (poly_load32(pm_ + 19) >> 2) & MASK26;                                    \
    const uint64_t n2 = (poly_load32(pm_ + 22) >> 4) & MASK26;                                    \
    const uint64_t n3 = (poly_load32(pm_ + 25) >> 6) & MASK26;                                    \
    const uint64_t n4 = (poly_load32(pm_ + 28) >> 8) | (1u << 24);                                \
    uint64_t d0 = h0 * q0 + h1 * t4 + h2 * t3 + h3 * t2 + h4 * t1 + n0 * r0 + n1 * s4 + n2 * s3 + \
                  n3 * s2 + n4 * s1;                                                              \
    uint64_t d1 = h0 * q1 + h1 * q0 + h2 * t4 + h3 * t3 + h4 * t2 + n0 * r1 + n1 * r0 + n2 * s4 + \
                  n3 * s3 + n4 * s2;                                                              \
    uint64_t d2 = h0 * q2 + h1 * q1 + h2 * q0 + h3 * t4 + h4 * t3 + n0 * r2 + n1 * r1 + n2 * r0 + \
                  n3 * s4 + n4 * s3;                                                              \
    uint64_t d3 = h0 * q3 + h1 * q2 + h2 * q1 + h3 * q0 + h4 * t4 + n0 * r3 + n1 * r2 + n2 * r1 + \
                  n3 * r0 + n4 * s4;                                                              \
    uint64_t d4 = h0 * q4 + h1 * q3 + h2 * q2 + h3 * q1 + h4 * q0 + n0 * r4 + n1 * r3 + n2 * r2 + \
                  n3 * r1 + n4 * r0;                                                              \
    d1 += d0 >> 26;                                                                               \
    d2 += d1 >> 26;                                                                               \
    d3 += d2 >> 26;                                                                               \
    d4 += d3 >> 26;                                                                               \
    const uint64_t c_ = (d0 & MASK26) + (d4 >> 26) * 5;                                           \
    h0 = c_ & MASK26;                                                                             \
    h1 = (d1 & MASK26) + (c_ >> 26);                                                              \
    h2 = d2 & MASK26;                                                                             \
    h3 = d3 & MASK26;                                                                             \
    h4 = d4 & MASK26;                                                                             \
  } while (0)

#define POLY_PAIR_STORE(st)    \
  do {                         \
    (st)->h[0] = (uint32_t)h0; \
    (st)->h[1] = (uint32_t)h1; \
    (st)->h[2] = (uint32_t)h2; \
    (st)->h[3] = (uint32_t)h3; \
    (st)->h[4] = (uint32_t)h4; \
  } while (0)

static inline void poly_blocks_pairs(poly_state_t* st, const uint8_t* m, size_t bytes) {
  POLY_PAIR_LOCALS(st);
  while (bytes >= 32) {
    POLY_PAIR_STEP(m);
    m += 32;
    bytes -= 32;
  }
  POLY_PAIR_STORE(st);
}

static inline void poly_blocks(poly_state_t* st, const uint8_t* m, size_t bytes) {
  size_t pairs = bytes & ~(size_t)31;
  poly_blocks_pairs(st, m, pairs);
  m += pairs;
  bytes -= pairs;
  poly_blocks_scalar(st, m, bytes, 1u << 24);
}

static inline void poly_init(poly_state_t* st, const unsigned char key[32]) {
  memset(st, 0, sizeof *st);
  st->r[0] = poly_load32(key) & 0x3ffffff;
  st->r[1] = (poly_load32(key + 3) >> 2) & 0x3ffff03;
  st->r[2] = (poly_load32(key + 6) >> 4) & 0x3ffc0ff;
  st->r[3] = (poly_load32(key + 9) >> 6) & 0x3f03fff;
  st->r[4] = (poly_load32(key + 12) >> 8) & 0x00fffff;
  memcpy(st->r2, st->r, sizeof st->r2);
  poly_mul_r(st->r2, st->r);
  for (int k = 0; k < 4; k++) st->pad[k] = poly_load32(key + 16 + 4 * k);
}

static inline void poly_update(poly_state_t* st, const unsigned char* m, unsigned long long len) {
  if (st->leftover) {
    size_t want = 16 - st->leftover;
    if (want > len) want = (size_t)len;
    memcpy(st->buffer + st->leftover, m, want);
    m += want;
    len -= want;
    st->leftover += want;
    if (st->leftover < 16) return;
    poly_blocks_scalar(st, st->buffer, 16, 1u << 24);
    st->leftover = 0;
  }
  if (len >= 16) {
    size_t full = (size_t)len & ~(size_t)15;
    poly_blocks(st, m, full);
    m += full;
    len -= full;
  }
  if (len) {
    memcpy(st->buffer, m, (size_t)len);
    st->leftover = (uint32_t)len;
  }
}

static inline void poly_finish(poly_state_t* st, unsigned char out[16]) {
  if (st->leftover) {
    st->buffer[st->leftover] = 1;
    memset(st->buffer + st->leftover + 1, 0, 16 - st->leftover - 1);
    poly_blocks_scalar(st, st->buffer, 16, 0);
  }
  uint32_t h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4], c;
  // Full carry, then h - p in constant time, then h + pad mod 2^128.
  c = h1 >> 26;
  h1 &= MASK26;
  h2 += c;
  c = h2 >> 26;
  h2 &= MASK26;
  h3 += c;
  c = h3 >> 26;
  h3 &= MASK26;
  h4 += c;
  c = h4 >> 26;
  h4 &= MASK26;
  h0 += c * 5;
  c = h0 >> 26;
  h0 &= MASK26;
  h1 += c;
  uint32_t g0 = h0 + 5;
  c = g0 >> 26;
  g0 &= MASK26;
  uint32_t g1 = h1 + c;
  c = g1 >> 26;
  g1 &= MASK26;
  uint32_t g2 = h2 + c;
  c = g2 >> 26;
  g2 &= MASK26;
  uint32_t g3 = h3 + c;
  c = g3 >> 26;
  g3 &= MASK26;
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
