/* Bulk randomness for libsodium in wasm: crypto.getRandomValues, available in browsers,
 * workers and Node 20. Force-included into libsodium's randombytes.c by CMake. */
#ifndef CIPHERLENS_JS_RANDOM_H
#define CIPHERLENS_JS_RANDOM_H
#include <sodium/randombytes.h>
#ifdef __cplusplus
extern "C" {
#endif
extern randombytes_implementation cipherlens_js_random;
#ifdef __cplusplus
}
#endif
#endif
