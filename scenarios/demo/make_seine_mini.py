#!/usr/bin/env python3
"""Writes seine-mini.jsonl, the small hand-made sample `make demo` replays until the
simulator (issue 6) produces the full Seine scenario. Deterministic (fixed seed).

Evening of 26 July 2024, 19:30 UTC+2: a Remote ID drone flies east along the Seine
from Pont des Arts towards Notre-Dame, seen by the Remote ID receiver, a radar on
Pont Neuf and an RF direction finder on Île Saint-Louis; a police helicopter
transmits ADS-B; a pigeon flock crosses the radar; the RF finder drops out for a
while; the commander confirms the posture; an operator acknowledges the drone's
alert, then dispatches a unit."""
import json, math, random

random.seed(2024)
T0 = 1722015000  # 2024-07-26T17:30:00Z = 19:30 in Paris
N_UND = 44.4      # geoid undulation, m
GROUND = 35.0     # ground AMSL, m
lines = []

def t(s):
    return "2024-07-26T17:%02d:%02d%sZ" % (30 + int(s) // 60, int(s) % 60,
                                          ("." + ("%03d" % round((s % 1) * 1000))) if s % 1 else "")

def emit(o):
    lines.append(json.dumps(o, separators=(",", ":")))

def enu(frm, to):
    # small-distance approximation; good to a few cm over 2 km, plenty for sample data
    lat0 = math.radians(frm[0])
    e = math.radians(to[1] - frm[1]) * 6378137.0 * math.cos(lat0)
    n = math.radians(to[0] - frm[0]) * 6367449.0
    return e, n, to[2] - frm[2]

emit({"type": "site", "time": t(0), "lat": 48.853, "lon": 2.3499, "alt": 35, "alt_ref": "AMSL",
      "geoid_undulation": N_UND, "ground_elevation": GROUND})
radar = (48.8575, 2.3417, GROUND + N_UND + 12)
rf = (48.8518, 2.3570, GROUND + N_UND + 8)
emit({"type": "sensor", "time": t(0), "id": "radar-pont-neuf", "kind": "radar", "lat": radar[0],
      "lon": radar[1], "alt": radar[2], "range_m": 3000})
emit({"type": "sensor", "time": t(0), "id": "rid-pont-des-arts", "kind": "remoteid", "lat": 48.8583,
      "lon": 2.3375, "alt": GROUND + 6, "alt_ref": "AMSL", "range_m": 1500})
emit({"type": "sensor", "time": t(0), "id": "rf-ile-saint-louis", "kind": "rf", "lat": rf[0],
      "lon": rf[1], "alt": rf[2], "range_m": 2500})
emit({"type": "sensor", "time": t(0), "id": "adsb-cite", "kind": "adsb", "lat": 48.8550,
      "lon": 2.3470, "alt": GROUND + N_UND + 30})
emit({"type": "command", "time": t(1), "kind": "posture_set", "user": "cdt.martin", "role": "commander",
      "args": {"level": "urgence_attentat", "scope": "national", "name": "JOP 2024 - ceremonie d'ouverture"}})

start, end = (48.8583, 2.3375), (48.8530, 2.3480)  # Pont des Arts -> near Notre-Dame
pilot = (48.85905, 2.33690, GROUND + 1.5)
for s in range(0, 61):
    f = s / 60.0
    lat = start[0] + (end[0] - start[0]) * f
    lon = start[1] + (end[1] - start[1]) * f
    h = GROUND + 60 + 20 * math.sin(f * math.pi)
    pos = (lat, lon, h + N_UND)
    ve = math.radians(end[1] - start[1]) * 6378137.0 * math.cos(math.radians(lat)) / 60
    vn = math.radians(end[0] - start[0]) * 6367449.0 / 60
    vu = 20 * math.pi / 60 * math.cos(f * math.pi)
    emit({"type": "detection", "time": t(s + 2), "sensor": "rid-pont-des-arts",
          "geodetic": {"lat": round(lat + random.gauss(0, 2e-5), 7), "lon": round(lon + random.gauss(0, 3e-5), 7),
                       "alt": round(h + random.gauss(0, 2), 1), "alt_ref": "AMSL", "sigma_h": 3, "sigma_v": 4},
          "velocity": {"ve": round(ve, 2), "vn": round(vn, 2), "vu": round(vu, 2)},
          "identity": {"source": "remoteid", "id": "1596F3A8B2C4D5E6F7A8"},
          "operator": {"lat": pilot[0], "lon": pilot[1], "alt": pilot[2], "alt_ref": "AMSL"},
          "attrs": {"ua_type": "helicopter_or_multirotor", "class_eu": "C1"}})
    if s % 2 == 0:
        e, n, u = enu(radar, pos)
        rng = math.sqrt(e * e + n * n + u * u)
        az = math.degrees(math.atan2(e, n)) % 360
        el = math.degrees(math.asin(u / rng))
        emit({"type": "detection", "time": t(s + 2.25), "sensor": "radar-pont-neuf",
              "polar": {"range": round(rng + random.gauss(0, 5), 1), "az": round(az + random.gauss(0, 0.3), 2),
                        "el": round(el + random.gauss(0, 0.5), 2), "sigma_range": 5, "sigma_az": 0.3, "sigma_el": 0.5},
              "class_hint": {"drone": 0.6, "bird": 0.3}})
    if s % 3 == 0 and not (20 <= s < 35):
        e, n, u = enu(rf, pos)
        emit({"type": "detection", "time": t(s + 2.5), "sensor": "rf-ile-saint-louis",
              "bearing": {"az": round(math.degrees(math.atan2(e, n)) % 360 + random.gauss(0, 2), 1), "sigma_az": 2},
              "identity": {"source": "rf", "id": "ocusync-2.4GHz"}})
    if s == 20:
        emit({"type": "sensor", "time": t(s + 2.5), "id": "rf-ile-saint-louis", "status": "down"})
    if s == 35:
        emit({"type": "sensor", "time": t(s + 2.5), "id": "rf-ile-saint-louis", "status": "up"})
    if s % 5 == 0:
        emit({"type": "detection", "time": t(s + 2.75), "sensor": "adsb-cite",
              "geodetic": {"lat": round(48.8700 - 0.0004 * s, 6), "lon": round(2.3000 + 0.0009 * s, 6), "alt": 300 + N_UND,
                           "sigma_h": 10, "sigma_v": 15},
              "velocity": {"ve": 66.0, "vn": -44.5, "vu": 0.0},
              "identity": {"source": "adsb", "id": "3B7A21"}})
    if 40 <= s <= 46 and s % 2 == 0:
        e, n, u = (-300 + 12 * (s - 40), 150 + 4 * (s - 40), 25)
        rng = math.sqrt(e * e + n * n + u * u)
        emit({"type": "detection", "time": t(s + 2.4), "sensor": "radar-pont-neuf",
              "polar": {"range": round(rng, 1), "az": round(math.degrees(math.atan2(e, n)) % 360, 2),
                        "el": round(math.degrees(math.asin(u / rng)), 2), "sigma_range": 5, "sigma_az": 0.3, "sigma_el": 0.5},
              "class_hint": {"drone": 0.2, "bird": 0.7}})
    if s % 10 == 0:
        emit({"type": "tick", "time": t(s + 3)})
    if s == 18:
        emit({"type": "command", "time": t(s + 2.9), "kind": "alert_ack", "user": "op.dupont",
              "role": "operator", "args": {"alert": 1}})
    if s == 40:
        emit({"type": "command", "time": t(s + 2.9), "kind": "alert_dispatch", "user": "op.dupont",
              "role": "operator", "args": {"alert": 1}})

def seconds(line):
    hms = json.loads(line)["time"][11:-1]
    return int(hms[3:5]) * 60 + float(hms[6:])

lines.sort(key=seconds)  # stable: keeps emission order within an instant
open(__file__.replace("make_seine_mini.py", "seine-mini.jsonl"), "w").write("\n".join(lines) + "\n")
