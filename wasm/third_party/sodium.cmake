# libsodium 1.0.18 from the Debian source package, compiled without autotools.
set(SODIUM_DIR "${DEPS_DIR}/libsodium")
if(NOT EXISTS "${SODIUM_DIR}/src/libsodium/include/sodium.h")
  message(FATAL_ERROR "libsodium sources missing in ${SODIUM_DIR}: run scripts/fetch-sources.sh")
endif()
set(SODIUM_SRC "${SODIUM_DIR}/src/libsodium")

# version.h is normally produced by ./configure.
set(VERSION 1.0.18)
set(SODIUM_LIBRARY_VERSION_MAJOR 10)
set(SODIUM_LIBRARY_VERSION_MINOR 3)
set(SODIUM_LIBRARY_MINIMAL_DEF "")
configure_file("${SODIUM_SRC}/include/sodium/version.h.in"
               "${CMAKE_BINARY_DIR}/sodium_generated/sodium/version.h" @ONLY)
# version.h includes "export.h" from its own folder.
configure_file("${SODIUM_SRC}/include/sodium/export.h"
               "${CMAKE_BINARY_DIR}/sodium_generated/sodium/export.h" COPYONLY)

file(GLOB_RECURSE SODIUM_SOURCES "${SODIUM_SRC}/*.c")
add_library(sodium STATIC ${SODIUM_SOURCES})
target_include_directories(sodium
  PUBLIC "${CMAKE_BINARY_DIR}/sodium_generated" "${SODIUM_SRC}/include"
  PRIVATE "${CMAKE_BINARY_DIR}/sodium_generated/sodium" "${SODIUM_SRC}/include/sodium")
# Without it sodium_memzero falls back to zeroing byte by byte through a volatile pointer, which
# would make wiping Argon2's 256 MiB arena (below) cost a large share of crypto_pwhash's time.
# glibc and Emscripten's libc both have explicit_bzero (memset plus a compiler barrier).
target_compile_definitions(sodium PRIVATE HAVE_EXPLICIT_BZERO=1)
# Argon2's arena is cleared before it is freed (wasm/crypto/sodium/argon2_wipe_arena.c wraps the
# renamed finalize).
target_sources(sodium PRIVATE "${CMAKE_SOURCE_DIR}/wasm/crypto/sodium/argon2_wipe_arena.c")
target_include_directories(sodium PRIVATE "${SODIUM_SRC}")
set_property(SOURCE "${SODIUM_SRC}/crypto_pwhash/argon2/argon2-core.c" APPEND PROPERTY
  COMPILE_DEFINITIONS finalize=cipherlens_argon2_finalize_unwiped)
# What ./configure would have found. No SSE/AVX variants: the portable reference code is built.
target_compile_definitions(sodium PUBLIC SODIUM_STATIC=1
  PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1 HAVE_C_VARARRAYS=1 _GNU_SOURCE=1)
if(EMSCRIPTEN)
  # libsodium's emscripten path draws one byte per JS call from Module.getRandomValue; we
  # install a bulk crypto.getRandomValues implementation instead (wasm/crypto/sodium/js_random.c).
  target_sources(sodium PRIVATE "${CMAKE_SOURCE_DIR}/wasm/crypto/sodium/js_random.c")
  set_source_files_properties("${SODIUM_SRC}/randombytes/randombytes.c" PROPERTIES COMPILE_OPTIONS
    "-U__EMSCRIPTEN__;-DRANDOMBYTES_CUSTOM_IMPLEMENTATION;-DRANDOMBYTES_DEFAULT_IMPLEMENTATION=&cipherlens_js_random;-include;${CMAKE_SOURCE_DIR}/wasm/crypto/sodium/js_random.h")

  # sodium_memzero hands large wipes to a native memset (wasm/crypto/sodium/explicit_bzero_large.c).
  target_sources(sodium PRIVATE "${CMAKE_SOURCE_DIR}/wasm/crypto/sodium/explicit_bzero_large.c")
  set_property(SOURCE "${SODIUM_SRC}/sodium/utils.c" APPEND PROPERTY
    COMPILE_DEFINITIONS explicit_bzero=cipherlens_explicit_bzero)
  # wasm SIMD128 hot paths (wasm/crypto/simd): ChaCha20, Poly1305 and Argon2's fill_segment. Each
  # dispatcher file below is compiled with a forced include that renames its default
  # implementation symbol to ours (see wasm/crypto/simd/sodium_wasm128_select.h); no libsodium file
  # is patched, and libsodium's scalar ref code stays linked as the fallback and test oracle.
  file(GLOB SODIUM_SIMD_SOURCES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/wasm/crypto/simd/*.c")
  target_sources(sodium PRIVATE ${SODIUM_SIMD_SOURCES})
  target_include_directories(sodium PUBLIC "${CMAKE_SOURCE_DIR}/wasm/crypto/simd" PRIVATE "${SODIUM_SRC}")
  set(SIMD_SELECT "-include;${CMAKE_SOURCE_DIR}/wasm/crypto/simd/sodium_wasm128_select.h")
  set_source_files_properties("${SODIUM_SRC}/crypto_stream/chacha20/stream_chacha20.c"
    PROPERTIES COMPILE_OPTIONS "-DCIPHERLENS_SELECT_CHACHA20;${SIMD_SELECT}")
  set_source_files_properties("${SODIUM_SRC}/crypto_onetimeauth/poly1305/onetimeauth_poly1305.c"
    PROPERTIES COMPILE_OPTIONS "-DCIPHERLENS_SELECT_POLY1305;${SIMD_SELECT}")
  set_source_files_properties("${SODIUM_SRC}/crypto_pwhash/argon2/argon2-core.c"
    PROPERTIES COMPILE_OPTIONS "-DCIPHERLENS_SELECT_ARGON2;${SIMD_SELECT}")
else()
  target_compile_definitions(sodium PRIVATE HAVE_TI_MODE=1 HAVE_SYS_RANDOM_H=1 HAVE_GETRANDOM=1)
endif()
if(EMSCRIPTEN)
  # No auto-vectorization and no LTO for libsodium: with -msimd128, clang's SLP vectorizer turns
  # the scalar 64-bit multiply-accumulate code (Poly1305 donna, BLAKE2b, Argon2 ref, curve25519)
  # into i64x2.mul, which V8 has to emulate with several pmuludq; compiled here without it the
  # scalar paths got faster. Not in LTO either, or the link step would vectorize them again.
  # The SIMD128 code in wasm/crypto/simd uses intrinsics and does not depend on the vectorizer.
  target_compile_options(sodium PRIVATE -O3 -msimd128 -fno-vectorize -fno-slp-vectorize -w)
else()
  target_compile_options(sodium PRIVATE ${OPT_FLAGS} -w)
endif()
