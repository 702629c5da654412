// Argon2's segment filler with the BlaMka block function in wasm SIMD128: each v128 holds two
// of the block's 64-bit words, so every G runs on two columns/rows at once. The addressing
// logic follows argon2-fill-block-ref.c (the reference filler, still linked as
// fill_segment_ref and used when cipherlens_simd_scalar_mode is set).
// Installed in argon2-core.c by wasm/simd/sodium_wasm128_select.h.
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

#include "crypto_pwhash/argon2/argon2-core.h"
#include "simd_mode.h"

void cipherlens_fill_segment_wasm128(const argon2_instance_t *instance,
                                     argon2_position_t position);

#define ROTR32(x) wasm_i32x4_shuffle(x, x, 1, 0, 3, 2)
// ROTR24 as two shifts (no slower than a constant byte shuffle, whose pshufb mask V8 rebuilds
// at every use).
#define ROTR24(x) wasm_v128_or(wasm_u64x2_shr(x, 24), wasm_i64x2_shl(x, 40))
#define ROTR16(x) wasm_i8x16_shuffle(x, x, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9)
#define ROTR63(x) wasm_v128_xor(wasm_i64x2_add(x, x), wasm_u64x2_shr(x, 63))

// BlaMka, x + y + 2 * lo32(x) * lo32(y) on 64-bit lanes, for two chains at once: their low
// words packed into one vector (one shufps each for x and y) feed an extmul low/high pair.
// One chain per extmul needed two pshufd per product and ran ~9% slower per block; masking
// with i64x2.mul is slower still (V8 has no pmuludq-shaped i64x2 op).
#define BLAMKA2(x0, y0, x1, y1)                                                   \
  do {                                                                          \
    v128_t P = wasm_i32x4_shuffle(x0, x1, 0, 2, 4, 6);                          \
    v128_t Q = wasm_i32x4_shuffle(y0, y1, 0, 2, 4, 6);                          \
    v128_t lo = wasm_u64x2_extmul_low_u32x4(P, Q), hi = wasm_u64x2_extmul_high_u32x4(P, Q); \
    x0 = wasm_i64x2_add(wasm_i64x2_add(x0, y0), wasm_i64x2_add(lo, lo));        \
    x1 = wasm_i64x2_add(wasm_i64x2_add(x1, y1), wasm_i64x2_add(hi, hi));        \
  } while (0)
// The G function on four independent column sets at once, written step by step across the
// four so the CPU overlaps their dependency chains (one G alone is a long serial chain).
#define BL4(v, a, b) do { BLAMKA2(v[0][a], v[0][b], v[1][a], v[1][b]); BLAMKA2(v[2][a], v[2][b], v[3][a], v[3][b]); } while (0)
#define G4(v)                                                           \
  do {                                                                  \
    BL4(v, 0, 1); \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][3] = ROTR32(wasm_v128_xor(v[q][3], v[q][0])); \
    BL4(v, 2, 3); \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][1] = ROTR24(wasm_v128_xor(v[q][1], v[q][2])); \
    BL4(v, 0, 1); \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][3] = ROTR16(wasm_v128_xor(v[q][3], v[q][0])); \
    BL4(v, 2, 3); \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][1] = ROTR63(wasm_v128_xor(v[q][1], v[q][2])); \
  } while (0)

// Two BLAKE2 rounds without message, each over words (v0..v15) held in eight vectors
// p[0..7] = (v0,v1) (v2,v3) (v4,v5) (v6,v7) (v8,v9) (v10,v11) (v12,v13) (v14,v15).
static inline void round8x2(v128_t *const p[8], v128_t *const o[8]) {
  // G state per chain q: {a, b, c, d}; chains 0,1 from p (columns 0/1 and 2/3), 2,3 from o.
  v128_t v[4][4] = {{*p[0], *p[2], *p[4], *p[6]}, {*p[1], *p[3], *p[5], *p[7]},
                    {*o[0], *o[2], *o[4], *o[6]}, {*o[1], *o[3], *o[5], *o[7]}};
  G4(v);
  // Diagonalize: b -> (v5,v6),(v7,v4); c -> (v10,v11),(v8,v9); d -> (v15,v12),(v13,v14).
  for (int s = 0; s < 4; s += 2) {
    v128_t b0 = v[s][1], b1 = v[s + 1][1], c0 = v[s][2], c1 = v[s + 1][2];
    v128_t d0 = v[s][3], d1 = v[s + 1][3];
    v[s][1] = wasm_i64x2_shuffle(b0, b1, 1, 2); v[s + 1][1] = wasm_i64x2_shuffle(b1, b0, 1, 2);
    v[s][2] = c1; v[s + 1][2] = c0;
    v[s][3] = wasm_i64x2_shuffle(d1, d0, 1, 2); v[s + 1][3] = wasm_i64x2_shuffle(d0, d1, 1, 2);
  }
  G4(v);
  // Undiagonalize.
  for (int s = 0; s < 4; s += 2) {
    v128_t b0 = v[s][1], b1 = v[s + 1][1], c0 = v[s][2], c1 = v[s + 1][2];
    v128_t d0 = v[s][3], d1 = v[s + 1][3];
    v[s][1] = wasm_i64x2_shuffle(b1, b0, 1, 2); v[s + 1][1] = wasm_i64x2_shuffle(b0, b1, 1, 2);
    v[s][2] = c1; v[s + 1][2] = c0;
    v[s][3] = wasm_i64x2_shuffle(d0, d1, 1, 2); v[s + 1][3] = wasm_i64x2_shuffle(d1, d0, 1, 2);
  }
  for (int k = 0; k < 4; k++) {
    *p[2 * k] = v[0][k]; *p[2 * k + 1] = v[1][k];
    *o[2 * k] = v[2][k]; *o[2 * k + 1] = v[3][k];
  }
}

// Argon2 over a large arena waits on memory: each block reads a random 1 KiB reference block.
// wasm has no prefetch instruction, so we load one word of each of a block's 16 cache lines
// ("touch") as early as its address is known: all 16 misses then overlap, and for the next
// block they overlap with the rest of this block's rounds. The volatile store keeps the loads.
static volatile uint64_t touch_sink;

static inline void touch(const block *b) {
  uint64_t acc = 0;
  for (int i = 0; i < 16; i++) acc |= b->v[8 * i];
  touch_sink = acc;
}

// The reference block of the block at `pos` (pos->index set) for its pseudo-random word,
// exactly as fill_segment_ref computes it.
static inline const block *ref_block_of(const argon2_instance_t *instance,
                                        const argon2_position_t *pos, uint64_t pseudo_rand) {
  uint64_t ref_lane = (pseudo_rand >> 32) % instance->lanes;
  if (pos->pass == 0 && pos->slice == 0) ref_lane = pos->lane;  // no other lane yet
  uint64_t ref_index = index_alpha(instance, pos, pseudo_rand & 0xFFFFFFFF, ref_lane == pos->lane);
  return instance->region->memory + instance->lane_length * ref_lane + ref_index;
}

// For data-dependent addressing: the next block's reference depends on word 0 of the block
// being made, known after the first two column rounds.
typedef struct {
  const argon2_instance_t *instance;
  argon2_position_t pos;  // of the next block
} next_hint;

// next = G(prev ^ ref) ^ prev ^ ref (^ next when with_xor, passes after the first).
static void fill_block(const block *prev, const block *ref, block *next, int with_xor,
                       const next_hint *hint) {
  v128_t r[64], t[64];
  touch(ref);
  for (int i = 0; i < 64; i++) {
    r[i] = wasm_v128_xor(wasm_v128_load(&ref->v[2 * i]), wasm_v128_load(&prev->v[2 * i]));
    t[i] = with_xor ? wasm_v128_xor(r[i], wasm_v128_load(&next->v[2 * i])) : r[i];
  }
  // Rounds on each 16-word row (words 16i..16i+15), then on the columns (words 2i, 2i+1,
  // 2i+16, 2i+17, ..., 2i+113), as in argon2-fill-block-ref.c.
  for (int i = 0; i < 8; i += 2) {
    v128_t *const p[8] = {&r[8 * i], &r[8 * i + 1], &r[8 * i + 2], &r[8 * i + 3],
                          &r[8 * i + 4], &r[8 * i + 5], &r[8 * i + 6], &r[8 * i + 7]};
    v128_t *const o[8] = {&r[8 * i + 8], &r[8 * i + 9], &r[8 * i + 10], &r[8 * i + 11],
                          &r[8 * i + 12], &r[8 * i + 13], &r[8 * i + 14], &r[8 * i + 15]};
    round8x2(p, o);
  }
  for (int i = 0; i < 8; i += 2) {
    v128_t *const p[8] = {&r[i], &r[i + 8], &r[i + 16], &r[i + 24],
                          &r[i + 32], &r[i + 40], &r[i + 48], &r[i + 56]};
    v128_t *const o[8] = {&r[i + 1], &r[i + 9], &r[i + 17], &r[i + 25],
                          &r[i + 33], &r[i + 41], &r[i + 49], &r[i + 57]};
    round8x2(p, o);
    if (i == 0 && hint) {  // r[0] is final: word 0 of the output is known
      uint64_t w0 = wasm_u64x2_extract_lane(wasm_v128_xor(t[0], r[0]), 0);
      touch(ref_block_of(hint->instance, &hint->pos, w0));
    }
  }
  for (int i = 0; i < 64; i++) wasm_v128_store(&next->v[2 * i], wasm_v128_xor(t[i], r[i]));
}

static void generate_addresses(const argon2_instance_t *instance,
                               const argon2_position_t *position, uint64_t *pseudo_rands) {
  block zero_block, input_block, address_block, tmp_block;
  init_block_value(&zero_block, 0);
  init_block_value(&input_block, 0);
  input_block.v[0] = position->pass;
  input_block.v[1] = position->lane;
  input_block.v[2] = position->slice;
  input_block.v[3] = instance->memory_blocks;
  input_block.v[4] = instance->passes;
  input_block.v[5] = instance->type;
  for (uint32_t i = 0; i < instance->segment_length; ++i) {
    if (i % ARGON2_ADDRESSES_IN_BLOCK == 0) {
      input_block.v[6]++;
      init_block_value(&tmp_block, 0);
      init_block_value(&address_block, 0);
      fill_block(&zero_block, &input_block, &tmp_block, 1, NULL);
      fill_block(&zero_block, &tmp_block, &address_block, 1, NULL);
    }
    pseudo_rands[i] = address_block.v[i % ARGON2_ADDRESSES_IN_BLOCK];
  }
}

void cipherlens_fill_segment_wasm128(const argon2_instance_t *instance,
                                     argon2_position_t position) {
  if (instance == NULL) return;
  if (cipherlens_simd_scalar_mode) {
    fill_segment_ref(instance, position);
    return;
  }
  int data_independent = !(instance->type == Argon2_id &&
                           (position.pass != 0 || position.slice >= ARGON2_SYNC_POINTS / 2));
  uint64_t *pseudo_rands = instance->pseudo_rands;
  if (data_independent) generate_addresses(instance, &position, pseudo_rands);

  // The first two blocks of each lane were made from the initial hash.
  uint32_t starting_index = (position.pass == 0 && position.slice == 0) ? 2 : 0;
  uint32_t curr_offset = position.lane * instance->lane_length +
                         position.slice * instance->segment_length + starting_index;
  uint32_t prev_offset = (curr_offset % instance->lane_length == 0)
                             ? curr_offset + instance->lane_length - 1
                             : curr_offset - 1;
  block *memory = instance->region->memory;
  for (uint32_t i = starting_index; i < instance->segment_length;
       ++i, ++curr_offset, ++prev_offset) {
    if (curr_offset % instance->lane_length == 1) prev_offset = curr_offset - 1;
    uint64_t pseudo_rand = data_independent ? pseudo_rands[i] : memory[prev_offset].v[0];
    position.index = i;
    const block *ref = ref_block_of(instance, &position, pseudo_rand);
    // Where the next block's reference lies: known now for data-independent addressing,
    // after this block's first rounds otherwise (see fill_block).
    next_hint hint = {instance, position};
    hint.pos.index = i + 1;
    const int has_next = i + 1 < instance->segment_length;
    if (has_next && data_independent) touch(ref_block_of(instance, &hint.pos, pseudo_rands[i + 1]));
    fill_block(memory + prev_offset, ref, memory + curr_offset, position.pass != 0,
               has_next && !data_independent ? &hint : NULL);
  }
  touch_sink = 0;  // it held an OR of arena words: leave nothing derived from them behind
}
