#!/usr/bin/env bash
# Builds everything: the native core + tests (g++), the wasm module + tests (emcc), and the
# TypeScript package. Incremental: re-running only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten optimizer imports Debian's acorn
jobs=$(nproc)

cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j "$jobs"

if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/wasm -j "$jobs"

# The package: compiled TypeScript plus the wasm module beside it.
node node_modules/typescript/bin/tsc -p js/tsconfig.json
# The worker entry (worker/) compiles into js/dist/worker against the declarations just emitted.
node node_modules/typescript/bin/tsc -p worker/tsconfig.json
mkdir -p js/dist/wasm
cp build/wasm/cipherlens.mjs build/wasm/cipherlens.wasm js/src/wasm/cipherlens.d.mts \
   build/wasm/cipherlens-crypto.mjs build/wasm/cipherlens-crypto.wasm js/src/wasm/cipherlens-crypto.d.mts js/dist/wasm/
# ONNX Runtime Web's wasm backend, self-hosted beside the package (no CDN): the plain SIMD build
# (Node, and the 'onnxruntime-web/wasm' import) and the JSEP build (the default browser import).
mkdir -p js/dist/ort
for f in ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm ort-wasm-simd-threaded.jsep.mjs ort-wasm-simd-threaded.jsep.wasm; do
  cp -u node_modules/onnxruntime-web/dist/$f js/dist/ort/
done

# Small stand-ins for the MobileCLIP models (generated, never committed; see the script).
node scripts/gen-test-models.mjs build/models

for m in cipherlens cipherlens-crypto; do
  echo "build: $m.wasm $(gzip -9c js/dist/wasm/$m.wasm | wc -c) B gzipped, glue $(gzip -9c js/dist/wasm/$m.mjs | wc -c) B gzipped"
done
