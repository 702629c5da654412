#!/usr/bin/env bash
# Runs every benchmark in scripts/bench/*.bench.mjs, writes BENCHMARKS.md from their markdown
# output (each prints one section: ## title, tables, notes), then regenerates the README's
# benchmark table from BENCHMARKS.md (scripts/bench/readme-table.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
{
  node -e "import('./scripts/bench/readme-table.mjs').then((m) => console.log(m.FORMAT_MARKER))"
  echo "# Benchmarks"
  echo
  echo "Produced by \`npm run bench\` on $(date -u +%Y-%m-%d): $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "Node $(node --version). In every table the contenders run round by round in one process, one after"
  echo "another in an order that rotates each round, after the same warm-up (native libsodium and cold"
  echo "start-ups in child processes started inside the rounds); figures are medians over the rounds and"
  echo "each ratio is the median over rounds of the ratio within a round."
  echo
  for b in scripts/bench/*.bench.mjs; do
    echo "bench: $b" >&2
    node --no-experimental-fetch --expose-gc "$b"
    echo
  done
} > "$out"
mv "$out" BENCHMARKS.md
node scripts/bench/readme-table.mjs
cat BENCHMARKS.md
