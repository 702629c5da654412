#!/usr/bin/env bash
# Runs every suite: the Catch2 core tests (native and wasm), then the Node and browser suites
# through node's test runner. Expects `npm run build` to have run (npm test does that).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Catch2, native (g++)"
build/native/core_tests
echo "== Catch2, wasm (emcc, in Node)"
node --no-experimental-fetch build/wasm/core_tests.cjs

echo "== Node and browser suites"
node --test --test-concurrency=1 tests/js/ tests/browser/
