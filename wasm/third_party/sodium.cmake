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
# What ./configure would have found. No SSE/AVX variants: the portable reference code is built.
target_compile_definitions(sodium PUBLIC SODIUM_STATIC=1
  PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1 HAVE_C_VARARRAYS=1 _GNU_SOURCE=1)
if(EMSCRIPTEN)
  # libsodium's emscripten path draws one byte per JS call from Module.getRandomValue; we
  # install a bulk crypto.getRandomValues implementation instead (wasm/core/js_random.c).
  set_source_files_properties("${SODIUM_SRC}/randombytes/randombytes.c" PROPERTIES COMPILE_OPTIONS
    "-U__EMSCRIPTEN__;-DRANDOMBYTES_CUSTOM_IMPLEMENTATION;-DRANDOMBYTES_DEFAULT_IMPLEMENTATION=&cipherlens_js_random;-include;${CMAKE_SOURCE_DIR}/wasm/core/js_random.h")
else()
  target_compile_definitions(sodium PRIVATE HAVE_TI_MODE=1 HAVE_SYS_RANDOM_H=1 HAVE_GETRANDOM=1)
endif()
target_compile_options(sodium PRIVATE ${OPT_FLAGS} -w)
