#!/usr/bin/env bash
# Runs the test suites; `npm test` runs all of them after setup and build (tests/README.md).
#   test.sh                     every suite
#   test.sh cpp|node|browser|setup ...   the named layers only
# The Node, browser and set-up suites go through one node --test run, so its summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
layers=("$@")
# Seconds each libFuzzer target runs in the cpp layer (`npm run fuzz` runs longer: scripts/fuzz.sh).
fuzz_slice_seconds="${FUZZ_TEST_SECONDS:-4}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
[ ${#layers[@]} -gt 0 ] || layers=(setup cpp node browser)

dirs=()
for layer in "${layers[@]}"; do
  case "$layer" in
    cpp)
      echo "== Catch2, native (g++)"
      build/native/core_tests
      echo "== Catch2, wasm (emcc, in Node)"
      node --no-experimental-fetch build/wasm/core_tests.cjs
      echo "== Catch2, native under ASan + UBSan (clang)"
      build/asan/core_tests
      echo "== libFuzzer targets, ${fuzz_slice_seconds}s each (tests/fuzz)"
      # From the committed seeds only, so the slice costs the same however long fuzzing ran here.
      rm -rf build/fuzz/slice-corpus
      FUZZ_SECONDS="$fuzz_slice_seconds" FUZZ_CORPUS=build/fuzz/slice-corpus bash scripts/fuzz.sh ;;
    setup) dirs+=(tests/setup/) ;;
    node) dirs+=(tests/js/) ;;
    browser) dirs+=(tests/browser/) ;;
    *) echo "test: unknown layer '$layer' (cpp, node, browser, setup)" >&2; exit 1 ;;
  esac
done

if [ ${#dirs[@]} -gt 0 ]; then
  echo "== node --test ${dirs[*]}"
  node --test --test-concurrency=1 "${dirs[@]}"
fi
