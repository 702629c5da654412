# The sanitizer build (clang only, configured in build/asan by scripts/build.sh): every target,
# libsodium and zstd included, gets ASan + UBSan (any finding aborts) and libFuzzer's coverage
# instrumentation; the Catch2 suite links with the sanitizers, each tests/fuzz/fuzz_*.cpp becomes
# a libFuzzer binary. Directory-wide flags: their final value applies to every target here.
if(EMSCRIPTEN OR NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CIPHERLENS_SANITIZE needs a native clang build")
endif()
set(SANITIZE_FLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -gline-tables-only")
string(APPEND CMAKE_C_FLAGS " ${SANITIZE_FLAGS} -fsanitize=fuzzer-no-link")
string(APPEND CMAKE_CXX_FLAGS " ${SANITIZE_FLAGS} -fsanitize=fuzzer-no-link")
string(APPEND CMAKE_EXE_LINKER_FLAGS " ${SANITIZE_FLAGS}")
# libsodium keeps ASan + UBSan but not the coverage instrumentation: no target explores its
# branches, and instrumented cipher loops made each 4 MiB chunk several times slower.
target_compile_options(sodium PRIVATE -fno-sanitize=fuzzer-no-link)
# zstd 1.5.4's ZSTD_prefetchMatch computes a match address only to prefetch it ("not for
# dereferencing"), out of range on corrupt input: UBSan's pointer-overflow check would stop the
# run there, so it is off for that one file (ASan still checks every access).
set_property(SOURCE "${ZSTD_DIR}/decompress/zstd_decompress_block.c" APPEND PROPERTY
  COMPILE_OPTIONS -fno-sanitize=pointer-overflow)

file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp")
add_custom_target(fuzzers)
foreach(src ${FUZZ_SOURCES})
  get_filename_component(name "${src}" NAME_WE)
  add_executable(${name} "${src}")
  target_link_libraries(${name} PRIVATE core_crypto core_search)
  target_compile_options(${name} PRIVATE -O2 -Wall -Wextra)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_dependencies(fuzzers ${name})
endforeach()
