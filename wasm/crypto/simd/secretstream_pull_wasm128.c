// secretstream pull with ChaCha20 and Poly1305 "stitched": each 256-byte tile of ciphertext
// is absorbed by Poly1305 (scalar 64-bit multiplies) between the SIMD128 rounds of the
// ChaCha20 pass that decrypts the same tile, so the out-of-order core runs both at once and
// the ciphertext is read from L1 the second time. libsodium's pull instead makes two passes
// over the chunk (MAC, then decrypt). Byte-identical results: same key/nonce schedule, same
// MAC input (ad, pad, block 0 with the tag, ciphertext, pad, lengths), same rekeying.
#include <stdint.h>
#include <string.h>

#include "core.h"  // sodium_misuse
#include "crypto_secretstream_xchacha20poly1305.h"
#include "crypto_stream_chacha20.h"
#include "utils.h"

#include "private/common.h"  // STORE64_LE
#include "chacha20_wasm128_core.h"
#include "poly1305_wasm_core.h"
#include "secretstream_pull_wasm128.h"
#include "simd_mode.h"

#ifndef STITCH_TILES
#define STITCH_TILES stitch_tiles
#endif

static const unsigned char pad0[16] = {0};

// Decrypts len (a multiple of 256) bytes of c into m with IETF ChaCha20 from 64-bit block
// counter ctr, and absorbs the same ciphertext into st (which must hold no partial block).
// One Poly1305 pair step (32 bytes) after each of the first eight column rounds.
static void STITCH_TILES(uint8_t* m, const uint8_t* c, size_t len, const uint32_t in[16],
                         uint64_t ctr, poly_state_t* st) {
  POLY_PAIR_LOCALS(st);
  const v128_t M16 = wasm_v128_load(chacha_rot16_mask), M8 = wasm_v128_load(chacha_rot8_mask);
  for (; len >= 256; len -= 256, c += 256, m += 256, ctr += 4) {
    v128_t x[16];
    chacha4_init(x, in, ctr);
    for (int i = 0; i < 8; i++) {
      CHACHA_COLUMN_ROUND(x);
      POLY_PAIR_STEP(c + 32 * i);
      CHACHA_DIAGONAL_ROUND(x);
    }
    for (int i = 0; i < 2; i++) {
      CHACHA_COLUMN_ROUND(x);
      CHACHA_DIAGONAL_ROUND(x);
    }
    chacha4_finish_xor(m, c, x, in, ctr);
  }
  POLY_PAIR_STORE(st);
}

int cipherlens_secretstream_pull(crypto_secretstream_xchacha20poly1305_state* state,
                                 unsigned char* m, unsigned long long* mlen_p, unsigned char* tag_p,
                                 const unsigned char* in, unsigned long long inlen,
                                 const unsigned char* ad, unsigned long long adlen) {
  if (cipherlens_simd_scalar_mode)
    return crypto_secretstream_xchacha20poly1305_pull(state, m, mlen_p, tag_p, in, inlen, ad,
                                                      adlen);
  if (mlen_p != NULL) *mlen_p = 0;
  if (tag_p != NULL) *tag_p = 0xff;
  if (inlen < crypto_secretstream_xchacha20poly1305_ABYTES) return -1;
  const unsigned long long mlen = inlen - crypto_secretstream_xchacha20poly1305_ABYTES;
  if (mlen > crypto_secretstream_xchacha20poly1305_MESSAGEBYTES_MAX) sodium_misuse();
  const unsigned char* nonce = state->nonce;  // 4-byte counter, then the 8-byte inonce

  // Block 0 keys Poly1305; block 1 carries the tag byte. As in libsodium.
  unsigned char block[64];
  poly_state_t pst;
  crypto_stream_chacha20_ietf(block, sizeof block, nonce, state->k);
  poly_init(&pst, block);
  sodium_memzero(block, sizeof block);
  poly_update(&pst, ad, adlen);
  poly_update(&pst, pad0, (0x10 - adlen) & 0xf);
  memset(block, 0, sizeof block);
  block[0] = in[0];
  crypto_stream_chacha20_ietf_xor_ic(block, block, sizeof block, nonce, 1U, state->k);
  const unsigned char tag = block[0];
  block[0] = in[0];
  poly_update(&pst, block, sizeof block);
  sodium_memzero(block, sizeof block);

  // The message from block counter 2: whole tiles stitched, the rest as two passes. After
  // the 64-byte block Poly1305 holds no partial block, as stitch_tiles requires.
  const unsigned char* c = in + 1;
  const size_t tiled = (size_t)mlen & ~(size_t)255;
  uint32_t kin[16];
  const uint64_t ctr = chacha_setup_ietf(kin, state->k, nonce, 2U);
  STITCH_TILES(m, c, tiled, kin, ctr, &pst);
  sodium_memzero(kin, sizeof kin);
  poly_update(&pst, c + tiled, mlen - tiled);
  crypto_stream_chacha20_ietf_xor_ic(m + tiled, c + tiled, mlen - tiled, nonce,
                                     (uint32_t)(2U + tiled / 64), state->k);

  unsigned char slen[8], mac[16];
  poly_update(&pst, pad0, (0x10 - sizeof block + mlen) & 0xf);
  STORE64_LE(slen, (uint64_t)adlen);
  poly_update(&pst, slen, sizeof slen);
  STORE64_LE(slen, (sizeof block) + mlen);
  poly_update(&pst, slen, sizeof slen);
  poly_finish(&pst, mac);  // also wipes pst
  if (sodium_memcmp(mac, c + mlen, sizeof mac) != 0) {
    sodium_memzero(mac, sizeof mac);
    if (mlen) sodium_memzero(m, (size_t)mlen);  // never hand out unauthenticated plaintext
    return -1;
  }

  // Next nonce, as libsodium: inonce ^= mac[0..7], counter += 1, rekey on REKEY or wrap.
  for (int i = 0; i < 8; i++) state->nonce[4 + i] ^= mac[i];
  sodium_memzero(mac, sizeof mac);
  sodium_increment(state->nonce, 4);
  if ((tag & crypto_secretstream_xchacha20poly1305_TAG_REKEY) != 0 ||
      sodium_is_zero(state->nonce, 4))
    crypto_secretstream_xchacha20poly1305_rekey(state);
  if (mlen_p != NULL) *mlen_p = mlen;
  if (tag_p != NULL) *tag_p = tag;
  return 0;
}
