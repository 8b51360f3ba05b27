# The Seine 2024 scenario through the engine, 38-128 min of the ceremony (the
# hobbyist, the rooftop French-beacon drone, the radar outage, the drone from the
# north, the FPV dash): what holds today is asserted here — every intruder alerted
# within 5 s of entering a prohibited zone, the outage raising "airspace not observed"
# and resolving it. The scores that do not meet issue 6 yet (false alerts on the
# whitelisted and police drones, critical alerts on birds, two alerts for one intruder
# and rule) are printed, not asserted: docs/simulator.md#scores.
source "$(dirname "$0")/lib.sh"
expect_status 0 "$vigie" simulate "$src/scenarios/seine-2024.json" -o "$tmp/s" --from 2280 --duration 5400
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
done_checks
