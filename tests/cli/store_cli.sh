#!/usr/bin/env bash
# store_cli.sh VIGIE — `vigie user` and `vigie audit` on a real database: users added
# with the password on stdin, bad names/roles/passwords refused with a message, the
# audit chain verified, then broken by hand and reported at the right entry.
source "$(dirname "$0")/lib.sh"
db=$tmp/vigie.db

echo "operator-pass" | expect_status 0 "$vigie" user add alice --role operator --db "$db"
echo "commander-pass" | expect_status 0 "$vigie" user add carol --role commander --db "$db"
echo "operator-pass" | expect_status 1 "$vigie" user add alice --role operator --db "$db"
expect_in "$tmp/err" "already exists"
echo "short" | expect_status 1 "$vigie" user add bob --role viewer --db "$db"
expect_in "$tmp/err" "password too short"
printf '' | expect_status 1 "$vigie" user add bob --role viewer --db "$db"
expect_in "$tmp/err" "no password"
echo "viewer-pass" | expect_status 2 "$vigie" user add bob --role root --db "$db"
expect_in "$tmp/err" "--role must be"
echo "viewer-pass" | expect_status 2 "$vigie" user add "bob;drop" --role viewer --db "$db"
expect_status 2 "$vigie" user add bob --role viewer
expect_status 2 "$vigie" user frobnicate --db "$db"

expect_status 0 "$vigie" user list --db "$db"
printf 'alice\toperator\ncarol\tcommander\n' > "$tmp/want"
diff "$tmp/want" "$tmp/out" || fail "user list"
pass

echo "new-operator-pass" | expect_status 0 "$vigie" user passwd alice --db "$db"
echo "new-operator-pass" | expect_status 1 "$vigie" user passwd nobody --db "$db"
expect_in "$tmp/err" "no user nobody"

expect_status 0 "$vigie" audit verify "$db"
expect_in "$tmp/out" "3 entries, chain intact"
expect_status 0 "$vigie" audit list "$db"
[[ $(wc -l < "$tmp/out") == 3 ]] || fail "audit list: $(cat "$tmp/out")"
pass
expect_in "$tmp/out" '"action":"user_passwd"'

sqlite3 "$db" "UPDATE audit SET user='mallory' WHERE seq=2"
expect_status 1 "$vigie" audit verify "$db"
expect_in "$tmp/out" "BROKEN at entry 2"

expect_status 1 "$vigie" audit verify "$tmp/nonexistent-dir/vigie.db"
expect_in "$tmp/err" "cannot open"
echo "not sqlite" > "$tmp/junk.db"
expect_status 1 "$vigie" audit verify "$tmp/junk.db"
expect_status 2 "$vigie" audit verify
done_checks
