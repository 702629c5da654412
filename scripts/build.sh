#!/usr/bin/env bash
# Builds without installing anything (no apt-get, no npm ci, no root): `npm run setup` first.
# Incremental: re-running only rebuilds what changed.
#   build.sh          everything: native core + Catch2, both wasm modules + Catch2, the package, the app
#   build.sh cpp      the Catch2 suites (native, wasm, and native under ASan + UBSan) and the fuzzers
#   build.sh asan     the ASan + UBSan build alone (build/asan: Catch2 and the libFuzzer targets)
#   build.sh package  the wasm modules, the TypeScript package, the test models and the gallery app
#   build.sh app      the gallery app alone (build/app: what `npm start` serves) and its client for
#                     Node (build/client), from the built package
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten optimizer imports Debian's acorn
jobs=$(nproc)
# The sanitizer build's compiler: the clang whose runtimes (libclang-rt-14-dev) setup installs.
CLANG=clang-14 CLANGXX=clang++-14
what="${1:-all}"

missing=()
for tool in emcc cmake g++ dpkg-source "$CLANG" "$CLANGXX"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -f /usr/include/catch2/catch.hpp ] || missing+=("catch2")
[ -f .deps/libsodium/.verified ] && [ -f .deps/zstd/.verified ] || missing+=(".deps/ sources")
[ -d node_modules/typescript ] || missing+=("node_modules")
if [ ${#missing[@]} -gt 0 ]; then
  echo "build: missing ${missing[*]}: run 'npm run setup' (as root) first" >&2
  exit 1
fi

native() {
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j "$jobs" "$@"
}
wasm() {
  [ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j "$jobs" "$@"
}
# Catch2 and the fuzz targets, natively with clang under ASan + UBSan (tests/fuzz/fuzz.cmake).
asan() {
  [ -f build/asan/CMakeCache.txt ] || cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$CLANG" -DCMAKE_CXX_COMPILER="$CLANGXX" -DCIPHERLENS_SANITIZE=ON >/dev/null
  cmake --build build/asan -j "$jobs" --target core_tests fuzzers
}

package() {
  wasm --target cipherlens cipherlens_crypto
  # The package: compiled TypeScript plus the wasm modules beside it. The TypeScript output (and
  # tsc's record of it) is emptied first so a moved or deleted source leaves no stale module.
  [ -d js/dist ] && find js/dist -mindepth 1 -maxdepth 1 ! -name wasm -exec rm -rf {} +
  rm -rf build/tsc
  # One build of the project graph: the package (js/), then the worker entries (worker/) that
  # import its sources and compile into js/dist/worker.
  node node_modules/typescript/bin/tsc -b worker/tsconfig.json
  mkdir -p js/dist/wasm
  cp build/wasm/cipherlens.mjs build/wasm/cipherlens.wasm js/src/wasm/cipherlens.d.mts \
     build/wasm/cipherlens-crypto.mjs build/wasm/cipherlens-crypto.wasm js/src/wasm/cipherlens-crypto.d.mts js/dist/wasm/
  # Small stand-ins for the MobileCLIP models (generated, never committed; see the script).
  node scripts/gen-test-models.mjs build/models
  # Same-shape MobileCLIP-S2 stand-ins with random weights (~650 MB, for the bench and their
  # test); regenerated only when the generator changes (its hash is in their manifest.json).
  node scripts/gen-mobileclip.mjs build/models/mobileclip
  # The face models: same-shape YOLOv5s-face and MobileFaceNet stand-ins (~34 MB), and the small
  # demo models that find and tell apart generated faces (scripts/synthetic-faces.mjs).
  node scripts/gen-face-models.mjs build/models/faces
  for m in cipherlens cipherlens-crypto; do
    echo "build: $m.wasm $(gzip -9c js/dist/wasm/$m.wasm | wc -c) B gzipped, glue $(gzip -9c js/dist/wasm/$m.mjs | wc -c) B gzipped"
  done
}

# The gallery (app/) bundled with the package's workers, wasm, ONNX Runtime's wasm and the test
# models into build/app/ (scripts/build-app.mjs); `npm start` serves that folder only. The client
# (client/) is bundled for Node too, into build/client/, for the server tests and load drivers.
app() {
  node scripts/build-app.mjs
}

case "$what" in
  cpp) native --target core_tests; wasm --target core_tests; asan ;;
  asan) asan ;;
  package) package; app ;;
  app) app ;;
  all) native; wasm; asan; package; app ;;
  *) echo "build: unknown part '$what' (cpp, asan, package, app or nothing for all)" >&2; exit 1 ;;
esac
