/* patrol/dispatch.c — ranking units for a drone pilot, and the dispatch lifecycle.
 *
 * An alert whose track carries a pilot (or take-off) position gets a dispatch:
 * the eligible units ranked by ETA — straight-line distance × detour factor ÷ the
 * unit's mode speed, ties by unit id so the order is deterministic — and the best
 * few proposed, one `dispatch` event each, best first. An operator confirms one
 * (dispatch_confirm): it goes en_route and the alert moves to `dispatched`; its
 * position reports bring it on_scene within the arrival radius of the target,
 * which follows the pilot while it moves; dispatch_outcome closes the dispatch,
 * frees the unit and, when the pilot was found or arrested, resolves the alert.
 * `not_found` leaves the alert open: the drone may still be flying. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patrol/patrol_int.h"

#define PT_PI 3.14159265358979323846

double pt_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double r = PT_PI / 180.0;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 6371008.8 * asin(sqrt(fmin(1.0, a)));
}

double pt_speed(const vg_patrol_opts *o, vg_unit_mode m)
{
    return m == VG_MODE_VEHICLE ? o->speed_vehicle_mps
         : m == VG_MODE_BIKE    ? o->speed_bike_mps
                                : o->speed_foot_mps;
}

double pt_eta(const vg_patrol *p, const vg_unit *u, double lat, double lon)
{
    return pt_distance_m(u->lat, u->lon, lat, lon) * p->opts.detour_factor /
           pt_speed(&p->opts, u->mode);
}

void pt_emit_dispatch(vg_patrol *p, vg_time t, const pt_dispatch *d, const vg_unit *u,
                      double eta_s, const char *state, uint32_t rank, vg_patrol_emit_fn emit,
                      void *userdata)
{
    vg_event_init(&p->out, VG_EV_DISPATCH, t);
    vg_dispatch *o = &p->out.u.dispatch;
    o->alert = d->alert;
    memcpy(o->unit, u->id, sizeof u->id);
    /* Whole tenths of a second: the ETA is an estimate, and short numbers read well. */
    o->eta_s = fmin(1e7, round(eta_s * 10.0) / 10.0);
    snprintf(o->state, sizeof o->state, "%s", state);
    o->rank = rank;
    o->has_target = true;
    o->target.lat = d->lat;
    o->target.lon = d->lon;
    emit(userdata, &p->out);
}

static bool eligible(const vg_patrol *p, const vg_unit *u, vg_time t)
{
    if (u->force == VG_FORCE_ARMY || !(u->caps & VG_CAP_INTERCEPT) || !u->has_pos)
        return false;
    if (u->status != VG_UNIT_AVAILABLE && u->status != VG_UNIT_PATROLLING)
        return false;
    return (double)(t - u->last_report) <= p->opts.stale_after_s * 1e6;
}

/* Better first: smaller ETA, then smaller unit id. */
static bool better(const vg_patrol *p, const vg_patrol_candidate *a, const vg_patrol_candidate *b)
{
    if (a->eta_s != b->eta_s)
        return a->eta_s < b->eta_s;
    return strcmp(p->units[a->unit].id, p->units[b->unit].id) < 0;
}

int vg_patrol_rank(const vg_patrol *p, double lat, double lon, vg_time t,
                   vg_patrol_candidate *out, int max)
{
    /* A bounded insertion into the best `max`: max is small (proposals), and the
     * scan over the units allocates nothing. */
    int n = 0;
    if (max <= 0)
        return 0;
    for (int i = 0; i < p->nunits; i++) {
        const vg_unit *u = &p->units[i];
        if (!eligible(p, u, t))
            continue;
        vg_patrol_candidate c = {i, pt_distance_m(u->lat, u->lon, lat, lon), 0};
        c.eta_s = c.distance_m * p->opts.detour_factor / pt_speed(&p->opts, u->mode);
        if (n == max && !better(p, &c, &out[n - 1]))
            continue;
        int k = n < max ? n++ : n - 1;
        while (k > 0 && better(p, &c, &out[k - 1])) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = c;
    }
    return n;
}

static pt_dispatch *find_dispatch(vg_patrol *p, uint64_t alert)
{
    for (int i = 0; i < p->opts.dispatches; i++)
        if (p->disp[i].state != PT_FREE && p->disp[i].alert == alert)
            return &p->disp[i];
    return NULL;
}

static bool is_open(const pt_dispatch *d)
{
    return d->state == PT_PROPOSED || d->state == PT_EN_ROUTE || d->state == PT_ON_SCENE;
}

bool vg_patrol_has_open_dispatch(const vg_patrol *p)
{
    for (int i = 0; i < p->opts.dispatches; i++)
        if (is_open(&p->disp[i]))
            return true;
    return false;
}

bool vg_patrol_follows(const vg_patrol *p, uint64_t track)
{
    for (int i = 0; i < p->opts.dispatches; i++)
        if (is_open(&p->disp[i]) && p->disp[i].track == track)
            return true;
    return false;
}

/* A free slot, else the closed one that changed first; NULL when all are open. */
static pt_dispatch *alloc_dispatch(vg_patrol *p)
{
    pt_dispatch *best = NULL;
    for (int i = 0; i < p->opts.dispatches; i++) {
        pt_dispatch *d = &p->disp[i];
        if (d->state == PT_FREE)
            return d;
        if (d->state == PT_CLOSED && (!best || d->changed < best->changed))
            best = d;
    }
    return best;
}

static void propose(vg_patrol *p, pt_dispatch *d, vg_time t, vg_patrol_emit_fn emit, void *ud)
{
    vg_patrol_candidate best[VG_PATROL_PROPOSALS_MAX];
    int n = vg_patrol_rank(p, d->lat, d->lon, t, best, p->opts.proposals);
    d->nproposed = n;
    for (int i = 0; i < n; i++) {
        d->proposed[i] = best[i].unit;
        pt_emit_dispatch(p, t, d, &p->units[best[i].unit], best[i].eta_s, "proposed",
                         (uint32_t)i + 1, emit, ud);
    }
    d->emitted_lat = d->lat;
    d->emitted_lon = d->lon;
}

/* The target of open dispatch d is now pilot. */
static void retarget(vg_patrol *p, pt_dispatch *d, vg_geo pilot, vg_time t,
                     vg_patrol_emit_fn emit, void *userdata)
{
    d->lat = pilot.lat;
    d->lon = pilot.lon;
    if (pt_distance_m(d->emitted_lat, d->emitted_lon, d->lat, d->lon) <= p->opts.arrival_radius_m)
        return;
    if (d->state == PT_PROPOSED) {
        /* The ranking may change with the target: propose afresh. */
        propose(p, d, t, emit, userdata);
    } else {
        vg_unit *u = &p->units[d->unit];
        if (d->state == PT_ON_SCENE) {
            d->state = PT_EN_ROUTE;
            u->status = VG_UNIT_EN_ROUTE;
        }
        pt_emit_dispatch(p, t, d, u, pt_eta(p, u, d->lat, d->lon), "en_route", 0, emit, userdata);
        d->emitted_lat = d->lat;
        d->emitted_lon = d->lon;
    }
    d->changed = t;
}

void vg_patrol_alert(vg_patrol *p, const vg_alert *a, const vg_geo *pilot, vg_time t,
                     vg_patrol_emit_fn emit, void *userdata)
{
    pt_dispatch *d = find_dispatch(p, a->id);
    bool open = a->state == VG_ALERT_RAISED || a->state == VG_ALERT_ACKNOWLEDGED ||
                a->state == VG_ALERT_DISPATCHED;
    if (!open) {
        if (!d || !is_open(d))
            return;
        /* The alert closed under the dispatch: free the unit, withdraw proposals. */
        if (d->unit >= 0) {
            vg_unit *u = &p->units[d->unit];
            u->status = VG_UNIT_AVAILABLE;
            pt_emit_dispatch(p, t, d, u, 0, "cancelled", 0, emit, userdata);
        } else {
            for (int i = 0; i < d->nproposed; i++)
                pt_emit_dispatch(p, t, d, &p->units[d->proposed[i]], 0, "withdrawn", 0, emit,
                                 userdata);
        }
        d->state = PT_CLOSED;
        d->changed = t;
        return;
    }
    if (d && is_open(d)) {
        /* The alert follows its object from track to track (a re-acquired drone,
         * another sensor): so does the dispatch. */
        if (a->track != 0)
            d->track = a->track;
        if (pilot)
            retarget(p, d, *pilot, t, emit, userdata);
        return;
    }
    if (!pilot || a->track == 0)
        return;
    if (d && d->state == PT_CLOSED)
        return; /* closed by an outcome: an update of the alert does not reopen it */
    d = alloc_dispatch(p);
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    d->state = PT_PROPOSED;
    d->alert = a->id;
    d->track = a->track;
    d->lat = pilot->lat;
    d->lon = pilot->lon;
    d->unit = -1;
    d->changed = t;
    propose(p, d, t, emit, userdata);
}

void vg_patrol_pilot_moved(vg_patrol *p, uint64_t track, vg_geo pilot, vg_time t,
                           vg_patrol_emit_fn emit, void *userdata)
{
    for (int i = 0; i < p->opts.dispatches; i++)
        if (is_open(&p->disp[i]) && p->disp[i].track == track)
            retarget(p, &p->disp[i], pilot, t, emit, userdata);
}

void pt_dispatch_unit_moved(vg_patrol *p, int unit, vg_time t, vg_patrol_emit_fn emit, void *ud)
{
    vg_unit *u = &p->units[unit];
    if (u->status != VG_UNIT_EN_ROUTE)
        return;
    for (int i = 0; i < p->opts.dispatches; i++) {
        pt_dispatch *d = &p->disp[i];
        if (d->state != PT_EN_ROUTE || d->unit != unit)
            continue;
        if (pt_distance_m(u->lat, u->lon, d->lat, d->lon) <= p->opts.arrival_radius_m) {
            d->state = PT_ON_SCENE;
            d->changed = t;
            u->status = VG_UNIT_ON_SCENE;
            pt_emit_dispatch(p, t, d, u, 0, "on_scene", 0, emit, ud);
        }
    }
}

/* The alert and unit of a dispatch command. */
static int read_alert_unit(vg_patrol *p, json_t *a, const char *what, const char *const *keys,
                           size_t nkeys, pt_dispatch **d, int *ui, vg_error *err)
{
    char id[VG_ID_MAX];
    double alert = 0;
    int rc = pt_json_keys(a, keys, nkeys, what, err);
    if (rc == 0)
        rc = pt_json_num(a, "alert", true, 1, 9007199254740992.0, &alert, NULL, what, err);
    if (rc == 0 && alert != floor(alert))
        rc = vg_err(err, VG_EINVAL, "%s.alert: expected a whole number", what);
    if (rc == 0)
        rc = pt_json_str(a, "unit", true, id, sizeof id, NULL, what, err);
    if (rc < 0)
        return rc;
    *ui = pt_unit_index(p, id);
    if (*ui < 0)
        return vg_err(err, VG_ENOTFOUND, "%s: unknown unit \"%s\"", what, id);
    *d = find_dispatch(p, (uint64_t)alert);
    if (!*d)
        return vg_err(err, VG_ENOTFOUND, "%s: no dispatch for alert %.0f", what, alert);
    return 0;
}

/* Move the alert through the threat module's lifecycle, as the command's user. */
static void alert_command(vg_patrol *p, const char *kind, uint64_t alert, const vg_command *by,
                          vg_time t, vg_patrol_emit_fn emit, void *ud)
{
    if (!p->threat)
        return;
    const vg_alert *a = vg_threat_alert(p->threat, alert);
    if (!a || a->state == VG_ALERT_RESOLVED || a->state == VG_ALERT_FALSE_ALARM ||
        (strcmp(kind, "alert_dispatch") == 0 && a->state == VG_ALERT_DISPATCHED))
        return;
    vg_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    memcpy(c.user, by->user, sizeof c.user);
    c.role = VG_ROLE_OPERATOR;
    snprintf(c.args, sizeof c.args, "{\"alert\":%llu}", (unsigned long long)alert);
    vg_error e;
    (void)vg_threat_command(p->threat, &c, t, emit, ud, &e);
}

int pt_dispatch_confirm(vg_patrol *p, json_t *a, const vg_command *cmd, vg_time t,
                        vg_patrol_emit_fn emit, void *userdata, vg_error *err)
{
    static const char *const keys[] = {"alert", "unit"};
    pt_dispatch *d;
    int ui;
    int rc = read_alert_unit(p, a, "dispatch_confirm", keys, 2, &d, &ui, err);
    if (rc < 0)
        return rc;
    vg_unit *u = &p->units[ui];
    if (d->state != PT_PROPOSED)
        return vg_err(err, VG_ESTATE, "dispatch_confirm: alert %llu already has %s (unit %s)",
                      (unsigned long long)d->alert,
                      d->state == PT_CLOSED ? "a closed dispatch" : "a confirmed dispatch",
                      d->unit >= 0 ? p->units[d->unit].id : "none");
    /* The operator may pick a unit that was not proposed, but never one that may not
     * intercept or is busy elsewhere. */
    if (u->force == VG_FORCE_ARMY || !(u->caps & VG_CAP_INTERCEPT))
        return vg_err(err, VG_EINVAL, "dispatch_confirm: unit %s (%s) may not intercept a "
                      "pilot", u->id, vg_force_name(u->force));
    if (u->status != VG_UNIT_AVAILABLE && u->status != VG_UNIT_PATROLLING)
        return vg_err(err, VG_ESTATE, "dispatch_confirm: unit %s is %s", u->id,
                      vg_unit_status_name(u->status));
    if (!u->has_pos)
        return vg_err(err, VG_ESTATE, "dispatch_confirm: unit %s has no known position", u->id);
    d->state = PT_EN_ROUTE;
    d->unit = ui;
    d->changed = t;
    d->emitted_lat = d->lat;
    d->emitted_lon = d->lon;
    u->status = VG_UNIT_EN_ROUTE;
    pt_emit_dispatch(p, t, d, u, pt_eta(p, u, d->lat, d->lon), "en_route", 0, emit, userdata);
    alert_command(p, "alert_dispatch", d->alert, cmd, t, emit, userdata);
    pt_dispatch_unit_moved(p, ui, t, emit, userdata); /* already there */
    return 0;
}

int pt_dispatch_outcome(vg_patrol *p, json_t *a, const vg_command *cmd, vg_time t,
                        vg_patrol_emit_fn emit, void *userdata, vg_error *err)
{
    static const char *const keys[] = {"alert", "unit", "outcome"};
    static const char *const outcomes[] = {"pilot_found", "pilot_arrested", "not_found"};
    pt_dispatch *d;
    int ui, outcome = 0;
    int rc = read_alert_unit(p, a, "dispatch_outcome", keys, 3, &d, &ui, err);
    if (rc == 0)
        rc = pt_json_enum(a, "outcome", true, outcomes, 3, &outcome, NULL, "dispatch_outcome",
                          err);
    if (rc < 0)
        return rc;
    if (d->state == PT_PROPOSED)
        return vg_err(err, VG_ESTATE, "dispatch_outcome: alert %llu: no unit confirmed yet",
                      (unsigned long long)d->alert);
    if (d->state == PT_CLOSED)
        return vg_err(err, VG_ESTATE, "dispatch_outcome: alert %llu: dispatch already closed",
                      (unsigned long long)d->alert);
    if (d->unit != ui)
        return vg_err(err, VG_EINVAL, "dispatch_outcome: unit %s is not the unit sent to "
                      "alert %llu (%s)", p->units[ui].id, (unsigned long long)d->alert,
                      p->units[d->unit].id);
    vg_unit *u = &p->units[ui];
    d->state = PT_CLOSED;
    d->changed = t;
    u->status = VG_UNIT_AVAILABLE;
    pt_emit_dispatch(p, t, d, u, 0, outcomes[outcome], 0, emit, userdata);
    if (outcome != 2)
        alert_command(p, "alert_resolve", d->alert, cmd, t, emit, userdata);
    return 0;
}
