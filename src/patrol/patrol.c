/* patrol/patrol.c — the patrol module's tables and its commands.
 *
 * Units and sites live in fixed tables allocated at creation, found by id with a
 * linear scan (commands are rare; the per-second work goes by index). Command args
 * are parsed strictly — unknown fields, duplicate keys, wrong types and values out
 * of range are errors naming the field — and fully validated before anything
 * changes, so a rejected command leaves the state as it was. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patrol/patrol_int.h"

static const char *const force_names[VG_FORCE_COUNT] = {"army", "police", "gendarmerie",
                                                        "municipal"};
static const char *const mode_names[VG_MODE_COUNT] = {"foot", "vehicle", "bike"};
static const char *const status_names[VG_UNIT_STATUS_COUNT] = {
    "available", "patrolling", "en_route", "on_scene", "off_duty"};
static const char *const category_names[VG_SITE_CATEGORY_COUNT] = {
    "station", "place_of_worship", "school", "tourist_site", "fan_zone", "venue"};
static const char *const cap_names[VG_CAP_COUNT] = {"intercept", "first_aid", "k9", "jammer",
                                                    "cbrn"};

const char *vg_force_name(vg_force f)
{
    return (unsigned)f < VG_FORCE_COUNT ? force_names[f] : "invalid";
}
const char *vg_unit_mode_name(vg_unit_mode m)
{
    return (unsigned)m < VG_MODE_COUNT ? mode_names[m] : "invalid";
}
const char *vg_unit_status_name(vg_unit_status s)
{
    return (unsigned)s < VG_UNIT_STATUS_COUNT ? status_names[s] : "invalid";
}
const char *vg_site_category_name(vg_site_category c)
{
    return (unsigned)c < VG_SITE_CATEGORY_COUNT ? category_names[c] : "invalid";
}
const char *vg_capability_name(uint32_t f)
{
    for (int i = 0; i < VG_CAP_COUNT; i++)
        if (f == 1u << i)
            return cap_names[i];
    return "invalid";
}

/* ---- life ------------------------------------------------------------------------ */

void vg_patrol_opts_resolve(vg_patrol_opts *o)
{
#define DFLT(f, v) if (o->f == 0) o->f = v
    DFLT(units, 1024);
    DFLT(sites, 512);
    DFLT(dispatches, 256);
    DFLT(proposals, 3);
    DFLT(detour_factor, 1.4);
    DFLT(speed_foot_mps, 1.4);
    DFLT(speed_bike_mps, 4.5);
    DFLT(speed_vehicle_mps, 9.0);
    DFLT(stale_after_s, 300.0);
    DFLT(arrival_radius_m, 50.0);
    DFLT(site_radius_m, 100.0);
    DFLT(area_margin_m, 30000.0);
    DFLT(gap_grace_s, 120.0);
#undef DFLT
}

static bool pos_finite(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

int vg_patrol_create(vg_patrol **out, const vg_patrol_opts *opts, vg_threat *th, vg_error *err)
{
    vg_patrol_opts o = {0};
    if (opts)
        o = *opts;
    vg_patrol_opts_resolve(&o);
    if (o.units < 1 || o.units > VG_PATROL_CAP_MAX || o.sites < 1 || o.sites > VG_PATROL_CAP_MAX ||
        o.dispatches < 1 || o.dispatches > VG_PATROL_CAP_MAX)
        return vg_err(err, VG_EINVAL, "patrol: capacities must be in [1, %d]", VG_PATROL_CAP_MAX);
    if (o.proposals < 1 || o.proposals > VG_PATROL_PROPOSALS_MAX)
        return vg_err(err, VG_EINVAL, "patrol: proposals %d out of range [1, %d]", o.proposals,
                      VG_PATROL_PROPOSALS_MAX);
    if (!pos_finite(o.detour_factor, 1.0, 10.0))
        return vg_err(err, VG_EINVAL, "patrol: detour_factor %g out of range [1, 10]",
                      o.detour_factor);
    if (!pos_finite(o.speed_foot_mps, 0.1, 100) || !pos_finite(o.speed_bike_mps, 0.1, 100) ||
        !pos_finite(o.speed_vehicle_mps, 0.1, 100))
        return vg_err(err, VG_EINVAL, "patrol: speeds must be in [0.1, 100] m/s");
    if (!pos_finite(o.stale_after_s, 1, 86400) || !pos_finite(o.arrival_radius_m, 1, 10000) ||
        !pos_finite(o.site_radius_m, 1, 10000) || !pos_finite(o.area_margin_m, 100, 1e6) ||
        !pos_finite(o.gap_grace_s, 0, 86400))
        return vg_err(err, VG_EINVAL, "patrol: stale_after_s, arrival_radius_m, site_radius_m, "
                      "area_margin_m or gap_grace_s out of range");
    vg_patrol *p = calloc(1, sizeof *p);
    if (!p)
        return vg_err(err, VG_ENOMEM, "patrol: out of memory");
    p->opts = o;
    p->threat = th;
    p->units = calloc((size_t)o.units, sizeof *p->units);
    p->sites = calloc((size_t)o.sites, sizeof *p->sites);
    p->disp = calloc((size_t)o.dispatches, sizeof *p->disp);
    p->scratch = calloc((size_t)o.units, sizeof *p->scratch);
    if (!p->units || !p->sites || !p->disp || !p->scratch) {
        vg_patrol_free(p);
        return vg_err(err, VG_ENOMEM, "patrol: out of memory for its tables");
    }
    *out = p;
    return 0;
}

void vg_patrol_free(vg_patrol *p)
{
    if (!p)
        return;
    free(p->units);
    free(p->sites);
    free(p->disp);
    free(p->scratch);
    free(p);
}

/* ---- strict JSON readers --------------------------------------------------------- */

int pt_json_keys(json_t *obj, const char *const *allowed, size_t n, const char *path,
                        vg_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        size_t i = 0;
        while (i < n && strcmp(k, allowed[i]) != 0)
            i++;
        if (i == n)
            return vg_err(err, VG_EUNKNOWN, "%s: unknown field \"%.40s\"", path, k);
    }
    return 0;
}

/* A string of 1..cap-1 bytes without control characters. */
int pt_json_str(json_t *obj, const char *key, bool required, char *dst, size_t cap,
                   bool *present, const char *path, vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v) {
        if (required)
            return vg_err(err, VG_EMISSING, "%s.%s: missing", path, key);
        return 0;
    }
    if (!json_is_string(v))
        return vg_err(err, VG_ETYPE, "%s.%s: expected a string", path, key);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n >= cap)
        return vg_err(err, VG_ERANGE, "%s.%s: %zu bytes, expected 1 to %zu", path, key, n,
                      cap - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            return vg_err(err, VG_EINVAL, "%s.%s: control character", path, key);
    memcpy(dst, s, n + 1);
    return 0;
}

int pt_json_num(json_t *obj, const char *key, bool required, double lo, double hi, double *out,
                   bool *present, const char *path, vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v) {
        if (required)
            return vg_err(err, VG_EMISSING, "%s.%s: missing", path, key);
        return 0;
    }
    if (!json_is_number(v))
        return vg_err(err, VG_ETYPE, "%s.%s: expected a number", path, key);
    double d = json_number_value(v);
    if (!(d >= lo && d <= hi))
        return vg_err(err, VG_ERANGE, "%s.%s: %g out of range [%g, %g]", path, key, d, lo, hi);
    *out = d;
    return 0;
}

int pt_json_enum(json_t *obj, const char *key, bool required, const char *const *names,
                    int n, int *out, bool *present, const char *path, vg_error *err)
{
    char s[VG_ID_MAX];
    bool has;
    int rc = pt_json_str(obj, key, required, s, sizeof s, &has, path, err);
    if (present)
        *present = has;
    if (rc < 0 || !has)
        return rc;
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return vg_err(err, VG_EINVAL, "%s.%s: unknown value \"%s\"", path, key, s);
}

static json_t *load_json(const char *buf, size_t len, const char *what, vg_error *err)
{
    if (!buf)
        return vg_err(err, VG_EINVAL, "%s: no text", what), NULL;
    if (len > 16u * 1024 * 1024)
        return vg_err(err, VG_ETOOBIG, "%s: more than 16 MiB", what), NULL;
    json_error_t je;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        vg_err(err, VG_EPARSE, "%s: line %d column %d: %s", what, je.line, je.column, je.text);
    return j;
}

static int parse_unit_obj(json_t *o, const char *path, vg_unit *u, vg_error *err)
{
    static const char *const keys[] = {"unit", "callsign", "force", "size", "mode",
                                       "capabilities", "status", "lat", "lon", "sector"};
    if (!json_is_object(o))
        return vg_err(err, VG_ETYPE, "%s: expected an object", path);
    int rc = pt_json_keys(o, keys, sizeof keys / sizeof keys[0], path, err);
    memset(u, 0, sizeof *u);
    u->in_site = -1;
    u->last_report = VG_TIME_MIN;
    u->size = 1;
    int force = 0, mode = 0, status = 0;
    double size = 1, lat = 0, lon = 0;
    bool has_lat = false, has_lon = false, has;
    if (rc == 0)
        rc = pt_json_str(o, "unit", true, u->id, sizeof u->id, NULL, path, err);
    if (rc == 0)
        rc = pt_json_str(o, "callsign", false, u->callsign, sizeof u->callsign, NULL, path, err);
    if (rc == 0)
        rc = pt_json_str(o, "sector", false, u->sector, sizeof u->sector, NULL, path, err);
    if (rc == 0)
        rc = pt_json_enum(o, "force", true, force_names, VG_FORCE_COUNT, &force, NULL, path, err);
    if (rc == 0)
        rc = pt_json_num(o, "size", false, 1, 1000, &size, NULL, path, err);
    if (rc == 0 && size != floor(size))
        rc = vg_err(err, VG_EINVAL, "%s.size: expected a whole number", path);
    if (rc == 0)
        rc = pt_json_enum(o, "mode", false, mode_names, VG_MODE_COUNT, &mode, NULL, path, err);
    if (rc == 0)
        rc = pt_json_enum(o, "status", false, status_names, VG_UNIT_STATUS_COUNT, &status, &has,
                      path, err);
    if (rc == 0)
        rc = pt_json_num(o, "lat", false, -90, 90, &lat, &has_lat, path, err);
    if (rc == 0)
        rc = pt_json_num(o, "lon", false, -180, 180, &lon, &has_lon, path, err);
    if (rc == 0 && has_lat != has_lon)
        rc = vg_err(err, VG_EMISSING, "%s: lat and lon go together", path);
    json_t *caps = json_object_get(o, "capabilities");
    if (rc == 0 && caps) {
        if (!json_is_array(caps))
            rc = vg_err(err, VG_ETYPE, "%s.capabilities: expected an array", path);
        size_t i;
        json_t *c;
        json_array_foreach(caps, i, c) {
            if (rc < 0)
                break;
            const char *s = json_string_value(c);
            int k = 0;
            while (s && k < VG_CAP_COUNT && strcmp(s, cap_names[k]) != 0)
                k++;
            if (!s || k == VG_CAP_COUNT)
                rc = vg_err(err, VG_EINVAL, "%s.capabilities[%zu]: unknown capability", path, i);
            else
                u->caps |= 1u << k;
        }
    }
    if (rc < 0)
        return rc;
    if (force == VG_FORCE_ARMY && (u->caps & VG_CAP_INTERCEPT))
        return vg_err(err, VG_EINVAL, "%s: unit %s: soldiers do not intercept (Sentinelle: "
                      "interception is for police and gendarmes)", path, u->id);
    if (status == VG_UNIT_EN_ROUTE || status == VG_UNIT_ON_SCENE)
        return vg_err(err, VG_EINVAL, "%s.status: a unit is sent en_route by a confirmed "
                      "dispatch, not declared so", path);
    u->force = (vg_force)force;
    u->mode = (vg_unit_mode)mode;
    u->status = (vg_unit_status)status;
    u->size = (int)size;
    if (!u->callsign[0])
        memcpy(u->callsign, u->id, sizeof u->id);
    if (has_lat) {
        u->has_pos = true;
        u->lat = lat;
        u->lon = lon;
    }
    return 0;
}

static int parse_site_obj(json_t *o, const char *path, double default_radius, vg_patrol_site *s,
                          vg_error *err)
{
    static const char *const keys[] = {"id", "name", "category", "sector", "lat", "lon",
                                       "polygon", "radius_m"};
    if (!json_is_object(o))
        return vg_err(err, VG_ETYPE, "%s: expected an object", path);
    int rc = pt_json_keys(o, keys, sizeof keys / sizeof keys[0], path, err);
    memset(s, 0, sizeof *s);
    s->radius_m = default_radius;
    s->last_presence = VG_TIME_MIN;
    int cat = 0;
    bool has_lat = false, has_lon = false;
    if (rc == 0)
        rc = pt_json_str(o, "id", true, s->id, sizeof s->id, NULL, path, err);
    if (rc == 0)
        rc = pt_json_str(o, "name", false, s->name, sizeof s->name, NULL, path, err);
    if (rc == 0)
        rc = pt_json_enum(o, "category", true, category_names, VG_SITE_CATEGORY_COUNT, &cat, NULL,
                      path, err);
    if (rc == 0)
        rc = pt_json_str(o, "sector", false, s->sector, sizeof s->sector, NULL, path, err);
    if (rc == 0)
        rc = pt_json_num(o, "radius_m", false, 1, 10000, &s->radius_m, NULL, path, err);
    if (rc == 0)
        rc = pt_json_num(o, "lat", false, -90, 90, &s->lat, &has_lat, path, err);
    if (rc == 0)
        rc = pt_json_num(o, "lon", false, -180, 180, &s->lon, &has_lon, path, err);
    json_t *poly = json_object_get(o, "polygon");
    if (rc == 0 && has_lat != has_lon)
        rc = vg_err(err, VG_EMISSING, "%s: lat and lon go together", path);
    if (rc == 0 && has_lat == (poly != NULL))
        rc = vg_err(err, VG_EINVAL, "%s: give either lat and lon, or a polygon", path);
    if (rc == 0 && poly) {
        size_t n = json_array_size(poly);
        if (!json_is_array(poly) || n < 3 || n > VG_PATROL_POLY_MAX)
            return vg_err(err, VG_EINVAL, "%s.polygon: expected an array of 3 to %d [lat, lon] "
                          "pairs", path, VG_PATROL_POLY_MAX);
        double slat = 0, slon = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *pt = json_array_get(poly, i);
            json_t *a = json_array_get(pt, 0), *b = json_array_get(pt, 1);
            if (json_array_size(pt) != 2 || !json_is_number(a) || !json_is_number(b))
                return vg_err(err, VG_ETYPE, "%s.polygon[%zu]: expected [lat, lon]", path, i);
            double la = json_number_value(a), lo = json_number_value(b);
            if (!(la >= -90 && la <= 90 && lo >= -180 && lo <= 180))
                return vg_err(err, VG_ERANGE, "%s.polygon[%zu]: out of range", path, i);
            s->poly[i][0] = la;
            s->poly[i][1] = lo;
            slat += la;
            slon += lo;
        }
        s->npoly = (int)n;
        s->lat = slat / (double)n;
        s->lon = slon / (double)n;
    }
    if (rc < 0)
        return rc;
    s->category = (vg_site_category)cat;
    if (!s->name[0])
        memcpy(s->name, s->id, sizeof s->id);
    return 0;
}

int vg_patrol_parse_unit(const char *json, size_t len, vg_unit *out, vg_error *err)
{
    json_t *j = load_json(json, len, "unit_add", err);
    if (!j)
        return VG_EPARSE;
    int rc = parse_unit_obj(j, "unit_add", out, err);
    json_decref(j);
    return rc;
}

int vg_patrol_parse_site(const char *json, size_t len, double default_radius_m,
                         vg_patrol_site *out, vg_error *err)
{
    json_t *j = load_json(json, len, "site_add", err);
    if (!j)
        return VG_EPARSE;
    int rc = parse_site_obj(j, "site_add", default_radius_m > 0 ? default_radius_m : 100.0, out,
                            err);
    json_decref(j);
    return rc;
}

/* ---- tables ----------------------------------------------------------------------------- */

int pt_unit_index(const vg_patrol *p, const char *id)
{
    for (int i = 0; i < p->nunits; i++)
        if (strcmp(p->units[i].id, id) == 0)
            return i;
    return -1;
}

static int site_index(const vg_patrol *p, const char *id)
{
    for (int i = 0; i < p->nsites; i++)
        if (strcmp(p->sites[i].id, id) == 0)
            return i;
    return -1;
}

static void update_area(vg_patrol *p)
{
    const vg_patrol_site *s = &p->sites[p->nsites - 1];
    double dlat = p->opts.area_margin_m / 111320.0;
    double c = cos(s->lat * (3.14159265358979323846 / 180.0));
    double dlon = dlat / (c > 0.01 ? c : 0.01);
    if (!p->has_area) {
        p->has_area = true;
        p->lat_min = p->lat_max = s->lat;
        p->lon_min = p->lon_max = s->lon;
    }
    p->lat_min = fmin(p->lat_min, s->lat - dlat);
    p->lat_max = fmax(p->lat_max, s->lat + dlat);
    p->lon_min = fmin(p->lon_min, s->lon - dlon);
    p->lon_max = fmax(p->lon_max, s->lon + dlon);
}

static int check_area(const vg_patrol *p, const char *what, double lat, double lon, vg_error *err)
{
    if (p->has_area && (lat < p->lat_min || lat > p->lat_max || lon < p->lon_min ||
                        lon > p->lon_max))
        return vg_err(err, VG_ERANGE, "%s: position %.5f, %.5f is outside the area of "
                      "operations (more than %g m from every site)", what, lat, lon,
                      p->opts.area_margin_m);
    return 0;
}

/* Add units (or sites) of array a; all checked before any is added. */
static int add_units(vg_patrol *p, json_t *a, const char *what, vg_time t, vg_error *err)
{
    size_t n = json_array_size(a);
    if (!json_is_array(a))
        return vg_err(err, VG_ETYPE, "%s: expected an array of units", what);
    if ((size_t)p->nunits + n > (size_t)p->opts.units)
        return vg_err(err, VG_EFULL, "%s: %zu units would exceed the capacity of %d", what, n,
                      p->opts.units);
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s[%zu]", what, i);
        vg_unit *u = &p->units[p->nunits + (int)i];
        int rc = parse_unit_obj(json_array_get(a, i), path, u, err);
        if (rc == 0 && u->has_pos)
            rc = check_area(p, path, u->lat, u->lon, err);
        if (rc == 0 && pt_unit_index(p, u->id) >= 0)
            rc = vg_err(err, VG_EINVAL, "%s: unit %s already exists", path, u->id);
        for (size_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(p->units[p->nunits + (int)k].id, u->id) == 0)
                rc = vg_err(err, VG_EINVAL, "%s: unit %s given twice", path, u->id);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        vg_unit *u = &p->units[p->nunits++];
        if (u->has_pos) {
            u->last_report = t;
            pt_unit_locate(p, u, t);
        }
    }
    return (int)n;
}

static int add_sites(vg_patrol *p, json_t *a, const char *what, vg_time t, vg_error *err)
{
    size_t n = json_array_size(a);
    if (!json_is_array(a))
        return vg_err(err, VG_ETYPE, "%s: expected an array of sites", what);
    if ((size_t)p->nsites + n > (size_t)p->opts.sites)
        return vg_err(err, VG_EFULL, "%s: %zu sites would exceed the capacity of %d", what, n,
                      p->opts.sites);
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s[%zu]", what, i);
        vg_patrol_site *s = &p->sites[p->nsites + (int)i];
        int rc = parse_site_obj(json_array_get(a, i), path, p->opts.site_radius_m, s, err);
        if (rc == 0 && site_index(p, s->id) >= 0)
            rc = vg_err(err, VG_EINVAL, "%s: site %s already exists", path, s->id);
        for (size_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(p->sites[p->nsites + (int)k].id, s->id) == 0)
                rc = vg_err(err, VG_EINVAL, "%s: site %s given twice", path, s->id);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        vg_patrol_site *s = &p->sites[p->nsites++];
        /* The obligation starts counting when the site is declared. */
        s->added = t;
        update_area(p);
    }
    for (int i = 0; i < p->nunits; i++)
        if (p->units[i].has_pos)
            pt_unit_locate(p, &p->units[i], t);
    return (int)n;
}

int vg_patrol_load_units(vg_patrol *p, const char *buf, size_t len, vg_time t, vg_error *err)
{
    json_t *j = load_json(buf, len, "units", err);
    if (!j)
        return VG_EPARSE;
    int rc = add_units(p, j, "units", t, err);
    json_decref(j);
    return rc;
}

int vg_patrol_load_sites(vg_patrol *p, const char *buf, size_t len, vg_time t, vg_error *err)
{
    json_t *j = load_json(buf, len, "sites", err);
    if (!j)
        return VG_EPARSE;
    int rc = add_sites(p, j, "sites", t, err);
    json_decref(j);
    return rc;
}

/* ---- commands -------------------------------------------------------------------------- */

bool vg_patrol_handles(const char *kind)
{
    static const char *const kinds[] = {"unit_add", "unit_position", "unit_status",
                                        "site_add", "dispatch_confirm", "dispatch_outcome"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

static int unit_position(vg_patrol *p, json_t *a, vg_time t, vg_patrol_emit_fn emit, void *ud,
                         vg_error *err)
{
    static const char *const keys[] = {"unit", "lat", "lon", "time"};
    char id[VG_ID_MAX];
    double lat = 0, lon = 0, secs = 0;
    bool has_time;
    int rc = pt_json_keys(a, keys, 4, "unit_position", err);
    if (rc == 0)
        rc = pt_json_str(a, "unit", true, id, sizeof id, NULL, "unit_position", err);
    if (rc == 0)
        rc = pt_json_num(a, "lat", true, -90, 90, &lat, NULL, "unit_position", err);
    if (rc == 0)
        rc = pt_json_num(a, "lon", true, -180, 180, &lon, NULL, "unit_position", err);
    if (rc == 0)
        rc = pt_json_num(a, "time", false, 0, 253402300799.0, &secs, &has_time, "unit_position",
                         err);
    if (rc < 0)
        return rc;
    int ui = pt_unit_index(p, id);
    if (ui < 0)
        return vg_err(err, VG_ENOTFOUND, "unit_position: unknown unit \"%s\"", id);
    vg_unit *u = &p->units[ui];
    vg_time at = t;
    if (has_time) {
        at = (vg_time)llround(secs * 1e6);
        if (at > t)
            return vg_err(err, VG_ERANGE, "unit_position: unit %s: report time %.3f s in the "
                          "future", id, (double)(at - t) / 1e6);
        if (u->last_report != VG_TIME_MIN && at < u->last_report)
            return vg_err(err, VG_EORDER, "unit_position: unit %s: report older than the "
                          "last one", id);
    }
    rc = check_area(p, "unit_position", lat, lon, err);
    if (rc < 0)
        return vg_err_prefix(err, "unit %s: ", id);
    u->has_pos = true;
    u->lat = lat;
    u->lon = lon;
    u->last_report = at;
    u->stale = false;
    pt_unit_locate(p, u, t);
    pt_dispatch_unit_moved(p, ui, t, emit, ud);
    return 0;
}

static int unit_status(vg_patrol *p, json_t *a, vg_error *err)
{
    static const char *const keys[] = {"unit", "status"};
    char id[VG_ID_MAX];
    int st = 0;
    int rc = pt_json_keys(a, keys, 2, "unit_status", err);
    if (rc == 0)
        rc = pt_json_str(a, "unit", true, id, sizeof id, NULL, "unit_status", err);
    if (rc == 0)
        rc = pt_json_enum(a, "status", true, status_names, VG_UNIT_STATUS_COUNT, &st, NULL,
                      "unit_status", err);
    if (rc < 0)
        return rc;
    int ui = pt_unit_index(p, id);
    if (ui < 0)
        return vg_err(err, VG_ENOTFOUND, "unit_status: unknown unit \"%s\"", id);
    vg_unit *u = &p->units[ui];
    bool dispatched = u->status == VG_UNIT_EN_ROUTE || u->status == VG_UNIT_ON_SCENE;
    if (st == VG_UNIT_EN_ROUTE || st == VG_UNIT_ON_SCENE)
        return vg_err(err, VG_ESTATE, "unit_status: unit %s: en_route and on_scene follow a "
                      "confirmed dispatch (dispatch_confirm)", id);
    if (dispatched)
        return vg_err(err, VG_ESTATE, "unit_status: unit %s is %s on a dispatch: close it "
                      "with dispatch_outcome first", id, vg_unit_status_name(u->status));
    u->status = (vg_unit_status)st;
    return 0;
}

static bool role_in(vg_role r, bool op, bool cmdr, bool admin)
{
    return (r == VG_ROLE_OPERATOR && op) || (r == VG_ROLE_COMMANDER && cmdr) ||
           (r == VG_ROLE_ADMIN && admin);
}

int vg_patrol_command(vg_patrol *p, const vg_command *cmd, vg_time t,
                      const vg_postures *postures, vg_patrol_emit_fn emit, void *userdata,
                      vg_error *err)
{
    (void)postures;
    const char *k = cmd->kind;
    if (!vg_patrol_handles(k))
        return vg_err(err, VG_EUNKNOWN, "patrol: unknown command \"%s\"", k);
    bool is_add = strcmp(k, "unit_add") == 0 || strcmp(k, "site_add") == 0;
    bool is_disp = strncmp(k, "dispatch_", 9) == 0;
    bool allowed = is_add ? role_in(cmd->role, false, true, true)
                 : is_disp ? role_in(cmd->role, true, true, false)
                           : role_in(cmd->role, true, true, true);
    if (!allowed)
        return vg_err(err, VG_EDENIED, "%s: not allowed to a %s", k, vg_role_name(cmd->role));
    json_t *a = load_json(cmd->args[0] ? cmd->args : "{}", strlen(cmd->args[0] ? cmd->args : "{}"),
                          k, err);
    if (!a)
        return VG_EPARSE;
    int rc;
    if (!json_is_object(a)) {
        rc = vg_err(err, VG_ETYPE, "%s: args must be an object", k);
    } else if (is_add) {
        json_t *one = json_array();
        json_array_append(one, a);
        rc = k[0] == 'u' ? add_units(p, one, k, t, err) : add_sites(p, one, k, t, err);
        json_decref(one);
        if (rc > 0)
            rc = 0;
        if (rc < 0 && strncmp(err->msg, k, strlen(k)) == 0 && err->msg[strlen(k)] == '[') {
            /* "unit_add[0].lat" reads better as "unit_add.lat" for a command. */
            char *br = strchr(err->msg, '[');
            char *end = strchr(br, ']');
            memmove(br, end + 1, strlen(end + 1) + 1);
        }
    } else if (strcmp(k, "unit_position") == 0) {
        rc = unit_position(p, a, t, emit, userdata, err);
    } else if (strcmp(k, "unit_status") == 0) {
        rc = unit_status(p, a, err);
    } else if (strcmp(k, "dispatch_confirm") == 0) {
        rc = pt_dispatch_confirm(p, a, cmd, t, emit, userdata, err);
    } else {
        rc = pt_dispatch_outcome(p, a, cmd, t, emit, userdata, err);
    }
    json_decref(a);
    return rc;
}

/* ---- queries ---------------------------------------------------------------------------- */

int vg_patrol_unit_count(const vg_patrol *p)
{
    return p->nunits;
}
const vg_unit *vg_patrol_unit(const vg_patrol *p, int i)
{
    return i >= 0 && i < p->nunits ? &p->units[i] : NULL;
}
const vg_unit *vg_patrol_unit_find(const vg_patrol *p, const char *id)
{
    return vg_patrol_unit(p, pt_unit_index(p, id));
}
int vg_patrol_site_count(const vg_patrol *p)
{
    return p->nsites;
}
const vg_patrol_site *vg_patrol_site_at(const vg_patrol *p, int i)
{
    return i >= 0 && i < p->nsites ? &p->sites[i] : NULL;
}

/* ---- plan input ------------------------------------------------------------------------ */

void vg_plan_input_free(vg_plan_input *in)
{
    free(in->units);
    free(in->sites);
    memset(in, 0, sizeof *in);
}

int vg_plan_input_parse(const char *buf, size_t len, vg_plan_input *out, vg_error *err)
{
    memset(out, 0, sizeof *out);
    json_t *j = load_json(buf, len, "plan input", err);
    if (!j)
        return VG_EPARSE;
    int rc = 0;
    json_t *units = json_object_get(j, "units"), *sites = json_object_get(j, "sites");
    size_t nu = json_array_size(units), ns = json_array_size(sites);
    if (!json_is_object(j))
        rc = vg_err(err, VG_ETYPE, "plan input: expected an object with units and sites");
    else if (!json_is_array(units) || !json_is_array(sites))
        rc = vg_err(err, VG_EMISSING, "plan input: needs a \"units\" array and a \"sites\" "
                    "array");
    else if (nu > 100000 || ns > 100000)
        rc = vg_err(err, VG_ETOOBIG, "plan input: more than 100000 units or sites");
    if (rc == 0) {
        out->units = calloc(nu ? nu : 1, sizeof *out->units);
        out->sites = calloc(ns ? ns : 1, sizeof *out->sites);
        if (!out->units || !out->sites)
            rc = vg_err(err, VG_ENOMEM, "plan input: out of memory");
    }
    for (size_t i = 0; rc == 0 && i < nu; i++) {
        char path[48];
        snprintf(path, sizeof path, "units[%zu]", i);
        rc = parse_unit_obj(json_array_get(units, i), path, &out->units[i], err);
        for (size_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(out->units[k].id, out->units[i].id) == 0)
                rc = vg_err(err, VG_EINVAL, "%s: unit %s given twice", path, out->units[i].id);
        out->nunits = (int)i + 1;
    }
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        char path[48];
        snprintf(path, sizeof path, "sites[%zu]", i);
        rc = parse_site_obj(json_array_get(sites, i), path, 100.0, &out->sites[i], err);
        for (size_t k = 0; rc == 0 && k < i; k++)
            if (strcmp(out->sites[k].id, out->sites[i].id) == 0)
                rc = vg_err(err, VG_EINVAL, "%s: site %s given twice", path, out->sites[i].id);
        out->nsites = (int)i + 1;
    }
    json_decref(j);
    if (rc < 0)
        vg_plan_input_free(out);
    return rc;
}
