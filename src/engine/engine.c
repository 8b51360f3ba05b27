/* engine/engine.c — wires the deterministic core together.
 *
 * The engine keeps the site frame, the sensor registry and the event clock; it
 * turns every detection into a measurement model in the site frame, groups the
 * detections of one sensor at one time (or with one `scan` number) into a scan,
 * and hands each scan to the tracker. A scan is complete when an event that is not
 * part of it arrives, or at vg_engine_flush. Tracker housekeeping runs on ticks
 * and whenever event time crosses a whole second. Everything here is a pure
 * function of the events pushed so far. */
#include "vigie/engine.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/mat.h"

typedef struct sensor_slot {
    bool used;
    char id[VG_ID_MAX];
    vg_sensor_kind kind;
    vg_geo declared;            /* as declared */
    vg_alt_ref alt_ref;
    vg_enu_frame frame;         /* at its WGS84 position, for polar measurements */
    vg_vec3 site_pos;           /* its position in the site frame */
    double site_rot[3][3];      /* site-frame vector → the sensor's own ENU frame */
    bool has_range;
    double range_m;
    bool up;
} sensor_slot;

struct vg_engine {
    vg_config cfg;
    vg_sink_fn sink;
    void *userdata;
    vg_logger log;

    bool has_site;
    double undulation;          /* current geoid undulation, metres */
    vg_enu_frame site_frame;

    sensor_slot *sensors;       /* open addressing, linear probing */
    uint32_t sensor_cap;        /* a power of two, at least twice max_sensors */
    uint32_t sensor_count;

    vg_postures postures;
    vg_threat *threat;          /* rules and alerts */
    vg_patrol *patrol;          /* units, sites, coverage, dispatch */
    vg_zone_list zones;         /* loaded zones; the index borrows them */
    vg_zindex *zindex;          /* NULL until zones are loaded */
    double ground_elevation;
    vg_event posture_out[8];    /* one per scope a posture_set changes, sent in turn */
    vg_tracker *tracker;        /* NULL until the site is known */
    vg_track_input *scan;       /* the scan being gathered; one spare entry at the end */
    int scan_n;
    char scan_sensor[VG_ID_MAX];
    const sensor_slot *scan_slot; /* its sensor: its detections skip the lookup */
    vg_time scan_time;
    bool scan_has_number;
    uint64_t scan_number;
    vg_time maintained;         /* the whole second housekeeping last ran in */
    vg_time lateness;           /* [engine] max_lateness_s in microseconds */
    vg_engine_stats st;
    vg_event out;               /* scratch for outputs: events are large */
};

static double amsl_to_wgs84(const vg_engine *e, double alt, vg_alt_ref ref)
{
    return ref == VG_ALT_AMSL ? alt + e->undulation : alt;
}

static void output(void *userdata, const vg_event *ev);
static void on_alert(vg_engine *e, const vg_event *ev);

static void emit(vg_engine *e)
{
    output(e, &e->out);
}

/* ---- sensors ------------------------------------------------------------------- */

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot holding id, or the empty slot where it would go. The table is never more
 * than half full, so the probe always ends. */
static sensor_slot *sensor_slot_for(vg_engine *e, const char *id)
{
    uint32_t mask = e->sensor_cap - 1;
    for (uint32_t i = (uint32_t)hash_id(id) & mask;; i = (i + 1) & mask) {
        sensor_slot *s = &e->sensors[i];
        if (!s->used || strcmp(s->id, id) == 0)
            return s;
    }
}

static void sensor_update_frame(const vg_engine *e, sensor_slot *s)
{
    vg_geo g = s->declared;
    g.alt = amsl_to_wgs84(e, g.alt, s->alt_ref);
    vg_enu_frame_init(&s->frame, g);
    if (!e->has_site)
        return;
    s->site_pos = vg_enu_from_geo(&e->site_frame, g);
    /* site vector → ECEF (transpose of the site rotation) → sensor ENU */
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double v = 0.0;
            for (int c = 0; c < 3; c++)
                v += s->frame.rot[a][c] * e->site_frame.rot[b][c];
            s->site_rot[a][b] = v;
        }
}

static void emit_sensor_status(vg_engine *e, vg_time t, const sensor_slot *s, const char *why)
{
    vg_event_init(&e->out, VG_EV_SENSOR_STATUS, t);
    memcpy(e->out.u.sensor_status.sensor, s->id, sizeof s->id);
    e->out.u.sensor_status.up = s->up;
    snprintf(e->out.u.sensor_status.reason, sizeof e->out.u.sensor_status.reason, "%s", why);
    emit(e);
}

static int on_sensor(vg_engine *e, const vg_event *ev, vg_error *err)
{
    const vg_sensor_ev *in = &ev->u.sensor;
    if (in->has_pos && vg_geo_validate(in->pos, err) < 0)
        return vg_err_prefix(err, "sensor %s: ", in->id);
    sensor_slot *s = sensor_slot_for(e, in->id);
    bool declared_now = !s->used;
    if (declared_now) {
        if (!in->has_kind || !in->has_pos)
            return vg_err(err, VG_EMISSING,
                          "sensor %s: its first declaration needs kind, lat, lon and alt",
                          in->id);
        if (e->sensor_count >= (uint32_t)e->cfg.engine.max_sensors)
            return vg_err(err, VG_EFULL, "sensor %s: more than %d sensors ([engine] "
                          "max_sensors)", in->id, e->cfg.engine.max_sensors);
        memset(s, 0, sizeof *s);
        s->used = true;
        memcpy(s->id, in->id, sizeof s->id);
        s->kind = in->kind;
        s->up = true;
        e->sensor_count++;
    } else if (in->has_kind && in->kind != s->kind) {
        return vg_err(err, VG_EINVAL, "sensor %s: kind cannot change from %s to %s", in->id,
                      vg_sensor_kind_name(s->kind), vg_sensor_kind_name(in->kind));
    }
    if (in->has_pos) {
        s->declared = in->pos;
        s->alt_ref = in->alt_ref;
        sensor_update_frame(e, s);
    }
    if (in->has_range) {
        s->has_range = true;
        s->range_m = in->range_m;
    }
    bool was_up = s->up;
    if (in->has_status)
        s->up = in->up;
    if (declared_now) {
        emit_sensor_status(e, ev->time, s, "declared");
    } else if (s->up != was_up) {
        emit_sensor_status(e, ev->time, s, s->up ? "reported up" : "reported down");
        /* Blind sensors must not look like a clear sky. */
        if (vg_threat_sensor_status(e->threat, s->id, s->up, ev->time, &e->postures,
                                    output, e, err) < 0)
            vg_logf(&e->log, VG_LOG_WARN, "%s", err->msg);
    }
    return 0;
}

/* ---- site ------------------------------------------------------------------------ */

static void set_site(vg_engine *e, vg_geo origin, vg_alt_ref ref, double undulation)
{
    e->undulation = undulation;
    origin.alt = amsl_to_wgs84(e, origin.alt, ref);
    vg_enu_frame_init(&e->site_frame, origin);
    e->has_site = true;
    /* Sensors declared with AMSL heights depend on the undulation. */
    for (uint32_t i = 0; i < e->sensor_cap; i++)
        if (e->sensors[i].used)
            sensor_update_frame(e, &e->sensors[i]);
    if (e->tracker)
        vg_tracker_set_site(e->tracker, &e->site_frame);
}

static int ensure_tracker(vg_engine *e, vg_error *err)
{
    if (e->tracker)
        return 0;
    return vg_tracker_new(&e->cfg.tracker, &e->site_frame, &e->tracker, err);
}

/* (Re)build the zone index with the current heights: ground elevation (AGL limits)
 * and geoid undulation (WGS84 heights) change with the site. */
static int build_zindex(vg_engine *e, vg_error *err)
{
    vg_zindex_free(e->zindex);
    e->zindex = NULL;
    if (e->zones.n == 0)
        return 0;
    vg_zindex_opts o = {e->ground_elevation, e->undulation};
    return vg_zindex_build(&e->zindex, e->zones.zones, e->zones.n, &o, err);
}

static int on_site(vg_engine *e, const vg_event *ev, vg_error *err)
{
    const vg_site *in = &ev->u.site;
    if (vg_geo_validate(in->origin, err) < 0)
        return vg_err_prefix(err, "site: ");
    set_site(e, in->origin, in->alt_ref, in->geoid_undulation);
    if (in->has_ground_elevation)
        e->ground_elevation = in->ground_elevation;
    int rc = build_zindex(e, err);
    if (rc < 0)
        return rc;
    return ensure_tracker(e, err);
}

/* ---- scans ------------------------------------------------------------------------- */

/* Every output goes through here. Alerts follow what they are about: a track event
 * is handed to the threat rules right after it is written, a dropped track too. */
static void output(void *userdata, const vg_event *ev)
{
    vg_engine *e = userdata;
    e->st.out[ev->type]++;
    e->sink(e->userdata, ev);
    vg_error err;
    if (ev->type == VG_EV_TRACK) {
        if (vg_threat_track(e->threat, &ev->u.track, ev->time, e->zindex, e->zones.zones,
                            &e->postures, output, e, &err) < 0)
            vg_logf(&e->log, VG_LOG_WARN, "%s", err.msg);
    } else if (ev->type == VG_EV_TRACK_DROP) {
        vg_threat_track_drop(e->threat, ev->u.track_drop.id);
    } else if (ev->type == VG_EV_ALERT) {
        on_alert(e, ev);
    }
}

static void flush_scan(vg_engine *e)
{
    if (e->scan_n == 0)
        return;
    vg_error err;
    int n = e->scan_n;
    e->scan_n = 0;
    e->st.scans++;
    /* The scan's size is bounded by max_scan when it is gathered, so the tracker
     * cannot refuse it; a failure here would be a bug, counted rather than lost. */
    if (vg_tracker_scan(e->tracker, e->scan_time, e->scan_sensor, e->scan, n, output, e, &err) <
        0) {
        e->st.rejected += (uint64_t)n;
        vg_logf(&e->log, VG_LOG_ERROR, "%s", err.msg);
    }
}

/* ---- patrols ------------------------------------------------------------------------ */

/* Looking up one track's pilot: the tracker is visited (it has no lookup by id);
 * alerts are rare, and followed pilots are looked up once a second. */
typedef struct pilot_query {
    vg_engine *e;
    uint64_t track;              /* 0: every followed track */
    bool found;
    vg_geo pilot;
    vg_time t;
} pilot_query;

static void pilot_visit(void *userdata, const vg_track *tr)
{
    pilot_query *q = userdata;
    if (!tr->has_operator)
        return;
    if (q->track == 0) {
        if (vg_patrol_follows(q->e->patrol, tr->id))
            vg_patrol_pilot_moved(q->e->patrol, tr->id, tr->operator_pos, q->t, output, q->e);
    } else if (tr->id == q->track) {
        q->found = true;
        q->pilot = tr->operator_pos;
    }
}

/* An alert came out: an open one about a track with a pilot position gets units
 * proposed; a closed one ends its dispatch. */
static void on_alert(vg_engine *e, const vg_event *ev)
{
    const vg_alert *a = &ev->u.alert;
    if (vg_patrol_unit_count(e->patrol) == 0)
        return;
    pilot_query q = {.e = e, .track = a->track, .t = ev->time};
    if (a->track != 0 && e->tracker && a->state != VG_ALERT_RESOLVED &&
        a->state != VG_ALERT_FALSE_ALARM)
        vg_tracker_visit(e->tracker, ev->time, pilot_visit, &q);
    vg_patrol_alert(e->patrol, a, q.found ? &q.pilot : NULL, ev->time, output, e);
}

static void patrol_maintain(vg_engine *e, vg_time t)
{
    if (vg_patrol_has_open_dispatch(e->patrol)) {
        pilot_query q = {.e = e, .t = t};
        vg_tracker_visit(e->tracker, t, pilot_visit, &q);
    }
    vg_patrol_tick(e->patrol, t, &e->postures, output, e);
}

/* Housekeeping whenever event time enters a new whole second, and on ticks. */
static void maintain(vg_engine *e, vg_time t, bool tick)
{
    vg_time second = t >= 0 ? t / VG_TIME_S : -((-t + VG_TIME_S - 1) / VG_TIME_S);
    if (!e->tracker || (!tick && second <= e->maintained))
        return;
    flush_scan(e);
    e->maintained = second;
    vg_tracker_maintain(e->tracker, t, output, e);
    vg_threat_tick(e->threat, t, output, e);
    patrol_maintain(e, t);
}

/* ---- detections -------------------------------------------------------------------- */

static double deg2rad(double d)
{
    return d * (VG_PI / 180.0);
}

/* Build the site-frame measurement model of detection d from sensor s. */
static int measure(vg_engine *e, const vg_detection *d, const sensor_slot *s,
                   vg_meas_model *mm, vg_error *err)
{
    const vg_measurement *m = &d->meas;
    /* A position model leaves sensor and rot unread (and so unwritten here): a
     * detection in the scan buffer then costs its first lines only. */
    memset(mm, 0, offsetof(vg_meas_model, sensor));
    switch (m->kind) {
    case VG_MEAS_GEODETIC: {
        vg_geo g = m->u.geodetic.pos;
        g.alt = amsl_to_wgs84(e, g.alt, m->u.geodetic.alt_ref);
        if (vg_geo_validate(g, err) < 0)
            return vg_err_prefix(err, "detection from %s: ", d->sensor);
        vg_vec3 p = vg_enu_from_geo(&e->site_frame, g);
        /* The sigmas are horizontal and vertical where the object is; turn that
         * local frame's covariance into the site frame's (they differ by the Earth's
         * curvature, 0.01° per km). */
        vg_enu_frame local;
        vg_enu_frame_init(&local, g);
        double rot[9], loc[9] = {0}, cov[9];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double v = 0.0;
                for (int c = 0; c < 3; c++)
                    v += e->site_frame.rot[a][c] * local.rot[b][c];
                rot[a * 3 + b] = v;
            }
        loc[0] = loc[4] = m->u.geodetic.sigma_h * m->u.geodetic.sigma_h;
        loc[8] = m->u.geodetic.sigma_v * m->u.geodetic.sigma_v;
        vg_mat_abat(cov, rot, loc, 3, 3);
        mm->kind = VG_MM_POSITION;
        mm->dim = 3;
        mm->z[0] = p.x, mm->z[1] = p.y, mm->z[2] = p.z;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                mm->R[a * 3 + b] = cov[a * 3 + b];
        return 0;
    }
    case VG_MEAS_ENU: {
        double v = m->u.enu.sigma * m->u.enu.sigma;
        mm->kind = VG_MM_POSITION;
        mm->dim = 3;
        mm->z[0] = m->u.enu.pos.x, mm->z[1] = m->u.enu.pos.y, mm->z[2] = m->u.enu.pos.z;
        mm->R[0] = mm->R[4] = mm->R[8] = v; /* 3 × 3 */
        return 0;
    }
    case VG_MEAS_POLAR: {
        /* R is packed dim × dim: its diagonal steps by dim + 1. */
        int dim = m->u.polar.has_range_rate ? 4 : 3;
        mm->kind = VG_MM_POLAR;
        mm->dim = dim;
        mm->z[0] = m->u.polar.range;
        mm->z[1] = deg2rad(m->u.polar.az);
        mm->z[2] = deg2rad(m->u.polar.el);
        mm->R[0] = m->u.polar.sigma_range * m->u.polar.sigma_range;
        mm->R[dim + 1] = deg2rad(m->u.polar.sigma_az) * deg2rad(m->u.polar.sigma_az);
        mm->R[2 * (dim + 1)] = deg2rad(m->u.polar.sigma_el) * deg2rad(m->u.polar.sigma_el);
        if (m->u.polar.has_range_rate) {
            mm->has_radial_velocity = true;
            mm->z[3] = m->u.polar.range_rate;
            mm->R[3 * (dim + 1)] = m->u.polar.sigma_range_rate * m->u.polar.sigma_range_rate;
        }
        break;
    }
    case VG_MEAS_BEARING:
        mm->kind = VG_MM_BEARING;
        mm->z[0] = deg2rad(m->u.bearing.az);
        mm->R[0] = deg2rad(m->u.bearing.sigma_az) * deg2rad(m->u.bearing.sigma_az);
        mm->dim = 1;
        if (m->u.bearing.has_el) {
            mm->has_elevation = true;
            mm->dim = 2;
            mm->z[1] = deg2rad(m->u.bearing.el);
            mm->R[3] = deg2rad(m->u.bearing.sigma_el) * deg2rad(m->u.bearing.sigma_el); /* 2 × 2 */
        }
        break;
    default:
        return vg_err(err, VG_EINVAL, "detection from %s: unknown measurement kind", d->sensor);
    }
    mm->sensor = s->site_pos;
    memcpy(mm->rot, s->site_rot, sizeof mm->rot);
    return 0;
}

/* A Remote ID detection that names its operator (the receiver puts the Operator ID
 * message's id in attrs.operator_id): tell the threat rules, so that a whitelist
 * entry by operator covers this drone. Checked by substring first: most detections
 * carry no attrs at all. */
static void link_operator(vg_engine *e, const vg_detection *d)
{
    if (d->identity.source != VG_IDSRC_REMOTEID || !strstr(d->attrs, "\"operator_id\""))
        return;
    json_t *attrs = json_loads(d->attrs, 0, NULL);
    json_t *op = json_object_get(attrs, "operator_id");
    if (json_is_string(op))
        vg_threat_link_operator(e->threat, d->identity.id, json_string_value(op));
    json_decref(attrs);
}

static bool same_scan(const vg_engine *e, const vg_event *ev)
{
    const vg_detection *d = &ev->u.detection;
    if (e->scan_n == 0 || strcmp(d->sensor, e->scan_sensor) != 0 ||
        d->has_scan != e->scan_has_number)
        return false;
    return d->has_scan ? d->scan == e->scan_number : ev->time == e->scan_time;
}

/* A detection joins the scan being gathered (`same`: it belongs to it, as
 * vg_engine_push found) or starts the next one. It is measured straight into its
 * place in the scan buffer: detections are many, and a copy of a track input is
 * half a kilobyte. */
static int on_detection(vg_engine *e, const vg_event *ev, bool same, vg_error *err)
{
    const vg_detection *d = &ev->u.detection;
    same = same && e->scan_n > 0; /* housekeeping may have flushed it since */
    const sensor_slot *s = same ? e->scan_slot : sensor_slot_for(e, d->sensor);
    if (!s->used)
        return vg_err(err, VG_ENOTFOUND, "detection: unknown sensor \"%s\" (declare it with a "
                      "sensor event first)", d->sensor);
    if (!e->has_site) {
        /* No site yet: the first positioned detection becomes the origin, so that
         * geodetic sources work without configuration. */
        if (d->meas.kind != VG_MEAS_GEODETIC)
            return vg_err(err, VG_ESTATE, "detection from %s: a %s measurement needs the "
                          "site ([site] in the config, or a site event first)", d->sensor,
                          d->meas.kind == VG_MEAS_ENU ? "enu" : "sensor-relative");
        vg_geo g = d->meas.u.geodetic.pos;
        if (vg_geo_validate(g, err) < 0)
            return vg_err_prefix(err, "detection from %s: ", d->sensor);
        set_site(e, g, d->meas.u.geodetic.alt_ref, e->undulation);
    }
    int rc = ensure_tracker(e, err);
    if (rc < 0)
        return rc;
    /* Entry scan_n is free even in a full scan (the buffer has a spare one): a
     * detection that fails to measure leaves the scan as it was. */
    vg_track_input *in = &e->scan[e->scan_n];
    rc = measure(e, d, s, &in->mm, err);
    if (rc < 0)
        return rc;
    if (!same || e->scan_n >= e->cfg.tracker.max_scan) {
        flush_scan(e);
        if (in != &e->scan[0]) {
            e->scan[0].mm = in->mm;
            in = &e->scan[0];
        }
    }
    if (e->scan_n == 0) {
        memcpy(e->scan_sensor, d->sensor, sizeof e->scan_sensor);
        e->scan_slot = s;
        e->scan_time = ev->time;
        e->scan_has_number = d->has_scan;
        e->scan_number = d->scan;
    }
    /* Only what the detection has: the tracker reads each part as its flag says. */
    in->identity.source = d->identity.source;
    if (d->identity.source != VG_IDSRC_NONE)
        memcpy(in->identity.id, d->identity.id, sizeof in->identity.id);
    else
        in->identity.id[0] = '\0';
    in->has_velocity = d->has_velocity;
    if (d->has_velocity)
        in->velocity = d->velocity;
    in->has_class_hint = d->has_class_hint;
    if (d->has_class_hint)
        memcpy(in->class_hint, d->class_hint, sizeof in->class_hint);
    in->integrity = d->integrity;
    in->has_operator = d->has_operator;
    in->operator_has_alt = d->operator_has_alt;
    if (d->has_operator) {
        in->operator_pos = d->operator_pos;
        if (d->operator_has_alt)
            in->operator_pos.alt = amsl_to_wgs84(e, d->operator_pos.alt, d->operator_alt_ref);
    }
    e->scan_n++;
    link_operator(e, d);
    return 0;
}

/* ---- commands ------------------------------------------------------------------------ */

static int on_command(vg_engine *e, const vg_event *ev, vg_error *err)
{
    const vg_command *c = &ev->u.command;
    if (strcmp(c->kind, "posture_set") == 0) {
        int n;
        int rc = vg_postures_command(&e->postures, c, ev->time, e->posture_out,
                                     (int)(sizeof e->posture_out / sizeof e->posture_out[0]),
                                     &n, err);
        for (int i = 0; i < n; i++)
            output(e, &e->posture_out[i]);
        return rc;
    }
    if (vg_threat_handles(c->kind))
        return vg_threat_command(e->threat, c, ev->time, output, e, err);
    if (vg_patrol_handles(c->kind))
        return vg_patrol_command(e->patrol, c, ev->time, &e->postures, output, e, err);
    /* Journaled and counted; the other kinds are handled by the modules that own
     * them (zones, patrols) as those land. */
    vg_logf(&e->log, VG_LOG_DEBUG, "command %s by %s (%s): no handler yet", c->kind, c->user,
            vg_role_name(c->role));
    return 0;
}

/* ---- the engine -------------------------------------------------------------------- */

int vg_engine_new(const vg_config *cfg, vg_sink_fn sink, void *userdata,
                  const vg_logger *log, vg_engine **out, vg_error *err)
{
    if (!cfg || !sink || !out)
        return vg_err(err, VG_EINVAL, "engine: config, sink and out are required");
    if (cfg->engine.max_sensors < 1 || cfg->engine.max_sensors > 65536)
        return vg_err(err, VG_EINVAL, "engine: max_sensors %d out of range [1, 65536]",
                      cfg->engine.max_sensors);
    vg_engine *e = calloc(1, sizeof *e);
    if (!e)
        return vg_err(err, VG_ENOMEM, "engine: out of memory");
    e->cfg = *cfg;
    e->sink = sink;
    e->userdata = userdata;
    if (log)
        e->log = *log;
    e->sensor_cap = 2;
    while (e->sensor_cap < 2u * (uint32_t)cfg->engine.max_sensors)
        e->sensor_cap *= 2;
    e->sensors = calloc(e->sensor_cap, sizeof *e->sensors);
    if (!e->sensors) {
        uint32_t cap = e->sensor_cap;
        free(e);
        return vg_err(err, VG_ENOMEM, "engine: out of memory for %u sensor slots", cap);
    }
    e->scan = malloc(((size_t)cfg->tracker.max_scan + 1) * sizeof *e->scan);
    if (!e->scan) {
        vg_engine_free(e);
        return vg_err(err, VG_ENOMEM, "engine: out of memory for a scan of %d",
                      cfg->tracker.max_scan);
    }
    e->maintained = INT64_MIN;
    e->lateness = (vg_time)llround(cfg->engine.max_lateness_s * 1e6);
    vg_postures_init(&e->postures, 0);
    vg_zone_list_init(&e->zones);
    /* The configuration's 0 s of grace means none; the options' 0 is "default". */
    vg_threat_opts to = {.drone_threshold = cfg->threat.drone_threshold,
                         .identify_grace_s = cfg->threat.identify_grace_s > 0
                                                 ? cfg->threat.identify_grace_s : -1};
    int trc = vg_threat_create(&e->threat, &to, err);
    if (trc < 0) {
        vg_engine_free(e);
        return trc;
    }
    vg_patrol_opts po = {.proposals = cfg->patrol.proposals,
                         .detour_factor = cfg->patrol.detour_factor,
                         .speed_foot_mps = cfg->patrol.speed_foot_mps,
                         .speed_bike_mps = cfg->patrol.speed_bike_mps,
                         .speed_vehicle_mps = cfg->patrol.speed_vehicle_mps,
                         .stale_after_s = cfg->patrol.stale_after_s,
                         .arrival_radius_m = cfg->patrol.arrival_radius_m};
    int prc = vg_patrol_create(&e->patrol, &po, e->threat, err);
    if (prc < 0) {
        vg_engine_free(e);
        return prc;
    }
    e->ground_elevation = cfg->site.ground_elevation;
    e->st.now = VG_TIME_MIN;
    e->undulation = cfg->site.geoid_undulation;
    if (cfg->site.has_origin) {
        set_site(e, cfg->site.origin, cfg->site.alt_ref, cfg->site.geoid_undulation);
        int rc = ensure_tracker(e, err);
        if (rc < 0) {
            vg_engine_free(e);
            return rc;
        }
    }
    *out = e;
    return 0;
}

static int dispatch_event(vg_engine *e, const vg_event *ev, bool in_scan, vg_error *err)
{
    switch (ev->type) {
    case VG_EV_SENSOR: return on_sensor(e, ev, err);
    case VG_EV_DETECTION: return on_detection(e, ev, in_scan, err);
    case VG_EV_SITE: return on_site(e, ev, err);
    case VG_EV_TICK:
        maintain(e, ev->time, true);
        return 0;
    case VG_EV_COMMAND:
        return on_command(e, ev, err);
    default:
        return vg_err(err, VG_EINVAL, "%s is an output event, not an input",
                      vg_event_type_name(ev->type));
    }
}

int vg_engine_push(vg_engine *e, const vg_event *ev, vg_error *err)
{
    vg_time lateness = e->lateness;
    int rc;
    if (ev->time < VG_TIME_MIN || ev->time > VG_TIME_MAX) {
        rc = vg_err(err, VG_ERANGE, "%s: time out of range", vg_event_type_name(ev->type));
    } else if (e->st.now != VG_TIME_MIN && ev->time < e->st.now - lateness) {
        e->st.late++;
        rc = vg_err(err, VG_EORDER, "%s: %.3f s older than the engine's time (at most %g s "
                    "allowed, [engine] max_lateness_s)", vg_event_type_name(ev->type),
                    (double)(e->st.now - ev->time) / 1e6, e->cfg.engine.max_lateness_s);
    } else {
        /* A scan ends where something else begins. */
        bool same = ev->type == VG_EV_DETECTION && same_scan(e, ev);
        if (!same)
            flush_scan(e);
        if (ev->time > e->st.now)
            maintain(e, ev->time, false);
        rc = dispatch_event(e, ev, same, err);
    }
    if (rc < 0) {
        e->st.rejected++;
        return rc;
    }
    if (ev->time > e->st.now)
        e->st.now = ev->time;
    e->st.in[ev->type]++;
    return 0;
}

void vg_engine_flush(vg_engine *e)
{
    flush_scan(e);
}

void vg_engine_get_stats(const vg_engine *e, vg_engine_stats *st)
{
    *st = e->st;
    if (e->tracker)
        vg_tracker_get_stats(e->tracker, &st->tracker);
}

const vg_postures *vg_engine_postures(const vg_engine *e)
{
    return &e->postures;
}

const vg_tracker *vg_engine_tracker(const vg_engine *e)
{
    return e->tracker;
}

int vg_engine_load_zones(vg_engine *e, const char *text, size_t len, const char *name,
                         vg_error *err)
{
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    int n = vg_zone_import(&zl, text, len, NULL, err);
    if (n < 0) {
        vg_zone_list_free(&zl);
        return vg_err_prefix(err, "%s: ", name);
    }
    for (size_t i = 0; i < zl.nproblems; i++)
        vg_logf(&e->log, VG_LOG_WARN, "%s: feature %zu (%s): %s", name, zl.problems[i].index,
                zl.problems[i].identifier, zl.problems[i].err.msg);
    if (zl.problems_total > zl.nproblems)
        vg_logf(&e->log, VG_LOG_WARN, "%s: %zu more rejected features", name,
                zl.problems_total - zl.nproblems);
    vg_zindex_free(e->zindex);
    e->zindex = NULL;
    vg_zone_list_free(&e->zones);
    e->zones = zl;
    int rc = build_zindex(e, err);
    return rc < 0 ? vg_err_prefix(err, "%s: ", name) : n;
}

vg_threat *vg_engine_threat(vg_engine *e)
{
    return e->threat;
}

vg_patrol *vg_engine_patrol(vg_engine *e)
{
    return e->patrol;
}

const vg_zone_list *vg_engine_zones(const vg_engine *e)
{
    return &e->zones;
}

bool vg_engine_site(const vg_engine *e, vg_enu_frame *out)
{
    if (e->has_site)
        *out = e->site_frame;
    return e->has_site;
}

void vg_engine_free(vg_engine *e)
{
    if (!e)
        return;
    vg_tracker_free(e->tracker);
    vg_patrol_free(e->patrol);
    vg_threat_free(e->threat);
    vg_zindex_free(e->zindex);
    vg_zone_list_free(&e->zones);
    free(e->scan);
    free(e->sensors);
    free(e);
}
