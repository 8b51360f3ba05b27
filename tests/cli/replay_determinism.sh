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
expect_in "$tmp/err" "142 lines, 142 events accepted, 0 malformed, 0 rejected"
# The sample's drone is one track, fused from its Remote ID, the radar and the RF
# direction finder; the helicopter is one track with its ADS-B identity.
drone=$(grep '"id":"1596F3A8B2C4D5E6F7A8"' "$tmp/a" | grep -o '"type":"track","time":"[^"]*","id":[0-9]*' | sed 's/.*"id"://' | sort -u)
[[ $(echo "$drone" | wc -l) == 1 ]] || fail "the drone has tracks: $drone"; pass
for s in rid-pont-des-arts radar-pont-neuf rf-ile-saint-louis; do
  # (grep -c, not -q: -q would close the pipe early and pipefail would see SIGPIPE)
  n=$(grep "\"id\":$drone," "$tmp/a" | grep -c "\"sensor\":\"$s\"" || true)
  (( n > 0 )) || fail "track $drone never updated by $s"; pass
done
heli=$(grep '"id":"3B7A21"' "$tmp/a" | grep -o '"type":"track","time":"[^"]*","id":[0-9]*' | sed 's/.*"id"://' | sort -u)
[[ $(echo "$heli" | wc -l) == 1 ]] || fail "the helicopter has tracks: $heli"; pass
# One alert per object and rule: the drone's zone entry is one alert, whose state
# the operator's commands move on (raised, acknowledged, dispatched).
zone_alerts=$(grep '"rule":"zone_entry"' "$tmp/a" | grep -o '"id":[0-9]*' | sort -u | wc -l)
[[ $zone_alerts == 1 ]] || fail "$zone_alerts zone_entry alerts, expected 1"; pass
for st in raised acknowledged dispatched; do
  n=$(grep '"rule":"zone_entry"' "$tmp/a" | grep -c "\"state\":\"$st\"" || true)
  [[ $n == 1 ]] || fail "zone_entry alert: $n events in state $st"; pass
done
expect_in "$tmp/a" '"severity":"critical","state":"raised","zone":"SEINE-CORRIDOR"'
expect_in "$tmp/a" 'pilot at 48.85905, 2.33690'
cmp "$tmp/a" "$src/tests/golden/seine-mini.out.jsonl" || {
  diff "$tmp/a" "$src/tests/golden/seine-mini.out.jsonl" | head -n 10 >&2
  fail "output differs from tests/golden/seine-mini.out.jsonl"
}
pass
done_checks
