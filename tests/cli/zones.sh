# `vigie zones`: check a point and a JSON Lines file of queries, export GeoJSON, and
# the exit statuses (0 done, 1 unreadable file or no valid zone, 2 usage).
source "$(dirname "$0")/lib.sh"
d=$src/tests/data/zones
ceremony="--lat 48.8583 --lon 2.3375 --alt 10 --alt-ref AGL"

expect_status 0 "$vigie" zones --help;              expect_in "$tmp/out" "vigie zones check FILE"
expect_status 0 "$vigie" --help;                    expect_in "$tmp/out" "zones"
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" $ceremony --time 2024-07-26T20:00:00+02:00
expect_in "$tmp/out" '{"zones":["SEINE-BLUE","SEINE-GREY","ZIT-PARIS"]}'
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" $ceremony --time 2024-07-26T22:00:00Z
expect_in "$tmp/out" '{"zones":[]}'   # midnight in Paris: everything ends (end excluded)
# 54 m above the ellipsoid is 10 m AMSL: below ground (35 m) with the options ...
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" --lat 48.8583 --lon 2.3375 --alt 54 \
  --time 2024-07-20T12:00:00Z --ground-elevation 35 --geoid-undulation 44
expect_in "$tmp/out" '{"zones":[]}'
# ... and inside with the [site] of a configuration file (options would win)
printf '[site]\nground_elevation = 0\ngeoid_undulation = 44\n' >"$tmp/site.conf"
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" --lat 48.8583 --lon 2.3375 --alt 54 \
  --time 2024-07-20T12:00:00Z -c "$tmp/site.conf"
expect_in "$tmp/out" '{"zones":["SEINE-BLUE","SEINE-GREY"]}'
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" --lat 48.8583 --lon 2.3375 --alt 54 \
  --time 2024-07-20T12:00:00Z -c "$tmp/site.conf" --ground-elevation 35
expect_in "$tmp/out" '{"zones":[]}'

cat >"$tmp/q.jsonl" <<'Q'
{"lat":48.8583,"lon":2.3375,"alt_m":10,"alt_ref":"AGL","time":"2024-07-26T19:00:00Z"}
not json
{"lat":48.81,"lon":2.31,"alt_m":152.4,"alt_ref":"AMSL","time":1722600000}
{"lat":"north","lon":2.31,"alt_m":1,"time":1722600000}
{"lat":48.81,"lon":2.31,"alt_m":152.3,"alt_ref":"AMSL","time":1722600000}
Q
expect_status 0 "$vigie" zones check "$d/seine.ed269.json" --queries "$tmp/q.jsonl"
[[ $(wc -l <"$tmp/out") == 5 ]] || fail "expected 5 answer lines"; pass
[[ $(sed -n 1p "$tmp/out") == '{"zones":["SEINE-BLUE","SEINE-GREY","ZIT-PARIS"]}' ]] || fail "line 1"; pass
[[ $(sed -n 2p "$tmp/out") == '{"error":"not a JSON object"}' ]] || fail "line 2"; pass
[[ $(sed -n 3p "$tmp/out") == '{"zones":["LFP-FEET"]}' ]] || fail "line 3"; pass
[[ $(sed -n 4p "$tmp/out") == '{"error":"lat: expected a number"}' ]] || fail "line 4"; pass
[[ $(sed -n 5p "$tmp/out") == '{"zones":[]}' ]] || fail "line 5"; pass

# bad features are reported by index and identifier, the others still load
expect_status 0 "$vigie" zones check "$d/variants.ed269.json" --lat 1.5 --lon 1.5 --alt 0 \
  --alt-ref AGL --time 2024-07-27T20:00:00Z
expect_in "$tmp/out" '{"zones":["V-DAILY"]}'
expect_in "$tmp/err" "feature 2 (V-SELFX): geometry[0].horizontalProjection.coordinates: invalid polygon: Self-intersection"
expect_in "$tmp/err" "feature 3 (V-OPEN)"

# export, and the export checks the same as the original
expect_status 0 "$vigie" zones export "$d/seine.ed269.json"
expect_in "$tmp/out" '"type":"FeatureCollection"'
expect_in "$tmp/out" '"radius":150000'
cp "$tmp/out" "$tmp/seine.geojson"
expect_status 0 "$vigie" zones check "$tmp/seine.geojson" $ceremony --time 2024-07-26T20:00:00+02:00
expect_in "$tmp/out" '{"zones":["SEINE-BLUE","SEINE-GREY","ZIT-PARIS"]}'
expect_status 0 "$vigie" zones export --polygonise "$d/seine.ed269.json"
expect_in "$tmp/out" '"center":[2.3499,48.853]'

# failures and usage
expect_status 1 "$vigie" zones export "$tmp/missing.json";   expect_in "$tmp/err" "No such file"
echo '{"features":[]}' >"$tmp/empty.json"
expect_status 1 "$vigie" zones export "$tmp/empty.json";     expect_in "$tmp/err" "no valid zone"
echo '{"features":[' >"$tmp/broken.json"
expect_status 1 "$vigie" zones export "$tmp/broken.json";    expect_in "$tmp/err" "broken.json"
expect_status 2 "$vigie" zones;                               expect_in "$tmp/err" "expected 'check FILE'"
expect_status 2 "$vigie" zones check "$d/seine.ed269.json";   expect_in "$tmp/err" "needs --lat"
expect_status 2 "$vigie" zones check "$d/seine.ed269.json" $ceremony --time yesterday
expect_in "$tmp/err" "--time"
expect_status 2 "$vigie" zones check "$d/seine.ed269.json" --lat x --lon 2 --alt 1 --time 2024-07-26T20:00:00Z
expect_in "$tmp/err" "--lat: expected a number"
expect_status 2 "$vigie" zones check "$d/seine.ed269.json" $ceremony --alt-ref MSL --time 2024-07-26T20:00:00Z
expect_in "$tmp/err" "--alt-ref"
expect_status 2 "$vigie" zones frob "$d/seine.ed269.json"
expect_status 2 "$vigie" zones export --bogus "$d/seine.ed269.json"; expect_in "$tmp/err" "unknown option '--bogus'"
done_checks
