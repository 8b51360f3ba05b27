# Replaying the same input twice gives byte-identical output, equal to the committed
# golden output (tests/golden/); stdin and -o give the same bytes as stdout.
source "$(dirname "$0")/lib.sh"
in="$src/scenarios/demo/seine-mini.jsonl"
conf="$src/scenarios/demo/seine.conf"
expect_status 0 "$vigie" replay -c "$conf" "$in"; cp "$tmp/out" "$tmp/a"
expect_status 0 "$vigie" replay -c "$conf" "$in"; cp "$tmp/out" "$tmp/b"
cmp "$tmp/a" "$tmp/b" || fail "two replays differ"; pass
[[ -s "$tmp/a" ]] || fail "no output"; pass
expect_status 0 "$vigie" replay -c "$conf" -o "$tmp/c" - <"$in"
cmp "$tmp/a" "$tmp/c" || fail "stdin + -o differs from file + stdout"; pass
expect_in "$tmp/err" "140 lines, 140 events accepted, 0 malformed, 0 rejected"
# One track per positioned detection (bearings make none yet), one status per sensor
# declaration or change.
positioned=$(grep '"type":"detection"' "$in" | grep -vc '"bearing"')
tracks=$(grep -c '"type":"track"' "$tmp/a")
[[ $positioned == "$tracks" ]] || fail "$tracks tracks for $positioned positioned detections"; pass
cmp "$tmp/a" "$src/tests/golden/seine-mini.out.jsonl" || {
  diff "$tmp/a" "$src/tests/golden/seine-mini.out.jsonl" | head -n 10 >&2
  fail "output differs from tests/golden/seine-mini.out.jsonl"
}
pass
done_checks
