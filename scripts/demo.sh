#!/usr/bin/env bash
# scripts/demo.sh VIGIE — the demo: the Seine, 26 July 2024.
#
# First the engine replays the bundled Seine sample (scenarios/demo/seine-mini.jsonl)
# and prints its outputs and summary. Then the simulator plays 25 minutes of the
# opening ceremony (scenarios/seine-2024.json, 19:53–20:18 Paris time: gulls over the
# river, a hobbyist's drone, a French-beacon drone from a rooftop, the whitelisted
# media and police drones, a helicopter) and `vigie serve` replays it with the web map
# at http://127.0.0.1:$DEMO_PORT/ (default 8080), with a fresh store and three demo
# users, until Ctrl-C. DEMO_SPEED sets the replay speed (default 5); DEMO_EXIT=1 stops
# the daemon once the replay is done (used by tests).
set -euo pipefail
vigie=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=$root/scenarios/demo
input=$demo/seine-mini.jsonl
port=${DEMO_PORT:-8080}
speed=${DEMO_SPEED:-5}
echo "demo: replaying ${input#$root/} (Seine, 26 July 2024) through the engine"
echo "demo: $("$vigie" --version)"
"$vigie" replay --config "$demo/seine.conf" "$input"

state=$(mktemp -d "${TMPDIR:-/tmp}/vigie-demo.XXXXXX")
trap 'rm -rf "$state"' EXIT
db=$state/vigie.db
for user in "operator operator" "commander commander" "viewer viewer"; do
  set -- $user
  echo "demo-$1" | "$vigie" user add "$1" --role "$2" --db "$db" 2>/dev/null
done
echo "demo: simulating the Seine ceremony, 19:53-20:18 Paris time (scenarios/seine-2024.json)"
"$vigie" simulate "$root/scenarios/seine-2024.json" -o "$state/seine" --from 2280 --duration 1500
extra=()
[[ ${DEMO_EXIT:-0} == 1 ]] && extra=(--exit-after-replay)
cat <<MSG

demo: the operations map: http://127.0.0.1:$port/
demo: sign in as operator / demo-operator, commander / demo-commander or viewer / demo-viewer
demo: the simulated ceremony replays at ${speed}x; Ctrl-C stops the daemon
MSG
"$vigie" serve -c "$root/scenarios/seine-2024.conf" --db "$db" --port "$port" \
  --replay "$state/seine/input.jsonl" --speed "$speed" "${extra[@]}"
