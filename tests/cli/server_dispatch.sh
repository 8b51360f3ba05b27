#!/usr/bin/env bash
# server_dispatch.sh VIGIE — patrol units through the daemon: the Seine sample with a
# police car and a Sentinelle patrol added; /api/v1/units lists them; the alert on the
# hobbyist's drone gets the police car proposed (never the soldiers), an operator
# confirms it through the API (a viewer may not), and the confirmation survives a
# restart.
source "$(dirname "$0")/lib.sh"
db=$tmp/vigie.db
for u in "vera viewer" "otto operator"; do
  set -- $u
  echo "$1-password" | "$vigie" user add "$1" --role "$2" --db "$db" 2>/dev/null
done
c='"type":"command","user":"cdt.martin","role":"commander","time":"2024-07-26T17:30:00Z"'
{ head -n 5 "$src/scenarios/demo/seine-mini.jsonl"
  echo "{$c,\"kind\":\"unit_add\",\"args\":{\"unit\":\"PN-7\",\"callsign\":\"Police 7\",\"force\":\"police\",\"mode\":\"vehicle\",\"capabilities\":[\"intercept\"],\"lat\":48.8575,\"lon\":2.3400}}"
  echo "{$c,\"kind\":\"unit_add\",\"args\":{\"unit\":\"SENT-1\",\"force\":\"army\",\"size\":4,\"status\":\"patrolling\",\"lat\":48.8590,\"lon\":2.3368}}"
  tail -n +6 "$src/scenarios/demo/seine-mini.jsonl"; } > "$tmp/in.jsonl"
cat > "$tmp/vigie.conf" <<CONF
[site]
lat = 48.853
lon = 2.3499
alt = 35
alt_ref = AMSL
geoid_undulation = 44.4
ground_elevation = 35
[zones]
file = $src/scenarios/demo/seine-zones.ed269.json
[threat]
assets_file = $src/scenarios/demo/seine-assets.json
[server]
listen = 127.0.0.1
port = 0
CONF
pid=
start() {
  rm -f "$tmp/port"
  "$vigie" serve -c "$tmp/vigie.conf" --db "$db" --port-file "$tmp/port" "$@" 2>>"$tmp/serve.log" &
  pid=$!
  for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
  [[ -s $tmp/port ]] || { cat "$tmp/serve.log" >&2; fail "serve did not start"; }
  base=http://127.0.0.1:$(cat "$tmp/port")/api/v1
}
trap '[[ -n $pid ]] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
login() { curl -s -m 5 -d "{\"user\":\"$1\",\"password\":\"$1-password\"}" "$base/login" | jq -r .token; }

start --replay "$tmp/in.jsonl" --speed max
vera=$(login vera); otto=$(login otto)
for _ in $(seq 100); do
  curl -s -m 5 -H "Authorization: Bearer $vera" "$base/alerts" > "$tmp/alerts"
  [[ $(jq '.alerts | length' "$tmp/alerts") == 2 ]] && break; sleep 0.1
done
curl -s -m 5 -H "Authorization: Bearer $vera" "$base/units" > "$tmp/units"
[[ $(jq -c '[.units[] | {id, force, intercept}]' "$tmp/units") == '[{"id":"PN-7","force":"police","intercept":true},{"id":"SENT-1","force":"army","intercept":false}]' ]] \
  || fail "units: $(cat "$tmp/units")"
pass
curl -s -m 3 -N -H "Authorization: Bearer $vera" "$base/stream?last_event_id=0" > "$tmp/sse" || true
grep '^data: {"type":"dispatch"' "$tmp/sse" > "$tmp/dispatch" || fail "no dispatch proposal in the stream"
pass
grep -q '"alert":2,"unit":"PN-7".*"state":"proposed"' "$tmp/dispatch" || fail "PN-7 not proposed for alert 2: $(cat "$tmp/dispatch")"
pass
! grep -q '"unit":"SENT-1"' "$tmp/dispatch" || fail "a soldier was proposed to intercept"
pass
code=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $vera" -d '{"unit":"PN-7"}' "$base/dispatch/2/confirm")
[[ $code == 403 ]] || fail "viewer confirm: $code"
pass
code=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $otto" -d '{"unit":"PN-7","x":1}' "$base/dispatch/2/confirm")
[[ $code == 400 ]] || fail "bad body: $code"
pass
code=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $otto" -d '{"unit":"PN-7"}' "$base/dispatch/2/confirm")
[[ $code == 200 && $(jq -r .dispatch.state "$tmp/body") == en_route ]] || fail "confirm: $code $(cat "$tmp/body")"
pass
code=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $otto" -d '{"unit":"PN-7"}' "$base/dispatch/2/confirm")
[[ $code == 409 ]] || fail "second confirm: $code $(cat "$tmp/body")"
pass
kill -9 $pid; wait $pid 2>/dev/null || true; pid=
start
curl -s -m 5 -H "Authorization: Bearer $vera" "$base/units" > "$tmp/units"
[[ $(jq -r '.units[] | select(.id == "PN-7") | .status' "$tmp/units") == en_route ]] || fail "after restart: $(cat "$tmp/units")"
pass
kill -TERM $pid; wait $pid || fail "serve did not stop cleanly"; pid=
pass
done_checks
