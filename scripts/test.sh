#!/usr/bin/env bash
# Runs the test suites; `npm test` runs all of them after setup and build (tests/README.md).
#   test.sh                     every suite
#   test.sh lint|cpp|node|browser|setup|package|app|server ...   the named layers only
# The Node, browser, set-up, package, app and server suites go through one node --test run (then, after the
# node and browser layers, the SECURITY.md table check).
# Random test inputs come from TEST_SEED (one for every suite); unset, a fresh one is drawn and
# printed here, and a failing suite prints it again: TEST_SEED=<it> npm test reruns the same inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_SEED="${TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "== random test inputs from TEST_SEED=$TEST_SEED"
layers=("$@")
# Seconds each libFuzzer target runs in the cpp layer (`npm run fuzz` runs longer: scripts/fuzz.sh).
fuzz_slice_seconds="${FUZZ_TEST_SECONDS:-4}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
[ ${#layers[@]} -gt 0 ] || layers=(lint setup cpp node browser package app server)

dirs=()
# SECURITY.md's hostile-input table is checked against what the Node and browser suites record
# (tests/js/hostile-table.mjs), so only when both run; stale records are cleared first.
check_table=0
if [[ " ${layers[*]} " == *" node "* && " ${layers[*]} " == *" browser "* ]]; then
  check_table=1
  rm -rf test-results/hostile-inputs
fi
for layer in "${layers[@]}"; do
  case "$layer" in
    lint) bash scripts/lint.sh ;;
    cpp)
      echo "== Catch2, native (g++)"
      build/native/core_tests --rng-seed "$TEST_SEED"
      echo "== Catch2, wasm (emcc, in Node)"
      node --no-experimental-fetch build/wasm/core_tests.cjs --rng-seed "$TEST_SEED"
      echo "== Catch2, native under ASan + UBSan (clang)"
      build/asan/core_tests --rng-seed "$TEST_SEED"
      echo "== libFuzzer targets, ${fuzz_slice_seconds}s each (tests/fuzz)"
      # From the committed seeds only, so the slice costs the same however long fuzzing ran here.
      rm -rf build/fuzz/slice-corpus
      FUZZ_SECONDS="$fuzz_slice_seconds" FUZZ_CORPUS=build/fuzz/slice-corpus bash scripts/fuzz.sh ;;
    setup) dirs+=(tests/setup/) ;;
    node) dirs+=(tests/js/) ;;
    browser) dirs+=(tests/browser/) ;;
    package) dirs+=(tests/package/) ;;
    app) dirs+=(tests/app/) ;;
    server) dirs+=(tests/server/) ;;
    *) echo "test: unknown layer '$layer' (lint, cpp, node, browser, setup, package, app, server)" >&2; exit 1 ;;
  esac
done

if [ ${#dirs[@]} -gt 0 ]; then
  echo "== node --test ${dirs[*]}"
  node --test --test-concurrency=1 "${dirs[@]}"
fi
# The server suite again over PostgreSQL and S3 (Ceph's RADOS Gateway), both started and stopped
# by tests/server/run-backends.mjs.
if [[ " ${layers[*]} " == *" server "* ]]; then
  echo "== server suite on PostgreSQL + S3 (tests/server/run-backends.mjs)"
  node tests/server/run-backends.mjs
fi
if [ "$check_table" = 1 ]; then
  echo "== SECURITY.md hostile-input table"
  node scripts/security-table.mjs --check
fi
