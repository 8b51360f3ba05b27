/* zones/ed269.c — EUROCAE ED-269 UAS geographical zones (JSON) into the zone model,
 * and the JSON building blocks the GeoJSON importer shares (numbers, limits,
 * applicability, polygon rings).
 *
 * A document is parsed once with jansson (which bounds its own nesting depth); the
 * walk over it is iterative at fixed depth. A feature with any error is reported
 * with its index, identifier and field, and skipped; the others load. */
#include <geos_c.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/zones.h"

/* ---- building blocks -------------------------------------------------------- */

int vg_zone_json_number(const json_t *v, const char *path, double *out, vg_error *err)
{
    double d = 0;
    if (json_is_number(v)) {
        d = json_number_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        d = strtod(s, &end);
        if (end == s || *end)
            return vg_err(err, VG_ETYPE, "%s: \"%.40s\" is not a number", path, s);
    } else {
        return vg_err(err, VG_ETYPE, "%s: expected a number", path);
    }
    if (!isfinite(d))
        return vg_err(err, VG_ERANGE, "%s: not a finite number", path);
    *out = d;
    return 0;
}

int vg_zone_json_limit(const json_t *v, const char *path, double scale, bool upper,
                       double *out, vg_error *err)
{
    if (!v || json_is_null(v)) {
        *out = upper ? HUGE_VAL : -HUGE_VAL;
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "GND") == 0 || strcmp(s, "SFC") == 0) {
            *out = 0;
            return 0;
        }
        if (upper && (strcmp(s, "UNL") == 0 || strcmp(s, "UNLIMITED") == 0)) {
            *out = HUGE_VAL;
            return 0;
        }
    }
    double d = 0;
    int rc = vg_zone_json_number(v, path, &d, err);
    if (rc < 0)
        return rc;
    *out = d * scale;
    return 0;
}

static const char *const day_codes[] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

static int day_mask(const json_t *v, const char *path, uint8_t *mask, vg_error *err)
{
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (!v || (!json_is_array(v) && !json_is_string(v)))
        return vg_err(err, VG_ETYPE, "%s: expected a day code or a list of them", path);
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        const char *s = json_string_value(e);
        if (!s)
            return vg_err(err, VG_ETYPE, "%s[%zu]: expected a day code", path, i);
        int d = -1;
        for (int k = 0; k < 7; k++)
            if (strcmp(s, day_codes[k]) == 0)
                d = k;
        if (strcmp(s, "ANY") == 0)
            *mask |= 0x7f;
        else if (d < 0)
            return vg_err(err, VG_EINVAL, "%s: unknown day \"%.20s\"", path, s);
        else
            *mask |= (uint8_t)(1u << d);
    }
    return 0;
}

static int time_field(const json_t *o, const char *key, const char *path, int32_t *sec,
                      int32_t *off, vg_error *err)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        return vg_err(err, VG_EMISSING, "%s.%s: expected a time HH:MM:SS", path, key);
    int rc = vg_zone_parse_time_of_day(s, sec, off);
    if (rc < 0)
        return vg_err(err, rc, "%s.%s: bad time \"%.30s\"", path, key, s);
    return 0;
}

static int date_time(const json_t *o, const char *key, const char *path, vg_time *out,
                     vg_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s)
        return vg_err(err, VG_ETYPE, "%s.%s: expected an RFC 3339 date-time", path, key);
    vg_error e;
    if (vg_time_parse_rfc3339(s, strlen(s), out, &e) < 0)
        return vg_err(err, e.code, "%s.%s: %s", path, key, e.msg);
    return 0;
}

static int one_applicability(vg_zone *z, const json_t *o, const char *path, vg_error *err)
{
    if (!json_is_object(o))
        return vg_err(err, VG_ETYPE, "%s: expected an object", path);
    vg_zone_applicability a;
    vg_zone_applicability_init(&a);
    int rc;
    if ((rc = date_time(o, "startDateTime", path, &a.start, err)) < 0 ||
        (rc = date_time(o, "endDateTime", path, &a.end, err)) < 0)
        return rc;
    if (a.end <= a.start)
        return vg_err(err, VG_ERANGE, "%s: endDateTime is not after startDateTime", path);
    const json_t *sched = json_object_get(o, "schedule");
    const char *skey = "schedule";
    if (!sched) {
        sched = json_object_get(o, "dailyPeriod");
        skey = "dailyPeriod";
    }
    if (sched && !json_is_null(sched)) {
        size_t n = json_is_array(sched) ? json_array_size(sched) : 1;
        if (!json_is_array(sched) && !json_is_object(sched))
            return vg_err(err, VG_ETYPE, "%s.%s: expected a list", path, skey);
        for (size_t i = 0; i < n; i++) {
            const json_t *w = json_is_array(sched) ? json_array_get(sched, i) : sched;
            char p[96];
            snprintf(p, sizeof p, "%s.%s[%zu]", path, skey, i);
            if (!json_is_object(w))
                return vg_err(err, VG_ETYPE, "%s: expected an object", p);
            uint8_t days = 0;
            char dp[112];
            snprintf(dp, sizeof dp, "%s.day", p);
            if ((rc = day_mask(json_object_get(w, "day"), dp, &days, err)) < 0)
                return rc;
            int32_t s0, s1, o0, o1;
            if ((rc = time_field(w, "startTime", p, &s0, &o0, err)) < 0 ||
                (rc = time_field(w, "endTime", p, &s1, &o1, err)) < 0)
                return rc;
            if (o0 != o1)
                return vg_err(err, VG_EINVAL, "%s: startTime and endTime offsets differ", p);
            if (vg_zone_add_window(&a, days, s0, s1, o0) < 0)
                return vg_err(err, VG_ETOOBIG, "%s: more than %d windows", p,
                              VG_ZONE_WINDOWS_MAX);
        }
    }
    if (vg_zone_add_applicability(z, &a) < 0)
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    return 0;
}

int vg_zone_json_applicability(vg_zone *z, const json_t *v, const char *path,
                               vg_error *err)
{
    if (!v || json_is_null(v))
        return 0;   /* permanent */
    if (json_is_object(v))
        return one_applicability(z, v, path, err);
    if (!json_is_array(v))
        return vg_err(err, VG_ETYPE, "%s: expected an object or a list", path);
    for (size_t i = 0; i < json_array_size(v); i++) {
        char p[80];
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        int rc = one_applicability(z, json_array_get(v, i), p, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Check the polygon with GEOS: a self-intersecting ring or a hole outside its shell
 * is an error carrying GEOS's reason. */
static int check_polygon_valid(const vg_zone_volume *v, const char *path, vg_error *err)
{
    GEOSContextHandle_t gh = GEOS_init_r();
    if (!gh)
        return vg_err(err, VG_ENOMEM, "%s: GEOS context", path);
    GEOSGeometry **rings = malloc(v->nrings * sizeof *rings);
    size_t nr = 0, begin = 0;
    int rc = 0;
    if (!rings) {
        GEOS_finish_r(gh);
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    }
    for (; nr < v->nrings; nr++) {
        unsigned n = (unsigned)(v->ring_end[nr] - begin);
        GEOSCoordSequence *cs =
            GEOSCoordSeq_copyFromBuffer_r(gh, v->xy + 2 * begin, n, 0, 0);
        rings[nr] = cs ? GEOSGeom_createLinearRing_r(gh, cs) : NULL;
        if (!rings[nr]) {
            rc = vg_err(err, VG_EINVAL, "%s[%zu]: not a valid ring", path, nr);
            break;
        }
        begin = v->ring_end[nr];
    }
    if (rc == 0) {
        GEOSGeometry *poly = GEOSGeom_createPolygon_r(gh, rings[0], rings + 1,
                                                      (unsigned)(v->nrings - 1));
        if (!poly) {
            rc = vg_err(err, VG_EINVAL, "%s: not a valid polygon", path);
        } else {
            if (GEOSisValid_r(gh, poly) != 1) {
                char *why = GEOSisValidReason_r(gh, poly);
                rc = vg_err(err, VG_EINVAL, "%s: invalid polygon: %s", path,
                            why ? why : "unknown reason");
                GEOSFree_r(gh, why);
            }
            GEOSGeom_destroy_r(gh, poly);
        }
    } else {
        for (size_t i = 0; i < nr; i++)
            GEOSGeom_destroy_r(gh, rings[i]);
    }
    free(rings);
    GEOS_finish_r(gh);
    return rc;
}

int vg_zone_json_rings(vg_zone_volume *v, const json_t *rings, const char *path,
                       vg_zone_list *zl, const vg_zone_import_opts *opts, vg_error *err)
{
    size_t ring_max = opts && opts->max_ring_vertices ? opts->max_ring_vertices
                                                      : VG_ZONE_RING_VERTICES_MAX;
    size_t file_max = opts && opts->max_file_vertices ? opts->max_file_vertices
                                                      : VG_ZONE_FILE_VERTICES_MAX;
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return vg_err(err, VG_ETYPE, "%s: expected a list of rings", path);
    size_t nrings = json_array_size(rings), total = 0;
    if (nrings > VG_ZONE_RING_VERTICES_MAX / 4)
        return vg_err(err, VG_ETOOBIG, "%s: %zu rings", path, nrings);
    for (size_t r = 0; r < nrings; r++) {
        const json_t *ring = json_array_get(rings, r);
        if (!json_is_array(ring))
            return vg_err(err, VG_ETYPE, "%s[%zu]: expected a list of positions", path, r);
        size_t n = json_array_size(ring);
        if (n > ring_max)
            return vg_err(err, VG_ETOOBIG, "%s[%zu]: %zu vertices, more than %zu", path, r,
                          n, ring_max);
        if (n < 4)
            return vg_err(err, VG_EINVAL, "%s[%zu]: %zu positions, a ring needs 4", path,
                          r, n);
        total += n;
    }
    if (zl->vertices + total > file_max)
        return vg_err(err, VG_ETOOBIG, "%s: the file exceeds %zu vertices", path, file_max);
    v->shape = VG_ZONE_POLYGON;
    v->xy = malloc(total * 2 * sizeof *v->xy);
    v->ring_end = malloc(nrings * sizeof *v->ring_end);
    if (!v->xy || !v->ring_end)
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    v->nrings = nrings;
    size_t k = 0;
    for (size_t r = 0; r < nrings; r++) {
        const json_t *ring = json_array_get(rings, r);
        size_t n = json_array_size(ring), first = k;
        for (size_t i = 0; i < n; i++, k++) {
            const json_t *pos = json_array_get(ring, i);
            char p[96];
            snprintf(p, sizeof p, "%s[%zu][%zu]", path, r, i);
            if (!json_is_array(pos) || json_array_size(pos) < 2)
                return vg_err(err, VG_ETYPE, "%s: expected [lon, lat]", p);
            double lon, lat;
            int rc;
            if ((rc = vg_zone_json_number(json_array_get(pos, 0), p, &lon, err)) < 0 ||
                (rc = vg_zone_json_number(json_array_get(pos, 1), p, &lat, err)) < 0)
                return rc;
            if (fabs(lat) > 90 || fabs(lon) > 180)
                return vg_err(err, VG_ERANGE, "%s: (%g, %g) is not a longitude, latitude",
                              p, lon, lat);
            v->xy[2 * k] = lon;
            v->xy[2 * k + 1] = lat;
        }
        if (v->xy[2 * first] != v->xy[2 * k - 2] || v->xy[2 * first + 1] != v->xy[2 * k - 1])
            return vg_err(err, VG_EINVAL, "%s[%zu]: ring not closed (last position differs "
                          "from the first)", path, r);
        v->ring_end[r] = (uint32_t)k;
        v->nvert = k;
    }
    int rc = check_polygon_valid(v, path, err);
    if (rc < 0)
        return rc;
    zl->vertices += total;
    return 0;
}

/* ---- ED-269 ------------------------------------------------------------------- */

static void text_field(char *dst, size_t cap, const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s)
        vg_zone_copy_text(dst, cap, s);
}

static int ed269_volume(vg_zone *z, const json_t *g, const char *path, vg_zone_list *zl,
                        const vg_zone_import_opts *opts, vg_error *err)
{
    if (!json_is_object(g))
        return vg_err(err, VG_ETYPE, "%s: expected an object", path);
    char p[96];
    int rc;
    double scale = 1;
    const char *uom = json_string_value(json_object_get(g, "uomDimensions"));
    if (uom && strcmp(uom, "FT") == 0)
        scale = VG_ZONE_FT;
    else if (uom && strcmp(uom, "M") != 0)
        return vg_err(err, VG_EINVAL, "%s.uomDimensions: \"%.10s\" is not M or FT", path, uom);
    vg_zone_volume v = {0};
    v.lower_ref = v.upper_ref = VG_ZREF_AGL;
    static const char *const refkey[2] = {"lowerVerticalReference", "upperVerticalReference"};
    for (int i = 0; i < 2; i++) {
        const json_t *r = json_object_get(g, refkey[i]);
        const char *s = json_string_value(r);
        vg_zone_vref ref = VG_ZREF_AGL;
        if (r && (!s || vg_zone_vref_parse(s, &ref) < 0))
            return vg_err(err, VG_EINVAL, "%s.%s: expected AGL, AMSL or WGS84", path,
                          refkey[i]);
        *(i ? &v.upper_ref : &v.lower_ref) = ref;
    }
    snprintf(p, sizeof p, "%s.lowerLimit", path);
    if ((rc = vg_zone_json_limit(json_object_get(g, "lowerLimit"), p, scale, false,
                                 &v.lower, err)) < 0)
        return rc;
    snprintf(p, sizeof p, "%s.upperLimit", path);
    if ((rc = vg_zone_json_limit(json_object_get(g, "upperLimit"), p, scale, true,
                                 &v.upper, err)) < 0)
        return rc;
    const json_t *hp = json_object_get(g, "horizontalProjection");
    const char *type = json_string_value(json_object_get(hp, "type"));
    if (!json_is_object(hp) || !type)
        return vg_err(err, VG_EMISSING, "%s.horizontalProjection: expected an object with "
                      "a type", path);
    if (strcmp(type, "Circle") == 0) {
        const json_t *c = json_object_get(hp, "center");
        snprintf(p, sizeof p, "%s.horizontalProjection.center", path);
        if (!json_is_array(c) || json_array_size(c) != 2)
            return vg_err(err, VG_ETYPE, "%s: expected [lon, lat]", p);
        if ((rc = vg_zone_json_number(json_array_get(c, 0), p, &v.lon, err)) < 0 ||
            (rc = vg_zone_json_number(json_array_get(c, 1), p, &v.lat, err)) < 0)
            return rc;
        if (fabs(v.lat) > 90 || fabs(v.lon) > 180)
            return vg_err(err, VG_ERANGE, "%s: out of range", p);
        snprintf(p, sizeof p, "%s.horizontalProjection.radius", path);
        if ((rc = vg_zone_json_number(json_object_get(hp, "radius"), p, &v.radius_m, err)) < 0)
            return rc;
        v.radius_m *= scale;
        if (!(v.radius_m > 0) || v.radius_m > 2e7)
            return vg_err(err, VG_ERANGE, "%s: %g is not in (0, 20000 km]", p, v.radius_m);
        v.shape = VG_ZONE_CIRCLE;
    } else if (strcmp(type, "Polygon") == 0) {
        snprintf(p, sizeof p, "%s.horizontalProjection.coordinates", path);
        rc = vg_zone_json_rings(&v, json_object_get(hp, "coordinates"), p, zl, opts, err);
        if (rc < 0) {
            free(v.xy);
            free(v.ring_end);
            return rc;
        }
    } else {
        return vg_err(err, VG_EINVAL, "%s.horizontalProjection.type: \"%.20s\" is not "
                      "Polygon or Circle", path, type);
    }
    if (v.lower > v.upper && v.lower_ref == v.upper_ref)
        rc = vg_err(err, VG_ERANGE, "%s: lowerLimit above upperLimit", path);
    else
        rc = vg_zone_add_volume(z, &v) < 0 ? vg_err(err, VG_ENOMEM, "out of memory") : 0;
    free(v.xy);
    free(v.ring_end);
    return rc;
}

static int ed269_feature(vg_zone *z, const json_t *f, vg_zone_list *zl,
                         const vg_zone_import_opts *opts, vg_error *err)
{
    if (json_is_object(json_object_get(f, "UASZone")))
        f = json_object_get(f, "UASZone");   /* some files wrap each feature */
    if (!json_is_object(f))
        return vg_err(err, VG_ETYPE, "expected an object");
    const char *id = json_string_value(json_object_get(f, "identifier"));
    if (!id || !*id)
        return vg_err(err, VG_EMISSING, "identifier: expected a non-empty string");
    if (strlen(id) >= VG_ZONE_ID_MAX)
        return vg_err(err, VG_ETOOBIG, "identifier: longer than %d bytes", VG_ZONE_ID_MAX - 1);
    vg_zone_copy_text(z->identifier, sizeof z->identifier, id);
    text_field(z->country, sizeof z->country, f, "country");
    text_field(z->name, sizeof z->name, f, "name");
    text_field(z->message, sizeof z->message, f, "message");
    const json_t *auth = json_object_get(f, "zoneAuthority");
    if (json_is_array(auth))
        auth = json_array_get(auth, 0);
    text_field(z->authority, sizeof z->authority, auth, "name");
    const char *r = json_string_value(json_object_get(f, "restriction"));
    if (!r || vg_zone_restriction_parse(r, &z->restriction) < 0)
        return vg_err(err, VG_EINVAL, "restriction: expected PROHIBITED, REQ_AUTHORISATION, "
                      "CONDITIONAL or NO_RESTRICTION");
    const char *purpose = json_string_value(json_object_get(f, "purpose"));
    if (purpose && vg_zone_purpose_parse(purpose, &z->purpose) < 0)
        return vg_err(err, VG_EINVAL, "purpose: expected airspace or perimeter");
    int rc = vg_zone_json_applicability(z, json_object_get(f, "applicability"),
                                        "applicability", err);
    if (rc < 0)
        return rc;
    const json_t *geo = json_object_get(f, "geometry");
    if (!json_is_array(geo) || json_array_size(geo) == 0)
        return vg_err(err, VG_EMISSING, "geometry: expected a non-empty list");
    for (size_t i = 0; i < json_array_size(geo); i++) {
        char p[48];
        snprintf(p, sizeof p, "geometry[%zu]", i);
        if ((rc = ed269_volume(z, json_array_get(geo, i), p, zl, opts, err)) < 0)
            return rc;
    }
    return 0;
}

/* Parse the document and find its feature list. */
static int load_doc(const char *buf, size_t len, json_t **doc, const json_t **features,
                    bool *ed269, vg_error *err)
{
    if (len > VG_ZONE_FILE_MAX)
        return vg_err(err, VG_ETOOBIG, "zone file of %zu bytes, more than %zu", len,
                      VG_ZONE_FILE_MAX);
    json_error_t je;
    *doc = json_loadb(buf, len, 0, &je);
    if (!*doc)
        return vg_err(err, VG_EPARSE, "line %d column %d: %s", je.line, je.column, je.text);
    const json_t *fl = json_object_get(*doc, "UASZoneList");
    *ed269 = fl != NULL;
    if (!fl)
        fl = json_object_get(*doc, "features");
    if (!json_is_array(fl)) {
        json_decref(*doc);
        *doc = NULL;
        return vg_err(err, VG_EMISSING, "expected a \"features\" or \"UASZoneList\" list");
    }
    if (json_array_size(fl) > VG_ZONE_FEATURES_MAX) {
        json_decref(*doc);
        *doc = NULL;
        return vg_err(err, VG_ETOOBIG, "more than %d features", VG_ZONE_FEATURES_MAX);
    }
    *features = fl;
    return 0;
}

int vg_zone_import_ed269(vg_zone_list *zl, const char *buf, size_t len,
                         const vg_zone_import_opts *opts, vg_error *err)
{
    json_t *doc;
    const json_t *fl;
    bool ed;
    int rc = load_doc(buf, len, &doc, &fl, &ed, err);
    if (rc < 0)
        return rc;
    int loaded = 0;
    for (size_t i = 0; i < json_array_size(fl); i++) {
        const json_t *f = json_array_get(fl, i);
        vg_zone z;
        vg_zone_init(&z);
        vg_error fe = {0};
        rc = ed269_feature(&z, f, zl, opts, &fe);
        if (rc == 0 && (rc = vg_zone_list_push(zl, &z)) < 0)
            vg_err(&fe, rc, "out of memory");
        if (rc < 0) {
            const json_t *u = json_object_get(f, "UASZone");
            const char *id = json_string_value(json_object_get(u ? u : f, "identifier"));
            vg_zone_list_problem(zl, i, id, &fe);
            vg_zone_free(&z);
        } else {
            loaded++;
        }
    }
    json_decref(doc);
    return loaded;
}

int vg_zone_import(vg_zone_list *zl, const char *buf, size_t len,
                   const vg_zone_import_opts *opts, vg_error *err)
{
    json_t *doc;
    const json_t *fl;
    bool ed;
    int rc = load_doc(buf, len, &doc, &fl, &ed, err);
    if (rc < 0)
        return rc;
    if (!ed) {
        const json_t *f0 = json_array_get(fl, 0);
        if (json_is_object(json_object_get(f0, "UASZone")))
            f0 = json_object_get(f0, "UASZone");
        ed = json_is_array(json_object_get(f0, "geometry"));
    }
    json_decref(doc);
    return ed ? vg_zone_import_ed269(zl, buf, len, opts, err)
              : vg_zone_import_geojson(zl, buf, len, opts, err);
}
