# tests/cli/lib.sh — helpers for command-line tests: sourced, never run alone.
# Each test gets the vigie binary as $1 and a scratch directory in $tmp.
set -euo pipefail
vigie=$1
src=${VG_SOURCE_DIR:?VG_SOURCE_DIR must point at the source tree}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); }

# expect_status CODE CMD... — run CMD, keep stdout/stderr in $tmp/out, $tmp/err.
expect_status() {
  local want=$1; shift
  local got=0
  "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  [[ $got == "$want" ]] || { cat "$tmp/err" >&2; fail "'$*' exited $got, expected $want"; }
  pass
}

expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; head -c 2000 "$1" >&2; fail "'$2' not in $1"; }
  pass
}

done_checks() { echo "$checks passed, 0 failed"; }
