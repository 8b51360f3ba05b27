# The whole Seine 2024 ceremony through the engine: what holds today is asserted
# here — every intruder alerted within 5 s of entering a prohibited zone, the radar
# outage raising "airspace not observed" and resolving it, and for the hobbyist the
# nearest police car proposed in the alert's second with an ETA (never a soldier),
# confirmed by the scripted operator, on scene at the pilot, pilot arrested. The scores that do not meet issue 6 yet (false alerts on the
# whitelisted and police drones, critical alerts on birds, two alerts for one intruder
# and rule) are printed, not asserted: docs/simulator.md#scores.
source "$(dirname "$0")/lib.sh"
expect_status 0 "$vigie" simulate "$src/scenarios/seine-2024.json" -o "$tmp/s"
expect_status 0 "$vigie" replay -q -c "$src/scenarios/seine-2024.conf" --truth "$tmp/s/truth.jsonl" --report -o "$tmp/outputs.jsonl" "$tmp/s/input.jsonl"
report=$(tail -n 1 "$tmp/out")
jq -c '{intruders, intruders_alerted, intruders_missed, alerts_total, alerts_false, alerts_unattributed, alerts_system, alerts_critical_on_birds, alerts_per_intruder_rule_max, gospa_mean}' <<<"$report"
[[ $(jq .intruders <<<"$report") == 4 && $(jq .intruders_missed <<<"$report") == 0 ]] || fail "intruders: $(jq -c '{intruders, intruders_alerted}' <<<"$report")"
pass
# Alert lead per intruder and zone entered: at most 5 s late.
late=$(jq -c '[.objects[] | select(.role == "intruder") | .zones[] | select(.alert_lead_s == null or .alert_lead_s < -5)]' <<<"$report")
[[ $late == "[]" ]] || fail "intruders alerted late or not at all for a zone: $late"
pass
grep -q '"rule":"airspace_not_observed","severity":"critical","state":"raised","zone":"SEINE-GREY"' "$tmp/outputs.jsonl" || fail "the radar outage raised no airspace_not_observed alert"
pass
grep -q '"rule":"airspace_not_observed","severity":"critical","state":"resolved"' "$tmp/outputs.jsonl" || fail "the outage alert was not resolved when the radar came back"
pass
# Dispatch for the hobbyist (alert 65 in a run of the whole ceremony; the scenario
# scripts the confirmation for that id — scenarios/make_seine_2024.py).
grep '"type":"dispatch","time":"[^"]*","alert":65,' "$tmp/outputs.jsonl" > "$tmp/d65" || fail "no dispatch for alert 65"
grep -q '"type":"alert","time":"2024-07-26T17:55:01Z","id":65,.*"state":"raised".*1596F3A8B2C4D5E6F7A8' "$tmp/outputs.jsonl" || fail "alert 65 is not the hobbyist's (renumbered? regenerate the scenario with SEINE_HOBBY_ALERT)"
pass
head -n 1 "$tmp/d65" | grep -q '"time":"2024-07-26T17:55:01Z","alert":65,"unit":"PN-1","eta_s":[0-9.]*,"state":"proposed","rank":1' || fail "PN-1 not proposed first in the alert's second: $(head -n 1 "$tmp/d65")"
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
