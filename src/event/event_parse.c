/* event/event_parse.c — one JSON Lines line → vg_event, rejecting anything doubtful.
 *
 * jansson does the JSON syntax (and validates UTF-8); this file does the schema:
 * every field is checked for presence, type, range and length, unknown fields are
 * errors (a misspelt "sigma_hh" must not silently become a default), and every
 * message names the field by its path ("detection.geodetic.lat"). Nothing is read
 * from the input that was not checked first. */
#include "vigie/event.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "event/names.h"

/* A reader over one JSON object: the object, its path for messages, the error. */
typedef struct rd {
    json_t *obj;
    const char *path;
    vg_error *err;
} rd;

#define TRY(expr)                \
    do {                         \
        int rc_ = (expr);        \
        if (rc_ < 0)             \
            return rc_;          \
    } while (0)

/* Copy an input string for a message: printable ASCII only, at most 40 bytes, so that
 * hostile keys cannot inject control characters or invalid UTF-8 into logs. */
static const char *printable(const char *s, char *buf, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 4 < cap && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* Fetch key; NULL when absent. A present `null` counts as absent only for optional
 * fields: JSON writers often emit null for "no value". */
static int rd_get(rd *r, const char *key, bool *present, json_t **out)
{
    json_t *v = json_object_get(r->obj, key);
    if (v && json_is_null(v) && present)
        v = NULL;
    if (!v) {
        if (!present)
            return vg_err(r->err, VG_EMISSING, "%s.%s: missing", r->path, key);
        *present = false;
    } else if (present) {
        *present = true;
    }
    *out = v;
    return 0;
}

static int rd_keys(rd *r, const char *const *allowed)
{
    const char *key;
    json_t *v = NULL;
    json_object_foreach(r->obj, key, v) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (!*a) {
            char tmp[48];
            return vg_err(r->err, VG_EUNKNOWN, "%s: unknown field \"%s\"", r->path,
                          printable(key, tmp, sizeof tmp));
        }
    }
    return 0;
}

static int rd_num(rd *r, const char *key, double lo, double hi, double *out, bool *present)
{
    json_t *v = NULL;
    TRY(rd_get(r, key, present, &v));
    if (!v)
        return 0;
    if (!json_is_number(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected a number, got %s", r->path, key,
                      json_kind(v));
    double x = json_number_value(v);
    if (!isfinite(x))
        return vg_err(r->err, VG_ERANGE, "%s.%s: not a finite number", r->path, key);
    if (x < lo || x > hi)
        return vg_err(r->err, VG_ERANGE, "%s.%s: %g out of range [%g, %g]", r->path, key, x,
                      lo, hi);
    *out = x;
    return 0;
}

/* A strictly positive number (sigmas, ranges), at most hi. */
static int rd_pos(rd *r, const char *key, double hi, double *out, bool *present)
{
    TRY(rd_num(r, key, 0.0, hi, out, present));
    if ((!present || *present) && !(*out > 0.0))
        return vg_err(r->err, VG_ERANGE, "%s.%s: must be greater than 0", r->path, key);
    return 0;
}

static int rd_uint(rd *r, const char *key, uint64_t lo, uint64_t *out, bool *present)
{
    json_t *v = NULL;
    TRY(rd_get(r, key, present, &v));
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected an integer, got %s", r->path, key,
                      json_is_real(v) ? "a fraction" : json_kind(v));
    json_int_t x = json_integer_value(v);
    if (x < 0 || (uint64_t)x < lo)
        return vg_err(r->err, VG_ERANGE, "%s.%s: must be at least %llu", r->path, key,
                      (unsigned long long)lo);
    *out = (uint64_t)x;
    return 0;
}

/* A string that fits dst (with its NUL) and is not empty. Identifiers may hold no
 * control character at all; free text (messages, names) may hold newlines and tabs. */
static int rd_string(rd *r, const char *key, char *dst, size_t cap, bool *present,
                     bool free_text)
{
    json_t *v = NULL;
    TRY(rd_get(r, key, present, &v));
    if (!v)
        return 0;
    if (!json_is_string(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected a string, got %s", r->path, key,
                      json_kind(v));
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0)
        return vg_err(r->err, VG_EINVAL, "%s.%s: must not be empty", r->path, key);
    if (n >= cap)
        return vg_err(r->err, VG_ETOOBIG, "%s.%s: %zu bytes, at most %zu allowed", r->path,
                      key, n, cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool allowed = free_text && (c == '\n' || c == '\t');
        if ((c < 0x20 || c == 0x7f) && !allowed)
            return vg_err(r->err, VG_EINVAL, "%s.%s: control character at byte %zu", r->path,
                          key, i);
    }
    memcpy(dst, s, n + 1);
    return 0;
}

static int rd_str(rd *r, const char *key, char *dst, size_t cap, bool *present)
{
    return rd_string(r, key, dst, cap, present, false);
}

static int rd_text(rd *r, const char *key, char *dst, size_t cap, bool *present)
{
    return rd_string(r, key, dst, cap, present, true);
}

static int rd_enum(rd *r, const char *key, const char *const *names, int count, int *out,
                   bool *present)
{
    json_t *v = NULL;
    TRY(rd_get(r, key, present, &v));
    if (!v)
        return 0;
    if (!json_is_string(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected a string, got %s", r->path, key,
                      json_kind(v));
    int i = vg_name_lookup(names, count, json_string_value(v));
    if (i < 0) {
        char tmp[48];
        char list[160] = "";
        size_t used = 0;
        for (int k = 0; k < count && used < sizeof list; k++)
            if (names[k] && strcmp(names[k], "none") != 0) {
                int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 names[k]);
                used += n > 0 ? (size_t)n : 0;
            }
        return vg_err(r->err, VG_EUNKNOWN, "%s.%s: unknown value \"%s\" (expected one of: %s)",
                      r->path, key, printable(json_string_value(v), tmp, sizeof tmp), list);
    }
    *out = i;
    return 0;
}

/* A nested object; child gets its path ("detection.geodetic") in pathbuf. */
static int rd_obj(rd *r, const char *key, rd *child, char *pathbuf, size_t pathcap,
                  bool *present)
{
    json_t *v = NULL;
    TRY(rd_get(r, key, present, &v));
    if (!v)
        return 0;
    if (!json_is_object(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected an object, got %s", r->path, key,
                      json_kind(v));
    snprintf(pathbuf, pathcap, "%s.%s", r->path, key);
    child->obj = v;
    child->path = pathbuf;
    child->err = r->err;
    return 0;
}

/* A free-form object kept as compact JSON text (attrs, args). */
static int rd_json_text(rd *r, const char *key, char *dst, size_t cap)
{
    bool present;
    json_t *v = NULL;
    TRY(rd_get(r, key, &present, &v));
    dst[0] = '\0';
    if (!v)
        return 0;
    if (!json_is_object(v))
        return vg_err(r->err, VG_ETYPE, "%s.%s: expected an object, got %s", r->path, key,
                      json_kind(v));
    size_t n = json_dumpb(v, dst, cap, JSON_COMPACT);
    if (n == 0 || n >= cap) {
        dst[0] = '\0';
        return vg_err(r->err, VG_ETOOBIG, "%s.%s: larger than %zu bytes as compact JSON",
                      r->path, key, cap - 1);
    }
    dst[n] = '\0';
    return 0;
}

enum { ALT_REQUIRED, ALT_OPTIONAL };

/* lat, lon, alt and alt_ref, in the object r (which may have other fields). */
static int rd_position(rd *r, int alt_rule, vg_geo *g, vg_alt_ref *ref, bool *has_alt)
{
    TRY(rd_num(r, "lat", -90.0, 90.0, &g->lat, NULL));
    TRY(rd_num(r, "lon", -180.0, 180.0, &g->lon, NULL));
    g->alt = 0.0;
    TRY(rd_num(r, "alt", -12000.0, 1e6, &g->alt, alt_rule == ALT_OPTIONAL ? has_alt : NULL));
    int v = VG_ALT_WGS84;
    bool present;
    TRY(rd_enum(r, "alt_ref", vg_names_alt_ref, 2, &v, &present));
    *ref = (vg_alt_ref)v;
    return 0;
}

static int rd_identity(rd *r, const char *key, vg_identity *id)
{
    static const char *const keys[] = {"source", "id", NULL};
    char path[64];
    rd c;
    bool present;
    TRY(rd_obj(r, key, &c, path, sizeof path, &present));
    if (!present)
        return 0;
    TRY(rd_keys(&c, keys));
    int src;
    TRY(rd_enum(&c, "source", vg_names_identity_source, VG_IDSRC_COUNT, &src, NULL));
    if (src == VG_IDSRC_NONE)
        return vg_err(c.err, VG_EINVAL, "%s.source: \"none\" is not a source", c.path);
    id->source = (vg_identity_source)src;
    return rd_str(&c, "id", id->id, sizeof id->id, NULL);
}

static int rd_velocity(rd *r, bool *present, vg_vec3 *v)
{
    static const char *const keys[] = {"ve", "vn", "vu", NULL};
    char path[64];
    rd c;
    TRY(rd_obj(r, "velocity", &c, path, sizeof path, present));
    if (!*present)
        return 0;
    TRY(rd_keys(&c, keys));
    TRY(rd_num(&c, "ve", -2000.0, 2000.0, &v->x, NULL));
    TRY(rd_num(&c, "vn", -2000.0, 2000.0, &v->y, NULL));
    return rd_num(&c, "vu", -2000.0, 2000.0, &v->z, NULL);
}

static int rd_operator(rd *r, bool *present, vg_geo *g, vg_alt_ref *ref, bool *has_alt)
{
    static const char *const keys[] = {"lat", "lon", "alt", "alt_ref", NULL};
    char path[64];
    rd c;
    TRY(rd_obj(r, "operator", &c, path, sizeof path, present));
    if (!*present)
        return 0;
    TRY(rd_keys(&c, keys));
    return rd_position(&c, ALT_OPTIONAL, g, ref, has_alt);
}

/* ---- input events ---------------------------------------------------------------- */

static int parse_sensor(rd *r, vg_sensor_ev *s)
{
    static const char *const keys[] = {"type", "time", "id", "kind", "lat", "lon", "alt",
                                       "alt_ref", "range_m", "status", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_str(r, "id", s->id, sizeof s->id, NULL));
    int kind = 0;
    TRY(rd_enum(r, "kind", vg_names_sensor_kind, VG_SENSOR_KIND_COUNT, &kind, &s->has_kind));
    s->kind = (vg_sensor_kind)kind;
    if (json_object_get(r->obj, "lat") || json_object_get(r->obj, "lon") ||
        json_object_get(r->obj, "alt")) {
        TRY(rd_position(r, ALT_REQUIRED, &s->pos, &s->alt_ref, NULL));
        s->has_pos = true;
    } else if (json_object_get(r->obj, "alt_ref")) {
        return vg_err(r->err, VG_EINVAL, "%s.alt_ref: given without a position", r->path);
    }
    TRY(rd_pos(r, "range_m", 1e6, &s->range_m, &s->has_range));
    int up = 1;
    TRY(rd_enum(r, "status", vg_names_updown, 2, &up, &s->has_status));
    s->up = up == 1;
    return 0;
}

static int parse_measurement(rd *r, vg_measurement *m)
{
    static const char *const kinds[] = {"geodetic", "enu", "polar", "bearing"};
    static const char *const k_geo[] = {"lat", "lon", "alt", "alt_ref", "sigma_h", "sigma_v",
                                        NULL};
    static const char *const k_enu[] = {"x", "y", "z", "sigma", NULL};
    static const char *const k_polar[] = {"range", "az", "el", "sigma_range", "sigma_az",
                                          "sigma_el", "range_rate", "sigma_range_rate",
                                          NULL};
    static const char *const k_bearing[] = {"az", "sigma_az", "el", "sigma_el", NULL};
    int which = -1;
    for (int i = 0; i < 4; i++) {
        if (!json_object_get(r->obj, kinds[i]))
            continue;
        if (which >= 0)
            return vg_err(r->err, VG_EINVAL, "%s: both \"%s\" and \"%s\" given; one measurement "
                          "per detection", r->path, kinds[which], kinds[i]);
        which = i;
    }
    if (which < 0)
        return vg_err(r->err, VG_EMISSING,
                      "%s: missing a measurement (geodetic, enu, polar or bearing)", r->path);
    char path[64];
    rd c;
    TRY(rd_obj(r, kinds[which], &c, path, sizeof path, NULL));
    switch (which) {
    case 0:
        m->kind = VG_MEAS_GEODETIC;
        TRY(rd_keys(&c, k_geo));
        TRY(rd_position(&c, ALT_REQUIRED, &m->u.geodetic.pos, &m->u.geodetic.alt_ref, NULL));
        TRY(rd_pos(&c, "sigma_h", 1e5, &m->u.geodetic.sigma_h, NULL));
        return rd_pos(&c, "sigma_v", 1e5, &m->u.geodetic.sigma_v, NULL);
    case 1:
        m->kind = VG_MEAS_ENU;
        TRY(rd_keys(&c, k_enu));
        TRY(rd_num(&c, "x", -1e7, 1e7, &m->u.enu.pos.x, NULL));
        TRY(rd_num(&c, "y", -1e7, 1e7, &m->u.enu.pos.y, NULL));
        TRY(rd_num(&c, "z", -1e7, 1e7, &m->u.enu.pos.z, NULL));
        return rd_pos(&c, "sigma", 1e5, &m->u.enu.sigma, NULL);
    case 2:
        m->kind = VG_MEAS_POLAR;
        TRY(rd_keys(&c, k_polar));
        TRY(rd_pos(&c, "range", 1e7, &m->u.polar.range, NULL));
        TRY(rd_num(&c, "az", -360.0, 360.0, &m->u.polar.az, NULL));
        TRY(rd_num(&c, "el", -90.0, 90.0, &m->u.polar.el, NULL));
        TRY(rd_pos(&c, "sigma_range", 1e5, &m->u.polar.sigma_range, NULL));
        TRY(rd_pos(&c, "sigma_az", 180.0, &m->u.polar.sigma_az, NULL));
        TRY(rd_pos(&c, "sigma_el", 180.0, &m->u.polar.sigma_el, NULL));
        bool has_sigma_rr;
        TRY(rd_num(&c, "range_rate", -2000.0, 2000.0, &m->u.polar.range_rate,
                   &m->u.polar.has_range_rate));
        TRY(rd_pos(&c, "sigma_range_rate", 1000.0, &m->u.polar.sigma_range_rate,
                   &has_sigma_rr));
        if (m->u.polar.has_range_rate != has_sigma_rr)
            return vg_err(c.err, VG_EMISSING, "%s: range_rate and sigma_range_rate go together",
                          c.path);
        return 0;
    default: {
        m->kind = VG_MEAS_BEARING;
        TRY(rd_keys(&c, k_bearing));
        TRY(rd_num(&c, "az", -360.0, 360.0, &m->u.bearing.az, NULL));
        TRY(rd_pos(&c, "sigma_az", 180.0, &m->u.bearing.sigma_az, NULL));
        bool has_sigma_el;
        TRY(rd_num(&c, "el", -90.0, 90.0, &m->u.bearing.el, &m->u.bearing.has_el));
        TRY(rd_pos(&c, "sigma_el", 180.0, &m->u.bearing.sigma_el, &has_sigma_el));
        if (m->u.bearing.has_el != has_sigma_el)
            return vg_err(c.err, VG_EMISSING, "%s: el and sigma_el go together", c.path);
        return 0;
    }
    }
}

static int parse_class_hint(rd *r, vg_detection *d)
{
    static const char *const keys[] = {"drone", "bird", "aircraft", NULL};
    char path[64];
    rd c;
    TRY(rd_obj(r, "class_hint", &c, path, sizeof path, &d->has_class_hint));
    if (!d->has_class_hint)
        return 0;
    TRY(rd_keys(&c, keys));
    double sum = 0.0;
    int given = 0;
    for (int i = 0; i < 3; i++) {
        bool present;
        d->class_hint[i] = 0.0;
        TRY(rd_num(&c, keys[i], 0.0, 1.0, &d->class_hint[i], &present));
        given += present;
        sum += d->class_hint[i];
    }
    if (!given)
        return vg_err(c.err, VG_EMISSING, "%s: give at least one of drone, bird, aircraft",
                      c.path);
    if (sum > 1.0 + 1e-9)
        return vg_err(c.err, VG_ERANGE, "%s: probabilities add up to %g, more than 1", c.path,
                      sum);
    return 0;
}

/* "integrity": an array of distinct flag names. */
static int parse_integrity(rd *r, uint32_t *flags)
{
    json_t *v = json_object_get(r->obj, "integrity");
    *flags = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return vg_err(r->err, VG_ETYPE, "%s.integrity: expected an array, got %s", r->path,
                      json_kind(v));
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item))
            return vg_err(r->err, VG_ETYPE, "%s.integrity[%zu]: expected a string, got %s",
                          r->path, i, json_kind(item));
        int bit = vg_name_lookup(vg_names_integrity, VG_INTEG_COUNT, json_string_value(item));
        if (bit < 0) {
            char tmp[48];
            return vg_err(r->err, VG_EUNKNOWN, "%s.integrity[%zu]: unknown flag \"%s\"",
                          r->path, i, printable(json_string_value(item), tmp, sizeof tmp));
        }
        if (*flags & (1u << bit))
            return vg_err(r->err, VG_EINVAL, "%s.integrity[%zu]: \"%s\" given twice", r->path,
                          i, vg_names_integrity[bit]);
        *flags |= 1u << bit;
    }
    return 0;
}

static int parse_detection(rd *r, vg_detection *d)
{
    static const char *const keys[] = {"type", "time", "sensor", "geodetic", "enu", "polar",
                                       "bearing", "velocity", "identity", "operator",
                                       "class_hint", "integrity", "scan", "attrs", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_str(r, "sensor", d->sensor, sizeof d->sensor, NULL));
    TRY(parse_measurement(r, &d->meas));
    TRY(rd_velocity(r, &d->has_velocity, &d->velocity));
    TRY(rd_identity(r, "identity", &d->identity));
    TRY(rd_operator(r, &d->has_operator, &d->operator_pos, &d->operator_alt_ref,
                    &d->operator_has_alt));
    TRY(parse_class_hint(r, d));
    TRY(parse_integrity(r, &d->integrity));
    TRY(rd_uint(r, "scan", 0, &d->scan, &d->has_scan));
    return rd_json_text(r, "attrs", d->attrs, sizeof d->attrs);
}

static int parse_command(rd *r, vg_command *c)
{
    static const char *const keys[] = {"type", "time", "kind", "user", "role", "args", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_str(r, "kind", c->kind, sizeof c->kind, NULL));
    for (const char *p = c->kind; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || *p == '_' || (p > c->kind && *p >= '0' && *p <= '9');
        if (!ok)
            return vg_err(r->err, VG_EINVAL,
                          "%s.kind: use lower-case letters, digits and '_' (a letter first)",
                          r->path);
    }
    TRY(rd_str(r, "user", c->user, sizeof c->user, NULL));
    int role;
    TRY(rd_enum(r, "role", vg_names_role, VG_ROLE_COUNT, &role, NULL));
    c->role = (vg_role)role;
    return rd_json_text(r, "args", c->args, sizeof c->args);
}

static int parse_site(rd *r, vg_site *s)
{
    static const char *const keys[] = {"type", "time", "lat", "lon", "alt", "alt_ref",
                                       "geoid_undulation", "ground_elevation", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_position(r, ALT_REQUIRED, &s->origin, &s->alt_ref, NULL));
    TRY(rd_num(r, "geoid_undulation", -120.0, 120.0, &s->geoid_undulation, NULL));
    return rd_num(r, "ground_elevation", -500.0, 9000.0, &s->ground_elevation,
                  &s->has_ground_elevation);
}

static int parse_tick(rd *r)
{
    static const char *const keys[] = {"type", "time", NULL};
    return rd_keys(r, keys);
}

/* ---- output events --------------------------------------------------------------- */

static int parse_track(rd *r, vg_track *t)
{
    static const char *const keys[] = {"type", "time", "id", "status", "lat", "lon", "alt",
                                       "velocity", "sigma_h", "sigma_v", "identity", "class",
                                       "updates", "sensor", "operator", "integrity", NULL};
    static const char *const k_class[] = {"drone", "bird", "aircraft", "unknown", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_uint(r, "id", 1, &t->id, NULL));
    int st;
    TRY(rd_enum(r, "status", vg_names_track_status, VG_TRACK_STATUS_COUNT, &st, NULL));
    t->status = (vg_track_status)st;
    vg_alt_ref ref;
    TRY(rd_position(r, ALT_REQUIRED, &t->pos, &ref, NULL));
    if (ref != VG_ALT_WGS84)
        return vg_err(r->err, VG_EINVAL, "%s.alt_ref: tracks are WGS84", r->path);
    bool has_v;
    TRY(rd_velocity(r, &has_v, &t->velocity));
    TRY(rd_pos(r, "sigma_h", 1e7, &t->sigma_h, NULL));
    TRY(rd_pos(r, "sigma_v", 1e7, &t->sigma_v, NULL));
    TRY(rd_identity(r, "identity", &t->identity));
    char path[64];
    rd c;
    TRY(rd_obj(r, "class", &c, path, sizeof path, NULL));
    TRY(rd_keys(&c, k_class));
    for (int i = 0; i < VG_CLASS_COUNT; i++)
        TRY(rd_num(&c, k_class[i], 0.0, 1.0, &t->class_p[i], NULL));
    uint64_t updates;
    TRY(rd_uint(r, "updates", 0, &updates, NULL));
    if (updates > UINT32_MAX)
        return vg_err(r->err, VG_ERANGE, "%s.updates: too large", r->path);
    t->updates = (uint32_t)updates;
    bool has_sensor;
    TRY(rd_str(r, "sensor", t->sensor, sizeof t->sensor, &has_sensor));
    TRY(rd_operator(r, &t->has_operator, &t->operator_pos, &ref, &t->operator_has_alt));
    if (t->has_operator && ref != VG_ALT_WGS84)
        return vg_err(r->err, VG_EINVAL, "%s.operator.alt_ref: tracks are WGS84", r->path);
    return parse_integrity(r, &t->integrity);
}

static int parse_track_drop(rd *r, vg_track_drop *d)
{
    static const char *const keys[] = {"type", "time", "id", "reason", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_uint(r, "id", 1, &d->id, NULL));
    return rd_str(r, "reason", d->reason, sizeof d->reason, NULL);
}

static int parse_alert(rd *r, vg_alert *a)
{
    static const char *const keys[] = {"type", "time", "id", "track", "rule", "severity",
                                       "state", "zone", "message", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_uint(r, "id", 1, &a->id, NULL));
    bool present;
    TRY(rd_uint(r, "track", 1, &a->track, &present));
    TRY(rd_str(r, "rule", a->rule, sizeof a->rule, NULL));
    int v;
    TRY(rd_enum(r, "severity", vg_names_severity, VG_SEV_COUNT, &v, NULL));
    a->severity = (vg_severity)v;
    TRY(rd_enum(r, "state", vg_names_alert_state, VG_ALERT_STATE_COUNT, &v, NULL));
    a->state = (vg_alert_state)v;
    TRY(rd_str(r, "zone", a->zone, sizeof a->zone, &present));
    return rd_text(r, "message", a->message, sizeof a->message, NULL);
}

static int parse_dispatch(rd *r, vg_dispatch *d)
{
    static const char *const keys[] = {"type", "time", "alert", "unit", "eta_s", "state",
                                       "rank", "target", NULL};
    static const char *const target_keys[] = {"lat", "lon", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_uint(r, "alert", 1, &d->alert, NULL));
    TRY(rd_str(r, "unit", d->unit, sizeof d->unit, NULL));
    TRY(rd_num(r, "eta_s", 0.0, 1e7, &d->eta_s, NULL));
    TRY(rd_str(r, "state", d->state, sizeof d->state, NULL));
    uint64_t rank = 0;
    bool present;
    TRY(rd_uint(r, "rank", 1, &rank, &present));
    if (present && rank > 64)
        return vg_err(r->err, VG_ERANGE, "%s.rank: %llu out of range [1, 64]", r->path,
                      (unsigned long long)rank);
    d->rank = (uint32_t)rank;
    char path[64];
    rd c;
    TRY(rd_obj(r, "target", &c, path, sizeof path, &d->has_target));
    if (!d->has_target)
        return 0;
    TRY(rd_keys(&c, target_keys));
    TRY(rd_num(&c, "lat", -90.0, 90.0, &d->target.lat, NULL));
    return rd_num(&c, "lon", -180.0, 180.0, &d->target.lon, NULL);
}

static int parse_posture(rd *r, vg_posture *p)
{
    static const char *const keys[] = {"type", "time", "level", "scope", "name", "user", NULL};
    TRY(rd_keys(r, keys));
    int level;
    TRY(rd_enum(r, "level", vg_names_posture_level, VG_POSTURE_LEVEL_COUNT, &level, NULL));
    p->level = (vg_posture_level)level;
    TRY(rd_str(r, "scope", p->scope, sizeof p->scope, NULL));
    bool present;
    TRY(rd_text(r, "name", p->name, sizeof p->name, &present));
    return rd_str(r, "user", p->user, sizeof p->user, &present);
}

static int parse_sensor_status(rd *r, vg_sensor_status *s)
{
    static const char *const keys[] = {"type", "time", "sensor", "status", "reason", NULL};
    TRY(rd_keys(r, keys));
    TRY(rd_str(r, "sensor", s->sensor, sizeof s->sensor, NULL));
    int up;
    TRY(rd_enum(r, "status", vg_names_updown, 2, &up, NULL));
    s->up = up == 1;
    bool present;
    return rd_text(r, "reason", s->reason, sizeof s->reason, &present);
}

/* ---- the line -------------------------------------------------------------------- */

static int parse_time(rd *r, vg_time *out)
{
    json_t *v = json_object_get(r->obj, "time");
    if (!v)
        return vg_err(r->err, VG_EMISSING, "%s.time: missing", r->path);
    int rc;
    if (json_is_string(v)) {
        rc = vg_time_parse_rfc3339(json_string_value(v), json_string_length(v), out, r->err);
    } else if (json_is_number(v)) {
        rc = vg_time_from_seconds(json_number_value(v), out, r->err);
    } else {
        return vg_err(r->err, VG_ETYPE,
                      "%s.time: expected an RFC 3339 string or seconds since the epoch, got %s",
                      r->path, json_kind(v));
    }
    if (rc < 0)
        vg_err_prefix(r->err, "%s.time: ", r->path);
    return rc;
}

static int parse_object(json_t *root, vg_event *ev, vg_error *err)
{
    rd r = {root, "event", err};
    json_t *type = json_object_get(root, "type");
    if (!type)
        return vg_err(err, VG_EMISSING, "type: missing");
    if (!json_is_string(type))
        return vg_err(err, VG_ETYPE, "type: expected a string, got %s", json_kind(type));
    vg_event_type t;
    if (vg_event_type_parse(json_string_value(type), &t) < 0) {
        char tmp[48];
        return vg_err(err, VG_EUNKNOWN, "type: unknown event type \"%s\"",
                      printable(json_string_value(type), tmp, sizeof tmp));
    }
    vg_event_init(ev, t, 0);
    r.path = vg_event_type_name(t);
    TRY(parse_time(&r, &ev->time));
    switch (t) {
    case VG_EV_SENSOR: return parse_sensor(&r, &ev->u.sensor);
    case VG_EV_DETECTION: return parse_detection(&r, &ev->u.detection);
    case VG_EV_COMMAND: return parse_command(&r, &ev->u.command);
    case VG_EV_SITE: return parse_site(&r, &ev->u.site);
    case VG_EV_TICK: return parse_tick(&r);
    case VG_EV_TRACK: return parse_track(&r, &ev->u.track);
    case VG_EV_TRACK_DROP: return parse_track_drop(&r, &ev->u.track_drop);
    case VG_EV_ALERT: return parse_alert(&r, &ev->u.alert);
    case VG_EV_DISPATCH: return parse_dispatch(&r, &ev->u.dispatch);
    case VG_EV_POSTURE: return parse_posture(&r, &ev->u.posture);
    case VG_EV_SENSOR_STATUS: return parse_sensor_status(&r, &ev->u.sensor_status);
    default: return vg_err(err, VG_EUNKNOWN, "type: \"%s\" is not an event", r.path);
    }
}

int vg_event_parse(const char *line, size_t len, vg_event *ev, vg_error *err)
{
    if (len > VG_LINE_MAX)
        return vg_err(err, VG_ETOOBIG, "line of %zu bytes, at most %d allowed", len,
                      VG_LINE_MAX);
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson's texts are its own fixed phrases plus short excerpts; keep the
         * column, which is what a person fixing the line needs. */
        char tmp[96];
        return vg_err(err, VG_EPARSE, "invalid JSON at column %d: %s", jerr.column,
                      printable(jerr.text, tmp, sizeof tmp));
    }
    int rc;
    if (!json_is_object(root))
        rc = vg_err(err, VG_ETYPE, "expected a JSON object, got %s", json_kind(root));
    else
        rc = parse_object(root, ev, err);
    json_decref(root);
    return rc;
}
