/* threat/rules.c — the rules run on every track update.
 *
 * One pass per update: the zones containing the track (one index query), the
 * posture level there (strictest of the national posture and those of these
 * zones), then each rule in turn; a rule that holds becomes a finding, which
 * alerts.c raises, updates or ignores (muted). Nothing is allocated here.
 *
 * Choices worth knowing:
 * - Only airspace zones count for the zone rules: a ground perimeter (grey / red /
 *   blue zones) marked PROHIBITED is about vehicles and pedestrians.
 * - The whitelist covers the drone rules (zone_entry, zone_predicted,
 *   asset_proximity), per zone; never spoofing (a spoofed authorised serial is the
 *   very threat) nor aircraft_no_id.
 * - Path prediction runs only for a moving drone (over 0.5 m/s), up to the
 *   anticipation of the level at its position, sampled every predict_resolution_m
 *   of flight (a fixed distance, not a fixed time: a slow drone needs fewer
 *   samples for the same spatial accuracy); an entry at time 0 is zone_entry's.
 * - An asset's distance is horizontal (haversine), after a cheap degree-box reject. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "threat/threat_int.h"

#define ZONES_MAX 32      /* zones containing one point that are looked at */
#define PREDICT_MAX 16    /* predicted entries looked at */

static bool cooperative(const vg_identity *id)
{
    return id->source == VG_IDSRC_REMOTEID || id->source == VG_IDSRC_FRBEACON ||
           id->source == VG_IDSRC_ADSB;
}

/* An identity that names one object across tracks: a cooperative one, or the
 * signature of a drone's RF link (the tracker binds one link to one track). */
static bool names_object(const vg_identity *id)
{
    return (cooperative(id) || id->source == VG_IDSRC_RF) && id->id[0];
}

/* The drone serial a whitelist can name: Remote ID or the French beacon. */
static const char *uas_of(const vg_track *tr)
{
    bool drone_id = tr->identity.source == VG_IDSRC_REMOTEID ||
                    tr->identity.source == VG_IDSRC_FRBEACON;
    return drone_id && tr->identity.id[0] ? tr->identity.id : NULL;
}

/* The key of the object track tr is: its identity when that names one, else the
 * track. True for an identity. */
static bool object_key(const vg_track *tr, th_key *k)
{
    memset(k, 0, sizeof *k);
    if (names_object(&tr->identity)) {
        k->kind = TH_KEY_IDENTITY;
        k->src = tr->identity.source;
        memcpy(k->id, tr->identity.id, VG_ID_MAX);
        k->id[VG_ID_MAX - 1] = '\0';
        return true;
    }
    k->kind = TH_KEY_TRACK;
    k->track = tr->id;
    return false;
}

/* Start a finding of rule r about track tr: its key, and the detail text
 * "<who> <what>[; pilot at lat, lon]". */
static void finding(th_finding *f, vg_threat_rule r, const vg_track *tr, vg_severity sev,
                    const char *zone, double escalation_s, const char *what)
{
    memset(f, 0, sizeof *f);
    f->rule = r;
    f->track = tr->id;
    f->severity = sev;
    f->zone = zone;
    f->escalation_s = escalation_s;
    (void)object_key(tr, &f->key);
    char who[2 * VG_ID_MAX + 48];
    if (tr->identity.source != VG_IDSRC_NONE && tr->identity.id[0])
        snprintf(who, sizeof who, "%s %.63s (track %llu)",
                 vg_identity_source_name(tr->identity.source), tr->identity.id,
                 (unsigned long long)tr->id);
    else
        snprintf(who, sizeof who, "track %llu", (unsigned long long)tr->id);
    f->has_pilot = tr->has_operator && isfinite(tr->operator_pos.lat) &&
                   isfinite(tr->operator_pos.lon);
    if (f->has_pilot)
        snprintf(f->detail, sizeof f->detail, "%s %s; pilot at %.5f, %.5f", who, what,
                 tr->operator_pos.lat, tr->operator_pos.lon);
    else
        snprintf(f->detail, sizeof f->detail, "%s %s", who, what);
}

static bool no_fly(const vg_zone *z)
{
    return z->restriction == VG_ZONE_PROHIBITED && z->purpose == VG_ZONE_AIRSPACE;
}

/* The area of a zone's bounding box, in square degrees: a measure of how specific
 * the zone is, enough to rank nested zones. */
static double zone_extent(const vg_zone *z)
{
    double lo0 = HUGE_VAL, la0 = HUGE_VAL, lo1 = -HUGE_VAL, la1 = -HUGE_VAL;
    for (size_t v = 0; v < z->nvol; v++) {
        double a, b, c, d;
        vg_zone_volume_bbox(&z->vol[v], &a, &b, &c, &d);
        lo0 = fmin(lo0, a);
        la0 = fmin(la0, b);
        lo1 = fmax(lo1, c);
        la1 = fmax(la1, d);
    }
    return lo1 >= lo0 && la1 >= la0 ? (lo1 - lo0) * (la1 - la0) : HUGE_VAL;
}

/* Authorised anywhere, or in one of the zones ids[0..n). */
static bool whitelisted_here(const vg_threat *th, const char *uas, const char *const *ids,
                             int n, vg_time t)
{
    if (!uas || th->nwl == 0)
        return false;
    if (vg_threat_whitelisted(th, uas, NULL, t))
        return true;
    for (int i = 0; i < n; i++)
        if (vg_threat_whitelisted(th, uas, ids[i], t))
            return true;
    return false;
}

/* Fire f, keeping the first error in *rc. */
static void fire(vg_threat *th, const th_finding *f, vg_time t, vg_threat_emit_fn emit,
                 void *userdata, int *rc, vg_error *err)
{
    int r = th_alert_fire(th, f, t, emit, userdata, *rc < 0 ? NULL : err);
    if (r < 0 && *rc == 0)
        *rc = r;
}

/* Rule (c): the nearest asset within its alert radius, or NULL. */
static const th_asset *near_asset(const vg_threat *th, const vg_track *tr, double dist_m,
                                  double *d_out)
{
    const double m_per_deg = VG_ZONE_EARTH_R * VG_PI / 180;
    const th_asset *best = NULL;
    double bestd = HUGE_VAL;
    for (int i = 0; i < th->nassets; i++) {
        const th_asset *a = &th->assets[i];
        double r = a->high ? 2 * dist_m : dist_m;
        if (fabs(tr->pos.lat - a->lat) * m_per_deg > r * 1.01)
            continue;
        double dlon = fabs(tr->pos.lon - a->lon);
        if (dlon > 180)
            dlon = 360 - dlon;
        if (dlon * m_per_deg * a->coslat > r * 1.01 + 1)
            continue;
        double d = vg_zone_haversine_m(tr->pos.lat, tr->pos.lon, a->lat, a->lon);
        if (d <= r && d < bestd) {
            best = a;
            bestd = d;
        }
    }
    *d_out = bestd;
    return best;
}

int vg_threat_track(vg_threat *th, const vg_track *tr, vg_time t, vg_zindex *ix,
                    const vg_zone *zones, const vg_postures *postures,
                    vg_threat_emit_fn emit, void *userdata, vg_error *err)
{
    if (!th || !tr || !postures)
        return vg_err(err, VG_EINVAL, "threat: track update needs a track and postures");
    if (!isfinite(tr->pos.lat) || !isfinite(tr->pos.lon) || !isfinite(tr->pos.alt) ||
        fabs(tr->pos.lat) > 90 || fabs(tr->pos.lon) > 180)
        return vg_err(err, VG_EINVAL, "threat: track %llu: invalid position",
                      (unsigned long long)tr->id);
    if (!zones)
        ix = NULL;
    /* Every rule below needs zones (zone_entry, aircraft_no_id, zone_predicted), an
     * asset (asset_proximity) or a spoofing flag (spoofing): without any of them
     * nothing can fire, and the many tracks of a site with no zones loaded (clutter
     * included) cost no posture lookup. A new rule must extend this test. */
    const uint32_t spoof = VG_INTEG_IDENTITY_OUTSIDE_GATE | VG_INTEG_DUPLICATE_ID |
                           VG_INTEG_IMPOSSIBLE_SPEED | VG_INTEG_TELEPORT;
    if (!ix && th->nassets == 0 && !(tr->integrity & spoof))
        return 0;
    /* A track that has just become known as an object that has alerts: what it
     * raised on its own is that object's. */
    th_key object;
    if (object_key(tr, &object))
        th_alert_merge_track(th, &object, tr->id, t, emit, userdata);
    vg_zpoint p = {tr->pos.lat, tr->pos.lon, tr->pos.alt, VG_ZREF_WGS84, t};
    size_t zi[ZONES_MAX];
    const char *ids[ZONES_MAX + 1];
    int nz = 0;
    if (ix) {
        nz = vg_zindex_query(ix, &p, zi, ZONES_MAX);
        if (nz < 0)
            return vg_err(err, nz, "threat: track %llu: zone query failed: %s",
                          (unsigned long long)tr->id, vg_strerror(nz));
        if (nz > ZONES_MAX)
            nz = ZONES_MAX;
    }
    for (int i = 0; i < nz; i++)
        ids[i] = zones[zi[i]].identifier;
    vg_posture_level level = vg_postures_level_at(postures, ids, nz);
    const vg_posture_params *par = vg_postures_params(postures, level);

    const double *cp = tr->class_p;
    const char *uas = uas_of(tr);
    /* A drone by its Remote ID at once; otherwise by its class, once the track is
     * confirmed (a single radar plot is no object yet) and old enough for a
     * cooperative drone to have been heard: an authorised drone first seen by a
     * radar is not alerted on in the second before its Remote ID arrives. */
    bool judged = tr->status != VG_TRACK_TENTATIVE &&
                  (double)(t - tr->born) / (double)VG_TIME_S >= th->opts.identify_grace_s;
    bool drone = uas != NULL || (judged && cp[VG_CLASS_DRONE] >= th->opts.drone_threshold);
    bool aircraft = !drone && judged && cp[VG_CLASS_AIRCRAFT] > 0 &&
                    cp[VG_CLASS_AIRCRAFT] >= cp[VG_CLASS_DRONE] &&
                    cp[VG_CLASS_AIRCRAFT] >= cp[VG_CLASS_BIRD] &&
                    cp[VG_CLASS_AIRCRAFT] >= cp[VG_CLASS_UNKNOWN];
    int rc = 0;
    th_finding f;
    char what[VG_TEXT_MAX];

    /* (a) zone_entry: a drone in a no-fly zone it is not authorised in — the most
     * specific one when zones nest (the corridor over the river inside the city's
     * no-fly zone): the alert follows the object inward, one alert all along. */
    const vg_zone *entered = NULL;
    double entered_extent = HUGE_VAL;
    for (int i = 0; drone && i < nz; i++) {
        const vg_zone *z = &zones[zi[i]];
        if (!no_fly(z) || vg_threat_whitelisted(th, uas, z->identifier, t))
            continue;
        double e = entered ? zone_extent(z) : 0.0;
        if (!entered || e < entered_extent) {
            if (!entered)
                e = zone_extent(z);
            entered = z;
            entered_extent = e;
        }
    }
    if (entered) {
        const vg_zone *z = entered;
        snprintf(what, sizeof what, "inside prohibited zone %s", z->identifier);
        finding(&f, VG_RULE_ZONE_ENTRY, tr, vg_threat_severity(VG_RULE_ZONE_ENTRY, level),
                z->identifier, par->escalation_s, what);
        f.zone_extent = entered_extent;
        fire(th, &f, t, emit, userdata, &rc, err);
    }

    /* (e) aircraft_no_id: a manned aircraft without ADS-B in a no-fly zone */
    for (int i = 0; aircraft && tr->identity.source != VG_IDSRC_ADSB && i < nz; i++) {
        const vg_zone *z = &zones[zi[i]];
        if (!no_fly(z))
            continue;
        snprintf(what, sizeof what, "aircraft without ADS-B identity inside prohibited zone %s",
                 z->identifier);
        finding(&f, VG_RULE_AIRCRAFT_NO_ID, tr,
                vg_threat_severity(VG_RULE_AIRCRAFT_NO_ID, level), z->identifier,
                par->escalation_s, what);
        fire(th, &f, t, emit, userdata, &rc, err);
        break;
    }

    /* (d) spoofing: integrity flags that say the identity or the path is not real */
    if (tr->integrity & spoof) {
        size_t n = (size_t)snprintf(what, sizeof what, "suspected Remote ID spoofing:");
        for (uint32_t b = 1; b < (1u << VG_INTEG_COUNT) && n < sizeof what; b <<= 1)
            if (tr->integrity & spoof & b)
                n += (size_t)snprintf(what + n, sizeof what - n, " %s", vg_integrity_name(b));
        finding(&f, VG_RULE_SPOOFING, tr, vg_threat_severity(VG_RULE_SPOOFING, level),
                nz > 0 ? ids[0] : "", par->escalation_s, what);
        f.zone = "";
        fire(th, &f, t, emit, userdata, &rc, err);
    }

    /* (b) zone_predicted: the straight path enters a no-fly zone within anticipation_s */
    double vh = hypot(tr->velocity.x, tr->velocity.y);
    if (drone && ix && (vh > 0.5 || fabs(tr->velocity.z) > 0.5) && par->anticipation_s > 0 &&
        isfinite(vh) && isfinite(tr->velocity.z)) {
        vg_zentry ent[PREDICT_MAX];
        double speed = hypot(vh, tr->velocity.z);
        double step = fmax(0.1, th->opts.predict_resolution_m / speed);
        int n = vg_zindex_predict(ix, &p, tr->velocity.x, tr->velocity.y, tr->velocity.z,
                                  par->anticipation_s, step, ent, PREDICT_MAX);
        if (n < 0 && rc == 0)
            rc = vg_err(err, n, "threat: track %llu: path prediction failed: %s",
                        (unsigned long long)tr->id, vg_strerror(n));
        for (int i = 0; i < n && i < PREDICT_MAX; i++) {
            const vg_zone *z = &zones[ent[i].zone];
            if (ent[i].t_s <= 0 || !no_fly(z) || vg_threat_whitelisted(th, uas, z->identifier, t))
                continue;
            ids[nz] = z->identifier;   /* a posture over the zone ahead counts too */
            vg_posture_level lv = vg_postures_level_at(postures, ids, nz + 1);
            snprintf(what, sizeof what, "predicted to enter prohibited zone %s in %.0f s",
                     z->identifier, ent[i].t_s);
            finding(&f, VG_RULE_ZONE_PREDICTED, tr,
                    vg_threat_severity(VG_RULE_ZONE_PREDICTED, lv), z->identifier,
                    vg_postures_params(postures, lv)->escalation_s, what);
            /* Already alerted inside that zone (it stepped out across the edge):
             * a prediction that it comes back tells the operator nothing. */
            if (th_alert_names_zone(th, VG_RULE_ZONE_ENTRY, &f.key, z->identifier))
                break;
            fire(th, &f, t, emit, userdata, &rc, err);
            break;
        }
    }

    /* (c) asset_proximity */
    double d;
    const th_asset *a = drone && th->nassets ? near_asset(th, tr, par->alert_distance_m, &d)
                                             : NULL;
    if (a && !whitelisted_here(th, uas, ids, nz, t)) {
        snprintf(what, sizeof what, "%.0f m from protected asset %s", d, a->id);
        vg_severity sev = a->high ? VG_SEV_CRITICAL
                                  : vg_threat_severity(VG_RULE_ASSET_PROXIMITY, level);
        finding(&f, VG_RULE_ASSET_PROXIMITY, tr, sev, "", par->escalation_s, what);
        fire(th, &f, t, emit, userdata, &rc, err);
    }
    return rc;
}
