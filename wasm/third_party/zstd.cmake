# zstd from the Debian source package (library only, single-threaded, no assembly).
set(ZSTD_DIR "${DEPS_DIR}/zstd/lib")
if(NOT EXISTS "${ZSTD_DIR}/zstd.h")
  message(FATAL_ERROR "zstd sources missing in ${ZSTD_DIR}: run scripts/fetch-sources.sh")
endif()
file(GLOB ZSTD_SOURCES "${ZSTD_DIR}/common/*.c" "${ZSTD_DIR}/compress/*.c" "${ZSTD_DIR}/decompress/*.c")
add_library(zstd STATIC ${ZSTD_SOURCES})
target_include_directories(zstd PUBLIC "${ZSTD_DIR}")
target_compile_definitions(zstd PRIVATE ZSTD_DISABLE_ASM=1 ZSTD_MULTITHREAD=0)
target_compile_options(zstd PRIVATE ${OPT_FLAGS} -w)
# The compressor only runs when an embedding index is saved: optimise it for size (it is most of
# zstd's code); the decompressor keeps the speed flags.
file(GLOB ZSTD_COMPRESS_SOURCES "${ZSTD_DIR}/compress/*.c")
set_source_files_properties(${ZSTD_COMPRESS_SOURCES} PROPERTIES COMPILE_OPTIONS "-Os")
