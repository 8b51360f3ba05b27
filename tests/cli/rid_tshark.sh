# Interoperability: the frames vigie's encoders and frame builders write (captures
# from tests/cli/make_rid_pcap.c) are dissected by tshark, an independent
# implementation, as what they claim to be — an F3411 vendor element (OUI fa:0b:bc,
# type 13), a NAN service discovery frame for the Remote ID service, the French
# beacon's element (OUI 6a:5c:35) with its fields, Bluetooth service data for UUID
# 0xfffa, legacy and extended advertising, HCI reports — with the bytes and values
# the helper encoded, and without "malformed" except on the frames built to be.
# Skipped (exit 0) only when tshark is not installed or cannot start.
# usage: rid_tshark.sh VIGIE MAKE_RID_PCAP
source "$(dirname "$0")/lib.sh"
make_pcap=${2:?usage: rid_tshark.sh VIGIE MAKE_RID_PCAP}

skip() {
  echo "rid_tshark: SKIPPED: $*"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
}
command -v tshark >/dev/null 2>&1 || skip "tshark is not installed (Debian package tshark)"
# No personal preferences or profiles: the dissection must not depend on who runs it.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"
# tshark warns on stderr when run as root ("Running as user "root" ... dangerous");
# that line is expected, anything else is not.
benign='^Running as user "root" and group "root"\. This could be dangerous\.$'
tshark -v >"$tmp/tv" 2>"$tmp/te" || skip "tshark does not start: $(head -c 300 "$tmp/te")"

pc=$tmp/pcap
mkdir -p "$pc"
"$make_pcap" "$pc" || fail "make_rid_pcap failed"

# fields FILE FIELD... — one line per frame: the frame number then the fields, '|'
# between them, ',' between the values of a repeated field. Fails on any stderr
# output but the root warning (an unreadable capture, an unknown field name).
fields() {
  local file=$1; shift
  local args=(-n -r "$pc/$file" -T fields -E separator='|' -E aggregator=, -e frame.number)
  for f in "$@"; do args+=(-e "$f"); done
  tshark "${args[@]}" >"$tmp/fields" 2>"$tmp/tserr" || { cat "$tmp/tserr" >&2; fail "tshark failed on $file"; }
  if grep -vE "$benign" "$tmp/tserr" | grep -q .; then
    cat "$tmp/tserr" >&2
    fail "tshark complained reading $file"
  fi
}

# row N EXPECTED — the line of frame N is exactly EXPECTED (without the frame number).
row() {
  local got
  got=$(awk -F'|' -v n="$1" '$1 == n { sub(/^[^|]*\|/, ""); print; exit }' "$tmp/fields")
  [[ $got == "$2" ]] || fail "frame $1: expected '$2', tshark gave '$got'"
  pass
}

# row_prefix N PREFIX — the line of frame N starts with PREFIX.
row_prefix() {
  local got
  got=$(awk -F'|' -v n="$1" '$1 == n { sub(/^[^|]*\|/, ""); print; exit }' "$tmp/fields")
  [[ $got == "$2"* ]] || fail "frame $1: expected '$2...', tshark gave '${got:0:200}'"
  pass
}

# malformed_only FILE N... — tshark finds exactly frames N... malformed.
malformed_only() {
  local file=$1; shift
  fields "$file" _ws.malformed
  local got
  got=$(awk -F'|' '$2 != "" { printf "%s ", $1 }' "$tmp/fields")
  [[ $got == "$* " ]] || fail "$file: malformed frames '$got', expected '$* '"
  pass
}

# hex of an ASCII string, for the identifiers inside vendor data.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
serial=$(hex 1596F3A8B2C4D5E6F7A8)

# ---- Wi-Fi with radiotap, then plain 802.11 ---------------------------------------
for file in wifi-radiotap.pcap wifi-80211.pcap; do
  fields "$file" wlan.fc.type_subtype wlan.sa wlan.tag.oui wlan.tag.vendor.oui.type
  # 1: beacon from the drone with the F3411 element (16387004 = 0xfa0bbc, type 13).
  row 1 "0x0008|60:60:1f:aa:bb:01|16387004|13"
  # 2: NAN action frame (Wi-Fi Alliance OUI 50:6f:9a = 5271450).
  row 2 "0x000d|60:60:1f:aa:bb:02|5271450|"
  # 3: French beacon (6a:5c:35 = 6970421, type 1); 4: both elements in one beacon.
  row 3 "0x0008|0a:1b:2c:3d:4e:5f|6970421|1"
  row 4 "0x0008|60:60:1f:aa:bb:03|16387004,6970421|13,1"

  # The F3411 element's bytes: type 0x0d, counter 1, pack header f2 19 06 (version 2,
  # 25-byte messages, 6 of them), Basic ID 02 12 (v2; serial, multirotor) + the ID.
  fields "$file" wlan.tag.vendor.data
  row_prefix 1 "0d01f21906""0212${serial}000000""12"
  # The NAN service: the Remote ID service ID, service info = counter 7 + pack of 7
  # starting with a v1 Basic ID (01) carrying a session ID (4) of an "other" UA (15).
  fields "$file" wlan.tag.oui.wfa_subtype nan.service_id nan.sda.service_info
  row_prefix 2 "19|88:69:19:9d:92:09|07-f2-19-07-01-4f-de-ad-be-ef-00-11-22"

  # The French beacon's fields, as Wireshark's own SGDSN dissector reads them (the ANSI
  # ID 1581C5FKD229400AB splits into manufacturer code 1581, length C = 12, serial).
  fields "$file" wlan.vs.sgdsn.tag.version wlan.vs.sgdsn.tag.manufacturer \
    wlan.vs.sgdsn.tag.model wlan.vs.sgdsn.tag.serialnumber wlan.vs.sgdsn.tag.icaomfrcode \
    wlan.vs.sgdsn.tag.gpscoord wlan.vs.sgdsn.tag.altitude wlan.vs.sgdsn.tag.speed \
    wlan.vs.sgdsn.tag.heading
  row 3 "1|ILL|DR1|000000000000000000012345,5FKD229400AB|1581|4885827,229448,4886010,229500|80,45|12|312"
  # Altitude -5 m is int16 0xfffb on the wire; Wireshark 4.0 shows that field
  # unsigned (65531): same bytes, its display differs from the arrêté's signed type.
  row 4 "1|PAR|ISM|A0001||4885750,234170,-3385680,-15121530|65531,30|0|0"
done
# Radiotap: the signal and channel the builder recorded.
fields wifi-radiotap.pcap radiotap.dbm_antsignal radiotap.channel.freq
row 1 "-60|2437"
# Only the frames built to be broken are malformed: 6 (element cut short) in both;
# the garbage radiotap (8, version 5) tshark reads anyway — vigie rejects it.
malformed_only wifi-radiotap.pcap 6
malformed_only wifi-80211.pcap 6 8

# ---- Bluetooth: LE link layer with and without the pseudo-header, HCI --------------
for file in ble-phdr.pcap ble-ll.pcap; do
  fields "$file" btle.advertising_header.pdu_type btle.advertising_address \
    btcommon.eir_ad.entry.uuid_16 btcommon.eir_ad.entry.service_data
  # 1: ADV_NONCONN_IND, service data 0xfffa: app code 0d, counter 10, Basic ID.
  row 1 "0x02|c0:ff:ee:00:00:01|0xfffa|0d0a0212${serial}000000"
  # 7: AUX_ADV_IND (Bluetooth 5) with counter 1 and the pack of 7.
  row_prefix 7 "0x07|c0:ff:ee:00:00:01|0xfffa|0d01f21907014fdeadbeef"
  # 8: AUX_ADV_IND with a single Location message (0x12: type 1, version 2).
  row_prefix 8 "0x07|c0:ff:ee:00:00:01|0xfffa|0d0212"
  malformed_only "$file" 9
done
fields ble-phdr.pcap btle_rf.signal_dbm btle_rf.phy btle_rf.channel
row 1 "-70|0|0"    # LE 1M on advertising channel 37 (RF channel 0)
row 7 "-70|2|11"   # LE Coded (long range) on data channel 10 (RF channel 11)
fields ble-ll.pcap btle.crc.incorrect
[[ $(awk -F'|' '$2 != ""' "$tmp/fields" | wc -l) == 0 ]] || fail "ble-ll.pcap: tshark finds a bad CRC"
pass

fields ble-hci.pcap bthci_evt.le_meta_subevent bthci_evt.rssi btcommon.eir_ad.entry.uuid_16 \
  btcommon.eir_ad.entry.service_data
row 1 "0x02|-70|0xfffa|0d0a0212${serial}000000"   # LE Advertising Report
row_prefix 7 "0x0d|-70|0xfffa|0d01f21907014fdeadbeef"  # LE Extended Advertising Report
malformed_only ble-hci.pcap 9

done_checks
