// Poly1305 for wasm, scalar: 26-bit limbs (wasm has 64-bit multiplies but no 64x64->128, so
// 64-bit limbs would go through __multi3), two blocks per step with r^2 (see poly_blocks_pairs).
// Measured against libsodium's donna32 and against a SIMD128 version that ran two blocks in
// the lanes of u64x2.extmul (V8 lowers each extmul to two shuffles and one pmuludq, so it
// lost to scalar 64-bit multiplies by ~6%); this pairs loop was fastest, ~15% over donna32.
// libsodium's donna implementation stays linked: states made while
// cipherlens_simd_scalar_mode is set are handled by it (marked in the state's last byte).
// Installed in onetimeauth_poly1305.c by wasm/crypto/simd/sodium_wasm128_select.h.
#include <stdint.h>
#include <string.h>

#include "crypto_onetimeauth_poly1305.h"
#include "crypto_verify_16.h"
#include "utils.h"

#include "crypto_onetimeauth/poly1305/onetimeauth_poly1305.h"  // libsodium's internal interface
#include "simd_mode.h"

extern struct crypto_onetimeauth_poly1305_implementation
    crypto_onetimeauth_poly1305_donna_implementation;

#include "poly1305_wasm_core.h"

#define SCALAR_MARK 0xa5  // opaque[255] of a state owned by libsodium's donna code

#define DONNA crypto_onetimeauth_poly1305_donna_implementation
#define IS_SCALAR(state) ((state)->opaque[255] == SCALAR_MARK)

static int auth(unsigned char* out, const unsigned char* m, unsigned long long len,
                const unsigned char* key) {
  if (cipherlens_simd_scalar_mode) return DONNA.onetimeauth(out, m, len, key);
  poly_state_t st;
  poly_init(&st, key);
  poly_update(&st, m, len);
  poly_finish(&st, out);
  return 0;
}

static int verify(const unsigned char* h, const unsigned char* m, unsigned long long len,
                  const unsigned char* key) {
  if (cipherlens_simd_scalar_mode) return DONNA.onetimeauth_verify(h, m, len, key);
  unsigned char correct[16];
  auth(correct, m, len, key);
  int rc = crypto_verify_16(h, correct);
  sodium_memzero(correct, sizeof correct);
  return rc;
}

static int state_init(crypto_onetimeauth_poly1305_state* state, const unsigned char* key) {
  if (cipherlens_simd_scalar_mode) {
    int rc = DONNA.onetimeauth_init(state, key);
    state->opaque[255] = SCALAR_MARK;
    return rc;
  }
  poly_init((poly_state_t*)(void*)state, key);
  state->opaque[255] = 0;
  return 0;
}

static int state_update(crypto_onetimeauth_poly1305_state* state, const unsigned char* m,
                        unsigned long long len) {
  if (IS_SCALAR(state)) return DONNA.onetimeauth_update(state, m, len);
  poly_update((poly_state_t*)(void*)state, m, len);
  return 0;
}

static int state_final(crypto_onetimeauth_poly1305_state* state, unsigned char* out) {
  if (IS_SCALAR(state)) {
    int rc = DONNA.onetimeauth_final(state, out);
    state->opaque[255] = 0;
    return rc;
  }
  poly_finish((poly_state_t*)(void*)state, out);
  return 0;
}

struct crypto_onetimeauth_poly1305_implementation crypto_onetimeauth_poly1305_wasm_implementation =
    {auth, verify, state_init, state_update, state_final};
