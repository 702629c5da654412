// Argon2's segment filler with the BlaMka block function in wasm SIMD128: each v128 holds two
// of the block's 64-bit words, so every G runs on two columns/rows at once. The addressing
// logic follows argon2-fill-block-ref.c (the reference filler, still linked as
// fill_segment_ref and used when cipherlens_simd_scalar_mode is set).
// Installed in argon2-core.c by wasm/crypto/simd/sodium_wasm128_select.h.
#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

#include "crypto_pwhash/argon2/argon2-core.h"
#include "simd_mode.h"

void cipherlens_fill_segment_wasm128(const argon2_instance_t* instance, argon2_position_t position);

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
#define BLAMKA2(x0, y0, x1, y1)                                                             \
  do {                                                                                      \
    v128_t P = wasm_i32x4_shuffle(x0, x1, 0, 2, 4, 6);                                      \
    v128_t Q = wasm_i32x4_shuffle(y0, y1, 0, 2, 4, 6);                                      \
    v128_t lo = wasm_u64x2_extmul_low_u32x4(P, Q), hi = wasm_u64x2_extmul_high_u32x4(P, Q); \
    x0 = wasm_i64x2_add(wasm_i64x2_add(x0, y0), wasm_i64x2_add(lo, lo));                    \
    x1 = wasm_i64x2_add(wasm_i64x2_add(x1, y1), wasm_i64x2_add(hi, hi));                    \
  } while (0)
// The G function on four independent column sets at once, written step by step across the
// four so the CPU overlaps their dependency chains (one G alone is a long serial chain).
#define BL4(v, a, b)                             \
  do {                                           \
    BLAMKA2(v[0][a], v[0][b], v[1][a], v[1][b]); \
    BLAMKA2(v[2][a], v[2][b], v[3][a], v[3][b]); \
  } while (0)
#define G4(v)                                                                \
  do {                                                                       \
    BL4(v, 0, 1);                                                            \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][3] = \
        ROTR32(wasm_v128_xor(v[q][3], v[q][0]));                             \
    BL4(v, 2, 3);                                                            \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][1] = \
        ROTR24(wasm_v128_xor(v[q][1], v[q][2]));                             \
    BL4(v, 0, 1);                                                            \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][3] = \
        ROTR16(wasm_v128_xor(v[q][3], v[q][0]));                             \
    BL4(v, 2, 3);                                                            \
    _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) v[q][1] = \
        ROTR63(wasm_v128_xor(v[q][1], v[q][2]));                             \
  } while (0)

// Two BLAKE2 rounds without message over two 16-word sets, each held in eight vectors
// (v0,v1) (v2,v3) ... (v14,v15). G state per chain q: {a, b, c, d}; chains 0 and 1 are columns
// 0/1 and 2/3 of the first set, chains 2 and 3 those of the second.
static inline __attribute__((always_inline)) void rounds(v128_t v[4][4]) {
  G4(v);
  // Diagonalize: b -> (v5,v6),(v7,v4); c -> (v10,v11),(v8,v9); d -> (v15,v12),(v13,v14).
  for (int s = 0; s < 4; s += 2) {
    v128_t b0 = v[s][1], b1 = v[s + 1][1], c0 = v[s][2], c1 = v[s + 1][2];
    v128_t d0 = v[s][3], d1 = v[s + 1][3];
    v[s][1] = wasm_i64x2_shuffle(b0, b1, 1, 2);
    v[s + 1][1] = wasm_i64x2_shuffle(b1, b0, 1, 2);
    v[s][2] = c1;
    v[s + 1][2] = c0;
    v[s][3] = wasm_i64x2_shuffle(d1, d0, 1, 2);
    v[s + 1][3] = wasm_i64x2_shuffle(d0, d1, 1, 2);
  }
  G4(v);
  // Undiagonalize.
  for (int s = 0; s < 4; s += 2) {
    v128_t b0 = v[s][1], b1 = v[s + 1][1], c0 = v[s][2], c1 = v[s + 1][2];
    v128_t d0 = v[s][3], d1 = v[s + 1][3];
    v[s][1] = wasm_i64x2_shuffle(b1, b0, 1, 2);
    v[s + 1][1] = wasm_i64x2_shuffle(b0, b1, 1, 2);
    v[s][2] = c1;
    v[s + 1][2] = c0;
    v[s][3] = wasm_i64x2_shuffle(d0, d1, 1, 2);
    v[s + 1][3] = wasm_i64x2_shuffle(d1, d0, 1, 2);
  }
}

// Rows 2i and 2i+1: R = ref ^ prev (16 vectors from each) goes through the rounds into r, and
// t = R (^ the block being overwritten, old, when with_xor) is kept for the output. Taking the
// inputs here and writing the output in column_pair saved two passes over the block (~15% per
// block in cache, with plain base pointers instead of arrays of 16 pointers per call).
static __attribute__((noinline)) void row_pair(const v128_t* ref, const v128_t* prev,
                                               const v128_t* old, v128_t* r, v128_t* t) {
  v128_t x[16];
  for (int k = 0; k < 16; k++) {
    x[k] = wasm_v128_xor(wasm_v128_load(&ref[k]), wasm_v128_load(&prev[k]));
    t[k] = old ? wasm_v128_xor(x[k], wasm_v128_load(&old[k])) : x[k];
  }
  v128_t v[4][4] = {{x[0], x[2], x[4], x[6]},
                    {x[1], x[3], x[5], x[7]},
                    {x[8], x[10], x[12], x[14]},
                    {x[9], x[11], x[13], x[15]}};
  rounds(v);
  for (int k = 0; k < 4; k++) {
    r[2 * k] = v[0][k];
    r[2 * k + 1] = v[1][k];
    r[8 + 2 * k] = v[2][k];
    r[8 + 2 * k + 1] = v[3][k];
  }
}

// Column pairs i and i+1 (vectors i + 8k and i + 1 + 8k of r): these are the last rounds, so
// the results go straight to the output block, XORed with t.
static __attribute__((noinline)) void column_pair(const v128_t* p, const v128_t* t, v128_t* out) {
  const v128_t* o = p + 1;
  v128_t v[4][4] = {{p[0], p[16], p[32], p[48]},
                    {p[8], p[24], p[40], p[56]},
                    {o[0], o[16], o[32], o[48]},
                    {o[8], o[24], o[40], o[56]}};
  rounds(v);
  for (int k = 0; k < 4; k++) {
    wasm_v128_store(&out[16 * k], wasm_v128_xor(v[0][k], t[16 * k]));
    wasm_v128_store(&out[16 * k + 8], wasm_v128_xor(v[1][k], t[16 * k + 8]));
    wasm_v128_store(&out[16 * k + 1], wasm_v128_xor(v[2][k], t[16 * k + 1]));
    wasm_v128_store(&out[16 * k + 9], wasm_v128_xor(v[3][k], t[16 * k + 9]));
  }
}

// Argon2 over a large arena waits on memory: each block reads a random 1 KiB reference block.
// wasm has no prefetch instruction, so we load one word of each of a block's 16 cache lines
// ("touch") as early as its address is known: all 16 misses then overlap, and for the next
// block they overlap with the rest of this block's rounds. The volatile store keeps the loads.
static volatile uint64_t touch_sink;

static inline void touch(const block* b) {
  uint64_t acc = 0;
  for (int i = 0; i < 16; i++) acc |= b->v[8 * i];
  touch_sink = acc;
}

// The reference block of the block at `pos` (pos->index set) for its pseudo-random word,
// exactly as fill_segment_ref computes it.
static inline const block* ref_block_of(const argon2_instance_t* instance,
                                        const argon2_position_t* pos, uint64_t pseudo_rand) {
  uint64_t ref_lane = (pseudo_rand >> 32) % instance->lanes;
  if (pos->pass == 0 && pos->slice == 0) ref_lane = pos->lane;  // no other lane yet
  uint64_t ref_index = index_alpha(instance, pos, pseudo_rand & 0xFFFFFFFF, ref_lane == pos->lane);
  return instance->region->memory + instance->lane_length * ref_lane + ref_index;
}

// For data-dependent addressing: the next block's reference depends on word 0 of the block
// being made, known after the first two column rounds.
typedef struct {
  const argon2_instance_t* instance;
  argon2_position_t pos;  // of the next block
} next_hint;

// next = G(prev ^ ref) ^ prev ^ ref (^ next when with_xor, passes after the first).
static void fill_block(const block* prev, const block* ref, block* next, int with_xor,
                       const next_hint* hint) {
  v128_t r[64], t[64];
  touch(ref);
  const v128_t *rv = (const v128_t*)(const void*)ref->v, *pv = (const v128_t*)(const void*)prev->v;
  const v128_t* ov = with_xor ? (const v128_t*)(const void*)next->v : NULL;
  // Rounds on each 16-word row (words 16i..16i+15), then on the columns (words 2i, 2i+1,
  // 2i+16, 2i+17, ..., 2i+113), as in argon2-fill-block-ref.c; the column rounds write the
  // output block.
  for (int i = 0; i < 8; i += 2)
    row_pair(rv + 8 * i, pv + 8 * i, ov ? ov + 8 * i : NULL, &r[8 * i], &t[8 * i]);
  v128_t* out = (v128_t*)(void*)next->v;
  for (int i = 0; i < 8; i += 2) {
    column_pair(&r[i], &t[i], &out[i]);
    if (i == 0 && hint)
      touch(ref_block_of(hint->instance, &hint->pos, next->v[0]));  // word 0 is final
  }
}

static void generate_addresses(const argon2_instance_t* instance, const argon2_position_t* position,
                               uint64_t* pseudo_rands) {
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

void cipherlens_fill_segment_wasm128(const argon2_instance_t* instance,
                                     argon2_position_t position) {
  if (instance == NULL) return;
  if (cipherlens_simd_scalar_mode) {
    fill_segment_ref(instance, position);
    return;
  }
  int data_independent = !(instance->type == Argon2_id &&
                           (position.pass != 0 || position.slice >= ARGON2_SYNC_POINTS / 2));
  uint64_t* pseudo_rands = instance->pseudo_rands;
  if (data_independent) generate_addresses(instance, &position, pseudo_rands);

  // The first two blocks of each lane were made from the initial hash.
  uint32_t starting_index = (position.pass == 0 && position.slice == 0) ? 2 : 0;
  uint32_t curr_offset = position.lane * instance->lane_length +
                         position.slice * instance->segment_length + starting_index;
  uint32_t prev_offset = (curr_offset % instance->lane_length == 0)
                             ? curr_offset + instance->lane_length - 1
                             : curr_offset - 1;
  block* memory = instance->region->memory;
  for (uint32_t i = starting_index; i < instance->segment_length;
       ++i, ++curr_offset, ++prev_offset) {
    if (curr_offset % instance->lane_length == 1) prev_offset = curr_offset - 1;
    uint64_t pseudo_rand = data_independent ? pseudo_rands[i] : memory[prev_offset].v[0];
    position.index = i;
    const block* ref = ref_block_of(instance, &position, pseudo_rand);
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
