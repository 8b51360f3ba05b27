# Malformed lines are reported with file, line and field, skipped and counted; the
# run goes on, and the good lines give exactly the output they give alone.
source "$(dirname "$0")/lib.sh"
good1='{"type":"sensor","time":0,"id":"r","kind":"remoteid","lat":48.85,"lon":2.34,"alt":80}'
good2='{"type":"detection","time":1,"sensor":"r","geodetic":{"lat":48.86,"lon":2.33,"alt":100,"sigma_h":3,"sigma_v":4}}'
good3='{"type":"detection","time":2,"sensor":"r","geodetic":{"lat":48.861,"lon":2.331,"alt":101,"sigma_h":3,"sigma_v":4}}'
{
  echo "$good1"
  echo '{"type":"detection","time":1,"sensor":"r","geodetic":{"lat":"north","lon":2,"alt":1,"sigma_h":1,"sigma_v":1}}'
  echo '{"type":"detection","time":1,"sensor":"r","geod'
  echo "$good2"
  printf '{"type":"tick","time":0,"x":"\xff"}\n'
  printf '{"type":"tick",\0"time":0}\n'
  head -c 1048576 /dev/zero | tr '\0' 'x'; echo
  echo '{"type":"tick","time":NaN}'
  echo '{"type":"detection","time":1,"sensor":"ghost","geodetic":{"lat":1,"lon":2,"alt":1,"sigma_h":1,"sigma_v":1}}'
  echo "$good3"
} >"$tmp/mixed.jsonl"
printf '%s\n' "$good1" "$good2" "$good3" >"$tmp/good.jsonl"
expect_status 0 "$vigie" replay -o "$tmp/mixed.out" "$tmp/mixed.jsonl"
expect_in "$tmp/err" "mixed.jsonl:2: detection.geodetic.lat: expected a number, got a string"
expect_in "$tmp/err" "mixed.jsonl:3: invalid JSON"
expect_in "$tmp/err" "mixed.jsonl:5: invalid JSON"
expect_in "$tmp/err" "mixed.jsonl:6: invalid JSON"
expect_in "$tmp/err" "mixed.jsonl:7: longer than 65536 bytes, skipped"
expect_in "$tmp/err" "mixed.jsonl:8: invalid JSON"
expect_in "$tmp/err" "mixed.jsonl:9: detection: unknown sensor \"ghost\""
expect_in "$tmp/err" "10 lines, 3 events accepted, 6 malformed, 1 rejected"
expect_status 0 "$vigie" replay -o "$tmp/good.out" "$tmp/good.jsonl"
cmp "$tmp/mixed.out" "$tmp/good.out" || fail "bad lines changed the output"; pass
[[ $(wc -l <"$tmp/good.out") == 3 ]] || fail "expected 3 outputs"; pass
# --quiet keeps the summary, drops the per-line reports.
expect_status 0 "$vigie" replay -q -o "$tmp/q.out" "$tmp/mixed.jsonl"
grep -q 'mixed.jsonl:2' "$tmp/err" && fail "--quiet still reports lines"; pass
expect_in "$tmp/err" "6 malformed, 1 rejected"
done_checks
