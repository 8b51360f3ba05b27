# The whole Seine 2024 ceremony through the engine, scored against its truth: every
# intruder alerted before it enters the river corridor or at most 5 s after (and
# within 5 s of appearing in the city's no-fly zone), no alert on the whitelisted
# media drones, the police drone or the helicopters, at most one alert per intruder
# and rule, no critical alert on the birds, the radar outage raising "airspace not
# observed" and resolving it; and for the hobbyist the nearest police car proposed in
# the alert's second with an ETA (never a soldier), confirmed by the scripted
# operator, on scene at the pilot, pilot arrested. docs/simulator.md#scores.
source "$(dirname "$0")/lib.sh"
expect_status 0 "$vigie" simulate "$src/scenarios/seine-2024.json" -o "$tmp/s"
expect_status 0 "$vigie" replay -q -c "$tmp/s/engine.conf" --truth "$tmp/s/truth.jsonl" --report -o "$tmp/outputs.jsonl" "$tmp/s/input.jsonl"
report=$(tail -n 1 "$tmp/out")
jq -c '{intruders, intruders_alerted, intruders_missed, alerts_total, alerts_false, alerts_unattributed, alerts_system, alerts_critical_on_birds, alerts_per_intruder_rule_max, gospa_mean}' <<<"$report"
[[ $(jq .intruders <<<"$report") == 4 && $(jq .intruders_missed <<<"$report") == 0 ]] || fail "intruders: $(jq -c '{intruders, intruders_alerted}' <<<"$report")"
pass
[[ $(jq .alerts_false <<<"$report") == 0 ]] || fail "alerts on authorised or non-drone objects: $(jq -c '[.objects[] | select(.role != "intruder" and .alerts != {}) | {id, alerts}]' <<<"$report")"
pass
[[ $(jq .alerts_critical_on_birds <<<"$report") == 0 ]] || fail "critical alerts on birds: $(jq .alerts_critical_on_birds <<<"$report")"
pass
[[ $(jq .alerts_per_intruder_rule_max <<<"$report") == 1 ]] || fail "an intruder has several alerts for one rule: $(jq -c '[.objects[] | select(.role == "intruder") | {id, alerts}]' <<<"$report")"
pass
# Every object the sensors saw has its first detection, no later than its first
# confirmed track.
bad=$(jq -c '[.objects[] | select(.first_detection == null or (.first_confirmed_track != null and .first_confirmed_track < .first_detection)) | .id]' <<<"$report")
[[ $bad == "[]" ]] || fail "first detection missing or after confirmation: $bad"
pass
# Alerts on tracks that match no object (clutter, bearings) would be false alarms too.
[[ $(jq .alerts_unattributed <<<"$report") == 0 ]] || fail "alerts on no object: $(jq .alerts_unattributed <<<"$report")"
pass
# Every intruder enters the corridor, and every zone entry has its alert.
n=$(jq '[.objects[] | select(.role == "intruder") | .zones[] | select(.zone == "SEINE-CORRIDOR")] | length' <<<"$report")
[[ $n == 4 ]] || fail "$n intruders enter the corridor, expected 4"
pass
# Alert lead per intruder at the corridor: before it enters, or at most 5 s after.
# (Every target appears inside the 150 km no-fly zone, so its "entry" there is the
# moment it appears, far from some sensors: that lead is printed, not bounded.)
late=$(jq -c '[.objects[] | select(.role == "intruder") | .zones[] | select(.zone == "SEINE-CORRIDOR") | select(.alert_lead_s == null or .alert_lead_s < -5)]' <<<"$report")
[[ $late == "[]" ]] || fail "intruders alerted late or not at all for the corridor: $late"
pass
jq -c '.objects[] | select(.role == "intruder") | {id, leads: [.zones[] | {(.zone): .alert_lead_s}] | add}' <<<"$report"
unalerted=$(jq -c '[.objects[] | select(.role == "intruder") | .zones[] | select(.alert_lead_s == null)]' <<<"$report")
[[ $unalerted == "[]" ]] || fail "intruders never alerted for a zone they entered: $unalerted"
pass
grep -q '"rule":"airspace_not_observed","severity":"critical","state":"raised","zone":"SEINE-GREY"' "$tmp/outputs.jsonl" || fail "the radar outage raised no airspace_not_observed alert"
pass
grep -q '"rule":"airspace_not_observed","severity":"critical","state":"resolved"' "$tmp/outputs.jsonl" || fail "the outage alert was not resolved when the radar came back"
pass
# Dispatch for the hobbyist (alert 8 in a run of the whole ceremony; the scenario
# scripts the confirmation for that id — scenarios/make_seine_2024.py).
grep '"type":"dispatch","time":"[^"]*","alert":8,' "$tmp/outputs.jsonl" > "$tmp/d65" || fail "no dispatch for alert 8"
grep -q '"type":"alert","time":"[^"]*","id":8,.*"state":"raised".*1596F3A8B2C4D5E6F7A8' "$tmp/outputs.jsonl" || fail "alert 8 is not the hobbyist's (renumbered? regenerate the scenario with SEINE_HOBBY_ALERT)"
pass
raised=$(grep -m 1 '"type":"alert","time":"[^"]*","id":8,' "$tmp/outputs.jsonl" | sed 's/.*"time":"\([^"]*\)".*/\1/')
head -n 1 "$tmp/d65" | grep -q "\"time\":\"$raised\",\"alert\":8,\"unit\":\"PN-1\",\"eta_s\":[0-9.]*,\"state\":\"proposed\",\"rank\":1" || fail "PN-1 not proposed first in the alert's second ($raised): $(head -n 1 "$tmp/d65")"
pass
! grep -q '"unit":"SENT-' "$tmp/d65" || fail "a Sentinelle patrol was proposed to intercept"
pass
for state in en_route on_scene pilot_arrested; do
  grep -q "\"unit\":\"PN-1\",.*\"state\":\"$state\"" "$tmp/d65" || fail "PN-1 never $state: $(cat "$tmp/d65")"
  pass
done
# The patrol plan for the ceremony's sites and units (sector seine, urgence attentat,
# 19:15-23:45 Paris time) meets the presence obligations for at least 95 % of site-hours.
expect_status 0 "$vigie" patrol plan "$src/scenarios/seine-2024.json" --sector seine --hours 4.5 --start 2024-07-26T17:15:00Z
cov=$(sed -n 's/^# coverage: \([0-9.]*\)% .*/\1/p' "$tmp/out")
[[ -n $cov ]] && awk -v c="$cov" 'BEGIN { exit !(c >= 95) }' || fail "plan coverage ${cov:-?}%"
pass
echo "patrol plan coverage: $cov%"
done_checks
