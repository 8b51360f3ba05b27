#!/usr/bin/env bash
# scripts/demo.sh VIGIE — the demo. Until the Seine simulator lands, it replays the
# bundled Seine sample (scenarios/demo/seine-mini.jsonl) through the engine and
# prints what the engine outputs.
set -euo pipefail
vigie=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
input="$root/scenarios/demo/seine-mini.jsonl"
echo "demo: replaying ${input#$root/} (Seine, 26 July 2024) through the engine"
echo "demo: $("$vigie" --version)"
"$vigie" replay --config "$root/scenarios/demo/seine.conf" "$input"
