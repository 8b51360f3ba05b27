/* tests/unit/test_zones.c — zones: ED-269 / GeoJSON import, the matching semantics
 * (holes, concave polygons, boundaries, circles, heights, schedules), the GEOS index
 * against a brute-force check, path prediction, nearest distance, export round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/io.h"
#include "vigie/zones.h"

static const vg_zindex_opts site = {.ground_elevation = 35, .geoid_undulation = 44};

static int load(vg_zone_list *zl, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/zones/%s", getenv("VG_SOURCE_DIR"), name);
    char *buf;
    size_t len;
    vg_error err = {0};
    if (vg_read_file(path, VG_ZONE_FILE_MAX, &buf, &len, &err) < 0)
        fail_msg("%s: %s", path, err.msg);
    int n = vg_zone_import(zl, buf, len, NULL, &err);
    free(buf);
    if (n < 0)
        fail_msg("%s: %s", name, err.msg);
    return n;
}

static vg_time T(const char *s)
{
    vg_time t;
    vg_error err;
    if (vg_time_parse_rfc3339(s, strlen(s), &t, &err) < 0)
        fail_msg("%s: %s", s, err.msg);
    return t;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "A,B,C": identifiers of the zones containing the point, sorted; also checks that
 * the brute-force reference gives the same set. */
static const char *hits(vg_zindex *ix, const vg_zone_list *zl, double lat, double lon,
                        double alt, vg_zone_vref ref, const char *when)
{
    static char out[512];
    vg_zpoint p = {lat, lon, alt, ref, T(when)};
    size_t idx[64];
    int n = vg_zindex_query(ix, &p, idx, 64);
    assert_true(n >= 0 && n <= 64);
    double h[3];
    vg_zone_heights(alt, ref, site.ground_elevation, site.geoid_undulation, h);
    int brute = 0;
    for (size_t i = 0; i < zl->n; i++)
        brute += vg_zone_contains(&zl->zones[i], lat, lon, h, p.t);
    assert_int_equal(brute, n);
    const char *ids[64];
    for (int i = 0; i < n; i++)
        ids[i] = zl->zones[idx[i]].identifier;
    qsort(ids, (size_t)n, sizeof *ids, cmp_str);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, ids[i]);
    }
    return out;
}

/* Latitude/longitude d metres from (lat, lon) towards bearing brg (spherical). */
static void dest(double lat, double lon, double brg_deg, double d, double *la2, double *lo2)
{
    double a = d / VG_ZONE_EARTH_R, la = lat * VG_PI / 180, b = brg_deg * VG_PI / 180;
    double l2 = asin(sin(la) * cos(a) + cos(la) * sin(a) * cos(b));
    *lo2 = lon + atan2(sin(b) * sin(a) * cos(la), cos(a) - sin(la) * sin(l2)) * 180 / VG_PI;
    *la2 = l2 * 180 / VG_PI;
}

typedef struct fixture {
    vg_zone_list zl;
    vg_zindex *ix;
} fixture;

static int setup_seine(void **state)
{
    static fixture f;
    vg_zone_list_init(&f.zl);
    vg_error err = {0};
    if (load(&f.zl, "seine.ed269.json") != 7 || f.zl.problems_total != 0) {
        for (size_t i = 0; i < f.zl.nproblems; i++)
            print_error("feature %zu: %s\n", f.zl.problems[i].index,
                        f.zl.problems[i].err.msg);
        return -1;
    }
    if (vg_zindex_build(&f.ix, f.zl.zones, f.zl.n, &site, &err) < 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vg_zindex_free(f->ix);
    vg_zone_list_free(&f->zl);
    return 0;
}

static void test_zit_circle_in_force_1830_to_midnight_paris_time_end_excluded(void **state)
{
    fixture *f = *state;
    const char *p = "ZIT-PARIS";
    /* Versailles, 100 m above ground: only the ZIT. */
    assert_string_equal(hits(f->ix, &f->zl, 48.8049, 2.1204, 100, VG_ZREF_AGL,
                             "2024-07-26T16:30:00Z"), p);
    assert_string_equal(hits(f->ix, &f->zl, 48.8049, 2.1204, 100, VG_ZREF_AGL,
                             "2024-07-26T16:29:59.999999Z"), "");
    assert_string_equal(hits(f->ix, &f->zl, 48.8049, 2.1204, 100, VG_ZREF_AGL,
                             "2024-07-26T23:59:59+02:00"), p);
    assert_string_equal(hits(f->ix, &f->zl, 48.8049, 2.1204, 100, VG_ZREF_AGL,
                             "2024-07-26T22:00:00Z"), "");
    /* no upper limit */
    assert_string_equal(hits(f->ix, &f->zl, 48.8049, 2.1204, 20000, VG_ZREF_WGS84,
                             "2024-07-26T19:00:00Z"), p);
}

static void test_zit_circle_by_distance_149_km_in_151_km_out(void **state)
{
    fixture *f = *state;
    double la, lo;
    dest(48.853, 2.3499, 200, 149900, &la, &lo);
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 50, VG_ZREF_AGL,
                             "2024-07-26T19:00:00Z"), "ZIT-PARIS");
    dest(48.853, 2.3499, 200, 150100, &la, &lo);
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 50, VG_ZREF_AGL,
                             "2024-07-26T19:00:00Z"), "");
}

static void test_red_perimeter_hole_excludes_the_grey_quays(void **state)
{
    fixture *f = *state;
    /* Pont des Arts, on the river: grey and blue, not red (red has grey as a hole) */
    assert_string_equal(hits(f->ix, &f->zl, 48.8583, 2.3375, 10, VG_ZREF_AGL,
                             "2024-07-20T12:00:00Z"), "SEINE-BLUE,SEINE-GREY");
    /* 250 m north of the river at Pont Royal: red and blue */
    double la, lo;
    dest(48.8601, 2.3291, 30, 250, &la, &lo);
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 10, VG_ZREF_AGL,
                             "2024-07-20T12:00:00Z"), "SEINE-BLUE,SEINE-RED");
    /* during the ceremony the ZIT is added */
    assert_string_equal(hits(f->ix, &f->zl, 48.8583, 2.3375, 10, VG_ZREF_AGL,
                             "2024-07-26T18:00:00Z"), "SEINE-BLUE,SEINE-GREY,ZIT-PARIS");
    /* before the perimeter's start */
    assert_string_equal(hits(f->ix, &f->zl, 48.8583, 2.3375, 10, VG_ZREF_AGL,
                             "2024-07-18T02:59:59Z"), "");
}

static void test_concave_polygon_notch_is_outside_arms_inside(void **state)
{
    fixture *f = *state;
    assert_string_equal(hits(f->ix, &f->zl, 48.866, 2.2875, 50, VG_ZREF_AGL,
                             "2024-08-01T12:00:00Z"), "");
    assert_string_equal(hits(f->ix, &f->zl, 48.866, 2.282, 50, VG_ZREF_AGL,
                             "2024-08-01T12:00:00Z"), "LFP-CONC");
    assert_string_equal(hits(f->ix, &f->zl, 48.866, 2.293, 50, VG_ZREF_AGL,
                             "2024-08-01T12:00:00Z"), "LFP-CONC");
}

static void test_boundary_points_vertices_and_edges_are_inside(void **state)
{
    fixture *f = *state;
    const char *t = "2024-08-01T12:00:00Z";
    assert_string_equal(hits(f->ix, &f->zl, 48.858, 2.280, 50, VG_ZREF_AGL, t), "LFP-CONC");
    assert_string_equal(hits(f->ix, &f->zl, 48.858, 2.2875, 50, VG_ZREF_AGL, t), "LFP-CONC");
    /* the notch's inner edge */
    assert_string_equal(hits(f->ix, &f->zl, 48.865, 2.285, 50, VG_ZREF_AGL, t), "LFP-CONC");
    assert_string_equal(hits(f->ix, &f->zl, 48.862, 2.2875, 50, VG_ZREF_AGL, t), "LFP-CONC");
}

static void test_vertical_limits_inclusive_feet_amsl_and_conversions(void **state)
{
    fixture *f = *state;
    const char *t = "2024-08-01T12:00:00Z";
    double lo = 500 * VG_ZONE_FT, hi = 1500 * VG_ZONE_FT;
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo, VG_ZREF_AMSL, t), "LFP-FEET");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, hi, VG_ZREF_AMSL, t), "LFP-FEET");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo - 0.01, VG_ZREF_AMSL, t), "");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, hi + 0.01, VG_ZREF_AMSL, t), "");
    /* the same heights above the ellipsoid (undulation 44) and above ground (35) */
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo + 44, VG_ZREF_WGS84, t),
                        "LFP-FEET");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo + 43.9, VG_ZREF_WGS84, t), "");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo - 35, VG_ZREF_AGL, t), "LFP-FEET");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, lo - 35.1, VG_ZREF_AGL, t), "");
    /* the second band, 3000-4000 ft (upper limit given as a string) */
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, 1000, VG_ZREF_AMSL, t), "LFP-FEET");
    assert_string_equal(hits(f->ix, &f->zl, 48.81, 2.31, 800, VG_ZREF_AMSL, t), "");
    double h[3];
    vg_zone_heights(100, VG_ZREF_AGL, 35, 44, h);
    assert_near(h[VG_ZREF_AMSL], 135, 1e-12);
    assert_near(h[VG_ZREF_WGS84], 179, 1e-12);
    vg_zone_heights(179, VG_ZREF_WGS84, 35, 44, h);
    assert_near(h[VG_ZREF_AGL], 100, 1e-12);
}

static void test_weekly_schedule_weekdays_start_included_end_excluded(void **state)
{
    fixture *f = *state;
    double la = 48.92444, lo = 2.36;   /* Stade de France; 2024-07-25 is a Thursday */
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 100, VG_ZREF_AGL, "2024-07-25T08:00:00Z"),
                        "LFP-WEEK");
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 100, VG_ZREF_AGL, "2024-07-25T07:59:59Z"),
                        "");
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 100, VG_ZREF_AGL, "2024-07-25T17:59:59Z"),
                        "LFP-WEEK");
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 100, VG_ZREF_AGL, "2024-07-25T18:00:00Z"),
                        "");
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 100, VG_ZREF_AGL, "2024-07-27T12:00:00Z"),
                        "");   /* Saturday */
    assert_string_equal(hits(f->ix, &f->zl, la, lo, 150, VG_ZREF_AGL, "2024-07-29T12:00:00Z"),
                        "LFP-WEEK");   /* Monday, at the upper limit */
}

/* ---- import variants and per-feature errors ---------------------------------- */

static const vg_zone_problem *problem(const vg_zone_list *zl, size_t index)
{
    for (size_t i = 0; i < zl->nproblems; i++)
        if (zl->problems[i].index == index)
            return &zl->problems[i];
    fail_msg("no problem reported for feature %zu", index);
    static const vg_zone_problem none = {0, "", {0, "(none)"}};
    return &none;
}

static void test_ed269_variants_load_and_bad_features_are_reported(void **state)
{
    (void)state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    assert_int_equal(load(&zl, "variants.ed269.json"), 3);
    assert_int_equal(zl.problems_total, 6);
    assert_string_equal(problem(&zl, 2)->identifier, "V-SELFX");
    assert_contains(problem(&zl, 2)->err.msg, "geometry[0].horizontalProjection.coordinates");
    assert_contains(problem(&zl, 2)->err.msg, "Self-intersection");
    assert_contains(problem(&zl, 3)->err.msg, "not closed");
    assert_contains(problem(&zl, 4)->err.msg, "geometry[0].lowerLimit: not a finite number");
    assert_contains(problem(&zl, 5)->err.msg, "\"north\" is not a number");
    assert_contains(problem(&zl, 6)->err.msg, "identifier");
    assert_contains(problem(&zl, 7)->err.msg, "geometry: expected a non-empty list");
    vg_zindex *ix;
    assert_int_equal(vg_zindex_build(&ix, zl.zones, zl.n, &site, NULL), 0);
    /* dailyPeriod, one day code, local times past midnight: Saturday 20:00Z-24:00Z */
    assert_string_equal(hits(ix, &zl, 1.5, 1.5, 120.5, VG_ZREF_AGL, "2024-07-27T20:00:00Z"),
                        "V-DAILY");
    assert_string_equal(hits(ix, &zl, 1.5, 1.5, 120.6, VG_ZREF_AGL, "2024-07-27T20:00:00Z"),
                        "");
    assert_string_equal(hits(ix, &zl, 1.5, 1.5, 0, VG_ZREF_AGL, "2024-07-27T19:59:59Z"), "");
    assert_string_equal(hits(ix, &zl, 1.5, 1.5, 0, VG_ZREF_AGL, "2024-07-27T23:59:59Z"),
                        "V-DAILY");
    assert_string_equal(hits(ix, &zl, 1.5, 1.5, 0, VG_ZREF_AGL, "2024-07-28T00:00:00Z"), "");
    /* applicability as a list, ANY day, fractional start, GND/UNL limits */
    assert_string_equal(hits(ix, &zl, 3.5, 3.5, 1e5, VG_ZREF_AGL, "2024-03-05T10:30:00Z"),
                        "V-ANY");
    assert_string_equal(hits(ix, &zl, 3.5, 3.5, 10, VG_ZREF_AGL, "2023-12-31T10:30:00Z"), "");
    assert_string_equal(hits(ix, &zl, 3.5, 3.5, 10, VG_ZREF_AGL, "2024-03-05T11:00:00Z"), "");
    /* a feature wrapped in "UASZone"; a circle across the antimeridian */
    assert_string_equal(hits(ix, &zl, 0, -179.99, 10, VG_ZREF_AGL, "2024-03-05T11:00:00Z"),
                        "V-WRAP");
    assert_string_equal(hits(ix, &zl, 0, -179.9, 10, VG_ZREF_AGL, "2024-03-05T11:00:00Z"), "");
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
}

static void test_geojson_import_maps_properties_and_skips_bad_features(void **state)
{
    (void)state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    assert_int_equal(load(&zl, "perimeters.geojson"), 3);
    assert_int_equal(zl.problems_total, 2);
    assert_contains(problem(&zl, 3)->err.msg, "properties.restriction");
    assert_string_equal(problem(&zl, 3)->identifier, "GJ-BAD");
    assert_contains(problem(&zl, 4)->err.msg, "\"LineString\" is not Polygon");
    assert_string_equal(zl.zones[0].identifier, "GJ-GREY");
    assert_int_equal(zl.zones[0].purpose, VG_ZONE_PERIMETER);
    assert_near(zl.zones[0].vol[0].upper, 300, 0);
    assert_int_equal(zl.zones[1].nvol, 2);
    assert_int_equal(zl.zones[1].restriction, VG_ZONE_REQ_AUTHORISATION);
    vg_zindex *ix;
    assert_int_equal(vg_zindex_build(&ix, zl.zones, zl.n, &site, NULL), 0);
    const char *t = "2024-07-27T13:00:00Z";   /* Saturday */
    assert_string_equal(hits(ix, &zl, 48.05, 2.25, 100, VG_ZREF_AMSL, t), "");   /* hole */
    assert_string_equal(hits(ix, &zl, 48.02, 2.25, 100, VG_ZREF_AMSL, t), "GJ-MULTI");
    assert_string_equal(hits(ix, &zl, 48.02, 2.25, 122, VG_ZREF_AMSL, t), "");  /* > 400 ft */
    assert_string_equal(hits(ix, &zl, 48.05, 2.05, 30.48, VG_ZREF_AMSL, t), "GJ-MULTI");
    assert_string_equal(hits(ix, &zl, 48.85837, 2.29448, 50, VG_ZREF_AGL, t), "GJ-EIFFEL");
    assert_string_equal(hits(ix, &zl, 48.85837, 2.29448, 50, VG_ZREF_AGL,
                             "2024-07-26T13:00:00Z"), "");   /* Friday */
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
}

static void test_bad_documents_are_rejected_whole(void **state)
{
    (void)state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    vg_error err = {0};
    assert_int_equal(vg_zone_import(&zl, "{\"features\": [", 14, NULL, &err), VG_EPARSE);
    assert_int_equal(vg_zone_import(&zl, "{\"type\": 1}", 11, NULL, &err), VG_EMISSING);
    assert_contains(err.msg, "features");
    assert_int_equal(vg_zone_import(&zl, "[]", 2, NULL, &err), VG_EMISSING);
    assert_int_equal(vg_zone_import(&zl, "{\"features\":[]}", 15, NULL, &err), 0);
    vg_zone_list_free(&zl);
}

/* A GeoJSON polygon feature with n vertices in a ring (a regular polygon). */
static char *big_ring(size_t n, int nfeatures)
{
    size_t cap = (size_t)nfeatures * (n * 48 + 200) + 64, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int f = 0; f < nfeatures; f++) {
        len += (size_t)snprintf(s + len, cap - len, "%s{\"type\":\"Feature\",\"properties\":"
                                "{\"identifier\":\"R%d\"},\"geometry\":{\"type\":\"Polygon\","
                                "\"coordinates\":[[", f ? "," : "", f);
        for (size_t i = 0; i < n; i++) {
            double a = 2 * VG_PI * (double)(i % (n - 1)) / (double)(n - 1);
            len += (size_t)snprintf(s + len, cap - len, "%s[%.9f,%.9f]", i ? "," : "",
                                    f * 3 + cos(a), sin(a));
        }
        len += (size_t)snprintf(s + len, cap - len, "]]}}");
    }
    snprintf(s + len, cap - len, "]}");
    return s;
}

static void test_vertex_limits_reject_the_feature_and_keep_the_others(void **state)
{
    (void)state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    vg_error err = {0};
    char *s = big_ring(VG_ZONE_RING_VERTICES_MAX + 1, 1);
    assert_int_equal(vg_zone_import(&zl, s, strlen(s), NULL, &err), 0);
    assert_int_equal(zl.problems_total, 1);
    assert_contains(zl.problems[0].err.msg, "100001 vertices, more than 100000");
    free(s);
    vg_zone_list_free(&zl);
    /* the per-file limit (lowered here): the first feature loads, the second does not */
    vg_zone_list_init(&zl);
    s = big_ring(100, 2);
    vg_zone_import_opts opts = {.max_file_vertices = 150};
    assert_int_equal(vg_zone_import(&zl, s, strlen(s), &opts, &err), 1);
    assert_contains(zl.problems[0].err.msg, "exceeds 150 vertices");
    assert_string_equal(zl.problems[0].identifier, "R1");
    free(s);
    vg_zone_list_free(&zl);
}

static void test_time_of_day_parsing_with_offsets(void **state)
{
    (void)state;
    int32_t s, o;
    assert_int_equal(vg_zone_parse_time_of_day("18:30:00+02:00", &s, &o), 0);
    assert_int_equal(s, 66600);
    assert_int_equal(o, 7200);
    assert_int_equal(vg_zone_parse_time_of_day("24:00", &s, &o), 0);
    assert_int_equal(s, 86400);
    assert_int_equal(vg_zone_parse_time_of_day("07:05:09.5Z", &s, &o), 0);
    assert_int_equal(s, 7 * 3600 + 5 * 60 + 9);
    assert_true(vg_zone_parse_time_of_day("24:01", &s, &o) < 0);
    assert_true(vg_zone_parse_time_of_day("7:00", &s, &o) < 0);
    assert_true(vg_zone_parse_time_of_day("07:00:00 ", &s, &o) < 0);
}

/* ---- index against brute force ------------------------------------------------- */

static void random_zones(vg_zone_list *zl, uint64_t *rng, int n)
{
    for (int i = 0; i < n; i++) {
        vg_zone z;
        vg_zone_init(&z);
        snprintf(z.identifier, sizeof z.identifier, "RND%d", i);
        z.restriction = (vg_zone_restriction)(th_next(rng) % 4);
        vg_zone_volume v = {0};
        v.lower = th_uniform(rng, 0, 100);
        v.upper = v.lower + th_uniform(rng, 10, 300);
        v.lower_ref = (vg_zone_vref)(th_next(rng) % 3);
        v.upper_ref = v.lower_ref;
        double clat = th_uniform(rng, 48.7, 49.0), clon = th_uniform(rng, 2.1, 2.6);
        double xy[2 * 41];
        uint32_t ring_end[1];
        if (th_next(rng) % 2) {
            v.shape = VG_ZONE_CIRCLE;
            v.lat = clat;
            v.lon = clon;
            v.radius_m = th_uniform(rng, 100, 5000);
        } else {   /* a star-shaped polygon (simple, often concave) */
            int k = 4 + (int)(th_next(rng) % 37);
            double r0 = th_uniform(rng, 0.005, 0.05);
            for (int j = 0; j < k; j++) {
                double a = 2 * VG_PI * j / k, r = r0 * th_uniform(rng, 0.3, 1);
                xy[2 * j] = clon + r * cos(a);
                xy[2 * j + 1] = clat + r * sin(a);
            }
            xy[2 * k] = xy[0];
            xy[2 * k + 1] = xy[1];
            v.shape = VG_ZONE_POLYGON;
            v.xy = xy;
            v.nvert = (size_t)k + 1;
            ring_end[0] = (uint32_t)k + 1;
            v.ring_end = ring_end;
            v.nrings = 1;
        }
        assert_int_equal(vg_zone_add_volume(&z, &v), 0);
        if (th_next(rng) % 2) {
            vg_zone_applicability a;
            vg_zone_applicability_init(&a);
            a.start = T("2024-07-20T00:00:00Z") + (vg_time)(th_next(rng) % 86400) * VG_TIME_S;
            a.end = a.start + (vg_time)(th_next(rng) % (10 * 86400)) * VG_TIME_S + 1;
            if (th_next(rng) % 2)
                vg_zone_add_window(&a, (uint8_t)(th_next(rng) & 0x7f),
                                   (int32_t)(th_next(rng) % 86400),
                                   (int32_t)(th_next(rng) % 86400), 0);
            assert_int_equal(vg_zone_add_applicability(&z, &a), 0);
        }
        assert_int_equal(vg_zone_list_push(zl, &z), 0);
    }
}

static void test_index_agrees_with_brute_force_on_random_points(void **state)
{
    (void)state;
    uint64_t rng = 42;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    random_zones(&zl, &rng, 400);
    vg_zindex *ix;
    assert_int_equal(vg_zindex_build(&ix, zl.zones, zl.n, &site, NULL), 0);
    vg_time t0 = T("2024-07-20T00:00:00Z");
    int nonempty = 0;
    for (int i = 0; i < 5000; i++) {
        vg_zpoint p = {th_uniform(&rng, 48.65, 49.05), th_uniform(&rng, 2.05, 2.65),
                       th_uniform(&rng, -50, 450), (vg_zone_vref)(th_next(&rng) % 3),
                       t0 + (vg_time)(th_next(&rng) % (12 * 86400)) * VG_TIME_S};
        size_t idx[400];
        int n = vg_zindex_query(ix, &p, idx, 400);
        assert_true(n >= 0);
        double h[3];
        vg_zone_heights(p.alt, p.alt_ref, site.ground_elevation, site.geoid_undulation, h);
        int k = 0;
        for (size_t z = 0; z < zl.n; z++)
            if (vg_zone_contains(&zl.zones[z], p.lat, p.lon, h, p.t)) {
                if (k >= n || idx[k] != z)
                    fail_msg("point %d: zone %zu missing from the index's answer", i, z);
                k++;
            }
        assert_int_equal(k, n);
        nonempty += n > 0;
    }
    assert_true(nonempty > 500);   /* the test exercises matches, not only misses */
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
}

/* ---- prediction and distance ---------------------------------------------------- */

static void add_square(vg_zone_list *zl, const char *id, vg_zone_restriction r, double x0,
                       double y0, double x1, double y1, double lower, double upper)
{
    vg_zone z;
    vg_zone_init(&z);
    snprintf(z.identifier, sizeof z.identifier, "%s", id);
    z.restriction = r;
    double xy[10] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    uint32_t end = 5;
    vg_zone_volume v = {.shape = VG_ZONE_POLYGON, .xy = xy, .nvert = 5, .ring_end = &end,
                        .nrings = 1, .lower = lower, .upper = upper};
    assert_int_equal(vg_zone_add_volume(&z, &v), 0);
    assert_int_equal(vg_zone_list_push(zl, &z), 0);
}

static void test_predict_entry_time_along_a_straight_path(void **state)
{
    fixture *f = *state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    add_square(&zl, "SQ", VG_ZONE_PROHIBITED, 2.40, 48.80, 2.41, 48.81, 0, 120);
    add_square(&zl, "HIGH", VG_ZONE_PROHIBITED, 2.30, 48.80, 2.31, 48.81, 100, 200);
    vg_zindex *ix;
    assert_int_equal(vg_zindex_build(&ix, zl.zones, zl.n, &site, NULL), 0);
    /* 1 km west of SQ's west edge, flying east at 20 m/s: entry after ~50 s */
    double lat = 48.805, lon = 2.40 - 1000 / (111320 * cos(lat * VG_PI / 180));
    vg_zpoint p = {lat, lon, 50, VG_ZREF_AGL, T("2024-07-26T19:00:00Z")};
    vg_zentry e[4];
    assert_int_equal(vg_zindex_predict(ix, &p, 20, 0, 0, 120, 1, e, 4), 1);
    assert_int_equal(e[0].zone, 0);
    assert_near(e[0].t_s, 50, 0.5);
    assert_int_equal(vg_zindex_predict(ix, &p, 20, 0, 0, 40, 1, e, 4), 0);  /* too short */
    assert_int_equal(vg_zindex_predict(ix, &p, -20, 0, 0, 120, 1, e, 4), 0);  /* away */
    /* inside HIGH horizontally, climbing from 50 m at 5 m/s: enters at 100 m = 10 s */
    vg_zpoint q = {48.805, 2.305, 50, VG_ZREF_AGL, p.t};
    assert_int_equal(vg_zindex_predict(ix, &q, 0, 0, 5, 60, 1, e, 4), 1);
    assert_near(e[0].t_s, 10, 2e-3);
    /* already inside: time 0 */
    vg_zpoint r = {48.805, 2.405, 10, VG_ZREF_AGL, p.t};
    assert_int_equal(vg_zindex_predict(ix, &r, 0, 0, 0, 10, 1, e, 4), 1);
    assert_near(e[0].t_s, 0, 0);
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
    (void)f;
}

static void test_distance_to_nearest_restricted_zone(void **state)
{
    (void)state;
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    add_square(&zl, "SQ", VG_ZONE_PROHIBITED, 2.40, 48.80, 2.41, 48.81, 0, 120);
    add_square(&zl, "FREE", VG_ZONE_NO_RESTRICTION, 2.38, 48.80, 2.39, 48.81, 0, 120);
    vg_zindex *ix;
    assert_int_equal(vg_zindex_build(&ix, zl.zones, zl.n, &site, NULL), 0);
    double d;
    size_t z;
    double lat = 48.805, lon = 2.41 + 1000 / (VG_ZONE_EARTH_R * VG_PI / 180 *
                                               cos(lat * VG_PI / 180));
    assert_int_equal(vg_zindex_nearest_restricted(ix, lat, lon, 0, &d, &z), 0);
    assert_int_equal(z, 0);
    assert_near(d, 1000, 1);
    /* next to the unrestricted zone, the restricted one still counts */
    assert_int_equal(vg_zindex_nearest_restricted(ix, 48.805, 2.385, 0, &d, &z), 0);
    assert_int_equal(z, 0);
    assert_true(d > 1000);
    assert_int_equal(vg_zindex_nearest_restricted(ix, 48.805, 2.405, 0, &d, &z), 0);
    assert_near(d, 0, 0);
    /* north of the square: 0.01° of latitude */
    assert_int_equal(vg_zindex_nearest_restricted(ix, 48.82, 2.405, 0, &d, &z), 0);
    assert_near(d, 0.01 * VG_ZONE_EARTH_R * VG_PI / 180, 0.5);
    vg_zindex_free(ix);
    vg_zone_list_free(&zl);
    vg_zone_list_init(&zl);
    assert_int_equal(vg_zindex_build(&ix, zl.zones, 0, &site, NULL), 0);
    assert_int_equal(vg_zindex_nearest_restricted(ix, 48.8, 2.4, 0, &d, &z), VG_ENOTFOUND);
    vg_zindex_free(ix);
}

/* ---- export ---------------------------------------------------------------------- */

static void assert_same_zone(const vg_zone *a, const vg_zone *b)
{
    assert_string_equal(a->identifier, b->identifier);
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->restriction, b->restriction);
    assert_int_equal(a->purpose, b->purpose);
    assert_int_equal(a->nvol, b->nvol);
    assert_int_equal(a->napplic, b->napplic);
    for (size_t i = 0; i < a->napplic; i++) {
        assert_true(a->applic[i].start == b->applic[i].start);
        assert_true(a->applic[i].end == b->applic[i].end);
        assert_int_equal(a->applic[i].nwindows, b->applic[i].nwindows);
        for (size_t k = 0; k < a->applic[i].nwindows; k++)
            assert_memory_equal(&a->applic[i].windows[k], &b->applic[i].windows[k],
                                sizeof(vg_zone_window));
    }
    for (size_t i = 0; i < a->nvol; i++) {
        const vg_zone_volume *u = &a->vol[i], *v = &b->vol[i];
        assert_int_equal(u->shape, v->shape);
        assert_true(u->lower == v->lower && u->upper == v->upper);
        assert_int_equal(u->lower_ref, v->lower_ref);
        assert_int_equal(u->upper_ref, v->upper_ref);
        assert_int_equal(u->nvert, v->nvert);
        assert_int_equal(u->nrings, v->nrings);
        if (u->nvert)
            assert_memory_equal(u->xy, v->xy, u->nvert * 2 * sizeof(double));
        assert_true(u->lat == v->lat && u->lon == v->lon && u->radius_m == v->radius_m);
    }
}

static void test_geojson_export_then_import_gives_the_same_zones(void **state)
{
    (void)state;
    vg_zone_list a, b;
    vg_zone_list_init(&a);
    vg_zone_list_init(&b);
    load(&a, "seine.ed269.json");
    load(&a, "variants.ed269.json");
    load(&a, "perimeters.geojson");
    assert_int_equal(a.n, 13);
    char *s;
    size_t len;
    assert_int_equal(vg_zone_export_geojson(a.zones, a.n, false, &s, &len, NULL), 0);
    assert_int_equal(vg_zone_import(&b, s, len, NULL, NULL), 13);
    assert_int_equal(b.problems_total, 0);
    for (size_t i = 0; i < a.n; i++)
        assert_same_zone(&a.zones[i], &b.zones[i]);
    free(s);
    /* polygonised circles: a 65-position ring with the centre and radius kept */
    assert_int_equal(vg_zone_export_geojson(a.zones, 1, true, &s, &len, NULL), 0);
    assert_contains(s, "\"Polygon\"");
    assert_contains(s, "\"center\":[2.3499,48.853]");
    assert_contains(s, "\"radius\":150000");
    free(s);
    vg_zone_list_free(&a);
    vg_zone_list_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_zit_circle_in_force_1830_to_midnight_paris_time_end_excluded, setup_seine,
            teardown),
        cmocka_unit_test_setup_teardown(test_zit_circle_by_distance_149_km_in_151_km_out,
                                        setup_seine, teardown),
        cmocka_unit_test_setup_teardown(test_red_perimeter_hole_excludes_the_grey_quays,
                                        setup_seine, teardown),
        cmocka_unit_test_setup_teardown(test_concave_polygon_notch_is_outside_arms_inside,
                                        setup_seine, teardown),
        cmocka_unit_test_setup_teardown(test_boundary_points_vertices_and_edges_are_inside,
                                        setup_seine, teardown),
        cmocka_unit_test_setup_teardown(
            test_vertical_limits_inclusive_feet_amsl_and_conversions, setup_seine, teardown),
        cmocka_unit_test_setup_teardown(
            test_weekly_schedule_weekdays_start_included_end_excluded, setup_seine, teardown),
        cmocka_unit_test_setup_teardown(test_predict_entry_time_along_a_straight_path,
                                        setup_seine, teardown),
        cmocka_unit_test(test_ed269_variants_load_and_bad_features_are_reported),
        cmocka_unit_test(test_geojson_import_maps_properties_and_skips_bad_features),
        cmocka_unit_test(test_bad_documents_are_rejected_whole),
        cmocka_unit_test(test_vertex_limits_reject_the_feature_and_keep_the_others),
        cmocka_unit_test(test_time_of_day_parsing_with_offsets),
        cmocka_unit_test(test_index_agrees_with_brute_force_on_random_points),
        cmocka_unit_test(test_distance_to_nearest_restricted_zone),
        cmocka_unit_test(test_geojson_export_then_import_gives_the_same_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
