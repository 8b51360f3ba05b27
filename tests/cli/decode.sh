# `vigie decode`: captures written by tests/cli/make_rid_pcap.c (one per link type,
# every message type on every transport, hostile frames) decode to exactly the
# reviewed output in tests/golden/decode/; the summary counts; --detections feeds
# `vigie replay`, which makes tracks of it; usage errors exit 2, unreadable input 1.
# usage: decode.sh VIGIE MAKE_RID_PCAP
source "$(dirname "$0")/lib.sh"
make_pcap=${2:?usage: decode.sh VIGIE MAKE_RID_PCAP}
golden=$src/tests/golden/decode
pc=$tmp/pcap
mkdir -p "$pc"
"$make_pcap" "$pc" || fail "make_rid_pcap failed"

# 1. The whole output, per link type, against the reviewed goldens.
for name in wifi-radiotap wifi-80211 ble-phdr ble-ll ble-hci; do
  expect_status 0 "$vigie" decode "$pc/$name.pcap" --json
  diff -u "$golden/$name.jsonl" "$tmp/out" >&2 || fail "$name: output differs from $golden/$name.jsonl"
  pass
done

# 2. The summaries, exactly (also the last golden lines; spelled out here for review).
expect_status 0 "$vigie" decode -q --json "$pc/wifi-radiotap.pcap"
[[ $(tail -n 1 "$tmp/out") == '{"type":"summary","frames_read":13,"frames_with_rid":10,"messages":25,"messages_by_type":{"basic_id":7,"location":7,"auth":2,"self_id":3,"system":2,"operator_id":2,"fr":2},"errors":4,"errors_by_kind":{"802.11 truncated input":1,"message unknown name":1,"pack truncated input":1,"radiotap invalid value":1}}' ]] ||
  fail "wifi-radiotap summary: $(tail -n 1 "$tmp/out")"
pass
[[ ! -s $tmp/err ]] || fail "-q still reported frames: $(cat "$tmp/err")"
pass
expect_status 0 "$vigie" decode --json "$pc/ble-hci.pcap"
[[ $(tail -n 1 "$tmp/out") == '{"type":"summary","frames_read":12,"frames_with_rid":11,"messages":14,"messages_by_type":{"basic_id":2,"location":3,"auth":2,"self_id":3,"system":2,"operator_id":2,"fr":0},"errors":4,"errors_by_kind":{"hci truncated input":1,"location truncated input":1,"message unknown name":1,"pack truncated input":1}}' ]] ||
  fail "ble-hci summary: $(tail -n 1 "$tmp/out")"
pass
expect_in "$tmp/err" "packet 9: hci: event 0x3e"
expect_in "$tmp/err" "packet 12: location: 10 of 25 bytes"

# Without --json: the same message lines on stdout, the summary as text on stderr.
expect_status 0 "$vigie" decode "$pc/wifi-radiotap.pcap"
head -n -1 "$golden/wifi-radiotap.jsonl" | diff - "$tmp/out" >&2 || fail "text mode: stdout differs"
pass
expect_in "$tmp/err" "vigie decode: 13 frames read, 10 with Remote ID; 25 messages (7 basic_id, 7 location, 2 auth, 3 self_id, 2 system, 2 operator_id, 2 fr); 4 errors"
expect_in "$tmp/err" "vigie decode:   802.11 truncated input: 1"
expect_in "$tmp/err" "vigie decode:   radiotap invalid value: 1"
expect_in "$tmp/err" "wifi-radiotap.pcap: packet 8: radiotap: version 5"
expect_in "$tmp/err" "packet 9: message: unknown message type 7 (pack message 2 of 2)"

# Every line of one msg type has the same keys in the same order (null, not omitted).
cat "$golden"/*.jsonl | grep -v '"type":"summary"' | awk '
  { msg = $0; sub(/.*"msg":"/, "", msg); sub(/".*/, "", msg)
    keys = ""; line = $0
    while (match(line, /"[a-z_0-9]+":/)) { keys = keys substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH) }
    if (msg in seen && seen[msg] != keys) { print "keys differ for " msg; bad = 1 }
    seen[msg] = keys }
  END { n = 0; for (m in seen) n++; if (n != 7) { print n " msg types, expected 7"; bad = 1 }; exit bad }' >&2 ||
  fail "inconsistent keys in the goldens"
pass

# 3. --detections: canonical detection lines that `vigie replay` turns into tracks.
expect_status 0 "$vigie" decode "$pc/wifi-radiotap.pcap" --detections --sensor rid-test -q
cp "$tmp/out" "$tmp/detections.jsonl"
[[ $(wc -l <"$tmp/detections.jsonl") == 8 ]] || fail "expected 8 detections, got $(wc -l <"$tmp/detections.jsonl")"
pass
[[ $(grep -c '^{"type":"detection","time":"[^"]*","sensor":"rid-test",' "$tmp/detections.jsonl") == 8 ]] ||
  fail "detections are not canonical detection lines of sensor rid-test"
pass
expect_in "$tmp/detections.jsonl" '"identity":{"source":"remoteid","id":"1596F3A8B2C4D5E6F7A8"}'
expect_in "$tmp/detections.jsonl" '"identity":{"source":"frbeacon","id":"ILLDR1000000000000000000012345"}'
expect_in "$tmp/err" "8 detections; 4 errors"
{
  echo '{"type":"sensor","time":"2024-07-26T17:29:59Z","id":"rid-test","kind":"remoteid","lat":48.8583,"lon":2.3375,"alt":35,"alt_ref":"AMSL"}'
  cat "$tmp/detections.jsonl"
} >"$tmp/replay-in.jsonl"
expect_status 0 "$vigie" replay "$tmp/replay-in.jsonl"
expect_in "$tmp/err" "9 lines, 9 events accepted, 0 malformed, 0 rejected"
grep '"type":"track"' "$tmp/out" | grep '"status":"confirmed"' |
  grep -q '"identity":{"source":"remoteid","id":"1596F3A8B2C4D5E6F7A8"}' ||
  fail "replay made no confirmed track of the Remote ID drone: $(head -c 2000 "$tmp/out")"
pass
expect_in "$tmp/out" '"identity":{"source":"frbeacon","id":"ILLDR1000000000000000000012345"}'
# With --json the summary goes to stderr, so stdout stays replay input.
expect_status 0 "$vigie" decode --detections --json -q "$pc/ble-phdr.pcap"
[[ $(grep -vc '^{"type":"detection",' "$tmp/out") == 0 ]] || fail "--detections --json: non-detection line on stdout"
pass
expect_in "$tmp/err" '{"type":"summary","frames_read":12,"frames_with_rid":11,"messages":14,'
expect_in "$tmp/err" '"detections":2,"errors":4,'

# 4. Usage errors (2), unreadable input (1), a capture cut short (1, after the summary).
expect_status 0 "$vigie" decode --help;               expect_in "$tmp/out" "usage: vigie decode"
expect_status 2 "$vigie" decode;                      expect_in "$tmp/err" "expected one input FILE or pcap:IFACE"
expect_status 2 "$vigie" decode a.pcap b.pcap;        expect_in "$tmp/err" "expected one input FILE"
expect_status 2 "$vigie" decode --bogus "$pc/ble-ll.pcap"; expect_in "$tmp/err" "unknown option '--bogus'"
expect_status 2 "$vigie" decode "$pc/ble-ll.pcap" --sensor x; expect_in "$tmp/err" "--sensor only applies to --detections"
expect_status 2 "$vigie" decode "$pc/ble-ll.pcap" --detections --sensor ""; expect_in "$tmp/err" "--sensor: expected 1 to 63 bytes"
expect_status 2 "$vigie" decode "$pc/ble-ll.pcap" --detections --sensor; expect_in "$tmp/err" "usage: vigie decode"
expect_status 2 "$vigie" decode pcap:;                expect_in "$tmp/err" "pcap: needs an interface name"
expect_status 1 "$vigie" decode "$tmp/missing.pcap";  expect_in "$tmp/err" "No such file"
echo "not a capture" >"$tmp/text.pcap"
expect_status 1 "$vigie" decode "$tmp/text.pcap";     expect_in "$tmp/err" "text.pcap"
head -c 1000 "$pc/wifi-radiotap.pcap" >"$tmp/cut.pcap"
expect_status 1 "$vigie" decode --json "$tmp/cut.pcap"
expect_in "$tmp/err" "cut.pcap"
expect_in "$tmp/out" '{"type":"summary","frames_read":5,'
# Live capture: only the failure can be tested here (no monitor interface).
expect_status 1 "$vigie" decode pcap:vigie-nosuch0;   expect_in "$tmp/err" "pcap:vigie-nosuch0"
expect_in "$tmp/err" "no such interface"
done_checks
