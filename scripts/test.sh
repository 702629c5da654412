#!/usr/bin/env bash
# Runs the test suites; `npm test` runs all of them after setup and build (tests/README.md).
#   test.sh                     every suite
#   test.sh cpp|node|browser|setup|package ...   the named layers only
# The Node, browser and set-up suites go through one node --test run, so its summary closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(setup cpp node browser package)

dirs=()
for layer in "${layers[@]}"; do
  case "$layer" in
    cpp)
      echo "== Catch2, native (g++)"
      build/native/core_tests
      echo "== Catch2, wasm (emcc, in Node)"
      node --no-experimental-fetch build/wasm/core_tests.cjs ;;
    setup) dirs+=(tests/setup/) ;;
    node) dirs+=(tests/js/) ;;
    browser) dirs+=(tests/browser/) ;;
    package) dirs+=(tests/package/) ;;
    *) echo "test: unknown layer '$layer' (cpp, node, browser, setup, package)" >&2; exit 1 ;;
  esac
done

if [ ${#dirs[@]} -gt 0 ]; then
  echo "== node --test ${dirs[*]}"
  node --test --test-concurrency=1 "${dirs[@]}"
fi
