#!/usr/bin/env bash
# server_pcap.sh VIGIE MAKE_RID_PCAP — Remote ID frames into a real daemon: a capture
# written by vigie's encoders is read by `vigie serve` ([server] pcap); every detection
# `vigie decode --detections` finds in it reaches the engine, the hostile frames are
# counted as decode errors of source "pcap", and the drones become tracks.
source "$(dirname "$0")/lib.sh"
make_pcap=${2:?usage: server_pcap.sh VIGIE MAKE_RID_PCAP}
mkdir -p "$tmp/pcap"
"$make_pcap" "$tmp/pcap" || fail "make_rid_pcap failed"
cap=$tmp/pcap/wifi-radiotap.pcap
expect_status 0 "$vigie" decode -q --detections --sensor rid-test "$cap"
want=$(grep -c '"type":"detection"' "$tmp/out")
(( want > 0 )) || fail "the capture holds no detection"
pass
db=$tmp/vigie.db
echo "viewer-password" | "$vigie" user add vera --role viewer --db "$db" 2>/dev/null
cat > "$tmp/declare.jsonl" <<'JSONL'
{"type":"site","time":"2024-07-26T17:29:00Z","lat":48.853,"lon":2.3499,"alt":80}
{"type":"sensor","time":"2024-07-26T17:29:00Z","id":"rid-test","kind":"remoteid","lat":48.853,"lon":2.3499,"alt":80}
JSONL
cat > "$tmp/vigie.conf" <<CONF
[server]
listen = 127.0.0.1
port = 0
pcap_sensor = rid-test
CONF
# First run declares the receiver (journaled); the second restores it, then reads the capture.
expect_status 0 "$vigie" serve -c "$tmp/vigie.conf" --db "$db" --replay "$tmp/declare.jsonl" --exit-after-replay
printf 'pcap = %s\n' "$cap" >> "$tmp/vigie.conf"
"$vigie" serve -c "$tmp/vigie.conf" --db "$db" --port-file "$tmp/port" --speed max 2>"$tmp/serve.log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
[[ -s $tmp/port ]] || { cat "$tmp/serve.log" >&2; fail "serve did not start"; }
base=http://127.0.0.1:$(cat "$tmp/port")
for _ in $(seq 100); do
  curl -s -m 5 "$base/metrics" > "$tmp/metrics"
  grep -q "vigie_events_in_total{source=\"pcap\"} $want\$" "$tmp/metrics" && break
  sleep 0.1
done
expect_in "$tmp/metrics" "vigie_events_in_total{source=\"pcap\"} $want"
grep -q 'vigie_decode_errors_total{source="pcap"} [1-9]' "$tmp/metrics" || fail "hostile frames not counted: $(grep pcap "$tmp/metrics")"
pass
expect_in "$tmp/metrics" 'vigie_events_refused_total 0'
token=$(curl -s -m 5 -d '{"user":"vera","password":"viewer-password"}' "$base/api/v1/login" | jq -r .token)
curl -s -m 5 -H "Authorization: Bearer $token" "$base/api/v1/tracks" > "$tmp/tracks"
[[ $(jq '[.tracks[] | select(.sensor == "rid-test")] | length' "$tmp/tracks") -ge 1 ]] || fail "no track from the capture: $(head -c 400 "$tmp/tracks")"
pass
expect_in "$tmp/serve.log" "pcap: $cap done"
kill -TERM $pid; wait $pid || fail "serve did not stop cleanly"
pass
done_checks
