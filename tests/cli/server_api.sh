#!/usr/bin/env bash
# server_api.sh VIGIE — a real `vigie serve` on 127.0.0.1 with a temporary store:
# every route and role (401 without a session, 403 for the wrong role or a missing
# CSRF token), malformed and oversized bodies (JSON errors, daemon still up), UDP input
# with a malformed datagram, SSE resume with Last-Event-ID, then kill -9 and a restart
# that restores the acknowledged alert, the posture and the tracks, and an audit chain
# that verifies — and fails once a row is changed. Every wait is bounded.
source "$(dirname "$0")/lib.sh"
db=$tmp/vigie.db
demo=$src/scenarios/demo
udp_port=$((20000 + RANDOM % 20000))
cat > "$tmp/vigie.conf" <<CONF
[site]
lat = 48.853
lon = 2.3499
alt = 35
alt_ref = AMSL
geoid_undulation = 44.4
ground_elevation = 35
[log]
level = warn
[zones]
file = $demo/seine-zones.ed269.json
[threat]
assets_file = $demo/seine-assets.json
coverage_file = $demo/seine-coverage.json
[server]
listen = 127.0.0.1
port = 0
udp_port = $udp_port
max_body = 4096
CONF
for u in "vera viewer" "otto operator" "cleo commander" "adam admin"; do
  set -- $u
  echo "$1-password" | "$vigie" user add "$1" --role "$2" --db "$db" 2>/dev/null || fail "user add $1"
done

pid=
start() { # start [serve options...]
  rm -f "$tmp/port"
  "$vigie" serve -c "$tmp/vigie.conf" --db "$db" --port-file "$tmp/port" "$@" \
    >>"$tmp/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
  [[ -s $tmp/port ]] || { cat "$tmp/serve.log" >&2; fail "serve did not start"; }
  base=http://127.0.0.1:$(cat "$tmp/port")/api/v1
}
cleanup() { [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# http METHOD PATH [curl args...] — status in $code, body in $tmp/body.
http() {
  local method=$1 path=$2; shift 2
  code=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' -X "$method" "$@" "$base$path")
}
expect_http() { # expect_http CODE METHOD PATH [curl args...]
  local want=$1; shift
  http "$@"
  [[ $code == "$want" ]] || fail "$1 $2: status $code, expected $want: $(head -c 300 "$tmp/body")"
  if [[ $want -ge 400 ]]; then
    jq -e '.error and .detail' "$tmp/body" >/dev/null || fail "$1 $2: error body not JSON: $(head -c 200 "$tmp/body")"
  fi
  pass
}
login() { # login USER → token in $token, csrf in $csrf, cookie jar $tmp/jar.USER
  expect_http 200 POST /login -c "$tmp/jar.$1" -d "{\"user\":\"$1\",\"password\":\"$1-password\"}"
  token=$(jq -r .token "$tmp/body"); csrf=$(jq -r .csrf "$tmp/body")
}

start --replay "$demo/seine-mini.jsonl" --speed max
# The replay is processed when its two alerts are stored.
login vera; vera=$token
for _ in $(seq 100); do
  http GET /alerts -H "Authorization: Bearer $vera"
  [[ $(jq '.alerts | length' "$tmp/body") == 2 ]] && break; sleep 0.1
done
[[ $(jq '.alerts | length' "$tmp/body") == 2 ]] || fail "replay did not raise the demo's 2 alerts"
pass

# Without a session: 401 everywhere but login.
for path in /tracks /tracks/1 /alerts /posture /zones /sensors /units /audit /stream /me /config /basemap; do
  expect_http 401 GET "$path"
done
expect_http 401 POST /alerts/1/ack
expect_http 401 GET /tracks -H "Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000"
expect_http 401 GET /tracks -H "Cookie: vigie_session=nothex"
expect_http 401 POST /login -d '{"user":"otto","password":"wrong-password"}'
expect_http 401 POST /login -d '{"user":"nobody","password":"whatever1"}'
expect_http 400 POST /login -d '{"user":"otto"'
expect_http 400 POST /login -d '{"user":"otto","password":"x","extra":1}'
expect_http 405 GET /login

# Viewer: reads, cannot act, cannot read the audit log.
bearer=(-H "Authorization: Bearer $vera")
expect_http 200 GET /tracks "${bearer[@]}"
[[ $(jq '.tracks | length' "$tmp/body") -ge 1 ]] || fail "no live track after the demo"
track=$(jq '.tracks[0].id' "$tmp/body")
expect_http 200 GET "/tracks/$track" "${bearer[@]}"
[[ $(jq '.history | length' "$tmp/body") -ge 2 ]] || fail "track history: $(cat "$tmp/body")"
pass
expect_http 404 GET /tracks/999999 "${bearer[@]}"
expect_http 404 GET /tracks/abc "${bearer[@]}"
expect_http 200 GET /posture "${bearer[@]}"
[[ $(jq -r .posture.level "$tmp/body") == urgence_attentat ]] || fail "posture: $(cat "$tmp/body")"
pass
expect_http 200 GET /zones "${bearer[@]}"
[[ $(jq -r .type "$tmp/body") == FeatureCollection && $(jq '.features | length' "$tmp/body") -ge 1 ]] \
  || fail "zones: $(head -c 200 "$tmp/body")"
pass
expect_http 200 GET /sensors "${bearer[@]}"
[[ $(jq '.sensors | length' "$tmp/body") == 4 ]] || fail "sensors: $(head -c 300 "$tmp/body")"
pass
expect_http 200 GET /units "${bearer[@]}"
expect_http 200 GET /config "${bearer[@]}"
expect_http 200 GET "/alerts?state=raised&severity=critical&limit=5" "${bearer[@]}"
expect_http 400 GET "/alerts?state=bogus" "${bearer[@]}"
expect_http 400 GET "/alerts?limit=0" "${bearer[@]}"
expect_http 403 GET /audit "${bearer[@]}"
expect_http 403 POST /alerts/2/ack "${bearer[@]}"
expect_http 403 PUT /posture "${bearer[@]}" -d '{"level":"vigilance"}'
expect_http 404 GET /nothing "${bearer[@]}"
expect_http 405 DELETE /tracks "${bearer[@]}"

# Operator with a cookie: CSRF required; ack once, then the transition is refused.
login otto
jar=(-b "$tmp/jar.otto")
otto_csrf=$csrf
expect_http 403 POST /alerts/2/ack "${jar[@]}"
jq -e '.error == "csrf"' "$tmp/body" >/dev/null || fail "no csrf error"
# A wrong token: the session's with its last digit changed (a replacement of some
# letter would leave the ~2 % of tokens without that letter valid).
last=${csrf: -1}; [[ $last == 0 ]] && other=1 || other=0
expect_http 403 POST /alerts/2/ack "${jar[@]}" -H "X-CSRF-Token: ${csrf%?}$other"
expect_http 200 POST /alerts/2/ack "${jar[@]}" -H "X-CSRF-Token: $csrf"
[[ $(jq -r .alert.state "$tmp/body") == acknowledged ]] || fail "ack: $(cat "$tmp/body")"
pass
expect_http 409 POST /alerts/2/ack "${jar[@]}" -H "X-CSRF-Token: $csrf"
expect_http 409 POST /alerts/999/ack "${jar[@]}" -H "X-CSRF-Token: $csrf"
expect_http 404 POST /alerts/2/explode "${jar[@]}" -H "X-CSRF-Token: $csrf"
expect_http 400 POST /alerts/2/resolve "${jar[@]}" -H "X-CSRF-Token: $csrf" -d '{"reason":1}'
expect_http 403 PUT /posture "${jar[@]}" -H "X-CSRF-Token: $csrf" -d '{"level":"vigilance"}'
expect_http 200 GET /me "${jar[@]}"
[[ $(jq -r .role "$tmp/body") == operator ]] || fail "me: $(cat "$tmp/body")"
pass

# Commander: posture, audit log; bad bodies are JSON errors and the daemon stays up.
login cleo; cleo=(-H "Authorization: Bearer $token")
expect_http 200 PUT /posture "${cleo[@]}" -d '{"level":"securite_renforcee","reason":"test"}'
[[ $(jq -r .posture.level "$tmp/body") == securite_renforcee ]] || fail "posture set: $(cat "$tmp/body")"
pass
expect_http 409 PUT /posture "${cleo[@]}" -d '{"level":"maximal"}'
expect_http 400 PUT /posture "${cleo[@]}" -d '{"level":'
expect_http 400 PUT /posture "${cleo[@]}" -d '[1,2]'
expect_http 400 PUT /posture "${cleo[@]}" -d '{"level":"vigilance","level":"vigilance"}'
expect_http 400 PUT /posture "${cleo[@]}" --data-binary $'{"level":"vigi\xff"}'
head -c 100000 /dev/zero | tr '\0' ' ' > "$tmp/big"
expect_http 413 PUT /posture "${cleo[@]}" --data-binary @"$tmp/big"
expect_http 400 POST /zones "${cleo[@]}" -d '{}'
expect_http 400 POST /zones "${cleo[@]}" -d 'not json'
cat > "$tmp/zone.geojson" <<'GEO'
{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[2.33,48.855],[2.34,48.855],[2.34,48.86],[2.33,48.86],[2.33,48.855]]]},"properties":{"identifier":"TEST-BOX","name":"Test box","restriction":"PROHIBITED","lowerLimit":0,"upperLimit":300}}]}
GEO
expect_http 403 POST /zones -b "$tmp/jar.otto" -H "X-CSRF-Token: $otto_csrf" --data-binary @"$tmp/zone.geojson"
expect_http 200 POST /zones "${cleo[@]}" --data-binary @"$tmp/zone.geojson"
[[ $(jq .zones "$tmp/body") == 1 ]] || fail "zone import: $(cat "$tmp/body")"
pass
expect_http 200 GET /zones "${bearer[@]}"
[[ $(jq -c '[.features[].properties.identifier] | unique' "$tmp/body") == '["TEST-BOX"]' ]] || fail "zones after import: $(head -c 300 "$tmp/body")"
pass
expect_http 200 GET "/audit?limit=3" "${cleo[@]}"
[[ $(jq '.audit | length' "$tmp/body") == 3 ]] || fail "audit: $(cat "$tmp/body")"
pass
expect_http 200 GET /posture "${bearer[@]}"
expect_http 200 POST /whitelist "${cleo[@]}" -d '{"uas_id":"FR-MEDIA-01","purpose":"TV coverage of the boats"}'
expect_http 200 POST /whitelist "${cleo[@]}" -d '{"uas_id":"FR-MEDIA-02","purpose":"photo","zone":"ZIT-PARIS"}'
expect_http 409 POST /whitelist "${cleo[@]}" -d '{"uas_id":"FR-X","operator_id":"Y","purpose":"both ids"}'
expect_http 403 POST /whitelist -b "$tmp/jar.otto" -H "X-CSRF-Token: $otto_csrf" -d '{"uas_id":"FR-Z","purpose":"p"}'
expect_http 200 DELETE /whitelist/FR-MEDIA-02 "${cleo[@]}"
expect_http 200 GET /whitelist "${bearer[@]}"
[[ $(jq -c '[.whitelist[].uas_id]' "$tmp/body") == '["FR-MEDIA-01"]' ]] || fail "whitelist: $(cat "$tmp/body")"
pass

# UDP input: one malformed datagram (counted), one valid sensor update.
printf '{"type":"detection",\n' > /dev/udp/127.0.0.1/$udp_port
printf '{"type":"sensor","time":"2024-07-26T17:31:10Z","id":"radar-pont-neuf","status":"down"}\n' > /dev/udp/127.0.0.1/$udp_port
for _ in $(seq 50); do
  curl -s -m 5 "${base%/api/v1}/metrics" > "$tmp/metrics"
  grep -q 'vigie_decode_errors_total{source="udp"} 1' "$tmp/metrics" &&
    grep -q 'vigie_events_in_total{source="udp"} 1' "$tmp/metrics" && break
  sleep 0.1
done
expect_in "$tmp/metrics" 'vigie_decode_errors_total{source="udp"} 1'
expect_in "$tmp/metrics" 'vigie_events_in_total{source="udp"} 1'
expect_in "$tmp/metrics" 'vigie_latency_ms_bucket{le="+Inf"}'

# SSE: resume after event 5 starts at 6; a bad Last-Event-ID is a 400.
curl -s -m 2 -N "${bearer[@]}" -H "Last-Event-ID: 5" "$base/stream" > "$tmp/sse" || true
grep -m1 '^id: ' "$tmp/sse" > "$tmp/first" || fail "no SSE event: $(head -c 300 "$tmp/sse")"
expect_in "$tmp/first" "id: 6"
expect_in "$tmp/sse" "event: "
expect_http 400 GET /stream "${bearer[@]}" -H "Last-Event-ID: -1"

# Logout revokes.
expect_http 204 POST /logout "${jar[@]}" -H "X-CSRF-Token: $otto_csrf"
expect_http 401 GET /me "${jar[@]}"

# kill -9, restart: the acknowledged alert, the posture and the tracks come back.
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
start
expect_http 200 GET /alerts "${cleo[@]}"
[[ $(jq -r '.alerts[] | select(.id == 2) | .state' "$tmp/body") == acknowledged ]] \
  || fail "after kill -9: alert 2 is not acknowledged: $(cat "$tmp/body")"
pass
expect_http 200 GET /posture "${cleo[@]}"
[[ $(jq -r .posture.level "$tmp/body") == securite_renforcee ]] || fail "after kill -9: posture $(cat "$tmp/body")"
pass
expect_http 200 GET /tracks "${cleo[@]}"
[[ $(jq '.tracks | length' "$tmp/body") -ge 1 ]] || fail "after kill -9: no tracks"
pass
expect_http 200 GET /whitelist "${cleo[@]}"
[[ $(jq -c '[.whitelist[].uas_id]' "$tmp/body") == '["FR-MEDIA-01"]' ]] || fail "after kill -9: whitelist $(cat "$tmp/body")"
pass
expect_http 200 GET /zones "${cleo[@]}"
[[ $(jq -c '[.features[].properties.identifier] | unique' "$tmp/body") == '["TEST-BOX"]' ]] || fail "after kill -9: zones $(head -c 300 "$tmp/body")"
pass
expect_http 200 GET /sensors "${cleo[@]}"
[[ $(jq -r '.sensors[] | select(.id == "radar-pont-neuf") | .up' "$tmp/body") == false ]] \
  || fail "after kill -9: the UDP sensor update is lost"
pass
kill -TERM "$pid"; wait "$pid" || fail "serve did not stop cleanly on SIGTERM"; pid=
pass

expect_status 0 "$vigie" audit verify "$db"
sqlite3 "$db" "UPDATE audit SET detail='{}' WHERE action='posture_set'"
expect_status 1 "$vigie" audit verify "$db"
expect_status 2 "$vigie" serve -c "$tmp/nonexistent.conf"
printf '[server]\nport = 99999\n' > "$tmp/bad.conf"
expect_status 2 "$vigie" serve --check-config -c "$tmp/bad.conf"
expect_in "$tmp/err" "port"
expect_status 0 "$vigie" serve --check-config -c "$tmp/vigie.conf"
done_checks
