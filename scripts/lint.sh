#!/usr/bin/env bash
# Formatting, lint and type-checking, checked in `npm test` (the `lint` layer); `npm run format`
# applies the formatters.
#   lint.sh          check: Biome (format + lint of JS/TS/JSON/CSS, biome.json), clang-format
#                    (the C/C++ of wasm/, tests/ and the native bench, .clang-format), and tsc over
#                    the gallery's TypeScript (client/ with contract/, then app/, which includes them)
#   lint.sh --fix    rewrite the files instead (no type-checking)
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
  # The gallery's types resolve the package through its built declarations (js/dist).
  if [ -f js/dist/crypto.d.ts ]; then
    echo "== tsc: client/ and contract/, app/"
    node node_modules/typescript/bin/tsc -p client/tsconfig.json
    node node_modules/typescript/bin/tsc -p app/tsconfig.json
  else
    echo "lint: the package is not built (js/dist): run 'npm run build' to type-check the gallery" >&2
    exit 1
  fi
fi
