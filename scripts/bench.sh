#!/usr/bin/env bash
# Runs every benchmark in scripts/bench/*.bench.mjs and writes BENCHMARKS.md from their
# markdown output. Each benchmark prints one section (## title, table, notes) on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
{
  echo "# Benchmarks"
  echo
  echo "Produced by \`npm run bench\` on $(date -u +%Y-%m-%d): $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "Node $(node --version). Medians of several runs; ratios are against the peer in the same run."
  echo
  for b in scripts/bench/*.bench.mjs; do
    echo "bench: $b" >&2
    node --no-experimental-fetch --expose-gc "$b"
    echo
  done
} > "$out"
mv "$out" BENCHMARKS.md
cat BENCHMARKS.md
