// The explicit_bzero behind sodium_memzero in the wasm build (sodium.cmake compiles utils.c with
// explicit_bzero renamed to this). Large wipes, such as Argon2's arena and 4 MiB stream chunks,
// go to TypedArray.fill, which V8 runs as a native memset: 256 MiB in ~3 ms here against ~9 ms
// for a store loop in wasm. Small ones stay in wasm, where a call out to JS would cost more.
#include <emscripten.h>
#include <string.h>

EM_JS(void, cipherlens_js_fill_zero, (void* p, size_t len),
      { HEAPU8.fill(0, p >>> 0, (p >>> 0) + (len >>> 0)); });

void cipherlens_explicit_bzero(void* p, size_t len) {
  if (len >= 65536) {
    cipherlens_js_fill_zero(p, len);
  } else {
    memset(p, 0, len);
  }
  __asm__ __volatile__(""
                       :
                       : "r"(p)
                       : "memory");  // the zeroes must be written even if p is never read again
}
