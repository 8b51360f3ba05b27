# `vigie simulate`: two runs of the Seine scenario give byte-identical files, another
# seed does not; the capture decodes (every frame holds Remote ID, no error) to as many
# Location messages as there are Remote ID detections in the input; the replay takes
# every event; a swarm runs; bad scenarios and options are refused with their path.
source "$(dirname "$0")/lib.sh"
sc=$src/scenarios/seine-2024.json
window=(--from 2400 --duration 300)
expect_status 0 "$vigie" simulate "$sc" -o "$tmp/a" "${window[@]}"
expect_status 0 "$vigie" simulate "$sc" -o "$tmp/b" "${window[@]}"
for f in input.jsonl truth.jsonl remoteid.pcap; do
  cmp "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs"
  pass
done
expect_status 0 "$vigie" simulate "$sc" -o "$tmp/c" "${window[@]}" --seed 7
cmp -s "$tmp/a/input.jsonl" "$tmp/c/input.jsonl" && fail "another seed gave the same input"
pass

expect_status 0 "$vigie" decode -q --json "$tmp/a/remoteid.pcap"
summary=$(tail -n 1 "$tmp/out")
frames=$(jq .frames_read <<<"$summary")
(( frames > 100 )) || fail "too few frames: $summary"
[[ $(jq .frames_with_rid <<<"$summary") == "$frames" && $(jq .errors <<<"$summary") == 0 ]] \
  || fail "capture: $summary"
pass
locations=$(( $(jq .messages_by_type.location <<<"$summary") + $(jq .messages_by_type.fr <<<"$summary") ))
rid=$(grep -c '"identity":{"source":"\(remoteid\|frbeacon\)"' "$tmp/a/input.jsonl" || true)
rid_sensors=$(grep '"sensor":"rid-quai' "$tmp/a/input.jsonl" | grep -c '"type":"detection"' || true)
[[ $locations == "$rid_sensors" ]] || fail "$locations Location/beacon messages, $rid_sensors Remote ID detections"
pass
(( rid >= rid_sensors )) || fail "Remote ID detections without identity"
pass

expect_status 0 "$vigie" replay -c "$src/scenarios/seine-2024.conf" --truth "$tmp/a/truth.jsonl" --report -o "$tmp/out.jsonl" "$tmp/a/input.jsonl"
expect_in "$tmp/err" "0 malformed, 2 rejected"
# The only refusals: the scripted dispatch of the hobbyist names its alert id in a run
# of the whole ceremony, which a window numbers differently.
[[ $(grep -c ': dispatch_\(confirm\|outcome\): no dispatch for alert 8' "$tmp/err") == 2 ]] || fail "unexpected refusals: $(grep input.jsonl "$tmp/err" | head -5)"
pass
jq -e 'select(.type == "report") | .truths_final >= 1' "$tmp/out" >/dev/null || fail "no report: $(tail -n 1 "$tmp/out")"
pass
# The per-object scores: the hobbyist (an intruder, flying 40-46 min) is in the window,
# has a confirmed track and an alert; the totals add up.
report=$(tail -n 1 "$tmp/out")
jq -e '.objects[] | select(.id == "hobbyist") | .role == "intruder" and .first_confirmed_track != null and .first_alert != null' <<<"$report" >/dev/null \
  || fail "hobbyist scores: $(jq -c '.objects[] | select(.id == "hobbyist")' <<<"$report")"
pass
jq -e '.intruders >= 1 and .intruders_alerted + .intruders_missed == .intruders and .alerts_total >= .alerts_false + .alerts_unattributed + .alerts_system' <<<"$report" >/dev/null \
  || fail "report totals: $report"
pass

expect_status 0 "$vigie" simulate --swarm 50 --duration 20 -o "$tmp/swarm"
expect_in "$tmp/err" "swarm of 50 drones"
[[ $(grep -c '"type":"truth"' "$tmp/swarm/truth.jsonl") == 1000 ]] || fail "swarm truth: 50 drones x 20 s"
pass

# Site data inline in a scenario: written beside the outputs with an engine.conf that
# names them, so the run replays with nothing else — here a no-fly zone around the
# receiver and a whitelisted serial: the unlisted drone is alerted, the listed one not.
cat > "$tmp/inline.json" <<'EOF'
{"name":"inline data","site":{"lat":48.853,"lon":2.3499,"alt":79.4},"ground_elevation":35,
 "geoid_undulation":44.4,"start":"2024-07-26T17:30:00Z","duration_s":30,
 "zones":{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"identifier":"NFZ","restriction":"PROHIBITED"},"geometry":{"type":"Polygon","coordinates":[[[2.345,48.850],[2.355,48.850],[2.355,48.856],[2.345,48.856],[2.345,48.850]]]}}]},
 "whitelist":[{"uas_id":"FRWHITE0000000000001","purpose":"press"}],
 "sensors":[{"id":"rid","kind":"remoteid","lat":48.853,"lon":2.3499,"alt":85,"range_m":3000}],
 "targets":[{"id":"intruder","type":"drone","role":"intruder","remote_id":"FRBLACK0000000000001","rid_transport":"ble4","class":"C2","pilot":[{"t":0,"lat":48.851,"lon":2.348},{"t":30,"lat":48.8515,"lon":2.348}],"waypoints":[{"t":0,"lat":48.852,"lon":2.349,"alt":150},{"t":30,"lat":48.854,"lon":2.351,"alt":150}]},
            {"id":"press","type":"drone","role":"whitelisted","remote_id":"FRWHITE0000000000001","rid_transport":"ble5","waypoints":[{"t":0,"lat":48.8525,"lon":2.3495,"alt":150},{"t":30,"lat":48.8535,"lon":2.3505,"alt":150}]}]}
EOF
expect_status 0 "$vigie" simulate "$tmp/inline.json" -o "$tmp/in"
for f in engine.conf zones.json whitelist.json; do [[ -s $tmp/in/$f ]] || fail "no $f"; pass; done
[[ ! -e $tmp/in/assets.json ]] || fail "assets.json without assets"; pass
# Both drones broadcast over Bluetooth (4 and 5): their frames are in the Bluetooth
# capture, which decodes without error; the Wi-Fi one holds none.
expect_status 0 "$vigie" decode -q --json "$tmp/in/remoteid-ble.pcap"
summary=$(tail -n 1 "$tmp/out")
frames=$(jq .frames_read <<<"$summary")
(( frames > 60 )) && [[ $(jq .frames_with_rid <<<"$summary") == "$frames" && $(jq .errors <<<"$summary") == 0 ]] \
  || fail "Bluetooth capture: $summary"
pass
expect_status 0 "$vigie" decode -q --json "$tmp/in/remoteid.pcap"
[[ $(jq .frames_read <<<"$(tail -n 1 "$tmp/out")") == 0 ]] || fail "Wi-Fi frames from Bluetooth drones"
pass
# The intruder's class and its walking pilot reach the detections.
grep -q '"eu_class":"C2".*' <(grep FRBLACK "$tmp/in/input.jsonl") || fail "no eu_class C2 in the intruder's detections"
pass
[[ $(grep FRBLACK "$tmp/in/input.jsonl" | grep -o '"operator":{"lat":[0-9.]*' | sort -u | wc -l) -ge 20 ]] \
  || fail "the intruder's pilot did not move"
pass
expect_status 0 "$vigie" replay -c "$tmp/in/engine.conf" --truth "$tmp/in/truth.jsonl" --report -o "$tmp/in.out" "$tmp/in/input.jsonl"
grep -q '"rule":"zone_entry".*"zone":"NFZ".*FRBLACK0000000000001' "$tmp/in.out" || fail "the intruder was not alerted in the inline zone"
pass
! grep -q '"type":"alert".*FRWHITE' "$tmp/in.out" || fail "the whitelisted drone was alerted"
pass
jq -e 'select(.type == "report") | .intruders_alerted == 1 and .alerts_false == 0' "$tmp/out" >/dev/null || fail "scores: $(tail -n 1 "$tmp/out")"
pass
printf '{"name":"x","site":{"lat":48,"lon":2,"alt":0},"start":"2024-07-26T17:30:00Z","duration_s":10,"zones":42}' > "$tmp/bad.json"
expect_status 2 "$vigie" simulate "$tmp/bad.json" -o "$tmp/bad"
expect_in "$tmp/err" "scenario.zones: a file name, or the document"
printf '{"name":"x","site":{"lat":48,"lon":2,"alt":0},"start":"2024-07-26T17:30:00Z","duration_s":10,"assets":"no-such-assets.json"}' > "$tmp/bad.json"
expect_status 1 "$vigie" simulate "$tmp/bad.json" -o "$tmp/bad"
expect_in "$tmp/err" "scenario.assets"

printf '{"name":"x","site":{"lat":48,"lon":2,"alt":0},"start":"2024-07-26T17:30:00Z","duration_s":10,"sensors":[{"id":"s","kind":"sonar","lat":48,"lon":2,"alt":0,"range_m":5}]}' > "$tmp/bad.json"
expect_status 2 "$vigie" simulate "$tmp/bad.json" -o "$tmp/bad"
expect_in "$tmp/err" "sensors[0].kind"
expect_status 2 "$vigie" simulate "$sc" -o "$tmp/x" --duration -5
expect_status 2 "$vigie" simulate "$sc"
expect_status 2 "$vigie" simulate "$sc" --swarm 5 -o "$tmp/x"
expect_status 1 "$vigie" simulate "$tmp/missing.json" -o "$tmp/x"
done_checks
