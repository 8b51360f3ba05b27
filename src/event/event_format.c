/* event/event_format.c — vg_event → one canonical JSON line.
 *
 * Canonical means: fields in a fixed order, optional fields only when present,
 * numbers in their shortest exact form, time in canonical RFC 3339. The same event
 * always gives the same bytes, which is what makes replays comparable with cmp(1)
 * and journals exact. Written by hand into the caller's buffer: no allocation. */
#include "vigie/event.h"

#include <math.h>

#include "event/names.h"
#include "vigie/strbuf.h"

/* Writing helpers: each starts with the separating comma, since every field comes
 * after "type". */
static void key(vg_strbuf *sb, const char *k)
{
    vg_strbuf_putc(sb, ',');
    vg_strbuf_putc(sb, '"');
    vg_strbuf_puts(sb, k);
    vg_strbuf_put(sb, "\":", 2);
}

static void f_num(vg_strbuf *sb, const char *k, double v)
{
    key(sb, k);
    vg_strbuf_put_double(sb, v);
}

static void f_u64(vg_strbuf *sb, const char *k, uint64_t v)
{
    key(sb, k);
    vg_strbuf_put_u64(sb, v);
}

static void f_str(vg_strbuf *sb, const char *k, const char *s)
{
    key(sb, k);
    vg_strbuf_put_json_string(sb, s);
}

static void f_opt_str(vg_strbuf *sb, const char *k, const char *s)
{
    if (s[0])
        f_str(sb, k, s);
}

/* Opens a nested object: ,"k":{ — its first field must not start with a comma, so
 * nested writers use first-field helpers. */
static void open_obj(vg_strbuf *sb, const char *k)
{
    key(sb, k);
    vg_strbuf_putc(sb, '{');
}

static void n_num(vg_strbuf *sb, bool first, const char *k, double v)
{
    if (!first)
        vg_strbuf_putc(sb, ',');
    vg_strbuf_putc(sb, '"');
    vg_strbuf_puts(sb, k);
    vg_strbuf_put(sb, "\":", 2);
    vg_strbuf_put_double(sb, v);
}

static void f_position(vg_strbuf *sb, vg_geo g, bool has_alt, vg_alt_ref ref)
{
    f_num(sb, "lat", g.lat);
    f_num(sb, "lon", g.lon);
    if (has_alt)
        f_num(sb, "alt", g.alt);
    if (ref == VG_ALT_AMSL)
        f_str(sb, "alt_ref", vg_names_alt_ref[VG_ALT_AMSL]);
}

/* {"lat":..,"lon":..[,"alt":..][,"alt_ref":"AMSL"]} as the value of key k. */
static void o_position(vg_strbuf *sb, const char *k, vg_geo g, bool has_alt, vg_alt_ref ref)
{
    open_obj(sb, k);
    n_num(sb, true, "lat", g.lat);
    f_num(sb, "lon", g.lon);
    if (has_alt)
        f_num(sb, "alt", g.alt);
    if (ref == VG_ALT_AMSL)
        f_str(sb, "alt_ref", vg_names_alt_ref[VG_ALT_AMSL]);
    vg_strbuf_putc(sb, '}');
}

static void o_velocity(vg_strbuf *sb, vg_vec3 v)
{
    open_obj(sb, "velocity");
    n_num(sb, true, "ve", v.x);
    f_num(sb, "vn", v.y);
    f_num(sb, "vu", v.z);
    vg_strbuf_putc(sb, '}');
}

static void o_identity(vg_strbuf *sb, const vg_identity *id)
{
    if (id->source == VG_IDSRC_NONE)
        return;
    open_obj(sb, "identity");
    vg_strbuf_put(sb, "\"source\":", 9);
    vg_strbuf_put_json_string(sb, vg_identity_source_name(id->source));
    f_str(sb, "id", id->id);
    vg_strbuf_putc(sb, '}');
}

static void o_raw(vg_strbuf *sb, const char *k, const char *json)
{
    if (!json[0])
        return;
    key(sb, k);
    vg_strbuf_puts(sb, json);
}

static void o_integrity(vg_strbuf *sb, uint32_t flags)
{
    if (!flags)
        return;
    key(sb, "integrity");
    vg_strbuf_putc(sb, '[');
    bool first = true;
    for (int i = 0; i < VG_INTEG_COUNT; i++) {
        if (!(flags & (1u << i)))
            continue;
        if (!first)
            vg_strbuf_putc(sb, ',');
        vg_strbuf_put_json_string(sb, vg_names_integrity[i]);
        first = false;
    }
    vg_strbuf_putc(sb, ']');
    if (flags >> VG_INTEG_COUNT)
        sb->overflow = true; /* unknown bits: not writable */
}

static void fmt_measurement(vg_strbuf *sb, const vg_measurement *m)
{
    switch (m->kind) {
    case VG_MEAS_GEODETIC:
        open_obj(sb, "geodetic");
        n_num(sb, true, "lat", m->u.geodetic.pos.lat);
        f_num(sb, "lon", m->u.geodetic.pos.lon);
        f_num(sb, "alt", m->u.geodetic.pos.alt);
        if (m->u.geodetic.alt_ref == VG_ALT_AMSL)
            f_str(sb, "alt_ref", vg_names_alt_ref[VG_ALT_AMSL]);
        f_num(sb, "sigma_h", m->u.geodetic.sigma_h);
        f_num(sb, "sigma_v", m->u.geodetic.sigma_v);
        break;
    case VG_MEAS_ENU:
        open_obj(sb, "enu");
        n_num(sb, true, "x", m->u.enu.pos.x);
        f_num(sb, "y", m->u.enu.pos.y);
        f_num(sb, "z", m->u.enu.pos.z);
        f_num(sb, "sigma", m->u.enu.sigma);
        break;
    case VG_MEAS_POLAR:
        open_obj(sb, "polar");
        n_num(sb, true, "range", m->u.polar.range);
        f_num(sb, "az", m->u.polar.az);
        f_num(sb, "el", m->u.polar.el);
        f_num(sb, "sigma_range", m->u.polar.sigma_range);
        f_num(sb, "sigma_az", m->u.polar.sigma_az);
        f_num(sb, "sigma_el", m->u.polar.sigma_el);
        if (m->u.polar.has_range_rate) {
            f_num(sb, "range_rate", m->u.polar.range_rate);
            f_num(sb, "sigma_range_rate", m->u.polar.sigma_range_rate);
        }
        break;
    case VG_MEAS_BEARING:
        open_obj(sb, "bearing");
        n_num(sb, true, "az", m->u.bearing.az);
        f_num(sb, "sigma_az", m->u.bearing.sigma_az);
        if (m->u.bearing.has_el) {
            f_num(sb, "el", m->u.bearing.el);
            f_num(sb, "sigma_el", m->u.bearing.sigma_el);
        }
        break;
    default:
        sb->overflow = true; /* not writable: reported as VG_EINVAL below */
        return;
    }
    vg_strbuf_putc(sb, '}');
}

static void fmt_detection(vg_strbuf *sb, const vg_detection *d)
{
    f_str(sb, "sensor", d->sensor);
    fmt_measurement(sb, &d->meas);
    if (d->has_velocity)
        o_velocity(sb, d->velocity);
    o_identity(sb, &d->identity);
    if (d->has_operator)
        o_position(sb, "operator", d->operator_pos, d->operator_has_alt, d->operator_alt_ref);
    if (d->has_class_hint) {
        open_obj(sb, "class_hint");
        n_num(sb, true, "drone", d->class_hint[0]);
        f_num(sb, "bird", d->class_hint[1]);
        f_num(sb, "aircraft", d->class_hint[2]);
        vg_strbuf_putc(sb, '}');
    }
    o_integrity(sb, d->integrity);
    if (d->has_scan)
        f_u64(sb, "scan", d->scan);
    o_raw(sb, "attrs", d->attrs);
}

static void fmt_track(vg_strbuf *sb, const vg_track *t)
{
    f_u64(sb, "id", t->id);
    f_str(sb, "status", vg_track_status_name(t->status));
    f_position(sb, t->pos, true, VG_ALT_WGS84);
    o_velocity(sb, t->velocity);
    f_num(sb, "sigma_h", t->sigma_h);
    f_num(sb, "sigma_v", t->sigma_v);
    o_identity(sb, &t->identity);
    open_obj(sb, "class");
    n_num(sb, true, "drone", t->class_p[VG_CLASS_DRONE]);
    f_num(sb, "bird", t->class_p[VG_CLASS_BIRD]);
    f_num(sb, "aircraft", t->class_p[VG_CLASS_AIRCRAFT]);
    f_num(sb, "unknown", t->class_p[VG_CLASS_UNKNOWN]);
    vg_strbuf_putc(sb, '}');
    f_u64(sb, "updates", t->updates);
    f_opt_str(sb, "sensor", t->sensor);
    if (t->has_operator)
        o_position(sb, "operator", t->operator_pos, t->operator_has_alt, VG_ALT_WGS84);
    o_integrity(sb, t->integrity);
}

static void fmt_body(vg_strbuf *sb, const vg_event *ev)
{
    switch (ev->type) {
    case VG_EV_SENSOR: {
        const vg_sensor_ev *s = &ev->u.sensor;
        f_str(sb, "id", s->id);
        if (s->has_kind)
            f_str(sb, "kind", vg_sensor_kind_name(s->kind));
        if (s->has_pos)
            f_position(sb, s->pos, true, s->alt_ref);
        if (s->has_range)
            f_num(sb, "range_m", s->range_m);
        if (s->has_status)
            f_str(sb, "status", vg_names_updown[s->up]);
        break;
    }
    case VG_EV_DETECTION:
        fmt_detection(sb, &ev->u.detection);
        break;
    case VG_EV_COMMAND:
        f_str(sb, "kind", ev->u.command.kind);
        f_str(sb, "user", ev->u.command.user);
        f_str(sb, "role", vg_role_name(ev->u.command.role));
        o_raw(sb, "args", ev->u.command.args);
        break;
    case VG_EV_SITE:
        f_position(sb, ev->u.site.origin, true, ev->u.site.alt_ref);
        f_num(sb, "geoid_undulation", ev->u.site.geoid_undulation);
        if (ev->u.site.has_ground_elevation)
            f_num(sb, "ground_elevation", ev->u.site.ground_elevation);
        break;
    case VG_EV_TICK:
        break;
    case VG_EV_TRACK:
        fmt_track(sb, &ev->u.track);
        break;
    case VG_EV_TRACK_DROP:
        f_u64(sb, "id", ev->u.track_drop.id);
        f_str(sb, "reason", ev->u.track_drop.reason);
        break;
    case VG_EV_ALERT: {
        const vg_alert *a = &ev->u.alert;
        f_u64(sb, "id", a->id);
        if (a->track)
            f_u64(sb, "track", a->track);
        f_str(sb, "rule", a->rule);
        f_str(sb, "severity", vg_severity_name(a->severity));
        f_str(sb, "state", vg_alert_state_name(a->state));
        f_opt_str(sb, "zone", a->zone);
        f_str(sb, "message", a->message);
        break;
    }
    case VG_EV_DISPATCH:
        f_u64(sb, "alert", ev->u.dispatch.alert);
        f_str(sb, "unit", ev->u.dispatch.unit);
        f_num(sb, "eta_s", ev->u.dispatch.eta_s);
        f_str(sb, "state", ev->u.dispatch.state);
        if (ev->u.dispatch.rank)
            f_u64(sb, "rank", ev->u.dispatch.rank);
        if (ev->u.dispatch.has_target)
            o_position(sb, "target", ev->u.dispatch.target, false, VG_ALT_WGS84);
        break;
    case VG_EV_POSTURE:
        f_str(sb, "level", vg_posture_level_name(ev->u.posture.level));
        f_str(sb, "scope", ev->u.posture.scope);
        f_opt_str(sb, "name", ev->u.posture.name);
        f_opt_str(sb, "user", ev->u.posture.user);
        break;
    case VG_EV_SENSOR_STATUS:
        f_str(sb, "sensor", ev->u.sensor_status.sensor);
        f_str(sb, "status", vg_names_updown[ev->u.sensor_status.up]);
        f_opt_str(sb, "reason", ev->u.sensor_status.reason);
        break;
    default:
        sb->overflow = true;
        break;
    }
}

int vg_event_format(const vg_event *ev, char *buf, size_t cap, size_t *len, vg_error *err)
{
    if (ev->type <= VG_EV_NONE || ev->type >= VG_EV_TYPE_COUNT)
        return vg_err(err, VG_EINVAL, "cannot write an event of type %d", (int)ev->type);
    char tbuf[VG_TIME_TEXT_MAX];
    if (!vg_time_format_rfc3339(ev->time, tbuf, sizeof tbuf))
        return vg_err(err, VG_EINVAL, "%s: time out of range", vg_event_type_name(ev->type));
    vg_strbuf sb;
    vg_strbuf_init(&sb, buf, cap);
    vg_strbuf_put(&sb, "{\"type\":", 8);
    vg_strbuf_put_json_string(&sb, vg_event_type_name(ev->type));
    f_str(&sb, "time", tbuf);
    fmt_body(&sb, ev);
    vg_strbuf_putc(&sb, '}');
    if (sb.overflow) {
        if (cap)
            buf[0] = '\0';
        /* Distinguish a short buffer from an unwritable event by retrying in a buffer
         * that is always large enough for a valid event. */
        char big[VG_LINE_MAX];
        vg_strbuf probe;
        vg_strbuf_init(&probe, big, sizeof big);
        vg_strbuf_put(&probe, "{", 1);
        fmt_body(&probe, ev);
        if (probe.overflow)
            return vg_err(err, VG_EINVAL, "%s: has a non-finite number or an invalid field",
                          vg_event_type_name(ev->type));
        return vg_err(err, VG_ETOOBIG, "%s: needs more than %zu bytes",
                      vg_event_type_name(ev->type), cap);
    }
    if (len)
        *len = sb.len;
    return 0;
}
