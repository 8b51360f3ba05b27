# A bad configuration stops the command before it runs, naming file, line and key.
source "$(dirname "$0")/lib.sh"
in="$src/scenarios/demo/seine-mini.jsonl"
printf '[site]\nlat = 48.85\nlon = 2.35\n[engine]\nmax_latenes_s = 3\n' >"$tmp/typo.conf"
expect_status 2 "$vigie" replay -c "$tmp/typo.conf" "$in"
expect_in "$tmp/err" "typo.conf:5: [engine] max_latenes_s: unknown key"
[[ -s "$tmp/out" ]] && fail "ran despite a bad config"; pass
printf '[site]\nlat = 148.85\n' >"$tmp/range.conf"
expect_status 2 "$vigie" replay -c "$tmp/range.conf" "$in"
expect_in "$tmp/err" "range.conf:2: [site] lat: 148.85 out of range [-90, 90]"
expect_status 2 "$vigie" replay -c "$tmp/none.conf" "$in"
expect_in "$tmp/err" "none.conf: No such file"
# [engine] journal_dir from the config turns the journal on.
mkdir "$tmp/j"
printf '[engine]\njournal_dir = %s\n' "$tmp/j" >"$tmp/journal.conf"
expect_status 0 "$vigie" replay -c "$tmp/journal.conf" "$in"
ls "$tmp"/j/vigie-*.jsonl >/dev/null || fail "no journal from [engine] journal_dir"; pass
# [zones] file: relative to the config file; an unusable file stops the run (2).
mkdir -p "$tmp/site"
cp "$src/tests/data/zones/seine.ed269.json" "$tmp/site/zones.json"
printf '[zones]\nfile = zones.json\n' >"$tmp/site/z.conf"
expect_status 0 "$vigie" replay -c "$tmp/site/z.conf" "$in"
expect_in "$tmp/err" "zones from $tmp/site/zones.json"
printf 'not json' >"$tmp/site/bad.json"
printf '[zones]\nfile = bad.json\n' >"$tmp/site/bad.conf"
expect_status 2 "$vigie" replay -c "$tmp/site/bad.conf" "$in"
expect_in "$tmp/err" "$tmp/site/bad.json:"
printf '[zones]\nfile = missing.json\n' >"$tmp/site/missing.conf"
expect_status 2 "$vigie" replay -c "$tmp/site/missing.conf" "$in"
expect_in "$tmp/err" "missing.json: No such file"
done_checks
