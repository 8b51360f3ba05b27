# `vigie replay` with patrol commands in the input: units and a site declared by
# commands, a Remote ID drone near a protected asset with its pilot's position, the
# nearest police unit proposed at the alert's instant, confirmed, on scene, pilot
# arrested — and a bad command rejected and counted. The whole dispatch output is
# compared.
source "$(dirname "$0")/lib.sh"

cat >"$tmp/assets.json" <<'J'
[{"id": "notre-dame", "lat": 48.8530, "lon": 2.3499, "class": "high"}]
J
printf '[site]\nlat = 48.853\nlon = 2.3499\nalt = 35\nalt_ref = AMSL\ngeoid_undulation = 44.4\n[threat]\nassets_file = assets.json\n' >"$tmp/v.conf"
c='"type":"command","user":"cdt.martin","role":"commander"'
o='"type":"command","user":"op1","role":"operator"'
cat >"$tmp/in.jsonl" <<J
{$c,"time":"2024-07-26T19:00:00Z","kind":"site_add","args":{"id":"notre-dame","category":"place_of_worship","lat":48.8530,"lon":2.3499}}
{$c,"time":"2024-07-26T19:00:00Z","kind":"unit_add","args":{"unit":"SENT-11","force":"army","size":8,"status":"patrolling","lat":48.8531,"lon":2.3500}}
{$c,"time":"2024-07-26T19:00:00Z","kind":"unit_add","args":{"unit":"PN-7","force":"police","mode":"vehicle","capabilities":["intercept"],"lat":48.8580,"lon":2.3420}}
{$c,"time":"2024-07-26T19:00:00Z","kind":"unit_add","args":{"unit":"GD-3","force":"gendarmerie","capabilities":["intercept"],"lat":48.8600,"lon":2.3350}}
{"type":"sensor","time":"2024-07-26T19:00:00Z","id":"rid","kind":"remoteid","lat":48.853,"lon":2.35,"alt":80}
{"type":"detection","time":"2024-07-26T19:00:01Z","sensor":"rid","geodetic":{"lat":48.8535,"lon":2.3495,"alt":100,"alt_ref":"AMSL","sigma_h":3,"sigma_v":4},"identity":{"source":"remoteid","id":"SN-HOBBY"},"operator":{"lat":48.8560,"lon":2.3450}}
{$o,"time":"2024-07-26T19:00:05Z","kind":"dispatch_confirm","args":{"alert":1,"unit":"PN-7"}}
{$o,"time":"2024-07-26T19:00:06Z","kind":"dispatch_confirm","args":{"alert":1,"unit":"GD-3"}}
{$o,"time":"2024-07-26T19:00:50Z","kind":"unit_position","args":{"unit":"PN-7","lat":48.8560,"lon":2.3451}}
{$o,"time":"2024-07-26T19:03:00Z","kind":"dispatch_outcome","args":{"alert":1,"unit":"PN-7","outcome":"pilot_arrested"}}
J
expect_status 0 "$vigie" replay -c "$tmp/v.conf" "$tmp/in.jsonl"
grep '"type":"dispatch"' "$tmp/out" >"$tmp/dispatch" || true
cat >"$tmp/want" <<'J'
{"type":"dispatch","time":"2024-07-26T19:00:01Z","alert":1,"unit":"PN-7","eta_s":48.6,"state":"proposed","rank":1,"target":{"lat":48.856,"lon":2.345}}
{"type":"dispatch","time":"2024-07-26T19:00:01Z","alert":1,"unit":"GD-3","eta_s":856.2,"state":"proposed","rank":2,"target":{"lat":48.856,"lon":2.345}}
{"type":"dispatch","time":"2024-07-26T19:00:05Z","alert":1,"unit":"PN-7","eta_s":48.6,"state":"en_route","target":{"lat":48.856,"lon":2.345}}
{"type":"dispatch","time":"2024-07-26T19:00:50Z","alert":1,"unit":"PN-7","eta_s":0,"state":"on_scene","target":{"lat":48.856,"lon":2.345}}
{"type":"dispatch","time":"2024-07-26T19:03:00Z","alert":1,"unit":"PN-7","eta_s":0,"state":"pilot_arrested","target":{"lat":48.856,"lon":2.345}}
J
diff -u "$tmp/want" "$tmp/dispatch" || fail "dispatch events differ"; pass
expect_in "$tmp/out" '"state":"dispatched","message":"dispatched by op1'
expect_in "$tmp/out" '"state":"resolved","message":"resolved by op1'
expect_in "$tmp/err" "already has a confirmed dispatch (unit PN-7)"
done_checks
