#!/usr/bin/env bash
# Formatting and lint, checked in `npm test` (the `lint` layer); `npm run format` applies them.
#   lint.sh          check: Biome (format + lint of JS/TS/JSON/CSS, biome.json), clang-format
#                    (the C/C++ of wasm/, tests/ and the native bench, .clang-format) and tsc
#                    (strict) over the client's trust layer
#   lint.sh --fix    rewrite the files instead
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
[ "${1:-}" = --fix ] && fix=1
# Our C and C++ sources (third_party is Debian's, formatted as upstream ships it).
mapfile -t cxx < <(git ls-files --cached --others --exclude-standard \
  'wasm/*.cpp' 'wasm/*.hpp' 'wasm/*.c' 'wasm/*.h' 'tests/cpp/*.cpp' 'tests/cpp/*.hpp' \
  'tests/fuzz/*.cpp' 'tests/fuzz/*.hpp' 'scripts/bench/*.c' | grep -v '^wasm/third_party/')
if [ "$fix" = 1 ]; then
  node node_modules/@biomejs/biome/bin/biome check --write .
  clang-format-14 -i "${cxx[@]}"
else
  echo "== Biome (format and lint)"
  node node_modules/@biomejs/biome/bin/biome check --error-on-warnings .
  echo "== clang-format (${#cxx[@]} C/C++ files)"
  clang-format-14 --dry-run --Werror "${cxx[@]}"
  echo "== TypeScript (client/src/trust, strict)"
  node node_modules/typescript/bin/tsc -p client/src/trust
fi
