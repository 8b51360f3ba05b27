#!/usr/bin/env python3
"""Writes scenarios/seine-2024.json: the Olympic opening ceremony on the Seine,
26 July 2024, 19:15-23:45 Paris time (17:15-21:45 UTC), from FACTS.md section 3,
and the SEINE-CORRIDOR zone of scenarios/demo/seine-zones.ed269.json (the no-fly
corridor over the river, 300 m wide, Pont d'Austerlitz to Pont d'Iena).
Run it after changing it; the JSON is committed so the scenario is reviewable."""
import json, math, os

G = 79.4                      # ground level, metres above the WGS84 ellipsoid (35 AMSL + 44.4)
AGL = lambda h: round(G + h, 1)
M = 60                        # seconds per minute

def wp(t, lat, lon, h):
    return {"t": t, "lat": lat, "lon": lon, "alt": AGL(h)}

def sensor(id, kind, lat, lon, **kw):
    s = {"id": id, "kind": kind, "lat": lat, "lon": lon, "alt": AGL(kw.pop("h", 15))}
    s.update(kw)
    return s

sensors = [
    sensor("radar-austerlitz", "radar", 48.8462, 2.3650, range_m=3000, period_s=1, false_alarms=0.2),
    sensor("radar-pont-neuf", "radar", 48.8575, 2.3417, range_m=3000, period_s=1, false_alarms=0.2),
    sensor("radar-concorde", "radar", 48.8655, 2.3213, range_m=3000, period_s=1, false_alarms=0.2,
           down=[{"from": 60 * M, "to": 70 * M}]),
    sensor("radar-trocadero", "radar", 48.8625, 2.2880, range_m=3000, period_s=1, false_alarms=0.2),
    sensor("rf-ile-saint-louis", "rf", 48.8518, 2.3570, range_m=4000, sigma_az=2),
    sensor("rf-louvre", "rf", 48.8606, 2.3376, range_m=4000, sigma_az=2),
    sensor("rf-alma", "rf", 48.8640, 2.3010, range_m=4000, sigma_az=2),
]
quays = [(48.8466, 2.3645), (48.8510, 2.3560), (48.8540, 2.3460), (48.8578, 2.3395),
         (48.8598, 2.3300), (48.8628, 2.3200), (48.8632, 2.3060), (48.8605, 2.2950)]
for i, (lat, lon) in enumerate(quays, 1):
    sensors.append(sensor(f"rid-quai-{i}", "remoteid", lat, lon, range_m=1500, loss=0.1, h=5))
sensors.append(sensor("adsb-cite", "adsb", 48.8550, 2.3470, range_m=60000, h=30))

targets = [
    {"id": "media-1", "type": "drone", "role": "whitelisted", "remote_id": "FRMEDIA0000000000001",
     "rf": True, "pilot": {"lat": 48.8572, "lon": 2.3445},
     "waypoints": [wp(15 * M, 48.8572, 2.3445, 0), wp(16 * M, 48.8490, 2.3600, 60),
                   wp(75 * M, 48.8560, 2.3440, 60), wp(76 * M, 48.8572, 2.3445, 0)]},
    {"id": "media-2", "type": "drone", "role": "whitelisted", "remote_id": "FRMEDIA0000000000002",
     "rf": True, "pilot": {"lat": 48.8618, "lon": 2.2890},
     "waypoints": [wp(150 * M, 48.8618, 2.2890, 0), wp(152 * M, 48.8600, 2.2930, 80),
                   wp(200 * M, 48.8610, 2.2960, 80), wp(202 * M, 48.8618, 2.2890, 0)]},
    {"id": "police-drone", "type": "drone", "role": "police", "remote_id": "FRPOLICE000000000001",
     "pilot": {"lat": 48.8550, "lon": 2.3470},
     "waypoints": [wp(5 * M, 48.8550, 2.3470, 0), wp(7 * M, 48.8560, 2.3440, 100),
                   wp(120 * M, 48.8600, 2.3300, 100), wp(125 * M, 48.8550, 2.3470, 0)]},
    {"id": "heli-1", "type": "aircraft", "role": "police", "icao": "3B7A21", "rcs": 10,
     "waypoints": [wp(0, 48.8300, 2.4000, 300), wp(20 * M, 48.8597, 2.2922, 300),
                   wp(40 * M, 48.8450, 2.3661, 300), wp(60 * M, 48.8300, 2.4000, 300)]},
    {"id": "heli-2", "type": "aircraft", "role": "police", "icao": "3B7A22", "rcs": 10,
     "waypoints": [wp(90 * M, 48.8800, 2.2600, 350), wp(110 * M, 48.8450, 2.3661, 350),
                   wp(130 * M, 48.8800, 2.2600, 350)]},
    {"id": "hobbyist", "type": "drone", "role": "intruder", "remote_id": "1596F3A8B2C4D5E6F7A8",
     "rf": True, "pilot": {"lat": 48.8578, "lon": 2.3372},
     "waypoints": [wp(40 * M, 48.8578, 2.3372, 0), wp(40 * M + 30, 48.8578, 2.3372, 60),
                   wp(42 * M, 48.8586, 2.3352, 80), wp(43 * M, 48.8584, 2.3358, 60),
                   wp(43 * M + 40, 48.8578, 2.3372, 0)]},  # police at his side: he lands it
    {"id": "rooftop-frbeacon", "type": "drone", "role": "intruder",
     "fr_id": "ILLDR1000000000000000000012345", "pilot": {"lat": 48.8612, "lon": 2.3405},
     "waypoints": [wp(50 * M, 48.8612, 2.3405, 25), wp(51 * M, 48.8605, 2.3380, 70),
                   wp(53 * M, 48.8592, 2.3330, 70), wp(55 * M, 48.8612, 2.3405, 25)]},
    {"id": "north-noncoop", "type": "drone", "role": "intruder", "rf": True,
     "waypoints": [wp(90 * M, 48.8780, 2.3400, 120), wp(96 * M, 48.8590, 2.3370, 100),
                   wp(98 * M, 48.8590, 2.3370, 100), wp(104 * M, 48.8780, 2.3400, 120)]},
    {"id": "fpv", "type": "drone", "role": "intruder", "rf": True, "rcs": 0.01,
     "waypoints": [wp(110 * M, 48.8720, 2.3080, 60), wp(110 * M + 30, 48.8640, 2.3140, 30),
                   wp(111 * M, 48.8670, 2.3250, 40)]},
    {"id": "gulls", "type": "birds", "role": "bird", "count": 12,
     "center": {"lat": 48.8580, "lon": 2.3360, "alt": AGL(15)}, "radius_m": 150, "speed_mps": 9,
     "drift_e": -0.5, "from": 30 * M, "to": 45 * M},
    {"id": "pigeons", "type": "birds", "role": "bird", "count": 20,
     "center": {"lat": 48.8535, "lon": 2.3490, "alt": AGL(20)}, "radius_m": 80, "speed_mps": 12,
     "from": 100 * M, "to": 115 * M},
]

# Sites with a presence obligation (Vigipirate), sector "seine" (FACTS.md section 2-3).
sites = [
    ("notre-dame", "Notre-Dame", "place_of_worship", 48.8530, 2.3499),
    ("sainte-chapelle", "Sainte-Chapelle", "place_of_worship", 48.8554, 2.3450),
    ("gare-austerlitz", "Gare d'Austerlitz", "station", 48.8423, 2.3655),
    ("gare-de-lyon", "Gare de Lyon", "station", 48.8443, 2.3743),
    ("chatelet", "Chatelet-Les Halles", "station", 48.8584, 2.3470),
    ("saint-michel", "Saint-Michel", "station", 48.8535, 2.3441),
    ("hotel-de-ville", "Hotel de Ville fan zone", "fan_zone", 48.8566, 2.3522),
    ("louvre", "Louvre", "tourist_site", 48.8606, 2.3376),
    ("orsay", "Musee d'Orsay", "tourist_site", 48.8600, 2.3266),
    ("concorde", "Place de la Concorde", "venue", 48.8656, 2.3212),
    ("grand-palais", "Grand Palais", "venue", 48.8661, 2.3125),
    ("invalides", "Invalides", "tourist_site", 48.8567, 2.3125),
    ("alma", "Pont de l'Alma", "tourist_site", 48.8640, 2.3010),
    ("tour-eiffel", "Tour Eiffel", "tourist_site", 48.8584, 2.2945),
    ("trocadero", "Trocadero tribune", "venue", 48.8620, 2.2880),
]
# Units: Sentinelle patrols (no interception), police and gendarmerie who intercept.
units = [
    ("SENT-%d" % (i + 1), "Sentinelle %d" % (i + 1), "army", "foot", [], sites[i][3], sites[i][4])
    for i in range(8)
] + [
    ("PN-1", "Police 1", "police", "vehicle", ["intercept"], 48.8570, 2.3430),
    ("PN-2", "Police 2", "police", "vehicle", ["intercept"], 48.8530, 2.3560),
    ("PN-3", "Police 3", "police", "bike", ["intercept"], 48.8620, 2.3250),
    ("PN-4", "Police 4", "police", "vehicle", ["intercept"], 48.8600, 2.2950),
    ("PN-5", "Police 5", "police", "foot", ["intercept", "first_aid"], 48.8650, 2.3150),
    ("PN-6", "Police 6", "police", "vehicle", ["intercept"], 48.8460, 2.3650),
    ("GD-1", "Gendarmerie 1", "gendarmerie", "vehicle", ["intercept"], 48.8590, 2.3300),
    ("GD-2", "Gendarmerie 2", "gendarmerie", "vehicle", ["intercept"], 48.8625, 2.2900),
    ("GD-3", "Gendarmerie 3", "gendarmerie", "bike", ["intercept"], 48.8500, 2.3580),
    ("GD-4", "Gendarmerie 4", "gendarmerie", "foot", ["intercept"], 48.8555, 2.3470),
    ("PM-1", "Police municipale 1", "municipal", "foot", [], 48.8566, 2.3522),
    ("PM-2", "Police municipale 2", "municipal", "foot", [], 48.8606, 2.3376),
]
site_args = [{"id": i, "name": n, "category": c, "sector": "seine", "lat": la, "lon": lo,
              "radius_m": 150} for i, n, c, la, lo in sites]
unit_args = [dict({"unit": u, "callsign": cs, "force": f, "mode": m, "lat": la, "lon": lo,
                   "status": "patrolling" if f == "army" else "available"},
                  **({"capabilities": caps} if caps else {}))
             for u, cs, f, m, caps, la, lo in units]
setup = []
# Units report their positions every minute (static units stay where they stand).
for minute in range(1, 270):
    for u, cs, f, m, caps, la, lo in units:
        if u == "PN-1" and 41 <= minute:
            continue  # on its way to the hobbyist's pilot (below)
        setup.append({"t": minute * M, "kind": "unit_position", "user": "op.dupont",
                      "role": "operator", "args": {"unit": u, "lat": la, "lon": lo}})
# The hobbyist (alert at 17:55:01, about 40 min in): an operator sends the proposed
# police car, which drives to the pilot on the Quai de Conti and arrests him.
# The hobbyist's first alert in a run of the whole ceremony (checked by
# tests/cli/sim_seine.sh: if the engine numbers alerts differently, the test says so).
HOBBY_ALERT = int(os.environ.get("SEINE_HOBBY_ALERT", "8"))
pilot = (48.8578, 2.3372)
start = (48.8570, 2.3430)
if HOBBY_ALERT:
    setup.append({"t": 40 * M + 20, "kind": "dispatch_confirm", "user": "op.dupont",
                  "role": "operator", "args": {"alert": HOBBY_ALERT, "unit": "PN-1"}})
    for k in range(1, 7):
        f = k / 6
        setup.append({"t": 40 * M + 20 + 10 * k, "kind": "unit_position", "user": "op.dupont",
                      "role": "operator",
                      "args": {"unit": "PN-1", "lat": round(start[0] + f * (pilot[0] - start[0]), 6),
                               "lon": round(start[1] + f * (pilot[1] - start[1]), 6)}})
    setup.append({"t": 44 * M, "kind": "dispatch_outcome", "user": "op.dupont", "role": "operator",
                  "args": {"alert": HOBBY_ALERT, "unit": "PN-1", "outcome": "pilot_arrested"}})
for minute in range(44, 270):
    setup.append({"t": minute * M, "kind": "unit_position", "user": "op.dupont",
                  "role": "operator", "args": {"unit": "PN-1", "lat": pilot[0], "lon": pilot[1]}})

scenario = {
    "name": "Seine 2024 opening ceremony",
    "site": {"lat": 48.853, "lon": 2.3499, "alt": G},
    "geoid_undulation": 44.4,
    "ground_elevation": 35,
    "zones": "demo/seine-zones.ed269.json",
    "assets": "demo/seine-assets.json",
    "coverage": "seine-2024-coverage.json",
    "start": "2024-07-26T17:15:00Z",
    "duration_s": 270 * M,
    "seed": 2024,
    "tick_s": 1,
    "postures": [{"t": 0, "level": "urgence_attentat", "scope": "national",
                  "name": "JOP 2024 - ceremonie d'ouverture", "user": "cdt.martin"}],
    "sensors": sensors,
    "targets": targets,
    "sites": site_args,
    "units": unit_args,
    "actions": setup + [
        {"t": 1, "kind": "whitelist_add", "user": "cdt.martin", "role": "commander",
         "args": {"uas_id": "FRMEDIA0000000000001", "purpose": "France Televisions, boats"}},
        {"t": 1, "kind": "whitelist_add", "user": "cdt.martin", "role": "commander",
         "args": {"uas_id": "FRMEDIA0000000000002", "purpose": "OBS, Trocadero finale"}},
        {"t": 1, "kind": "whitelist_add", "user": "cdt.martin", "role": "commander",
         "args": {"uas_id": "FRPOLICE000000000001", "purpose": "Prefecture de police"}},
    ],
}
# The corridor: the river's course bridge by bridge (FACTS.md section 3; between the
# islands' two arms, the middle of the islands), widened by 150 m on each side.
river = [(48.8450, 2.3661), (48.8495, 2.3593), (48.8518, 2.3570), (48.8540, 2.3500),
         (48.8550, 2.3470), (48.8575, 2.3417), (48.8583, 2.3375), (48.8594, 2.3333),
         (48.8601, 2.3291), (48.8613, 2.3254), (48.8634, 2.3196), (48.8637, 2.3138),
         (48.8640, 2.3102), (48.8627, 2.3021), (48.8616, 2.2975), (48.8597, 2.2922)]

# Radar clutter over the water: every radar also gets returns from the river within
# its range (waves, boats, the quays' edges), a spot at each point of its course; the
# water lies some 7 m under the quays.
WATER = round(G - 7, 1)
for s in sensors:
    if s["kind"] != "radar":
        continue
    near = [(la, lo) for la, lo in river
            if math.hypot((la - s["lat"]) * 111195.0,
                          (lo - s["lon"]) * 111195.0 * math.cos(math.radians(la))) < s["range_m"]]
    s["clutter"] = [{"lat": la, "lon": lo, "alt": WATER, "radius_m": 60, "per_scan": 0.2}
                    for la, lo in near]

def corridor(points, half_m):
    """A polygon around a polyline: each vertex offset along the bisector of its two
    segments' normals (mitred), left side out and right side back."""
    lat0 = points[0][0]
    ky, kx = 111195.0, 111195.0 * math.cos(math.radians(lat0))
    xy = [((lo - points[0][1]) * kx, (la - lat0) * ky) for la, lo in points]
    def normal(a, b):
        dx, dy = b[0] - a[0], b[1] - a[1]
        n = math.hypot(dx, dy)
        return (-dy / n, dx / n)
    left, right = [], []
    for i, p in enumerate(xy):
        ns = [normal(xy[j], xy[j + 1]) for j in (i - 1, i) if 0 <= j < len(xy) - 1]
        nx, ny = sum(n[0] for n in ns), sum(n[1] for n in ns)
        m = math.hypot(nx, ny)
        nx, ny = nx / m, ny / m
        scale = half_m / max(0.5, nx * ns[0][0] + ny * ns[0][1])
        left.append((p[0] + nx * scale, p[1] + ny * scale))
        right.append((p[0] - nx * scale, p[1] - ny * scale))
    ring = left + right[::-1]
    ring.append(ring[0])
    return [[round(points[0][1] + x / kx, 6), round(lat0 + y / ky, 6)] for x, y in ring]

zones_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo",
                          "seine-zones.ed269.json")
with open(zones_path) as f:
    zones = json.load(f)
zones["features"] = [z for z in zones["features"] if z["identifier"] != "SEINE-CORRIDOR"]
zones["features"].insert(1, {
    "identifier": "SEINE-CORRIDOR", "country": "FRA", "name": "Couloir Seine",
    "type": "COMMON", "restriction": "PROHIBITED", "reason": ["SENSITIVE"],
    "message": "Survol du fleuve interdit pendant la ceremonie",
    "zoneAuthority": [{"name": "Prefecture de police", "service": "DOPC"}],
    "applicability": [{"startDateTime": "2024-07-26T19:00:00+02:00",
                       "endDateTime": "2024-07-27T00:00:00+02:00"}],
    "geometry": [{"uomDimensions": "M", "lowerLimit": 0, "lowerVerticalReference": "AGL",
                  "upperLimit": 300, "upperVerticalReference": "AGL",
                  "horizontalProjection": {"type": "Polygon",
                                           "coordinates": [corridor(river, 150)]}}]})
with open(zones_path, "w") as f:
    json.dump(zones, f, indent=1, ensure_ascii=False)
    f.write("\n")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seine-2024.json")
with open(out, "w") as f:
    json.dump(scenario, f, indent=1, ensure_ascii=False)
    f.write("\n")
