#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <stdint.h>
#include <stdlib.h>
#include <sodium.h>

#include "js_random.h"

/* getRandomValues fills at most 65,536 bytes per call. */
EM_JS(int, cipherlens_fill_random, (unsigned char* buf, size_t len), {
  try {
    var start = buf >>> 0;
    var end = start + (len >>> 0);
    for (var p = start; p < end; p += 65536) {
      globalThis.crypto.getRandomValues(HEAPU8.subarray(p, Math.min(end, p + 65536)));
    }
    return 0;
  } catch (e) {
    return -1;
  }
});

static void js_random_buf(void* const buf, const size_t size) {
  /* No secure randomness means no keys or nonces: stop rather than continue weakly. */
  if (size > 0 && cipherlens_fill_random((unsigned char*)buf, size) != 0) abort();
}

static uint32_t js_random_u32(void) {
  uint32_t r;
  js_random_buf(&r, sizeof r);
  return r;
}

static const char* js_random_name(void) { return "js-getRandomValues"; }

randombytes_implementation cipherlens_js_random = {js_random_name, js_random_u32, NULL,
                                                   NULL,           js_random_buf, NULL};
#endif
