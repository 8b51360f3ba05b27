/* zones/geojson.c — zones from and to GeoJSON (RFC 7946), for drawing tools and the
 * map.
 *
 * Import: a FeatureCollection of Polygon / MultiPolygon features, or Point features
 * with a "radius" property as circles; the properties map onto the model as
 * docs/formats.md lists (ED-269 names, or short aliases). Consecutive features with
 * the same identifier are one zone with several volumes, which is how the export
 * writes a zone of several volumes, so that export → import gives the zones back. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/zones.h"

/* ---- import ------------------------------------------------------------------- */

/* properties[key] or properties[alias]. */
static const json_t *prop(const json_t *props, const char *key, const char *alias)
{
    const json_t *v = json_object_get(props, key);
    return v ? v : alias ? json_object_get(props, alias) : NULL;
}

static int limits(vg_zone_volume *v, const json_t *props, double *scale, vg_error *err)
{
    *scale = 1;
    const json_t *u = prop(props, "uomDimensions", "uom");
    if (u) {
        const char *s = json_string_value(u);
        if (s && strcmp(s, "FT") == 0)
            *scale = VG_ZONE_FT;
        else if (!s || strcmp(s, "M") != 0)
            return vg_err(err, VG_EINVAL, "properties.uomDimensions: expected M or FT");
    }
    static const char *const rk[2][2] = {{"lowerVerticalReference", "lower_ref"},
                                         {"upperVerticalReference", "upper_ref"}};
    static const char *const lk[2][2] = {{"lowerLimit", "lower"}, {"upperLimit", "upper"}};
    for (int i = 0; i < 2; i++) {
        const json_t *r = prop(props, rk[i][0], rk[i][1]);
        vg_zone_vref ref = VG_ZREF_AGL;
        const char *s = json_string_value(r);
        if (r && (!s || vg_zone_vref_parse(s, &ref) < 0))
            return vg_err(err, VG_EINVAL, "properties.%s: expected AGL, AMSL or WGS84",
                          rk[i][0]);
        *(i ? &v->upper_ref : &v->lower_ref) = ref;
        char p[48];
        snprintf(p, sizeof p, "properties.%s", lk[i][0]);
        int rc = vg_zone_json_limit(prop(props, lk[i][0], lk[i][1]), p, *scale, i == 1,
                                    i ? &v->upper : &v->lower, err);
        if (rc < 0)
            return rc;
    }
    if (v->lower > v->upper && v->lower_ref == v->upper_ref)
        return vg_err(err, VG_ERANGE, "properties: lowerLimit above upperLimit");
    return 0;
}

static int add_polygon(vg_zone *z, const vg_zone_volume *band, const json_t *rings,
                       const char *path, vg_zone_list *zl, const vg_zone_import_opts *opts,
                       vg_error *err)
{
    vg_zone_volume v = *band;
    int rc = vg_zone_json_rings(&v, rings, path, zl, opts, err);
    if (rc == 0 && vg_zone_add_volume(z, &v) < 0)
        rc = vg_err(err, VG_ENOMEM, "out of memory");
    free(v.xy);
    free(v.ring_end);
    return rc;
}

static int geojson_feature(vg_zone *z, const json_t *f, size_t index, vg_zone_list *zl,
                           const vg_zone_import_opts *opts, vg_error *err)
{
    if (!json_is_object(f))
        return vg_err(err, VG_ETYPE, "expected an object");
    const json_t *props = json_object_get(f, "properties");
    if (props && !json_is_object(props) && !json_is_null(props))
        return vg_err(err, VG_ETYPE, "properties: expected an object");
    const json_t *idv = prop(props, "identifier", "id");
    if (!idv)
        idv = json_object_get(f, "id");
    char id[VG_ZONE_ID_MAX + 8];
    if (json_is_string(idv)) {
        if (strlen(json_string_value(idv)) >= VG_ZONE_ID_MAX || !*json_string_value(idv))
            return vg_err(err, VG_EINVAL, "identifier: empty or longer than %d bytes",
                          VG_ZONE_ID_MAX - 1);
        snprintf(id, sizeof id, "%s", json_string_value(idv));
    } else if (json_is_integer(idv)) {
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(idv));
    } else if (!idv || json_is_null(idv)) {
        snprintf(id, sizeof id, "F%zu", index);
    } else {
        return vg_err(err, VG_ETYPE, "identifier: expected a string");
    }
    vg_zone_copy_text(z->identifier, sizeof z->identifier, id);
    static const struct { const char *key; size_t off; } texts[] = {
        {"name", offsetof(vg_zone, name)},       {"country", offsetof(vg_zone, country)},
        {"authority", offsetof(vg_zone, authority)}, {"message", offsetof(vg_zone, message)},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *s = json_string_value(json_object_get(props, texts[i].key));
        size_t cap = texts[i].off == offsetof(vg_zone, country) ? sizeof z->country
                                                                : VG_ZONE_TEXT_MAX;
        if (s)
            vg_zone_copy_text((char *)z + texts[i].off, cap, s);
    }
    const json_t *r = json_object_get(props, "restriction");
    if (r && (!json_is_string(r) ||
              vg_zone_restriction_parse(json_string_value(r), &z->restriction) < 0))
        return vg_err(err, VG_EINVAL, "properties.restriction: expected PROHIBITED, "
                      "REQ_AUTHORISATION, CONDITIONAL or NO_RESTRICTION");
    const json_t *pu = json_object_get(props, "purpose");
    if (pu && (!json_is_string(pu) ||
               vg_zone_purpose_parse(json_string_value(pu), &z->purpose) < 0))
        return vg_err(err, VG_EINVAL, "properties.purpose: expected airspace or perimeter");
    int rc = vg_zone_json_applicability(z, json_object_get(props, "applicability"),
                                        "properties.applicability", err);
    if (rc < 0)
        return rc;
    vg_zone_volume band = {0};
    double scale;
    if ((rc = limits(&band, props, &scale, err)) < 0)
        return rc;
    const json_t *g = json_object_get(f, "geometry");
    const char *type = json_string_value(json_object_get(g, "type"));
    if (!json_is_object(g) || !type)
        return vg_err(err, VG_EMISSING, "geometry: expected an object with a type");
    const json_t *coords = json_object_get(g, "coordinates");
    if (strcmp(type, "Polygon") == 0)
        return add_polygon(z, &band, coords, "geometry.coordinates", zl, opts, err);
    if (strcmp(type, "MultiPolygon") == 0) {
        if (!json_is_array(coords) || json_array_size(coords) == 0)
            return vg_err(err, VG_ETYPE, "geometry.coordinates: expected a list of polygons");
        for (size_t i = 0; i < json_array_size(coords); i++) {
            char p[48];
            snprintf(p, sizeof p, "geometry.coordinates[%zu]", i);
            if ((rc = add_polygon(z, &band, json_array_get(coords, i), p, zl, opts, err)) < 0)
                return rc;
        }
        return 0;
    }
    if (strcmp(type, "Point") == 0) {
        band.shape = VG_ZONE_CIRCLE;
        if (!json_is_array(coords) || json_array_size(coords) < 2)
            return vg_err(err, VG_ETYPE, "geometry.coordinates: expected [lon, lat]");
        if ((rc = vg_zone_json_number(json_array_get(coords, 0), "geometry.coordinates[0]",
                                      &band.lon, err)) < 0 ||
            (rc = vg_zone_json_number(json_array_get(coords, 1), "geometry.coordinates[1]",
                                      &band.lat, err)) < 0)
            return rc;
        if (fabs(band.lat) > 90 || fabs(band.lon) > 180)
            return vg_err(err, VG_ERANGE, "geometry.coordinates: out of range");
        const json_t *rad = json_object_get(props, "radius");
        if (!rad)
            return vg_err(err, VG_EMISSING, "properties.radius: a Point zone needs a radius");
        if ((rc = vg_zone_json_number(rad, "properties.radius", &band.radius_m, err)) < 0)
            return rc;
        band.radius_m *= scale;
        if (!(band.radius_m > 0) || band.radius_m > 2e7)
            return vg_err(err, VG_ERANGE, "properties.radius: not in (0, 20000 km]");
        return vg_zone_add_volume(z, &band) < 0 ? vg_err(err, VG_ENOMEM, "out of memory") : 0;
    }
    return vg_err(err, VG_EINVAL, "geometry.type: \"%.20s\" is not Polygon, MultiPolygon or "
                  "Point", type);
}

int vg_zone_import_geojson(vg_zone_list *zl, const char *buf, size_t len,
                           const vg_zone_import_opts *opts, vg_error *err)
{
    if (len > VG_ZONE_FILE_MAX)
        return vg_err(err, VG_ETOOBIG, "zone file of %zu bytes, more than %zu", len,
                      VG_ZONE_FILE_MAX);
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    if (!doc)
        return vg_err(err, VG_EPARSE, "line %d column %d: %s", je.line, je.column, je.text);
    const json_t *fl = json_object_get(doc, "features");
    if (!json_is_array(fl) || json_array_size(fl) > VG_ZONE_FEATURES_MAX) {
        json_decref(doc);
        return vg_err(err, VG_EMISSING, "expected a \"features\" list of at most %d",
                      VG_ZONE_FEATURES_MAX);
    }
    int loaded = 0;
    size_t first = zl->n;  /* zones of this import: merge only with those */
    for (size_t i = 0; i < json_array_size(fl); i++) {
        vg_zone z;
        vg_zone_init(&z);
        vg_error fe = {0};
        int rc = geojson_feature(&z, json_array_get(fl, i), i, zl, opts, &fe);
        vg_zone *last = zl->n > first ? &zl->zones[zl->n - 1] : NULL;
        if (rc == 0 && last && strcmp(last->identifier, z.identifier) == 0) {
            for (size_t k = 0; k < z.nvol && rc == 0; k++)
                if (vg_zone_add_volume(last, &z.vol[k]) < 0)
                    rc = vg_err(&fe, VG_ENOMEM, "out of memory");
            vg_zone_free(&z);
        } else if (rc == 0) {
            if ((rc = vg_zone_list_push(zl, &z)) < 0)
                vg_err(&fe, rc, "out of memory");
            else
                loaded++;
        }
        if (rc < 0) {
            vg_zone_list_problem(zl, i, z.identifier, &fe);
            vg_zone_free(&z);
        }
    }
    json_decref(doc);
    return loaded;
}

/* ---- export ------------------------------------------------------------------- */

typedef struct obuf {
    char *p;
    size_t len, cap;
    bool oom;
} obuf;

static void put(obuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(obuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_num(obuf *b, double v)
{
    char t[40];
    put(b, t, vg_format_double(v, t, sizeof t));
}

static void put_str(obuf *b, const char *key, const char *s)
{
    char t[6 * VG_ZONE_TEXT_MAX + 8];
    vg_strbuf sb;
    vg_strbuf_init(&sb, t, sizeof t);
    if (key) {
        vg_strbuf_putc(&sb, ',');
        vg_strbuf_put_json_string(&sb, key);
        vg_strbuf_putc(&sb, ':');
    }
    vg_strbuf_put_json_string(&sb, s);
    put(b, t, sb.len);
}

static void put_hms(obuf *b, int32_t s)
{
    char t[48];
    snprintf(t, sizeof t, "\"%02d:%02d:%02d\"", (int)(s / 3600 % 100), (int)(s / 60 % 60),
             (int)(s % 60));
    puts_(b, t);
}

static void put_applicability(obuf *b, const vg_zone *z)
{
    puts_(b, ",\"applicability\":[");
    for (size_t i = 0; i < z->napplic; i++) {
        const vg_zone_applicability *a = &z->applic[i];
        char t[VG_TIME_TEXT_MAX];
        puts_(b, i ? ",{" : "{");
        const char *sep = "";
        if (a->start != VG_TIME_MIN && vg_time_format_rfc3339(a->start, t, sizeof t)) {
            put_str(b, NULL, "startDateTime");
            puts_(b, ":");
            put_str(b, NULL, t);
            sep = ",";
        }
        if (a->end != VG_TIME_MAX && vg_time_format_rfc3339(a->end, t, sizeof t)) {
            puts_(b, sep);
            put_str(b, NULL, "endDateTime");
            puts_(b, ":");
            put_str(b, NULL, t);
            sep = ",";
        }
        if (a->nwindows) {
            puts_(b, sep);
            puts_(b, "\"schedule\":[");
            for (size_t k = 0; k < a->nwindows; k++) {
                const vg_zone_window *w = &a->windows[k];
                static const char *const days[] = {"MON", "TUE", "WED", "THU",
                                                   "FRI", "SAT", "SUN"};
                puts_(b, k ? ",{\"day\":[" : "{\"day\":[");
                const char *ds = "";
                for (int d = 0; d < 7; d++)
                    if (w->days >> d & 1) {
                        puts_(b, ds);
                        put_str(b, NULL, days[d]);
                        ds = ",";
                    }
                puts_(b, "],\"startTime\":");
                put_hms(b, w->start_s);
                puts_(b, ",\"endTime\":");
                int32_t e = w->start_s + w->dur_s;
                put_hms(b, e > 86400 ? e - 86400 : e);
                puts_(b, "}");
            }
            puts_(b, "]");
        }
        puts_(b, "}");
    }
    puts_(b, "]");
}

static void put_feature(obuf *b, const vg_zone *z, const vg_zone_volume *v, bool polygonise)
{
    puts_(b, "{\"type\":\"Feature\",\"geometry\":{\"type\":");
    if (v->shape == VG_ZONE_CIRCLE && !polygonise) {
        puts_(b, "\"Point\",\"coordinates\":[");
        put_num(b, v->lon);
        puts_(b, ",");
        put_num(b, v->lat);
        puts_(b, "]");
    } else if (v->shape == VG_ZONE_CIRCLE) {
        /* 64 points on the circle, by the spherical destination formula */
        puts_(b, "\"Polygon\",\"coordinates\":[[");
        double a = v->radius_m / VG_ZONE_EARTH_R, la = v->lat * VG_PI / 180;
        for (int i = 0; i <= 64; i++) {
            double brg = 2 * VG_PI * (i % 64) / 64;
            double lat2 = asin(sin(la) * cos(a) + cos(la) * sin(a) * cos(brg));
            double dlon = atan2(sin(brg) * sin(a) * cos(la), cos(a) - sin(la) * sin(lat2));
            double lon2 = v->lon + dlon * 180 / VG_PI;
            lon2 = lon2 > 180 ? lon2 - 360 : lon2 < -180 ? lon2 + 360 : lon2;
            puts_(b, i ? ",[" : "[");
            put_num(b, lon2);
            puts_(b, ",");
            put_num(b, lat2 * 180 / VG_PI);
            puts_(b, "]");
        }
        puts_(b, "]]");
    } else {
        puts_(b, "\"Polygon\",\"coordinates\":[");
        size_t begin = 0;
        for (size_t r = 0; r < v->nrings; r++) {
            puts_(b, r ? ",[" : "[");
            for (size_t i = begin; i < v->ring_end[r]; i++) {
                puts_(b, i > begin ? ",[" : "[");
                put_num(b, v->xy[2 * i]);
                puts_(b, ",");
                put_num(b, v->xy[2 * i + 1]);
                puts_(b, "]");
            }
            puts_(b, "]");
            begin = v->ring_end[r];
        }
        puts_(b, "]");
    }
    puts_(b, "},\"properties\":{\"identifier\":");
    put_str(b, NULL, z->identifier);
    put_str(b, "name", z->name);
    if (z->country[0])
        put_str(b, "country", z->country);
    if (z->authority[0])
        put_str(b, "authority", z->authority);
    if (z->message[0])
        put_str(b, "message", z->message);
    put_str(b, "restriction", vg_zone_restriction_name(z->restriction));
    put_str(b, "purpose", vg_zone_purpose_name(z->purpose));
    puts_(b, ",\"uomDimensions\":\"M\"");
    if (isfinite(v->lower)) {
        puts_(b, ",\"lowerLimit\":");
        put_num(b, v->lower);
    }
    put_str(b, "lowerVerticalReference", vg_zone_vref_name(v->lower_ref));
    if (isfinite(v->upper)) {
        puts_(b, ",\"upperLimit\":");
        put_num(b, v->upper);
    }
    put_str(b, "upperVerticalReference", vg_zone_vref_name(v->upper_ref));
    if (v->shape == VG_ZONE_CIRCLE) {
        puts_(b, ",\"radius\":");
        put_num(b, v->radius_m);
        if (polygonise) {
            puts_(b, ",\"center\":[");
            put_num(b, v->lon);
            puts_(b, ",");
            put_num(b, v->lat);
            puts_(b, "]");
        }
    }
    if (z->napplic)
        put_applicability(b, z);
    puts_(b, "}}");
}

int vg_zone_export_geojson(const vg_zone *zones, size_t n, bool polygonise, char **out,
                           size_t *len, vg_error *err)
{
    obuf b = {0};
    puts_(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
    bool first = true;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < zones[i].nvol; k++) {
            puts_(&b, first ? "\n" : ",\n");
            first = false;
            put_feature(&b, &zones[i], &zones[i].vol[k], polygonise);
        }
    puts_(&b, "\n]}\n");
    if (b.oom) {
        free(b.p);
        return vg_err(err, VG_ENOMEM, "GeoJSON export: out of memory");
    }
    *out = b.p;
    *len = b.len;
    return 0;
}
