/* threat/threat.c — the threat module's life, configuration and entry points.
 *
 * Creates the fixed tables (alerts, whitelist, assets, coverage), loads the assets
 * and the coverage declarations from JSON buffers, turns sensor status changes into
 * airspace_not_observed alerts, and routes commands to the alert and whitelist
 * code. Also the strict JSON readers the other files use: every configuration input
 * here is untrusted text, so unknown fields, wrong types and out-of-range values are
 * rejected with a message naming the element and the field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threat/threat_int.h"

static const char *const rule_names[VG_RULE_COUNT] = {
    "zone_entry", "zone_predicted", "asset_proximity",
    "spoofing", "aircraft_no_id", "airspace_not_observed", "coverage_gap",
};

const char *vg_threat_rule_name(vg_threat_rule r)
{
    return (unsigned)r < VG_RULE_COUNT ? rule_names[r] : "invalid";
}

/* The severity table of threat.h, one row per rule, one column per level. */
static const vg_severity severity_table[VG_RULE_COUNT][VG_POSTURE_LEVEL_COUNT] = {
    [VG_RULE_ZONE_ENTRY] = {VG_SEV_WARNING, VG_SEV_CRITICAL, VG_SEV_CRITICAL},
    [VG_RULE_ZONE_PREDICTED] = {VG_SEV_WARNING, VG_SEV_WARNING, VG_SEV_CRITICAL},
    [VG_RULE_ASSET_PROXIMITY] = {VG_SEV_WARNING, VG_SEV_WARNING, VG_SEV_CRITICAL},
    [VG_RULE_SPOOFING] = {VG_SEV_WARNING, VG_SEV_WARNING, VG_SEV_WARNING},
    [VG_RULE_AIRCRAFT_NO_ID] = {VG_SEV_CRITICAL, VG_SEV_CRITICAL, VG_SEV_CRITICAL},
    [VG_RULE_AIRSPACE_NOT_OBSERVED] = {VG_SEV_WARNING, VG_SEV_WARNING, VG_SEV_CRITICAL},
    [VG_RULE_COVERAGE_GAP] = {VG_SEV_INFO, VG_SEV_WARNING, VG_SEV_WARNING},
};

vg_severity vg_threat_severity(vg_threat_rule r, vg_posture_level level)
{
    if ((unsigned)r >= VG_RULE_COUNT || (unsigned)level >= VG_POSTURE_LEVEL_COUNT)
        return VG_SEV_WARNING;
    return severity_table[r][level];
}

uint64_t th_hash(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ---- life ------------------------------------------------------------------------ */

static int capacity(int *field, int dflt, const char *name, vg_error *err)
{
    if (*field == 0)
        *field = dflt;
    if (*field < 0 || *field > VG_THREAT_CAP_MAX)
        return vg_err(err, VG_EINVAL, "threat: %s capacity %d out of range [1, %d]", name,
                      *field, VG_THREAT_CAP_MAX);
    return 0;
}

int vg_threat_create(vg_threat **out, const vg_threat_opts *opts, vg_error *err)
{
    *out = NULL;
    vg_threat_opts o = {0};
    if (opts)
        o = *opts;
    int rc;
    if ((rc = capacity(&o.alerts, 1024, "alerts", err)) < 0 ||
        (rc = capacity(&o.whitelist, 256, "whitelist", err)) < 0 ||
        (rc = capacity(&o.assets, 256, "assets", err)) < 0 ||
        (rc = capacity(&o.coverage_zones, 64, "coverage_zones", err)) < 0 ||
        (rc = capacity(&o.operator_links, 256, "operator_links", err)) < 0)
        return rc;
    if (o.drone_threshold == 0)
        o.drone_threshold = 0.5;
    if (!(o.drone_threshold > 0 && o.drone_threshold <= 1))
        return vg_err(err, VG_EINVAL, "threat: drone_threshold %g out of range (0, 1]",
                      o.drone_threshold);
    if (o.identify_grace_s == 0)
        o.identify_grace_s = 3;
    if (o.identify_grace_s < 0)
        o.identify_grace_s = 0;
    if (!(o.identify_grace_s <= 60))
        return vg_err(err, VG_EINVAL, "threat: identify_grace_s %g out of range [0, 60]",
                      o.identify_grace_s);
    if (o.predict_resolution_m == 0)
        o.predict_resolution_m = 40;
    if (!(o.predict_resolution_m >= 1 && o.predict_resolution_m <= 1000))
        return vg_err(err, VG_EINVAL, "threat: predict_resolution_m %g out of range [1, 1000]",
                      o.predict_resolution_m);
    vg_threat *th = calloc(1, sizeof *th);
    if (!th)
        return vg_err(err, VG_ENOMEM, "threat: out of memory");
    th->opts = o;
    th->next_id = 1;
    th->alerts = calloc((size_t)o.alerts, sizeof *th->alerts);
    th->wl = calloc((size_t)o.whitelist, sizeof *th->wl);
    th->links = calloc((size_t)o.operator_links, sizeof *th->links);
    th->assets = calloc((size_t)o.assets, sizeof *th->assets);
    th->cov = calloc((size_t)o.coverage_zones, sizeof *th->cov);
    th->nbuckets = 1;
    while (th->nbuckets < o.alerts)
        th->nbuckets *= 2;
    th->buckets = malloc((size_t)th->nbuckets * sizeof *th->buckets);
    for (int i = 0; th->buckets && i < th->nbuckets; i++)
        th->buckets[i] = -1;
    if (!th->alerts || !th->buckets || !th->wl || !th->links || !th->assets || !th->cov) {
        vg_threat_free(th);
        return vg_err(err, VG_ENOMEM, "threat: out of memory");
    }
    *out = th;
    return 0;
}

void vg_threat_free(vg_threat *th)
{
    if (!th)
        return;
    free(th->alerts);
    free(th->buckets);
    free(th->wl);
    free(th->links);
    free(th->assets);
    free(th->cov);
    free(th);
}

void vg_threat_get_stats(const vg_threat *th, vg_threat_stats *out)
{
    *out = th->stats;
    out->open = 0;
    for (int i = 0; i < th->opts.alerts; i++)
        if (th->alerts[i].used && th->alerts[i].a.state < VG_ALERT_RESOLVED)
            out->open++;
    out->whitelist = th->nwl;
    out->assets = th->nassets;
    out->coverage_zones = th->ncov;
}

/* ---- strict JSON readers ------------------------------------------------------------ */

json_t *th_json_load(const char *buf, size_t len, const char *what, vg_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        vg_err(err, VG_EPARSE, "%s: line %d column %d: %s", what, jerr.line, jerr.column,
               jerr.text);
    return root;
}

int th_json_keys(json_t *obj, const char *const *allowed, size_t n, const char *path,
                 vg_error *err)
{
    if (!json_is_object(obj))
        return vg_err(err, VG_ETYPE, "%s: expected an object", path);
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok)
            return vg_err(err, VG_EUNKNOWN, "%s: unknown field \"%.40s\"", path, k);
    }
    return 0;
}

static int json_string_field(json_t *obj, const char *key, bool required, char *dst,
                             size_t cap, bool text, bool *present, const char *path,
                             vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = false;
    if (!v || json_is_null(v)) {
        if (required)
            return vg_err(err, VG_EMISSING, "%s.%s: required", path, key);
        return 0;
    }
    if (!json_is_string(v))
        return vg_err(err, VG_ETYPE, "%s.%s: expected a string", path, key);
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n >= cap)
        return vg_err(err, VG_ERANGE, "%s.%s: length %zu outside [1, %zu]", path, key, n,
                      cap - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 || c == 0x7f) && (!text || (c != '\n' && c != '\t')))
            return vg_err(err, VG_EINVAL, "%s.%s: control character at byte %zu", path, key,
                          i);
    }
    memcpy(dst, s, n + 1);
    if (present)
        *present = true;
    return 0;
}

int th_json_id(json_t *obj, const char *key, bool required, char *dst, bool *present,
               const char *path, vg_error *err)
{
    return json_string_field(obj, key, required, dst, VG_ID_MAX, false, present, path, err);
}

int th_json_text(json_t *obj, const char *key, bool required, char *dst, bool *present,
                 const char *path, vg_error *err)
{
    return json_string_field(obj, key, required, dst, VG_TEXT_MAX, true, present, path, err);
}

int th_json_number(json_t *obj, const char *key, double lo, double hi, double *out,
                   const char *path, vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return vg_err(err, VG_EMISSING, "%s.%s: required", path, key);
    if (!json_is_number(v))
        return vg_err(err, VG_ETYPE, "%s.%s: expected a number", path, key);
    double x = json_number_value(v);
    if (!(x >= lo && x <= hi))
        return vg_err(err, VG_ERANGE, "%s.%s: %g out of range [%g, %g]", path, key, x, lo, hi);
    *out = x;
    return 0;
}

int th_json_time(json_t *obj, const char *key, vg_time dflt, vg_time *out, const char *path,
                 vg_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = dflt;
    if (!v || json_is_null(v))
        return 0;
    int rc;
    if (json_is_string(v))
        rc = vg_time_parse_rfc3339(json_string_value(v), json_string_length(v), out, err);
    else if (json_is_number(v))
        rc = vg_time_from_seconds(json_number_value(v), out, err);
    else
        return vg_err(err, VG_ETYPE, "%s.%s: expected an RFC 3339 string or seconds", path,
                      key);
    return rc < 0 ? vg_err_prefix(err, "%s.%s: ", path, key) : 0;
}

/* ---- assets -------------------------------------------------------------------------- */

int vg_threat_load_assets(vg_threat *th, const char *buf, size_t len, vg_error *err)
{
    json_t *root = th_json_load(buf, len, "assets", err);
    if (!root)
        return VG_EPARSE;
    int rc = 0;
    th_asset *tmp = NULL;
    size_t n = json_is_array(root) ? json_array_size(root) : 0;
    if (!json_is_array(root))
        rc = vg_err(err, VG_ETYPE, "assets: expected an array");
    else if (n > (size_t)th->opts.assets)
        rc = vg_err(err, VG_EFULL, "assets: %zu assets, capacity %d", n, th->opts.assets);
    else if (n > 0 && !(tmp = calloc(n, sizeof *tmp)))
        rc = vg_err(err, VG_ENOMEM, "assets: out of memory");
    static const char *const keys[] = {"id", "lat", "lon", "name", "class"};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *o = json_array_get(root, i);
        th_asset *a = &tmp[i];
        char path[32];
        snprintf(path, sizeof path, "assets[%zu]", i);
        char cls[VG_ID_MAX] = "";
        if ((rc = th_json_keys(o, keys, 5, path, err)) < 0 ||
            (rc = th_json_id(o, "id", true, a->id, NULL, path, err)) < 0 ||
            (rc = th_json_number(o, "lat", -90, 90, &a->lat, path, err)) < 0 ||
            (rc = th_json_number(o, "lon", -180, 180, &a->lon, path, err)) < 0 ||
            (rc = th_json_text(o, "name", false, a->name, NULL, path, err)) < 0 ||
            (rc = th_json_id(o, "class", false, cls, NULL, path, err)) < 0)
            break;
        if (cls[0] && strcmp(cls, "standard") != 0 && strcmp(cls, "high") != 0) {
            rc = vg_err(err, VG_EINVAL, "%s.class: \"%s\" is not standard or high", path, cls);
            break;
        }
        a->high = strcmp(cls, "high") == 0;
        a->coslat = cos(a->lat * VG_PI / 180);
        for (size_t j = 0; j < i; j++)
            if (strcmp(tmp[j].id, a->id) == 0) {
                rc = vg_err(err, VG_EINVAL, "%s.id: \"%s\" already given", path, a->id);
                break;
            }
    }
    if (rc == 0) {
        if (n > 0)
            memcpy(th->assets, tmp, n * sizeof *tmp);
        th->nassets = (int)n;
    }
    free(tmp);
    json_decref(root);
    return rc;
}

/* ---- coverage: which sensors observe which zone ---------------------------------------- */

int vg_threat_load_coverage(vg_threat *th, const char *buf, size_t len, vg_error *err)
{
    json_t *root = th_json_load(buf, len, "coverage", err);
    if (!root)
        return VG_EPARSE;
    int rc = 0;
    th_coverage *tmp = NULL;
    size_t n = json_is_array(root) ? json_array_size(root) : 0;
    if (!json_is_array(root))
        rc = vg_err(err, VG_ETYPE, "coverage: expected an array");
    else if (n > (size_t)th->opts.coverage_zones)
        rc = vg_err(err, VG_EFULL, "coverage: %zu zones, capacity %d", n,
                    th->opts.coverage_zones);
    else if (n > 0 && !(tmp = calloc(n, sizeof *tmp)))
        rc = vg_err(err, VG_ENOMEM, "coverage: out of memory");
    static const char *const keys[] = {"zone", "sensors"};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *o = json_array_get(root, i);
        th_coverage *c = &tmp[i];
        char path[48];
        snprintf(path, sizeof path, "coverage[%zu]", i);
        if ((rc = th_json_keys(o, keys, 2, path, err)) < 0 ||
            (rc = th_json_id(o, "zone", true, c->zone, NULL, path, err)) < 0)
            break;
        for (size_t j = 0; j < i; j++)
            if (strcmp(tmp[j].zone, c->zone) == 0) {
                rc = vg_err(err, VG_EINVAL, "%s.zone: \"%s\" already given", path, c->zone);
                break;
            }
        json_t *s = json_object_get(o, "sensors");
        if (rc < 0)
            break;
        if (!json_is_array(s) || json_array_size(s) == 0 ||
            json_array_size(s) > VG_THREAT_ZONE_SENSORS_MAX) {
            rc = vg_err(err, VG_EINVAL, "%s.sensors: expected an array of 1 to %d sensor ids",
                        path, VG_THREAT_ZONE_SENSORS_MAX);
            break;
        }
        for (size_t k = 0; rc == 0 && k < json_array_size(s); k++) {
            json_t *wrap = json_pack("{sO}", "s", json_array_get(s, k));
            char sp[96];
            snprintf(sp, sizeof sp, "%s.sensors[%zu]", path, k);
            rc = wrap ? th_json_id(wrap, "s", true, c->sensors[k], NULL, sp, err)
                      : vg_err(err, VG_ENOMEM, "coverage: out of memory");
            json_decref(wrap);
            for (size_t m = 0; rc == 0 && m < k; m++)
                if (strcmp(c->sensors[m], c->sensors[k]) == 0)
                    rc = vg_err(err, VG_EINVAL, "%s: \"%s\" already given", sp, c->sensors[k]);
            c->up[k] = true;
        }
        c->nsensors = (int)json_array_size(s);
    }
    if (rc == 0) {
        if (n > 0)
            memcpy(th->cov, tmp, n * sizeof *tmp);
        th->ncov = (int)n;
    }
    free(tmp);
    json_decref(root);
    return rc;
}

int vg_threat_sensor_status(vg_threat *th, const char *sensor, bool up, vg_time t,
                            const vg_postures *postures, vg_threat_emit_fn emit,
                            void *userdata, vg_error *err)
{
    if (!sensor || !postures)
        return vg_err(err, VG_EINVAL, "threat: sensor status needs a sensor and postures");
    int rc = 0;
    for (int i = 0; i < th->ncov; i++) {
        th_coverage *c = &th->cov[i];
        int k = 0;
        while (k < c->nsensors && strcmp(c->sensors[k], sensor) != 0)
            k++;
        if (k == c->nsensors || c->up[k] == up)
            continue;
        bool was_observed = false, observed = false;
        for (int j = 0; j < c->nsensors; j++)
            was_observed |= c->up[j];
        c->up[k] = up;
        for (int j = 0; j < c->nsensors; j++)
            observed |= c->up[j];
        th_key key = {.kind = TH_KEY_ZONE};
        memcpy(key.id, c->zone, sizeof key.id);
        if (was_observed && !observed) {
            const char *zid = c->zone;
            vg_posture_level lv = vg_postures_level_at(postures, &zid, 1);
            th_finding f = {.rule = VG_RULE_AIRSPACE_NOT_OBSERVED, .key = key,
                            .severity = vg_threat_severity(VG_RULE_AIRSPACE_NOT_OBSERVED, lv),
                            .zone = c->zone,
                            .escalation_s = vg_postures_params(postures, lv)->escalation_s};
            snprintf(f.detail, sizeof f.detail,
                     "zone %s not observed: all %d of its sensors down (last: %s)", c->zone,
                     c->nsensors, sensor);
            int r = th_alert_fire(th, &f, t, emit, userdata, err);
            if (r < 0)
                rc = r;
        } else if (!was_observed && observed) {
            th_alert *x = th_alert_find_open(th, VG_RULE_AIRSPACE_NOT_OBSERVED, &key);
            if (x) {
                char why[VG_ID_MAX + 16];
                snprintf(why, sizeof why, "sensor %s up", sensor);
                th_alert_close(th, x, VG_ALERT_RESOLVED, "system", why, t, emit, userdata);
            }
        }
    }
    return rc;
}

int vg_threat_site_gap(vg_threat *th, const char *site_id, bool gap, vg_posture_level level,
                       double escalation_s, const char *detail, vg_time t,
                       vg_threat_emit_fn emit, void *userdata, vg_error *err)
{
    if (!site_id || !site_id[0] || strlen(site_id) >= VG_ID_MAX || !detail)
        return vg_err(err, VG_EINVAL, "threat: a coverage gap needs a site id and a detail");
    th_key key = {.kind = TH_KEY_ZONE};
    memcpy(key.id, site_id, strlen(site_id) + 1);
    if (!gap) {
        th_alert *x = th_alert_find_open(th, VG_RULE_COVERAGE_GAP, &key);
        if (x)
            th_alert_close(th, x, VG_ALERT_RESOLVED, "system", "patrol presence", t, emit,
                           userdata);
        return 0;
    }
    th_finding f = {.rule = VG_RULE_COVERAGE_GAP, .key = key,
                    .severity = vg_threat_severity(VG_RULE_COVERAGE_GAP, level),
                    .zone = "", .escalation_s = escalation_s};
    snprintf(f.detail, sizeof f.detail, "%s", detail);
    return th_alert_fire(th, &f, t, emit, userdata, err);
}

/* ---- commands ---------------------------------------------------------------------------- */

bool vg_threat_handles(const char *kind)
{
    static const char *const kinds[] = {"alert_ack", "alert_dispatch", "alert_resolve",
                                        "alert_false_alarm", "whitelist_add",
                                        "whitelist_remove"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

int vg_threat_command(vg_threat *th, const vg_command *cmd, vg_time t,
                      vg_threat_emit_fn emit, void *userdata, vg_error *err)
{
    if (!vg_threat_handles(cmd->kind))
        return vg_err(err, VG_EUNKNOWN, "%s: not a threat command", cmd->kind);
    if (strncmp(cmd->kind, "alert_", 6) == 0)
        return th_alert_command(th, cmd, t, emit, userdata, err);
    return th_whitelist_command(th, cmd, err);
}
