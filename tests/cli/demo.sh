# `make demo`'s script runs with the built binary and shows the engine's outputs.
source "$(dirname "$0")/lib.sh"
expect_status 0 bash "$src/scripts/demo.sh" "$vigie"
expect_in "$tmp/out" "demo: replaying scenarios/demo/seine-mini.jsonl"
expect_in "$tmp/out" '"type":"track"'
expect_in "$tmp/out" '"type":"sensor_status"'
expect_in "$tmp/err" "142 events accepted"
done_checks
