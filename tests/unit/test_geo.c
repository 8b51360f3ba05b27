/* test_geo.c — WGS84 conversions against published reference values, exact axis
 * points, and sub-micrometre round trips over the whole globe.
 *
 * Positions are compared in metres; angle differences are turned into metres on
 * the ellipsoid so that one tolerance (well under a millimetre) means the same thing
 * at the equator, at the poles and in orbit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "vigie/geo.h"

#define PI 3.14159265358979323846
#define RAD (PI / 180.0)
#define WGS84_B (VG_WGS84_A * (1.0 - VG_WGS84_F))

/* Angles quoted in degrees, minutes and seconds by the EPSG guidance note. */
#define DMS(d, m, s) ((d) + (m) / 60.0 + (s) / 3600.0)
#define ARCSEC (1.0 / 3600.0)

#define assert_near(actual, expected, tol) \
    assert_near_at((actual), (expected), (tol), #actual, __FILE__, __LINE__)

/* Fails (also on NaN) and prints both values: a bare assert_true would only say
 * that some comparison was false. */
static void assert_near_at(double actual, double expected, double tol, const char *what,
                           const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.17g, expected %.17g (off by %.3g, tolerance %.3g)\n", what,
                    actual, expected, actual - expected, tol);
        _fail(file, line);
    }
}

#define assert_vec_near(actual, ex, ey, ez, tol)          \
    do {                                                  \
        vg_vec3 v_ = (actual);                            \
        assert_near_at(v_.x, (ex), (tol), #actual ".x", __FILE__, __LINE__); \
        assert_near_at(v_.y, (ey), (tol), #actual ".y", __FILE__, __LINE__); \
        assert_near_at(v_.z, (ez), (tol), #actual ".z", __FILE__, __LINE__); \
    } while (0)

/* splitmix64: a fixed seed gives the same points on every machine, unlike rand(). */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double next_unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

static double uniform(uint64_t *state, double lo, double hi)
{
    return lo + (hi - lo) * next_unit(state);
}

static double dist3(vg_vec3 a, vg_vec3 b)
{
    return sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                (a.z - b.z) * (a.z - b.z));
}

/* Distance between two geodetic positions, through their ECEF points. */
static double position_error_m(vg_geo want, vg_geo got)
{
    return dist3(vg_geo_to_ecef(want), vg_geo_to_ecef(got));
}

/* The latitude and longitude differences as arc lengths. (a + |h|) over-estimates
 * the meridian radius by at most 0.7 %, which is fine for an error bound; the
 * longitude difference is wrapped so that -180 and 180 agree. */
static double angle_error_m(vg_geo want, vg_geo got)
{
    double radius = VG_WGS84_A + fabs(want.alt);
    double dlat = fabs(got.lat - want.lat) * RAD * radius;
    double dlon = fabs(remainder(got.lon - want.lon, 360.0)) * RAD * radius *
                  cos(want.lat * RAD);
    return fmax(dlat, fabs(dlon));
}

/* ---- published reference values -------------------------------------------------- */

/* pymap3d's tests (test_geodetic.py): lat 42, lon -82, h 200 m. The ECEF values are
 * quoted to 1e-5 m, so the comparison is to 1e-5 m. */
static void test_geo_to_ecef_matches_pymap3d_reference(void **state)
{
    (void)state;
    vg_geo g = {42.0, -82.0, 200.0};
    assert_vec_near(vg_geo_to_ecef(g), 660675.2518247, -4700948.68316, 4245737.66222,
                    1e-5);
}

static void test_ecef_to_geo_matches_pymap3d_reference(void **state)
{
    (void)state;
    vg_vec3 p = {660675.2518247, -4700948.68316, 4245737.66222};
    vg_geo want = {42.0, -82.0, 200.0};
    vg_geo got = vg_ecef_to_geo(p);
    assert_near(angle_error_m(want, got), 0.0, 1e-5);
    assert_near(got.alt, 200.0, 1e-5);
}

/* EPSG Guidance Note 7-2, geographic/geocentric conversions (method 9602), WGS 84
 * example. XYZ are quoted to the millimetre. */
static void test_geo_to_ecef_matches_epsg_guidance_note_example(void **state)
{
    (void)state;
    vg_geo g = {DMS(53.0, 48.0, 33.820), DMS(2.0, 7.0, 46.380), 73.0};
    assert_vec_near(vg_geo_to_ecef(g), 3771793.968, 140253.342, 5124304.349, 1e-3);
}

/* The same example backwards: latitude and longitude are quoted to 0.001" (3 cm),
 * the height to the millimetre. */
static void test_ecef_to_geo_matches_epsg_guidance_note_example(void **state)
{
    (void)state;
    vg_vec3 p = {3771793.968, 140253.342, 5124304.349};
    vg_geo got = vg_ecef_to_geo(p);
    assert_near(got.lat, DMS(53.0, 48.0, 33.820), 0.001 * ARCSEC);
    assert_near(got.lon, DMS(2.0, 7.0, 46.380), 0.001 * ARCSEC);
    assert_near(got.alt, 73.0, 1e-3);
}

/* EPSG Guidance Note 7-2, geocentric/topocentric conversions (method 9836): origin
 * 55°N 5°E h 200 m on WGS 84; the note's U, V, W are our east, north, up. */
static void test_enu_from_ecef_matches_epsg_topocentric_example(void **state)
{
    (void)state;
    vg_enu_frame f;
    vg_enu_frame_init(&f, (vg_geo){55.0, 5.0, 200.0});
    vg_vec3 p = {3771793.968, 140253.342, 5124304.349};
    assert_vec_near(vg_enu_from_ecef(&f, p), -189013.869, -128642.040, -4220.171, 1e-3);
    vg_vec3 enu = {-189013.869, -128642.040, -4220.171};
    assert_vec_near(vg_enu_to_ecef(&f, enu), 3771793.968, 140253.342, 5124304.349, 1e-3);
}

/* Independent check at finer precision: PROJ 9.1.1,
 *   echo "lon lat h 0" | cct -d 9 +proj=cart +ellps=WGS84
 * The last point is geostationary, the third 11 km below the ellipsoid near the
 * pole. */
static void test_geo_to_ecef_agrees_with_proj_to_submicrometre(void **state)
{
    (void)state;
    static const struct {
        vg_geo g;
        vg_vec3 p;
    } cases[] = {
        {{53.809394444444444, 2.1295500000000002, 73.0},
         {3771793.967641782, 140253.341899613, 5124304.349350537}},
        {{-33.8688, 151.2093, 1000000.0},
         {-5373727.540474050, 2953095.959184160, -4091665.437069511}},
        {{89.9999999, -123.456, -11000.0},
         {-0.006147065, -0.009302717, 6345752.314245179}},
        {{-0.000001, 179.999999, 35786000.0},
         {-42164136.999999985, 0.735903006, -0.735157802}},
        {{42.0, -82.0, 200.0}, {660675.251824734, -4700948.683162266, 4245737.662222386}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_vec_near(vg_geo_to_ecef(cases[i].g), cases[i].p.x, cases[i].p.y,
                        cases[i].p.z, 1e-7);
}

/* ---- axes, poles, equator -------------------------------------------------------- */

static void test_geo_to_ecef_puts_axis_points_exactly_on_the_axes(void **state)
{
    (void)state;
    const double a = VG_WGS84_A, b = WGS84_B;
    for (int dh = -1; dh <= 1; dh++) {
        double h = dh, ah = a + h, bh = b + h;
        assert_vec_near(vg_geo_to_ecef((vg_geo){0.0, 0.0, h}), ah, 0.0, 0.0, 1e-9);
        assert_vec_near(vg_geo_to_ecef((vg_geo){0.0, 90.0, h}), 0.0, ah, 0.0, 1e-9);
        assert_vec_near(vg_geo_to_ecef((vg_geo){0.0, 180.0, h}), -ah, 0.0, 0.0, 1e-9);
        assert_vec_near(vg_geo_to_ecef((vg_geo){0.0, -90.0, h}), 0.0, -ah, 0.0, 1e-9);
        assert_vec_near(vg_geo_to_ecef((vg_geo){90.0, 0.0, h}), 0.0, 0.0, bh, 1e-9);
        assert_vec_near(vg_geo_to_ecef((vg_geo){-90.0, 0.0, h}), 0.0, 0.0, -bh, 1e-9);
        /* At a pole the longitude must not matter. */
        assert_vec_near(vg_geo_to_ecef((vg_geo){90.0, 137.0, h}), 0.0, 0.0, bh, 1e-9);
    }
}

static void test_ecef_to_geo_on_the_axes_is_exact(void **state)
{
    (void)state;
    const double a = VG_WGS84_A;
    for (int dh = -1; dh <= 1; dh++) {
        double h = dh;
        vg_geo g = vg_ecef_to_geo((vg_vec3){a + h, 0.0, 0.0});
        assert_near(g.lat, 0.0, 1e-12);
        assert_near(g.lon, 0.0, 1e-12);
        assert_near(g.alt, h, 1e-9);
        g = vg_ecef_to_geo((vg_vec3){0.0, a + h, 0.0});
        assert_near(g.lat, 0.0, 1e-12);
        assert_near(g.lon, 90.0, 1e-12);
        assert_near(g.alt, h, 1e-9);
        g = vg_ecef_to_geo((vg_vec3){0.0, -(a + h), 0.0});
        assert_near(g.lon, -90.0, 1e-12);
        assert_near(g.alt, h, 1e-9);
    }
}

/* The antimeridian is +180, whichever side of y = 0 (including -0) the point is. */
static void test_ecef_to_geo_reports_the_antimeridian_as_plus_180(void **state)
{
    (void)state;
    const double a = VG_WGS84_A;
    assert_near(vg_ecef_to_geo((vg_vec3){-a, 0.0, 0.0}).lon, 180.0, 0.0);
    assert_near(vg_ecef_to_geo((vg_vec3){-a, -0.0, 0.0}).lon, 180.0, 0.0);
    assert_near(vg_ecef_to_geo(vg_geo_to_ecef((vg_geo){10.0, -180.0, 5.0})).lon, 180.0,
                1e-12);
    /* Just west of the antimeridian stays negative. */
    assert_near(vg_ecef_to_geo((vg_vec3){-a, -1e-3, 0.0}).lon, -180.0 + 1e-3 / a / RAD,
                1e-12);
}

static void test_ecef_to_geo_at_the_poles_gives_plus_minus_90_without_nan(void **state)
{
    (void)state;
    const double b = WGS84_B;
    for (int dh = -1; dh <= 1; dh++) {
        double h = dh;
        vg_geo n = vg_ecef_to_geo((vg_vec3){0.0, 0.0, b + h});
        assert_near(n.lat, 90.0, 0.0);
        assert_near(n.lon, 0.0, 0.0);
        assert_near(n.alt, h, 1e-9);
        vg_geo s = vg_ecef_to_geo((vg_vec3){0.0, 0.0, -(b + h)});
        assert_near(s.lat, -90.0, 0.0);
        assert_near(s.lon, 0.0, 0.0);
        assert_near(s.alt, h, 1e-9);
    }
    /* Off the axis by a hair: the general formula must not break down either. */
    vg_geo g = vg_ecef_to_geo((vg_vec3){1e-9, -1e-9, b - 1.0});
    assert_true(isfinite(g.lat) && isfinite(g.lon) && isfinite(g.alt));
    assert_near(g.lat, 90.0, 1e-12);
    assert_near(g.alt, -1.0, 1e-9);
    g = vg_ecef_to_geo((vg_vec3){1e-300, 0.0, -b});
    assert_near(g.lat, -90.0, 1e-12);
    assert_near(g.alt, 0.0, 1e-9);
}

static void test_ecef_to_geo_on_the_equatorial_plane_has_zero_latitude(void **state)
{
    (void)state;
    static const double heights[] = {-12000.0, -1.0, 0.0, 1.0, 1e6, 3.6e7};
    for (size_t i = 0; i < sizeof heights / sizeof heights[0]; i++) {
        for (int k = -5; k < 7; k++) {
            double lon = 30.0 * k + 0.25;
            vg_vec3 p = vg_geo_to_ecef((vg_geo){0.0, lon, heights[i]});
            p.z = 0.0;
            vg_geo g = vg_ecef_to_geo(p);
            assert_near(g.lat, 0.0, 0.0);
            assert_near(g.lon, remainder(lon, 360.0), 1e-12);
            assert_near(g.alt, heights[i], 1e-8);
        }
    }
}

/* ---- round trips ----------------------------------------------------------------- */

/* Half of the points are spread uniformly; the other half crowd the places where
 * closed forms usually go wrong: the poles, the equator, the antimeridian, and the
 * height extremes. */
static vg_geo random_geo(uint64_t *rng, double alt_lo, double alt_hi)
{
    vg_geo g;
    g.lat = uniform(rng, -90.0, 90.0);
    g.lon = 180.0 - 360.0 * next_unit(rng); /* (-180, 180] */
    g.alt = uniform(rng, alt_lo, alt_hi);
    switch (next_u64(rng) % 8) {
    case 0: g.lat = copysign(90.0 - uniform(rng, 0.0, 1e-6), g.lat); break;
    case 1: g.lat = uniform(rng, -1e-6, 1e-6); break;
    case 2: g.lon = copysign(180.0 - uniform(rng, 0.0, 1e-6), g.lon); break;
    case 3: g.alt = uniform(rng, alt_lo, alt_lo + 100.0); break;
    default: break;
    }
    return g;
}

struct rt_max {
    double pos, angle, alt;
};

static void round_trip_geo(vg_geo g, struct rt_max *m)
{
    vg_geo back = vg_ecef_to_geo(vg_geo_to_ecef(g));
    m->pos = fmax(m->pos, position_error_m(g, back));
    m->angle = fmax(m->angle, angle_error_m(g, back));
    m->alt = fmax(m->alt, fabs(back.alt - g.alt));
    /* fmax ignores NaN: catch it here. */
    assert_true(isfinite(back.lat) && isfinite(back.lon) && isfinite(back.alt));
    assert_true(back.lon > -180.0 && back.lon <= 180.0);
    assert_true(back.lat >= -90.0 && back.lat <= 90.0);
}

static void test_geodetic_ecef_round_trip_over_the_globe_is_submicrometre(void **state)
{
    (void)state;
    uint64_t rng = 20240601u;
    struct rt_max m = {0.0, 0.0, 0.0};
    for (int i = 0; i < 120000; i++)
        round_trip_geo(random_geo(&rng, -12000.0, 1e6), &m);
    /* And the exact corners of the domain. */
    static const double lats[] = {-90.0, -45.0, 0.0, 45.0, 90.0};
    static const double lons[] = {-179.999999999, -90.0, 0.0, 90.0, 180.0};
    static const double alts[] = {-12000.0, 0.0, 1e6};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            for (size_t k = 0; k < 3; k++)
                round_trip_geo((vg_geo){lats[i], lons[j], alts[k]}, &m);
    print_message("geodetic->ECEF->geodetic max error: position %.3g m, angles %.3g m, "
                  "height %.3g m\n", m.pos, m.angle, m.alt);
    assert_near(m.pos, 0.0, 1e-6);
    assert_near(m.angle, 0.0, 1e-6);
    assert_near(m.alt, 0.0, 1e-6);
}

/* Beyond the validated range: the closed form stays exact out to 100 000 km. */
static void test_geodetic_ecef_round_trip_holds_for_high_orbits(void **state)
{
    (void)state;
    uint64_t rng = 7u;
    struct rt_max m = {0.0, 0.0, 0.0};
    for (int i = 0; i < 20000; i++)
        round_trip_geo(random_geo(&rng, 1e6, 1e8), &m);
    print_message("high orbits max error: position %.3g m, angles %.3g m, "
                  "height %.3g m\n", m.pos, m.angle, m.alt);
    assert_near(m.pos, 0.0, 1e-6);
    assert_near(m.angle, 0.0, 1e-6);
    assert_near(m.alt, 0.0, 1e-6);
}

static void test_enu_round_trips_around_several_origins_are_submicrometre(void **state)
{
    (void)state;
    static const vg_geo origins[] = {
        {48.853, 2.3499, 79.0},   /* Paris */
        {90.0, 0.0, 0.0},         /* north pole */
        {-90.0, 45.0, 2800.0},    /* south pole, with an arbitrary longitude */
        {0.0, 180.0, 0.0},        /* equator on the date line */
        {-16.5, -179.9, 10.0},    /* Fiji, across the date line */
        {0.0, 0.0, 0.0},          /* equator, prime meridian */
        {89.99, -120.0, -50.0},   /* a few hundred metres off the pole */
    };
    uint64_t rng = 99u;
    double max_geo = 0.0, max_alt = 0.0, max_enu = 0.0;
    for (size_t o = 0; o < sizeof origins / sizeof origins[0]; o++) {
        vg_enu_frame f;
        vg_enu_frame_init(&f, origins[o]);
        for (int i = 0; i < 5000; i++) {
            double dist = 100e3 * next_unit(&rng);
            double bearing = uniform(&rng, 0.0, 360.0);
            vg_vec3 enu = {dist * sin(bearing * RAD), dist * cos(bearing * RAD),
                           uniform(&rng, -2000.0, 20000.0)};
            vg_geo g = vg_enu_to_geo(&f, enu);
            /* geodetic → ENU → geodetic */
            vg_vec3 e2 = vg_enu_from_geo(&f, g);
            vg_geo g2 = vg_enu_to_geo(&f, e2);
            max_geo = fmax(max_geo, fmax(position_error_m(g, g2), angle_error_m(g, g2)));
            max_alt = fmax(max_alt, fabs(g2.alt - g.alt));
            /* ENU → geodetic → ENU */
            max_enu = fmax(max_enu, dist3(enu, e2));
            assert_true(isfinite(g2.lat) && isfinite(g2.lon) && isfinite(g2.alt));
        }
    }
    print_message("ENU round trips max error: geodetic %.3g m, height %.3g m, "
                  "ENU %.3g m\n", max_geo, max_alt, max_enu);
    assert_near(max_geo, 0.0, 1e-6);
    assert_near(max_alt, 0.0, 1e-6);
    assert_near(max_enu, 0.0, 1e-6);
}

/* ---- the ENU frame --------------------------------------------------------------- */

/* meridian radius of curvature at latitude lat (degrees) */
static double meridian_radius(double lat)
{
    double e2 = VG_WGS84_F * (2.0 - VG_WGS84_F);
    double s = sin(lat * RAD);
    return VG_WGS84_A * (1.0 - e2) / pow(1.0 - e2 * s * s, 1.5);
}

/* 1000 m of arc due north along the meridian, at the origin's height: the chord
 * points north and dips below the horizon by the sagitta d²/(2(M + h)), about 8 cm.
 * The arc is measured with the radius at mid-arc, because M grows by ~10 m over the
 * kilometre, which would otherwise shift the point by 0.8 mm. */
static void test_point_1000m_up_the_meridian_is_north_and_below_horizon(void **state)
{
    (void)state;
    vg_geo o = {48.853, 2.3499, 79.0};
    vg_enu_frame f;
    vg_enu_frame_init(&f, o);
    double dlat = 0.0;
    for (int i = 0; i < 3; i++)
        dlat = 1000.0 / (meridian_radius(o.lat + dlat / 2.0) + o.alt) / RAD;
    double r = meridian_radius(o.lat) + o.alt;
    vg_vec3 enu = vg_enu_from_geo(&f, (vg_geo){o.lat + dlat, o.lon, o.alt});
    assert_near(enu.x, 0.0, 1e-9);
    assert_near(enu.y, 1000.0, 1e-4);
    assert_true(enu.z < 0.0);
    assert_near(enu.z, -1000.0 * 1000.0 / (2.0 * r), 1e-4);
}

static void check_frame_orthonormal(const vg_enu_frame *f)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double rrt = 0.0, rtr = 0.0;
            for (int k = 0; k < 3; k++) {
                rrt += f->rot[i][k] * f->rot[j][k];
                rtr += f->rot[k][i] * f->rot[k][j];
            }
            assert_near(rrt, i == j ? 1.0 : 0.0, 1e-15);
            assert_near(rtr, i == j ? 1.0 : 0.0, 1e-15);
        }
    /* Right-handed: east × north = up. */
    const double(*r)[3] = f->rot;
    assert_near(r[0][1] * r[1][2] - r[0][2] * r[1][1], r[2][0], 1e-15);
    assert_near(r[0][2] * r[1][0] - r[0][0] * r[1][2], r[2][1], 1e-15);
    assert_near(r[0][0] * r[1][1] - r[0][1] * r[1][0], r[2][2], 1e-15);
}

static void test_enu_rotation_is_orthonormal_and_right_handed(void **state)
{
    (void)state;
    static const vg_geo fixed[] = {
        {0.0, 0.0, 0.0}, {90.0, 0.0, 0.0}, {-90.0, 0.0, 0.0}, {0.0, 180.0, 0.0},
        {48.853, 2.3499, 79.0}, {-33.8688, 151.2093, 50.0},
    };
    vg_enu_frame f;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        vg_enu_frame_init(&f, fixed[i]);
        check_frame_orthonormal(&f);
    }
    uint64_t rng = 3u;
    for (int i = 0; i < 1000; i++) {
        vg_enu_frame_init(&f, random_geo(&rng, -12000.0, 1e6));
        check_frame_orthonormal(&f);
    }
}

/* Up is the ellipsoid normal: raising the origin by 1 m moves it by exactly "up";
 * on the equator at longitude 0, east is +y and north is +z. */
static void test_enu_axes_point_east_north_and_along_the_normal(void **state)
{
    (void)state;
    vg_enu_frame f;
    vg_enu_frame_init(&f, (vg_geo){0.0, 0.0, 0.0});
    assert_vec_near(vg_enu_vec_to_ecef(&f, (vg_vec3){1.0, 0.0, 0.0}), 0.0, 1.0, 0.0, 0.0);
    assert_vec_near(vg_enu_vec_to_ecef(&f, (vg_vec3){0.0, 1.0, 0.0}), 0.0, 0.0, 1.0, 0.0);
    assert_vec_near(vg_enu_vec_to_ecef(&f, (vg_vec3){0.0, 0.0, 1.0}), 1.0, 0.0, 0.0, 0.0);
    assert_vec_near(f.origin_ecef, VG_WGS84_A, 0.0, 0.0, 0.0);

    vg_geo o = {48.853, 2.3499, 79.0};
    vg_enu_frame_init(&f, o);
    assert_near(f.origin.lat, o.lat, 0.0);
    vg_vec3 up = vg_enu_from_geo(&f, (vg_geo){o.lat, o.lon, o.alt + 1.0});
    assert_vec_near(up, 0.0, 0.0, 1.0, 1e-8);
    assert_vec_near(vg_enu_from_geo(&f, o), 0.0, 0.0, 0.0, 1e-9);
}

static void test_enu_vectors_rotate_without_translating(void **state)
{
    (void)state;
    vg_enu_frame f;
    vg_enu_frame_init(&f, (vg_geo){-33.8688, 151.2093, 50.0});
    vg_vec3 v = {12.5, -3.25, 7.0};
    vg_vec3 ecef = vg_enu_vec_to_ecef(&f, v);
    double len = sqrt(12.5 * 12.5 + 3.25 * 3.25 + 49.0);
    assert_near(dist3(ecef, (vg_vec3){0.0, 0.0, 0.0}), len, 1e-12);
    assert_vec_near(vg_enu_vec_from_ecef(&f, ecef), v.x, v.y, v.z, 1e-12);
    /* A velocity is the difference of two positions. */
    vg_vec3 p0 = vg_enu_to_ecef(&f, (vg_vec3){100.0, 200.0, 30.0});
    vg_vec3 p1 = vg_enu_to_ecef(&f, (vg_vec3){100.0 + v.x, 200.0 + v.y, 30.0 + v.z});
    assert_vec_near(ecef, p1.x - p0.x, p1.y - p0.y, p1.z - p0.z, 1e-8);
}

/* ---- polar measurements ---------------------------------------------------------- */

static void test_polar_to_enu_measures_azimuth_clockwise_from_north(void **state)
{
    (void)state;
    assert_vec_near(vg_polar_to_enu(100.0, 0.0, 0.0), 0.0, 100.0, 0.0, 1e-12);
    assert_vec_near(vg_polar_to_enu(100.0, 90.0, 0.0), 100.0, 0.0, 0.0, 1e-12);
    assert_vec_near(vg_polar_to_enu(100.0, 180.0, 0.0), 0.0, -100.0, 0.0, 1e-12);
    assert_vec_near(vg_polar_to_enu(100.0, 270.0, 0.0), -100.0, 0.0, 0.0, 1e-12);
    assert_vec_near(vg_polar_to_enu(100.0, 123.0, 90.0), 0.0, 0.0, 100.0, 1e-12);
    double c = 100.0 * cos(30.0 * RAD);
    assert_vec_near(vg_polar_to_enu(100.0, 45.0, -30.0), c * sqrt(0.5), c * sqrt(0.5),
                    -50.0, 1e-12);
}

static void test_polar_enu_round_trip_recovers_range_azimuth_elevation(void **state)
{
    (void)state;
    static const double ranges[] = {0.5, 1500.0, 100e3};
    for (size_t r = 0; r < 3; r++)
        for (int az = 0; az < 360; az += 5)
            for (int el = -85; el <= 85; el += 5) {
                double azd = az + 0.125, eld = el + 0.0625;
                double range, az2, el2;
                vg_enu_to_polar(vg_polar_to_enu(ranges[r], azd, eld), &range, &az2, &el2);
                assert_near(range, ranges[r], 1e-12 * ranges[r]);
                assert_near(az2, azd, 1e-10);
                assert_near(el2, eld, 1e-10);
            }
    double range, az, el;
    vg_enu_to_polar((vg_vec3){0.0, 0.0, -20.0}, &range, &az, &el);
    assert_near(range, 20.0, 0.0);
    assert_near(el, -90.0, 0.0);
}

static void test_enu_to_polar_keeps_azimuth_in_0_360(void **state)
{
    (void)state;
    double range, az, el;
    /* A hair west of north: -6e-19 degrees + 360 rounds to 360, which is north. */
    vg_enu_to_polar((vg_vec3){-1e-20, 1.0, 0.0}, &range, &az, &el);
    assert_true(az >= 0.0 && az < 360.0);
    assert_near(az, 0.0, 1e-12);
    vg_enu_to_polar((vg_vec3){-1.0, 1.0, 0.0}, &range, &az, &el);
    assert_near(az, 315.0, 1e-12);
    vg_enu_to_polar((vg_vec3){-0.0, -1.0, 0.0}, &range, &az, &el);
    assert_near(az, 180.0, 1e-12);
    vg_enu_to_polar((vg_vec3){0.0, 0.0, 0.0}, &range, &az, &el);
    assert_near(range, 0.0, 0.0);
    assert_near(az, 0.0, 0.0);
    assert_near(el, 0.0, 0.0);
}

/* ---- validation ------------------------------------------------------------------ */

static void test_geo_validate_accepts_the_boundaries(void **state)
{
    (void)state;
    static const vg_geo ok[] = {
        {90.0, 180.0, 1e6}, {-90.0, -180.0, -12000.0}, {0.0, 0.0, 0.0},
        {48.853, 2.3499, 79.0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        vg_error err = {0, ""};
        assert_int_equal(vg_geo_validate(ok[i], &err), VG_OK);
        assert_int_equal(vg_geo_validate(ok[i], NULL), VG_OK);
    }
}

static void expect_rejected(vg_geo g, const char *field, const char *detail)
{
    vg_error err = {0, ""};
    assert_int_equal(vg_geo_validate(g, &err), VG_ERANGE);
    assert_int_equal(err.code, VG_ERANGE);
    if (strncmp(err.msg, field, strlen(field)) != 0 || !strstr(err.msg, detail))
        fail_msg("message \"%s\" should start with \"%s\" and contain \"%s\"", err.msg,
                 field, detail);
    assert_int_equal(vg_geo_validate(g, NULL), VG_ERANGE);
}

static void test_geo_validate_rejects_non_finite_values_naming_the_field(void **state)
{
    (void)state;
    expect_rejected((vg_geo){NAN, 0.0, 0.0}, "lat", "not finite");
    expect_rejected((vg_geo){INFINITY, 0.0, 0.0}, "lat", "not finite");
    expect_rejected((vg_geo){0.0, -INFINITY, 0.0}, "lon", "not finite");
    expect_rejected((vg_geo){0.0, NAN, 0.0}, "lon", "not finite");
    expect_rejected((vg_geo){0.0, 0.0, NAN}, "alt", "not finite");
    expect_rejected((vg_geo){0.0, 0.0, INFINITY}, "alt", "not finite");
    expect_rejected((vg_geo){0.0, 0.0, -INFINITY}, "alt", "not finite");
}

static void test_geo_validate_rejects_out_of_range_values_naming_the_field(void **state)
{
    (void)state;
    expect_rejected((vg_geo){91.0, 0.0, 0.0}, "lat", "lat 91 out of range [-90, 90]");
    expect_rejected((vg_geo){90.0001, 0.0, 0.0}, "lat", "90.0001");
    expect_rejected((vg_geo){-90.0001, 0.0, 0.0}, "lat", "-90.0001");
    expect_rejected((vg_geo){0.0, -180.0001, 0.0}, "lon", "-180.0001");
    expect_rejected((vg_geo){0.0, 180.0001, 0.0}, "lon", "180.0001");
    expect_rejected((vg_geo){0.0, 0.0, -12001.0}, "alt", "-12001");
    expect_rejected((vg_geo){0.0, 0.0, 1000001.0}, "alt", "1000001");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_to_ecef_matches_pymap3d_reference),
        cmocka_unit_test(test_ecef_to_geo_matches_pymap3d_reference),
        cmocka_unit_test(test_geo_to_ecef_matches_epsg_guidance_note_example),
        cmocka_unit_test(test_ecef_to_geo_matches_epsg_guidance_note_example),
        cmocka_unit_test(test_enu_from_ecef_matches_epsg_topocentric_example),
        cmocka_unit_test(test_geo_to_ecef_agrees_with_proj_to_submicrometre),
        cmocka_unit_test(test_geo_to_ecef_puts_axis_points_exactly_on_the_axes),
        cmocka_unit_test(test_ecef_to_geo_on_the_axes_is_exact),
        cmocka_unit_test(test_ecef_to_geo_reports_the_antimeridian_as_plus_180),
        cmocka_unit_test(test_ecef_to_geo_at_the_poles_gives_plus_minus_90_without_nan),
        cmocka_unit_test(test_ecef_to_geo_on_the_equatorial_plane_has_zero_latitude),
        cmocka_unit_test(test_geodetic_ecef_round_trip_over_the_globe_is_submicrometre),
        cmocka_unit_test(test_geodetic_ecef_round_trip_holds_for_high_orbits),
        cmocka_unit_test(test_enu_round_trips_around_several_origins_are_submicrometre),
        cmocka_unit_test(test_point_1000m_up_the_meridian_is_north_and_below_horizon),
        cmocka_unit_test(test_enu_rotation_is_orthonormal_and_right_handed),
        cmocka_unit_test(test_enu_axes_point_east_north_and_along_the_normal),
        cmocka_unit_test(test_enu_vectors_rotate_without_translating),
        cmocka_unit_test(test_polar_to_enu_measures_azimuth_clockwise_from_north),
        cmocka_unit_test(test_polar_enu_round_trip_recovers_range_azimuth_elevation),
        cmocka_unit_test(test_enu_to_polar_keeps_azimuth_in_0_360),
        cmocka_unit_test(test_geo_validate_accepts_the_boundaries),
        cmocka_unit_test(test_geo_validate_rejects_non_finite_values_naming_the_field),
        cmocka_unit_test(test_geo_validate_rejects_out_of_range_values_naming_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
