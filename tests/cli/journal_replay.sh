# A run with --journal writes every input event to a new journal; replaying the
# journal gives the run's output again, byte for byte. --speed paces the replay.
source "$(dirname "$0")/lib.sh"
in="$src/scenarios/demo/seine-mini.jsonl"
conf="$src/scenarios/demo/seine.conf"
mkdir "$tmp/journal"
expect_status 0 "$vigie" replay -c "$conf" --journal "$tmp/journal" -o "$tmp/run.out" "$in"
expect_in "$tmp/err" "journal $tmp/journal/vigie-"
journals=("$tmp"/journal/vigie-*.jsonl)
[[ ${#journals[@]} == 1 ]] || fail "expected one journal, got ${#journals[@]}"; pass
[[ $(wc -l <"${journals[0]}") == 142 ]] || fail "journal has $(wc -l <"${journals[0]}") lines, expected 142"; pass
expect_status 0 "$vigie" replay -c "$conf" --journal "$tmp/journal" -o "$tmp/replay.out" "${journals[0]}"
cmp "$tmp/run.out" "$tmp/replay.out" || fail "journal replay differs from the run"; pass
# The journal of the journal replay is identical to the first journal.
journals=("$tmp"/journal/vigie-*.jsonl)
[[ ${#journals[@]} == 2 ]] || fail "second run did not get its own journal"; pass
cmp "${journals[0]}" "${journals[1]}" || fail "journals differ"; pass

# Pacing: two events 1 s apart at --speed 4 take at least 0.25 s (a lower bound only:
# a slow machine may take longer, never shorter).
printf '%s\n' '{"type":"tick","time":0}' '{"type":"tick","time":1}' >"$tmp/two.jsonl"
start=$(date +%s%N)
expect_status 0 "$vigie" replay --speed 4 "$tmp/two.jsonl"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
(( elapsed_ms >= 240 )) || fail "--speed 4 replayed 1 s of events in ${elapsed_ms} ms"; pass
done_checks
