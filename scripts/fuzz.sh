#!/usr/bin/env bash
# scripts/fuzz.sh BUILD_DIR SECONDS [JOBS] — run every libFuzzer target for a bounded
# time, JOBS targets at a time (default: the number of cores).
#
# Each target starts from its committed corpus (tests/fuzz/corpus/<target>/); inputs
# it discovers go to BUILD_DIR/fuzz-new/<target>/ so the committed corpus changes
# only by hand. A crash leaves its input in BUILD_DIR/fuzz-artifacts/ and fails.
set -euo pipefail
build=$1
seconds=$2
jobs=${3:-$(nproc 2>/dev/null || echo 2)}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shopt -s nullglob
targets=("$build"/tests/fuzz/fuzz_*)
((${#targets[@]})) || { echo "fuzz: no targets in $build/tests/fuzz" >&2; exit 1; }
mkdir -p "$build/fuzz-artifacts"

# One target: prints its summary line, or its log's tail and fails.
fuzz_one() {
  local t=$1 name corpus new
  name=$(basename "$t")
  corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
  new="$build/fuzz-new/${name#fuzz_}"
  mkdir -p "$new" "$corpus"
  if ! "$t" "$new" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=70000 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
       >"$build/fuzz-$name.log" 2>&1; then
    tail -n 40 "$build/fuzz-$name.log" >&2
    echo "fuzz: $name FAILED; the input is in $build/fuzz-artifacts/" >&2
    return 1
  fi
  echo "fuzz: $name: $(grep -E 'stat::number_of_executed_units' "$build/fuzz-$name.log" | tail -n 1 | awk '{print $2}') runs in ${seconds}s"
}

echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $jobs at a time"
pids=() failed=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
((failed == 0)) || { echo "fuzz: at least one target failed" >&2; exit 1; }
echo "fuzz: ${#targets[@]} targets passed"
