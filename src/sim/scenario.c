/* sim/scenario.c — reading a scenario file (docs/simulator.md), strictly: every
 * unknown field, wrong type, out-of-range value or unordered waypoint is an error
 * that names its path. Times are seconds from the scenario's start. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/sim.h"

typedef struct ctx {
    vg_error *err;
    char path[160];
} ctx;

static int fail(ctx *c, int code, const char *key, const char *what)
{
    return vg_err(c->err, code, "%s%s%s: %s", c->path, key[0] ? "." : "", key, what);
}

static int keys_only(ctx *c, json_t *o, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        (void)v;
        bool ok = false;
        for (const char *const *p = keys; *p; p++)
            ok = ok || strcmp(*p, k) == 0;
        if (!ok) {
            char what[96];
            snprintf(what, sizeof what, "unknown field \"%.60s\"", k);
            return fail(c, VG_EUNKNOWN, "", what);
        }
    }
    return 0;
}

static int num(ctx *c, json_t *o, const char *key, bool required, double lo, double hi,
               double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return required ? fail(c, VG_EMISSING, key, "missing") : 0;
    if (!json_is_number(v))
        return fail(c, VG_ETYPE, key, "expected a number");
    double d = json_number_value(v);
    if (!isfinite(d) || d < lo || d > hi) {
        char what[96];
        snprintf(what, sizeof what, "%g out of range [%g, %g]", d, lo, hi);
        return fail(c, VG_ERANGE, key, what);
    }
    *out = d;
    return 0;
}

static int str(ctx *c, json_t *o, const char *key, bool required, char *out, size_t cap)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return required ? fail(c, VG_EMISSING, key, "missing") : 0;
    if (!json_is_string(v))
        return fail(c, VG_ETYPE, key, "expected a string");
    size_t n = json_string_length(v);
    if (n == 0 || n >= cap || memchr(json_string_value(v), '\0', n))
        return fail(c, VG_EINVAL, key, "empty, too long or holds a NUL");
    memcpy(out, json_string_value(v), n + 1);
    return 0;
}

static int boolean(ctx *c, json_t *o, const char *key, bool *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return fail(c, VG_ETYPE, key, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int position(ctx *c, json_t *o, vg_geo *g, bool need_alt)
{
    int rc;
    if ((rc = num(c, o, "lat", true, -90, 90, &g->lat)) || (rc = num(c, o, "lon", true, -180, 180, &g->lon)) ||
        (rc = num(c, o, "alt", need_alt, -500, 30000, &g->alt)))
        return rc;
    return 0;
}

/* Enter an array element or field for messages; restores on leave. */
static size_t enter(ctx *c, const char *key, long index)
{
    size_t at = strlen(c->path);
    if (index >= 0)
        snprintf(c->path + at, sizeof c->path - at, "%s%s[%ld]", at ? "." : "", key, index);
    else
        snprintf(c->path + at, sizeof c->path - at, "%s%s", at ? "." : "", key);
    return at;
}

static void leave(ctx *c, size_t at)
{
    c->path[at] = '\0';
}

static json_t *array(ctx *c, json_t *root, const char *key, size_t max, int *rc)
{
    json_t *a = json_object_get(root, key);
    *rc = 0;
    if (!a)
        return NULL;
    if (!json_is_array(a)) {
        *rc = fail(c, VG_ETYPE, key, "expected an array");
        return NULL;
    }
    if (json_array_size(a) > max) {
        *rc = fail(c, VG_ETOOBIG, key, "too many entries");
        return NULL;
    }
    return a;
}

static int windows(ctx *c, json_t *o, vg_sim_window **out, int *n)
{
    int rc;
    json_t *a = array(c, o, "down", 64, &rc);
    if (rc || !a)
        return rc;
    *out = calloc(json_array_size(a) + 1, sizeof **out);
    if (!*out)
        return vg_err(c->err, VG_ENOMEM, "out of memory");
    size_t i;
    json_t *w;
    json_array_foreach(a, i, w) {
        size_t at = enter(c, "down", (long)i);
        static const char *const keys[] = {"from", "to", NULL};
        vg_sim_window *win = &(*out)[i];
        if (!json_is_object(w))
            rc = fail(c, VG_ETYPE, "", "expected an object");
        else if ((rc = keys_only(c, w, keys)) == 0 && (rc = num(c, w, "from", true, 0, 1e7, &win->from_s)) == 0 &&
                 (rc = num(c, w, "to", true, 0, 1e7, &win->to_s)) == 0 && win->to_s <= win->from_s)
            rc = fail(c, VG_ERANGE, "to", "must be after from");
        leave(c, at);
        if (rc)
            return rc;
        (*n)++;
    }
    return 0;
}

/* A radar's clutter spots: [{lat, lon, alt, radius_m, per_scan}]. */
static int clutter(ctx *c, json_t *o, vg_sim_sensor *s)
{
    int rc;
    json_t *a = array(c, o, "clutter", 1000, &rc);
    if (rc || !a)
        return rc;
    if (s->kind != VG_SENSOR_RADAR)
        return fail(c, VG_EINVAL, "clutter", "only a radar sees clutter");
    s->clutter = calloc(json_array_size(a) + 1, sizeof *s->clutter);
    if (!s->clutter)
        return vg_err(c->err, VG_ENOMEM, "out of memory");
    size_t i;
    json_t *w;
    json_array_foreach(a, i, w) {
        static const char *const keys[] = {"lat", "lon", "alt", "radius_m", "per_scan", NULL};
        size_t at = enter(c, "clutter", (long)i);
        vg_sim_clutter *k = &s->clutter[i];
        if (!json_is_object(w))
            rc = fail(c, VG_ETYPE, "", "expected an object");
        else if ((rc = keys_only(c, w, keys)) == 0 && (rc = position(c, w, &k->center, true)) == 0 &&
                 (rc = num(c, w, "radius_m", true, 1, 10000, &k->radius_m)) == 0)
            rc = num(c, w, "per_scan", true, 0, 100, &k->per_scan);
        leave(c, at);
        if (rc)
            return rc;
        s->nclutter++;
    }
    return 0;
}

static int sensor(ctx *c, json_t *o, vg_sim_sensor *s)
{
    static const char *const keys[] = {"id", "kind", "lat", "lon", "alt", "range_m", "period_s",
                                       "sigma_range", "sigma_az", "sigma_el", "pd",
                                       "false_alarms", "loss", "down", "az_from", "az_to",
                                       "el_max", "clutter", NULL};
    if (!json_is_object(o))
        return fail(c, VG_ETYPE, "", "expected an object");
    int rc;
    char kind[16];
    if ((rc = keys_only(c, o, keys)) || (rc = str(c, o, "id", true, s->id, sizeof s->id)) ||
        (rc = str(c, o, "kind", true, kind, sizeof kind)) || (rc = position(c, o, &s->pos, true)))
        return rc;
    if (strcmp(kind, "radar") == 0)
        s->kind = VG_SENSOR_RADAR;
    else if (strcmp(kind, "rf") == 0)
        s->kind = VG_SENSOR_RF;
    else if (strcmp(kind, "remoteid") == 0)
        s->kind = VG_SENSOR_REMOTEID;
    else if (strcmp(kind, "adsb") == 0)
        s->kind = VG_SENSOR_ADSB;
    else
        return fail(c, VG_EINVAL, "kind", "expected radar, rf, remoteid or adsb");
    s->period_s = 1;
    s->sigma_range = 5;
    s->sigma_az = s->kind == VG_SENSOR_RF ? 2 : 0.3;
    s->sigma_el = 0.5;
    s->pd = 0.9;
    if ((rc = num(c, o, "range_m", true, 1, 500000, &s->range_m)) ||
        (rc = num(c, o, "period_s", false, 0.25, 60, &s->period_s)) ||
        (rc = num(c, o, "sigma_range", false, 0.01, 1000, &s->sigma_range)) ||
        (rc = num(c, o, "sigma_az", false, 0.001, 45, &s->sigma_az)) ||
        (rc = num(c, o, "sigma_el", false, 0.001, 45, &s->sigma_el)) ||
        (rc = num(c, o, "pd", false, 0, 1, &s->pd)) ||
        (rc = num(c, o, "false_alarms", false, 0, 100, &s->false_alarms)) ||
        (rc = num(c, o, "loss", false, 0, 1, &s->loss)))
        return rc;
    s->az_to = 360;
    s->el_max = 90;
    if ((rc = num(c, o, "az_from", false, 0, 360, &s->az_from)) ||
        (rc = num(c, o, "az_to", false, 0, 360, &s->az_to)) ||
        (rc = num(c, o, "el_max", false, 0, 90, &s->el_max)) || (rc = clutter(c, o, s)))
        return rc;
    /* Periods are multiples of the simulator's 0.25 s step. */
    s->period_s = round(s->period_s * 4) / 4;
    return windows(c, o, &s->down, &s->ndown);
}

/* A timed path under `key` of o: at least min_points points {t, lat, lon, alt}
 * (alt required when need_alt), times increasing. */
static int path(ctx *c, json_t *o, const char *key, size_t min_points, bool need_alt,
                vg_sim_waypoint **out, int *n)
{
    int rc;
    json_t *a = array(c, o, key, 10000, &rc);
    if (rc)
        return rc;
    if (!a || json_array_size(a) < min_points)
        return fail(c, VG_EMISSING, key,
                    min_points > 1 ? "at least two waypoints" : "at least one waypoint");
    *out = calloc(json_array_size(a), sizeof **out);
    if (!*out)
        return vg_err(c->err, VG_ENOMEM, "out of memory");
    size_t i;
    json_t *w;
    json_array_foreach(a, i, w) {
        static const char *const keys[] = {"t", "lat", "lon", "alt", NULL};
        size_t at = enter(c, key, (long)i);
        vg_sim_waypoint *p = &(*out)[i];
        if (!json_is_object(w))
            rc = fail(c, VG_ETYPE, "", "expected an object");
        else if ((rc = keys_only(c, w, keys)) == 0 && (rc = num(c, w, "t", true, 0, 1e7, &p->t)) == 0 &&
                 (rc = position(c, w, &p->pos, need_alt)) == 0 && i > 0 && p->t <= (*out)[i - 1].t)
            rc = fail(c, VG_EORDER, "t", "waypoint times must increase");
        leave(c, at);
        if (rc)
            return rc;
        (*n)++;
    }
    return 0;
}

/* The pilot: where they stand ({lat, lon, alt?}), or where they walk or drive
 * ([{t, lat, lon, alt?}, ...]: linear between points, still before the first and
 * after the last). */
static int pilot(ctx *c, json_t *o, vg_sim_target *t)
{
    json_t *p = json_object_get(o, "pilot");
    if (!p)
        return 0;
    t->has_pilot = true;
    if (json_is_array(p))
        return path(c, o, "pilot", 1, false, &t->pilot, &t->npilot);
    static const char *const pkeys[] = {"lat", "lon", "alt", NULL};
    size_t at = enter(c, "pilot", -1);
    int rc;
    if (!json_is_object(p))
        rc = fail(c, VG_ETYPE, "", "expected an object or an array of waypoints");
    else if ((t->pilot = calloc(1, sizeof *t->pilot)) == NULL)
        rc = vg_err(c->err, VG_ENOMEM, "out of memory");
    else if ((rc = keys_only(c, p, pkeys)) == 0 && (rc = position(c, p, &t->pilot->pos, false)) == 0)
        t->npilot = 1;
    leave(c, at);
    return rc;
}

/* EU class C0..C6: the System message's class, and a radar cross-section by size
 * when the scenario gives none (rough figures for multirotors of each mass class:
 * C0 < 250 g, C1 < 900 g, C2 < 4 kg, C3 < 25 kg). */
static int eu_class(ctx *c, json_t *o, vg_sim_target *t)
{
    static const double rcs[] = {0.005, 0.01, 0.03, 0.1};
    char cls[4] = "";
    int rc = str(c, o, "class", false, cls, sizeof cls);
    if (rc || !cls[0])
        return rc;
    if (cls[0] != 'C' || cls[1] < '0' || cls[1] > '6' || cls[2])
        return fail(c, VG_EINVAL, "class", "expected an EU class, C0 to C6");
    t->eu_class = (uint8_t)(cls[1] - '0' + 1);
    if (!json_object_get(o, "rcs") && t->eu_class <= 4)
        t->rcs_m2 = rcs[t->eu_class - 1];
    return 0;
}

/* How the drone broadcasts its Remote ID (vg_rid_transport_name's words). */
static int rid_transport(ctx *c, json_t *o, vg_sim_target *t)
{
    char name[16] = "";
    int rc = str(c, o, "rid_transport", false, name, sizeof name);
    if (rc || !name[0])
        return rc;
    for (int k = 0; k < VG_RID_TR_COUNT; k++)
        if (k != VG_RID_TR_FR_BEACON && strcmp(name, vg_rid_transport_name((vg_rid_transport)k)) == 0) {
            t->rid_transport = (vg_rid_transport)k;
            return 0;
        }
    return fail(c, VG_EINVAL, "rid_transport", "expected wifi-beacon, wifi-nan, ble4 or ble5");
}

static int target(ctx *c, json_t *o, vg_sim_target *t)
{
    static const char *const keys[] = {"id", "type", "role", "rcs", "remote_id", "fr_id", "rf",
                                       "icao", "pilot", "class", "rid_transport", "waypoints", "count", "center",
                                       "radius_m", "speed_mps", "drift_e", "drift_n", "from",
                                       "to", NULL};
    if (!json_is_object(o))
        return fail(c, VG_ETYPE, "", "expected an object");
    int rc;
    char type[16];
    if ((rc = keys_only(c, o, keys)) || (rc = str(c, o, "id", true, t->id, sizeof t->id)) ||
        (rc = str(c, o, "type", true, type, sizeof type)) ||
        (rc = str(c, o, "role", true, t->role, sizeof t->role)))
        return rc;
    if (strcmp(type, "drone") == 0)
        t->type = VG_SIM_DRONE;
    else if (strcmp(type, "birds") == 0)
        t->type = VG_SIM_BIRDS;
    else if (strcmp(type, "aircraft") == 0)
        t->type = VG_SIM_AIRCRAFT;
    else
        return fail(c, VG_EINVAL, "type", "expected drone, birds or aircraft");
    t->rcs_m2 = t->type == VG_SIM_DRONE ? 0.02 : t->type == VG_SIM_BIRDS ? 0.01 : 5;
    if ((rc = num(c, o, "rcs", false, 1e-5, 1000, &t->rcs_m2)) ||
        (rc = str(c, o, "remote_id", false, t->remote_id, sizeof t->remote_id)) ||
        (rc = str(c, o, "fr_id", false, t->fr_id, sizeof t->fr_id)) ||
        (rc = boolean(c, o, "rf", &t->rf_link)) ||
        (rc = str(c, o, "icao", false, t->icao, sizeof t->icao)))
        return rc;
    if ((rc = pilot(c, o, t)) || (rc = eu_class(c, o, t)) || (rc = rid_transport(c, o, t)))
        return rc;
    if (t->type != VG_SIM_BIRDS)
        return path(c, o, "waypoints", 2, true, &t->wp, &t->nwp);
    json_t *center = json_object_get(o, "center");
    if (!center || !json_is_object(center))
        return fail(c, VG_EMISSING, "center", "a flock needs a centre {lat, lon, alt}");
    size_t at = enter(c, "center", -1);
    rc = position(c, center, &t->center, true);
    leave(c, at);
    double count = 10;
    t->radius_m = 100;
    t->speed_mps = 8;
    t->to_s = 1e7;
    if (rc || (rc = num(c, o, "count", false, 1, 500, &count)) ||
        (rc = num(c, o, "radius_m", false, 1, 5000, &t->radius_m)) ||
        (rc = num(c, o, "speed_mps", false, 0.1, 40, &t->speed_mps)) ||
        (rc = num(c, o, "drift_e", false, -20, 20, &t->drift_e)) ||
        (rc = num(c, o, "drift_n", false, -20, 20, &t->drift_n)) ||
        (rc = num(c, o, "from", false, 0, 1e7, &t->from_s)) ||
        (rc = num(c, o, "to", false, 0, 1e7, &t->to_s)))
        return rc;
    t->count = (int)count;
    return 0;
}

static int command(ctx *c, json_t *o, vg_sim_action *a)
{
    static const char *const keys[] = {"t", "kind", "user", "role", "args", NULL};
    if (!json_is_object(o))
        return fail(c, VG_ETYPE, "", "expected an object");
    int rc;
    char role[16];
    if ((rc = keys_only(c, o, keys)) || (rc = num(c, o, "t", true, 0, 1e7, &a->t)) ||
        (rc = str(c, o, "kind", true, a->cmd.kind, sizeof a->cmd.kind)) ||
        (rc = str(c, o, "user", true, a->cmd.user, sizeof a->cmd.user)) ||
        (rc = str(c, o, "role", true, role, sizeof role)))
        return rc;
    bool found = false;
    for (int r = 0; r < VG_ROLE_COUNT; r++)
        if (strcmp(role, vg_role_name((vg_role)r)) == 0) {
            a->cmd.role = (vg_role)r;
            found = true;
        }
    if (!found)
        return fail(c, VG_EINVAL, "role", "expected viewer, operator, commander or admin");
    json_t *args = json_object_get(o, "args");
    if (args) {
        if (!json_is_object(args))
            return fail(c, VG_ETYPE, "args", "expected an object");
        char *text = json_dumps(args, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (!text)
            return vg_err(c->err, VG_ENOMEM, "out of memory");
        size_t n = strlen(text);
        if (n >= sizeof a->cmd.args)
            rc = fail(c, VG_ETOOBIG, "args", "longer than 1023 bytes");
        else
            memcpy(a->cmd.args, text, n + 1);
        free(text);
    }
    return rc;
}

static int posture(ctx *c, json_t *o, vg_sim_posture *p)
{
    static const char *const keys[] = {"t", "level", "scope", "name", "user", NULL};
    if (!json_is_object(o))
        return fail(c, VG_ETYPE, "", "expected an object");
    int rc;
    snprintf(p->scope, sizeof p->scope, "national");
    snprintf(p->user, sizeof p->user, "commander");
    if ((rc = keys_only(c, o, keys)) || (rc = num(c, o, "t", true, 0, 1e7, &p->t)) ||
        (rc = str(c, o, "level", true, p->level, sizeof p->level)) ||
        (rc = str(c, o, "scope", false, p->scope, sizeof p->scope)) ||
        (rc = str(c, o, "name", false, p->name, sizeof p->name)) ||
        (rc = str(c, o, "user", false, p->user, sizeof p->user)))
        return rc;
    return 0;
}

/* A units or sites entry: an object kept as compact JSON (the patrol module checks
 * its fields when the command runs). */
static int json_args(ctx *c, json_t *o, char (*out)[VG_JSON_MAX])
{
    if (!json_is_object(o))
        return fail(c, VG_ETYPE, "", "expected an object");
    char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!text)
        return vg_err(c->err, VG_ENOMEM, "out of memory");
    size_t n = strlen(text);
    int rc = 0;
    if (n >= VG_JSON_MAX)
        rc = fail(c, VG_ETOOBIG, "", "longer than 1023 bytes");
    else
        memcpy(*out, text, n + 1);
    free(text);
    return rc;
}

static const char *const data_names[VG_SIM_DATA_COUNT] = {"zones", "assets", "whitelist",
                                                           "coverage"};

const char *vg_sim_data_name(int which)
{
    return which >= 0 && which < VG_SIM_DATA_COUNT ? data_names[which] : "?";
}

/* root[key]: a file name (a non-empty string without NUL) or an inline document
 * (an object or an array), kept as compact JSON for the caller to write out. */
static int site_data(ctx *c, json_t *root, const char *key, vg_sim_data *d)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return 0;
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if (n == 0 || n >= sizeof d->file || strlen(json_string_value(v)) != n)
            return fail(c, VG_EINVAL, key, "a file name of 1 to 255 bytes, or the document");
        memcpy(d->file, json_string_value(v), n + 1);
        return 0;
    }
    if (!json_is_object(v) && !json_is_array(v))
        return fail(c, VG_ETYPE, key, "a file name, or the document (object or array)");
    d->json = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!d->json)
        return vg_err(c->err, VG_ENOMEM, "out of memory");
    return 0;
}

/* Parse each element of root[key] into items (calloc'd) with fn. */
#define PARSE_LIST(key, max, field, nfield, fn)                                              \
    do {                                                                                     \
        json_t *a_ = array(&c, root, key, max, &rc);                                         \
        if (rc)                                                                              \
            goto done;                                                                       \
        if (a_) {                                                                            \
            sc->field = calloc(json_array_size(a_) + 1, sizeof *sc->field);                  \
            if (!sc->field) {                                                                \
                rc = vg_err(err, VG_ENOMEM, "out of memory");                                \
                goto done;                                                                   \
            }                                                                                \
            size_t i_;                                                                       \
            json_t *e_;                                                                      \
            json_array_foreach(a_, i_, e_) {                                                 \
                size_t at_ = enter(&c, key, (long)i_);                                       \
                rc = fn(&c, e_, &sc->field[i_]);                                             \
                sc->nfield = (int)i_ + 1;                                                    \
                leave(&c, at_);                                                              \
                if (rc)                                                                      \
                    goto done;                                                               \
            }                                                                                \
        }                                                                                    \
    } while (0)

int vg_scenario_parse(const char *json, size_t len, vg_scenario **out, vg_error *err)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return vg_err(err, VG_EPARSE, "scenario: line %d: %s", jerr.line, jerr.text);
    ctx c = {.err = err};
    int rc = 0;
    vg_scenario *sc = calloc(1, sizeof *sc);
    if (!sc) {
        json_decref(root);
        return vg_err(err, VG_ENOMEM, "out of memory");
    }
    static const char *const keys[] = {"name", "site", "start", "duration_s", "seed", "tick_s",
                                       "geoid_undulation", "postures", "sensors", "targets",
                                       "actions", "units", "sites", "zones", "assets",
                                       "whitelist", "coverage", "ground_elevation", NULL};
    char start[40];
    double seed = 1, dur = 0;
    if (!json_is_object(root)) {
        rc = vg_err(err, VG_ETYPE, "scenario: expected a JSON object");
        goto done;
    }
    snprintf(c.path, sizeof c.path, "scenario");
    if ((rc = keys_only(&c, root, keys)) || (rc = str(&c, root, "name", true, sc->name, sizeof sc->name)) ||
        (rc = str(&c, root, "start", true, start, sizeof start)) ||
        (rc = num(&c, root, "duration_s", true, 1, 7 * 86400, &dur)) ||
        (rc = num(&c, root, "seed", false, 0, 9007199254740991.0, &seed)) ||
        (rc = num(&c, root, "tick_s", false, 0, 3600, &sc->tick_s)) ||
        (rc = num(&c, root, "geoid_undulation", false, -120, 120, &sc->geoid_undulation)))
        goto done;
    sc->has_ground_elevation = json_object_get(root, "ground_elevation") != NULL;
    if ((rc = num(&c, root, "ground_elevation", false, -500, 9000, &sc->ground_elevation)))
        goto done;
    for (int d = 0; d < VG_SIM_DATA_COUNT; d++)
        if ((rc = site_data(&c, root, data_names[d], &sc->data[d])))
            goto done;
    sc->duration_s = dur;
    sc->seed = (uint64_t)seed;
    if (vg_time_parse_rfc3339(start, strlen(start), &sc->start, err) < 0) {
        rc = vg_err_prefix(err, "scenario.start: ");
        goto done;
    }
    json_t *site = json_object_get(root, "site");
    if (!site || !json_is_object(site)) {
        rc = fail(&c, VG_EMISSING, "site", "an object {lat, lon, alt}");
        goto done;
    }
    size_t at = enter(&c, "site", -1);
    rc = position(&c, site, &sc->site, true);
    leave(&c, at);
    if (rc)
        goto done;
    c.path[0] = '\0';
    PARSE_LIST("sensors", 1000, sensors, nsensors, sensor);
    PARSE_LIST("targets", 100000, targets, ntargets, target);
    PARSE_LIST("postures", 1000, postures, npostures, posture);
    PARSE_LIST("actions", 100000, actions, nactions, command);
    PARSE_LIST("units", 10000, units, nunits, json_args);
    PARSE_LIST("sites", 10000, sites, nsites, json_args);
    for (int i = 0; i < sc->nsensors; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(sc->sensors[i].id, sc->sensors[j].id) == 0) {
                rc = vg_err(err, VG_EINVAL, "sensors[%d].id: \"%s\" used twice", i, sc->sensors[i].id);
                goto done;
            }
done:
    json_decref(root);
    if (rc) {
        vg_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

void vg_scenario_free(vg_scenario *sc)
{
    if (!sc)
        return;
    for (int i = 0; i < sc->nsensors; i++) {
        free(sc->sensors[i].down);
        free(sc->sensors[i].clutter);
    }
    for (int i = 0; i < sc->ntargets; i++) {
        free(sc->targets[i].wp);
        free(sc->targets[i].pilot);
    }
    free(sc->sensors);
    free(sc->targets);
    free(sc->postures);
    free(sc->actions);
    free(sc->units);
    free(sc->sites);
    for (int d = 0; d < VG_SIM_DATA_COUNT; d++)
        free(sc->data[d].json);
    free(sc);
}
