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
expect_in "$tmp/err" "replay: $src/scenarios/demo/seine-mini.jsonl done (142 events, 0 malformed)"
done_checks
