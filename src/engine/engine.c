/* engine/engine.c — wires the deterministic core together.
 *
 * The engine keeps the site frame, the sensor registry and the event clock, turns
 * every detection into a position in one frame, and hands it to the tracking
 * stage. Until the multi-sensor tracker lands (src/track/, issue 4) that stage is
 * emit_single_detection_track(): each positioned detection becomes its own
 * tentative track. Everything here is a pure function of the events pushed so far. */
#include "vigie/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sensor_slot {
    bool used;
    char id[VG_ID_MAX];
    vg_sensor_kind kind;
    vg_geo declared;            /* as declared */
    vg_alt_ref alt_ref;
    vg_enu_frame frame;         /* at its WGS84 position, for polar measurements */
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

    uint64_t next_track_id;
    vg_engine_stats st;
    vg_event out;               /* scratch for outputs: events are large */
};

static double amsl_to_wgs84(const vg_engine *e, double alt, vg_alt_ref ref)
{
    return ref == VG_ALT_AMSL ? alt + e->undulation : alt;
}

static void emit(vg_engine *e)
{
    e->st.out[e->out.type]++;
    e->sink(e->userdata, &e->out);
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
    if (declared_now)
        emit_sensor_status(e, ev->time, s, "declared");
    else if (s->up != was_up)
        emit_sensor_status(e, ev->time, s, s->up ? "reported up" : "reported down");
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
}

static int on_site(vg_engine *e, const vg_event *ev, vg_error *err)
{
    const vg_site *in = &ev->u.site;
    if (vg_geo_validate(in->origin, err) < 0)
        return vg_err_prefix(err, "site: ");
    set_site(e, in->origin, in->alt_ref, in->geoid_undulation);
    return 0;
}

/* ---- detections -------------------------------------------------------------------- */

/* A detection reduced to what the tracking stage consumes: a WGS84 position with its
 * 1-sigma horizontal and vertical uncertainty. */
typedef struct located {
    vg_geo pos;
    double sigma_h, sigma_v;
} located;

static double deg2rad(double d)
{
    return d * (VG_PI / 180.0);
}

static int locate(vg_engine *e, const vg_detection *d, const sensor_slot *s, located *loc,
                  vg_error *err)
{
    const vg_measurement *m = &d->meas;
    switch (m->kind) {
    case VG_MEAS_GEODETIC:
        loc->pos = m->u.geodetic.pos;
        loc->pos.alt = amsl_to_wgs84(e, loc->pos.alt, m->u.geodetic.alt_ref);
        loc->sigma_h = m->u.geodetic.sigma_h;
        loc->sigma_v = m->u.geodetic.sigma_v;
        return 0;
    case VG_MEAS_ENU:
        if (!e->has_site)
            return vg_err(err, VG_ESTATE, "detection from %s: an enu measurement needs the "
                          "site ([site] in the config, or a site event first)", d->sensor);
        loc->pos = vg_enu_to_geo(&e->site_frame, m->u.enu.pos);
        loc->sigma_h = loc->sigma_v = m->u.enu.sigma;
        return 0;
    case VG_MEAS_POLAR: {
        vg_vec3 off = vg_polar_to_enu(m->u.polar.range, m->u.polar.az, m->u.polar.el);
        loc->pos = vg_ecef_to_geo(vg_enu_to_ecef(&s->frame, off));
        /* First-order spread of the polar errors; the tracker will use the full
         * measurement model instead. */
        double cross = m->u.polar.range * deg2rad(m->u.polar.sigma_az);
        double up = m->u.polar.range * deg2rad(m->u.polar.sigma_el);
        loc->sigma_h = fmax(m->u.polar.sigma_range, cross);
        loc->sigma_v = fmax(m->u.polar.sigma_range * fabs(sin(deg2rad(m->u.polar.el))), up);
        return 0;
    }
    case VG_MEAS_BEARING:
        return 1; /* no position of its own */
    }
    return vg_err(err, VG_EINVAL, "detection from %s: unknown measurement kind", d->sensor);
}

/* The tracking stage, until src/track/ replaces it: one tentative track per
 * positioned detection. The class comes from the hint or the identity source. */
static void emit_single_detection_track(vg_engine *e, const vg_event *ev, const located *loc)
{
    const vg_detection *d = &ev->u.detection;
    vg_event_init(&e->out, VG_EV_TRACK, ev->time);
    vg_track *t = &e->out.u.track;
    t->id = e->next_track_id++;
    t->status = VG_TRACK_TENTATIVE;
    t->pos = loc->pos;
    t->velocity = d->has_velocity ? d->velocity : (vg_vec3){0, 0, 0};
    t->sigma_h = loc->sigma_h;
    t->sigma_v = loc->sigma_v;
    t->identity = d->identity;
    if (d->has_class_hint) {
        double known = 0.0;
        for (int i = 0; i < 3; i++) {
            t->class_p[i] = d->class_hint[i];
            known += d->class_hint[i];
        }
        t->class_p[VG_CLASS_UNKNOWN] = fmax(0.0, 1.0 - known);
    } else if (d->identity.source == VG_IDSRC_REMOTEID ||
               d->identity.source == VG_IDSRC_FRBEACON) {
        t->class_p[VG_CLASS_DRONE] = 1.0;
    } else if (d->identity.source == VG_IDSRC_ADSB) {
        t->class_p[VG_CLASS_AIRCRAFT] = 1.0;
    } else {
        t->class_p[VG_CLASS_UNKNOWN] = 1.0;
    }
    t->updates = 1;
    memcpy(t->sensor, d->sensor, sizeof t->sensor);
    if (d->has_operator) {
        t->has_operator = true;
        t->operator_has_alt = d->operator_has_alt;
        t->operator_pos = d->operator_pos;
        t->operator_pos.alt = d->operator_has_alt
                                  ? amsl_to_wgs84(e, d->operator_pos.alt, d->operator_alt_ref)
                                  : 0.0;
    }
    emit(e);
}

static int on_detection(vg_engine *e, const vg_event *ev, vg_error *err)
{
    const vg_detection *d = &ev->u.detection;
    sensor_slot *s = sensor_slot_for(e, d->sensor);
    if (!s->used)
        return vg_err(err, VG_ENOTFOUND, "detection: unknown sensor \"%s\" (declare it with a "
                      "sensor event first)", d->sensor);
    located loc = {{0, 0, 0}, 0, 0};
    int rc = locate(e, d, s, &loc, err);
    if (rc < 0)
        return rc;
    if (rc > 0) {
        e->st.bearing_only++;
        return 0;
    }
    if (vg_geo_validate(loc.pos, err) < 0)
        return vg_err_prefix(err, "detection from %s: ", d->sensor);
    emit_single_detection_track(e, ev, &loc);
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
    e->next_track_id = 1;
    e->st.now = VG_TIME_MIN;
    e->undulation = cfg->site.geoid_undulation;
    if (cfg->site.has_origin)
        set_site(e, cfg->site.origin, cfg->site.alt_ref, cfg->site.geoid_undulation);
    *out = e;
    return 0;
}

static int dispatch_event(vg_engine *e, const vg_event *ev, vg_error *err)
{
    switch (ev->type) {
    case VG_EV_SENSOR: return on_sensor(e, ev, err);
    case VG_EV_DETECTION: return on_detection(e, ev, err);
    case VG_EV_SITE: return on_site(e, ev, err);
    case VG_EV_TICK: return 0;
    case VG_EV_COMMAND:
        /* Journaled and counted; each kind is handled by the module that owns it
         * (posture, threat, patrol) as those land. */
        vg_logf(&e->log, VG_LOG_DEBUG, "command %s by %s (%s): no handler yet",
                ev->u.command.kind, ev->u.command.user, vg_role_name(ev->u.command.role));
        return 0;
    default:
        return vg_err(err, VG_EINVAL, "%s is an output event, not an input",
                      vg_event_type_name(ev->type));
    }
}

int vg_engine_push(vg_engine *e, const vg_event *ev, vg_error *err)
{
    vg_time lateness = (vg_time)llround(e->cfg.engine.max_lateness_s * 1e6);
    int rc;
    if (ev->time < VG_TIME_MIN || ev->time > VG_TIME_MAX) {
        rc = vg_err(err, VG_ERANGE, "%s: time out of range", vg_event_type_name(ev->type));
    } else if (e->st.now != VG_TIME_MIN && ev->time < e->st.now - lateness) {
        e->st.late++;
        rc = vg_err(err, VG_EORDER, "%s: %.3f s older than the engine's time (at most %g s "
                    "allowed, [engine] max_lateness_s)", vg_event_type_name(ev->type),
                    (double)(e->st.now - ev->time) / 1e6, e->cfg.engine.max_lateness_s);
    } else {
        rc = dispatch_event(e, ev, err);
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

void vg_engine_get_stats(const vg_engine *e, vg_engine_stats *st)
{
    *st = e->st;
}

void vg_engine_free(vg_engine *e)
{
    if (!e)
        return;
    free(e->sensors);
    free(e);
}
