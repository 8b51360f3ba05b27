#!/usr/bin/env bash
# store_kill9.sh VIGIE STORE_WRITER — an operator action the store confirmed survives
# kill -9: a writer commits actions in a loop and prints each confirmed one; it is
# killed mid-flight (three times, at different moments); every printed action must be
# in the journal and the audit log, and the audit chain must verify.
source "$(dirname "$0")/lib.sh"
writer=$2
db=$tmp/vigie.db
for delay in 0.3 0.7 1.1; do
  "$writer" "$db" 1000000 > "$tmp/out" 2>"$tmp/err" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  confirmed=$(wc -l < "$tmp/out")
  (( confirmed > 0 )) || fail "writer confirmed nothing in ${delay}s: $(cat "$tmp/err")"
  last=$(tail -n 1 "$tmp/out")
  jseq=${last% *}; aseq=${last#* }
  got=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM journal WHERE seq <= $jseq), (SELECT count(*) FROM audit WHERE seq <= $aseq)")
  [[ $got == "$jseq|$aseq" ]] || fail "after kill -9: journal/audit rows up to the last confirmed ($jseq|$aseq): $got"
  "$vigie" audit verify "$db" > "$tmp/verify" || fail "audit chain broken after kill -9: $(cat "$tmp/verify")"
  pass
  echo "kill -9 after ${delay}s: $confirmed confirmed actions, all present; $(cat "$tmp/verify")"
done
done_checks
