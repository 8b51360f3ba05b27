# `vigie patrol plan`: a whole plan compared line by line, the same seed giving the
# same plan, sector filtering, and the exit statuses (0 done, 1 bad input file,
# 2 usage).
source "$(dirname "$0")/lib.sh"
d=$src/tests/data/patrol

expect_status 0 "$vigie" patrol --help;  expect_in "$tmp/out" "vigie patrol plan FILE --sector S"
expect_status 0 "$vigie" patrol plan "$d/cite.json" --sector cite --hours 2 --seed 7
cat >"$tmp/want" <<'PLAN'
# patrol plan: sector cite, urgence_attentat (a visit every 30 min), 2 units, 4 sites, 2 h from 2024-07-26T12:00:00Z, seed 7
unit SENT-11 (Sentinelle 11, army, foot):
  12:00-12:14  notre-dame (Notre-Dame, place_of_worship)
  12:27-12:36  pont-neuf (Pont Neuf, tourist_site)
  12:49-13:02  notre-dame (Notre-Dame, place_of_worship)
  13:10-13:22  sainte-chapelle (Sainte-Chapelle, tourist_site)
  13:30-13:39  notre-dame (Notre-Dame, place_of_worship)
  13:47-13:56  sainte-chapelle (Sainte-Chapelle, tourist_site)
unit SENT-12 (Sentinelle 12, army, foot):
  12:06-12:14  sainte-chapelle (Sainte-Chapelle, tourist_site)
  12:17-12:26  st-michel (Saint-Michel RER, station)
  12:29-12:44  sainte-chapelle (Sainte-Chapelle, tourist_site)
  12:48-12:58  st-michel (Saint-Michel RER, station)
  13:06-13:14  pont-neuf (Pont Neuf, tourist_site)
  13:22-13:28  st-michel (Saint-Michel RER, station)
  13:36-13:51  pont-neuf (Pont Neuf, tourist_site)
  13:59-14:00  st-michel (Saint-Michel RER, station)
# coverage: 62.5% of site-hours meet the obligation
PLAN
diff -u "$tmp/want" "$tmp/out" || fail "plan differs from the expected one"; pass
# The off-duty police car and the unit of another sector are left out (above);
# the same seed gives the same plan, another seed another one.
expect_status 0 "$vigie" patrol plan "$d/cite.json" --sector cite --hours 2 --seed 7
cmp -s "$tmp/want" "$tmp/out" || fail "same seed, different plan"; pass
expect_status 0 "$vigie" patrol plan "$d/cite.json" --sector cite --hours 2 --seed 8
cmp -s "$tmp/want" "$tmp/out" && fail "another seed, same plan"; pass
# Under vigilance (a visit every 4 h) the same units cover everything.
expect_status 0 "$vigie" patrol plan "$d/cite.json" --sector cite --hours 2 --level vigilance
expect_in "$tmp/out" "# coverage: 100.0% of site-hours meet the obligation"
expect_status 0 "$vigie" patrol plan "$d/cite.json" --sector trocadero --hours 1
expect_in "$tmp/out" "3 units, 1 sites"   # units without a sector go anywhere
expect_in "$tmp/out" "unit SENT-21 (SENT-21, army, foot):"

expect_status 2 "$vigie" patrol plan "$d/cite.json";  expect_in "$tmp/err" "--sector is required"
expect_status 2 "$vigie" patrol plan "$d/cite.json" --sector cite --hours 0
expect_in "$tmp/err" "--hours: expected a number in (0, 336]"
expect_status 2 "$vigie" patrol plan "$d/cite.json" --sector cite --level orange
expect_in "$tmp/err" "unknown level 'orange'"
expect_status 2 "$vigie" patrol make "$d/cite.json" --sector cite
expect_status 1 "$vigie" patrol plan "$tmp/missing.json" --sector cite
expect_status 1 "$vigie" patrol plan "$d/cite.json" --sector nowhere
expect_in "$tmp/err" "no site in sector nowhere"
printf '{"units":[{"unit":"a","force":"police"},{"unit":"b","force":"navy"}],"sites":[]}' >"$tmp/bad.json"
expect_status 1 "$vigie" patrol plan "$tmp/bad.json" --sector all
expect_in "$tmp/err" 'units[1].force: unknown value "navy"'
printf '{"units":[],"sites":[{"id":"s","category":"station","lat":48.8,"lon":2.3}]}' >"$tmp/none.json"
expect_status 1 "$vigie" patrol plan "$tmp/none.json" --sector all
expect_in "$tmp/err" "no unit free to patrol sector all"
printf '{"units":[' >"$tmp/trunc.json"
expect_status 1 "$vigie" patrol plan "$tmp/trunc.json" --sector all
expect_in "$tmp/err" "plan input: line 1"
done_checks
