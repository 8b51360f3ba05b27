# `vigie replay --truth --report` on the reference multi-target scene (N = 100): the
# report has every field, and the tracker does at least as well as the reference
# framework's published figures for this scene size (GOSPA 133 at N = 100, c = 5,
# p = 1) with almost every truth tracked at the end. Deterministic fields are the
# same on a second run.
source "$(dirname "$0")/lib.sh"
gen=$2
conf="$src/scenarios/reference/reference.conf"
expect_status 0 "$gen" 100 1 "$tmp/scene"
expect_status 0 "$vigie" replay -q -c "$conf" --truth "$tmp/scene/truth.jsonl" --report \
  -o "$tmp/tracks.jsonl" "$tmp/scene/input.jsonl"
report=$(tail -n 1 "$tmp/out")
for k in gospa_mean gospa_localisation_mean gospa_missed_mean gospa_false_mean \
         tracks_confirmed_final truths_tracked_final detections wall_seconds \
         engine_seconds detections_per_s; do
  [[ $report == *"\"$k\":"* ]] || fail "report lacks $k: $report"; pass
done
field() { sed -E "s/.*\"$1\":([0-9.e+-]+).*/\1/" <<<"$report"; }
awk -v g="$(field gospa_mean)" 'BEGIN { exit !(g > 0 && g < 133) }' \
  || fail "gospa_mean $(field gospa_mean) not below the reference's 133"; pass
awk -v t="$(field truths_tracked_final)" 'BEGIN { exit !(t >= 90) }' \
  || fail "only $(field truths_tracked_final) of 100 truths tracked at the end"; pass
awk -v c="$(field tracks_confirmed_final)" 'BEGIN { exit !(c >= 90 && c <= 130) }' \
  || fail "$(field tracks_confirmed_final) confirmed tracks for 100 truths"; pass
[[ $(field detections) == $(grep -c '"type":"detection"' "$tmp/scene/input.jsonl") ]] \
  || fail "detections $(field detections) differs from the input's"; pass
# Same input, same scores (timings aside).
expect_status 0 "$vigie" replay -q -c "$conf" --truth "$tmp/scene/truth.jsonl" --report \
  -o "$tmp/tracks2.jsonl" "$tmp/scene/input.jsonl"
strip() { sed -E 's/,"wall_seconds".*//' <<<"$1"; }
[[ $(strip "$report") == "$(strip "$(tail -n 1 "$tmp/out")")" ]] || fail "scores differ between runs"; pass
cmp "$tmp/tracks.jsonl" "$tmp/tracks2.jsonl" || fail "track outputs differ between runs"; pass
# A bad truth line is an error naming the file and line.
printf '{"type":"truth","time":0}\n' >"$tmp/bad.jsonl"
expect_status 1 "$vigie" replay -q --truth "$tmp/bad.jsonl" "$tmp/scene/input.jsonl"
expect_in "$tmp/err" "bad.jsonl:1: truth: needs \"enu\" or \"geodetic\""
expect_status 2 "$vigie" replay --gospa-p 0.5 "$tmp/scene/input.jsonl"
done_checks
