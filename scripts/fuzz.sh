#!/usr/bin/env bash
# scripts/fuzz.sh BUILD_DIR SECONDS — run every libFuzzer target for a bounded time.
#
# Each target starts from its committed corpus (tests/fuzz/corpus/<target>/); inputs
# it discovers go to BUILD_DIR/fuzz-new/<target>/ so the committed corpus changes
# only by hand. A crash leaves its input in BUILD_DIR/fuzz-artifacts/ and fails.
set -euo pipefail
build=$1
seconds=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shopt -s nullglob
targets=("$build"/tests/fuzz/fuzz_*)
((${#targets[@]})) || { echo "fuzz: no targets in $build/tests/fuzz" >&2; exit 1; }
mkdir -p "$build/fuzz-artifacts"
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
  new="$build/fuzz-new/${name#fuzz_}"
  mkdir -p "$new" "$corpus"
  echo "fuzz: $name for ${seconds}s (corpus ${corpus#$root/})"
  if ! "$t" "$new" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=70000 -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
       >"$build/fuzz-$name.log" 2>&1; then
    tail -n 40 "$build/fuzz-$name.log" >&2
    echo "fuzz: $name FAILED; the input is in $build/fuzz-artifacts/" >&2
    exit 1
  fi
  grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$build/fuzz-$name.log" | tail -n 1 | sed "s/^/fuzz: $name: /"
done
echo "fuzz: ${#targets[@]} targets passed"
