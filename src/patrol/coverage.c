/* patrol/coverage.c — where units stand, and whether the sites get their visits.
 *
 * A unit stands in a site when its last reported position lies inside the site's
 * polygon, or within the radius of a point site; while it stands there (and is
 * not silent, not off duty) the site counts as visited, every second. A site's
 * obligation comes from the posture in force at its sector: visited at least every
 * patrol_interval_s, or continuously (then an absence of gap_grace_s is tolerated).
 * A missed obligation opens a coverage_gap alert (info under vigilance, warning
 * above) through the threat module's alert lifecycle; the next presence resolves it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "patrol/patrol_int.h"

/* Ray casting in degrees: sites are small enough for the plate carrée. */
static bool in_polygon(const vg_patrol_site *s, double lat, double lon)
{
    bool in = false;
    for (int i = 0, j = s->npoly - 1; i < s->npoly; j = i++) {
        double yi = s->poly[i][0], xi = s->poly[i][1], yj = s->poly[j][0], xj = s->poly[j][1];
        if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

bool pt_site_contains(const vg_patrol_site *s, double lat, double lon)
{
    if (s->npoly > 0)
        return in_polygon(s, lat, lon);
    return pt_distance_m(s->lat, s->lon, lat, lon) <= s->radius_m;
}

static bool counts_as_presence(const vg_unit *u)
{
    return u->has_pos && !u->stale && u->status != VG_UNIT_OFF_DUTY;
}

void pt_unit_locate(vg_patrol *p, vg_unit *u, vg_time t)
{
    u->in_site = -1;
    for (int i = 0; i < p->nsites; i++)
        if (pt_site_contains(&p->sites[i], u->lat, u->lon)) {
            u->in_site = i;
            break;
        }
    if (u->in_site >= 0 && counts_as_presence(u) && u->last_report >= p->sites[u->in_site].added)
        p->sites[u->in_site].last_presence = u->last_report > t ? t : u->last_report;
}

static vg_posture_level level_of(const vg_patrol_site *s, const vg_postures *postures)
{
    const char *sector = s->sector;
    return vg_postures_level_at(postures, &sector, s->sector[0] ? 1 : 0);
}

int vg_patrol_coverage(const vg_patrol *p, int site, vg_time t, const vg_postures *postures,
                       vg_site_coverage *out)
{
    const vg_patrol_site *s = vg_patrol_site_at(p, site);
    if (!s || !postures || !out)
        return VG_EINVAL;
    out->level = level_of(s, postures);
    const vg_posture_params *pp = vg_postures_params(postures, out->level);
    out->interval_s = pp->patrol_continuous ? 0.0 : pp->patrol_interval_s;
    vg_time since_t = s->last_presence != VG_TIME_MIN ? s->last_presence : s->added;
    out->since_s = (double)(t - since_t) / 1e6;
    if (out->since_s < 0)
        out->since_s = 0;
    double allowed = out->interval_s > 0 ? out->interval_s : p->opts.gap_grace_s;
    out->met = out->since_s <= allowed;
    return 0;
}

void vg_patrol_sector_summary(const vg_patrol *p, const char *sector, vg_time t,
                              const vg_postures *postures, vg_sector_summary *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < p->nsites; i++) {
        if (sector && sector[0] && strcmp(p->sites[i].sector, sector) != 0)
            continue;
        vg_site_coverage c = {0};
        vg_patrol_coverage(p, i, t, postures, &c);
        out->sites++;
        if (c.met)
            out->met++;
        else
            out->gaps++;
        if (c.since_s > out->worst_since_s)
            out->worst_since_s = c.since_s;
    }
}

void vg_patrol_tick(vg_patrol *p, vg_time t, const vg_postures *postures,
                    vg_patrol_emit_fn emit, void *userdata)
{
    vg_time stale = (vg_time)llround(p->opts.stale_after_s * 1e6);
    for (int i = 0; i < p->nsites; i++)
        if (p->sites[i].added == VG_TIME_MIN)
            p->sites[i].added = t; /* loaded from a file before any event */
    for (int i = 0; i < p->nunits; i++) {
        vg_unit *u = &p->units[i];
        if (u->has_pos && u->last_report == VG_TIME_MIN)
            u->last_report = t;
        if (u->has_pos)
            u->stale = t - u->last_report > stale;
        if (u->in_site >= 0 && counts_as_presence(u))
            p->sites[u->in_site].last_presence = t;
    }
    for (int i = 0; i < p->nsites; i++) {
        vg_patrol_site *s = &p->sites[i];
        vg_site_coverage c = {0};
        vg_patrol_coverage(p, i, t, postures, &c);
        if (c.met == !s->gap_open)
            continue;
        s->gap_open = !c.met;
        if (!p->threat)
            continue;
        char detail[VG_TEXT_MAX];
        if (c.interval_s > 0)
            snprintf(detail, sizeof detail, "site %s (%s, %s) not visited for %.0f min: "
                     "obligation every %.0f min under %s", s->id, s->name,
                     vg_site_category_name(s->category), c.since_s / 60.0, c.interval_s / 60.0,
                     vg_posture_level_name(c.level));
        else
            snprintf(detail, sizeof detail, "site %s (%s, %s) without presence for %.0f s: "
                     "continuous presence under %s", s->id, s->name,
                     vg_site_category_name(s->category), c.since_s,
                     vg_posture_level_name(c.level));
        vg_error err;
        (void)vg_threat_site_gap(p->threat, s->id, s->gap_open, c.level,
                                 vg_postures_params(postures, c.level)->escalation_s, detail, t,
                                 emit, userdata, &err);
    }
}
