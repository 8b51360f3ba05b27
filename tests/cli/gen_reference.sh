# The reference scene generator (bench/gen_reference.c): the same N and SEED give the
# same files byte for byte, another seed gives others, and the files have the shape
# the scene promises — a site and a sensor line, then detections in scans of one time
# each; 50 truth lines per target.
source "$(dirname "$0")/lib.sh"
gen=$1

expect_status 0 "$gen" 10 42 "$tmp/a"
expect_in "$tmp/err" "10 targets, seed 42"
expect_status 0 "$gen" 10 42 "$tmp/b"
cmp "$tmp/a/input.jsonl" "$tmp/b/input.jsonl" || fail "two runs give different input.jsonl"; pass
cmp "$tmp/a/truth.jsonl" "$tmp/b/truth.jsonl" || fail "two runs give different truth.jsonl"; pass
expect_status 0 "$gen" 10 43 "$tmp/c"
! cmp -s "$tmp/a/input.jsonl" "$tmp/c/input.jsonl" || fail "seeds 42 and 43 give the same input"; pass

in="$tmp/a/input.jsonl" truth="$tmp/a/truth.jsonl"
head -n 1 "$in" | grep -q '^{"type":"site","time":"2024-07-26T17:30:00Z","lat":48.853,"lon":2.3499,"alt":100,"geoid_undulation":44.4}$' \
  || fail "first line is not the site: $(head -n 1 "$in")"; pass
sed -n 2p "$in" | grep -q '^{"type":"sensor","time":"2024-07-26T17:30:00Z","id":"ref","kind":"other","lat":48.853,"lon":2.3499,"alt":100}$' \
  || fail "second line is not the sensor: $(sed -n 2p "$in")"; pass

lines=$(wc -l <"$in")
dets=$(grep -c '^{"type":"detection",.*"sensor":"ref","enu":{"x":[-0-9.e]*,"y":[-0-9.e]*,"z":0,"sigma":0.5}}$' "$in")
[[ $lines == $((dets + 2)) ]] || fail "$lines input lines, $dets well-formed detections + 2 expected"; pass
# 50 scans × (Binomial(10, 0.9) + Poisson(10)): mean 950, standard deviation ≈ 23.
((dets >= 750 && dets <= 1150)) || fail "$dets detections, expected about 950"; pass
scans=$(grep -o '"time":"[^"]*"' "$in" | sort -u | wc -l)
[[ $scans == 50 ]] || fail "$scans distinct times, expected 50 scans"; pass
last=$(tail -n 1 "$in" | grep -o '"time":"[^"]*"')
[[ $last == '"time":"2024-07-26T17:30:49Z"' ]] || fail "last scan at $last"; pass

[[ $(wc -l <"$truth") == 500 ]] || fail "$(wc -l <"$truth") truth lines, expected 10 × 50"; pass
good=$(grep -c '^{"type":"truth","time":"2024-07-26T17:30:[0-4][0-9]Z","id":\([1-9]\|10\),"enu":{"x":[-0-9.e]*,"y":[-0-9.e]*,"z":0}}$' "$truth")
[[ $good == 500 ]] || fail "$good of 500 truth lines are well-formed"; pass
for id in 1 10; do
  n=$(grep -c "\"id\":$id," "$truth")
  [[ $n == 50 ]] || fail "target $id has $n truth lines, expected 50"; pass
done

# Bad usage: exit 2 and a message.
expect_status 2 "$gen"
expect_in "$tmp/err" "usage: bench_gen_reference N SEED DIR"
expect_status 2 "$gen" 0 1 "$tmp/d"
expect_in "$tmp/err" "N '0' is not an integer"
expect_status 2 "$gen" 10 -3 "$tmp/d"
expect_in "$tmp/err" "SEED '-3'"
done_checks
