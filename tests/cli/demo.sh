# `make demo`'s script: the engine's outputs, then the daemon with the map, replaying
# the sample to the end (DEMO_EXIT=1) on a free port.
source "$(dirname "$0")/lib.sh"
export DEMO_EXIT=1 DEMO_SPEED=max DEMO_PORT=$((20000 + RANDOM % 20000))
expect_status 0 bash "$src/scripts/demo.sh" "$vigie"
expect_in "$tmp/out" "demo: replaying scenarios/demo/seine-mini.jsonl"
expect_in "$tmp/out" '"type":"track"'
expect_in "$tmp/out" '"type":"sensor_status"'
expect_in "$tmp/err" "142 events accepted"
expect_in "$tmp/out" "demo: the operations map: http://127.0.0.1:$DEMO_PORT/"
expect_in "$tmp/err" "listening on http://127.0.0.1:$DEMO_PORT/"
expect_in "$tmp/err" "vigie simulate: Seine 2024 opening ceremony:"
grep -q "replay: .*/seine/input.jsonl done ([0-9]* events, 0 malformed)" "$tmp/err" || fail "the simulated ceremony was not replayed: $(tail -n 5 "$tmp/err")"
pass
done_checks
