#!/usr/bin/env bash
# Runs every libFuzzer target (build/asan/fuzz_*, from tests/fuzz/) for FUZZ_SECONDS each
# (default 60), starting from the committed seeds in tests/fuzz/corpus/<target>/ and what earlier
# runs found in $FUZZ_CORPUS/<target>/ (default build/fuzz/corpus; new inputs go there, never
# into the repository). A failing input is saved as build/fuzz/crashes/<target>-crash-<sha1>
# and the run fails. `npm test` runs a short slice from the seeds alone.
#   fuzz.sh [target...]     the named targets only (e.g. fuzz_stream)
# Build first: `bash scripts/build.sh asan`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
corpus="${FUZZ_CORPUS:-build/fuzz/corpus}"
# The longest any single input may run before libFuzzer calls it a hang (a 4 MiB chunk under
# ASan takes well under a second; this only catches endless loops).
hang_seconds=120
# Inputs larger than this add time, not coverage (targets cap their own sizes below it too).
max_len=8192
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
mkdir -p build/fuzz/crashes
failed=()
for t in "${targets[@]}"; do
  bin="build/asan/$t"
  [ -x "$bin" ] || { echo "fuzz: $bin missing: run 'bash scripts/build.sh asan'" >&2; exit 1; }
  mkdir -p "$corpus/$t" "tests/fuzz/corpus/$t"
  log="$corpus/$t.log"  # beside its corpus: a test slice and a long run may run at once
  if "$bin" -max_total_time="$seconds" -timeout="$hang_seconds" -max_len="$max_len" \
       -artifact_prefix="build/fuzz/crashes/$t-" -print_final_stats=1 \
       "$corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz: $t ok, ${execs:-?} inputs in ${seconds}s"
  else
    echo "fuzz: $t FAILED (log: $log)" >&2
    grep -E 'property failed|ERROR: |SUMMARY: |runtime error' "$log" | head -5 >&2 || true
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}; inputs in build/fuzz/crashes/ (run one: build/asan/<target> <file>)" >&2
  exit 1
fi
