/* base/geo.c — WGS84 geodetic ↔ ECEF ↔ East-North-Up conversions.
 *
 * ECEF → geodetic uses Vermeille's closed form (J. Geodesy 78, 2004) rather than an
 * iteration: its cost is fixed, its result is the same on every run and machine, and
 * it stays exact to nanometres from the deepest trench to orbit. Angles in degrees
 * are reduced in degrees before any trigonometry, so the axes and poles land on exact
 * zeros instead of 1e-16 × the Earth's radius. */
#include "vigie/geo.h"

#include <math.h>

#define RAD_PER_DEG (VG_PI / 180.0)
#define DEG_PER_RAD (180.0 / VG_PI)

/* First eccentricity squared and semi-minor axis, derived from the two defining
 * parameters so that nothing is rounded twice. */
#define E2 (VG_WGS84_F * (2.0 - VG_WGS84_F))
#define B (VG_WGS84_A * (1.0 - VG_WGS84_F))

/* sin and cos of an angle in degrees. Splitting off the nearest multiple of 90°
 * first (exactly, in degrees) leaves an argument in [-45°, 45°] where sin and cos
 * are at their most accurate, and makes sin(90°), cos(90°), cos(180°)... exact. */
static void sincosd(double deg, double *s, double *c)
{
    double r = fmod(deg, 360.0);
    double q = round(r / 90.0);
    r = (r - 90.0 * q) * RAD_PER_DEG;
    double sr = sin(r), cr = cos(r);
    switch (((int)q % 4 + 4) % 4) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
    }
    /* Adding +0 turns -0 into +0: callers compare and print these values. */
    *s += 0.0;
    *c += 0.0;
}

/* atan2(y, x) through atan of a quotient no larger than 1 in magnitude, which the
 * library computes in half the time of atan2, to within an ulp or two of it (the
 * quotient's rounding): nanometres on the Earth. Not for (0, 0). */
static double angle_of(double y, double x)
{
    if (fabs(y) <= fabs(x)) {
        double a = atan(y / x);
        if (x < 0.0)
            a += signbit(y) ? -VG_PI : VG_PI;
        return a;
    }
    return (y > 0.0 ? 0.5 * VG_PI : -0.5 * VG_PI) - atan(x / y);
}

/* Longitude in (-180, 180]: atan2 returns -180 for y = -0 on the negative x axis,
 * which is the same meridian as +180. */
static double lon_from_xy(double x, double y)
{
    double lon = angle_of(y, x) * DEG_PER_RAD;
    if (lon <= -180.0)
        lon += 360.0;
    return lon + 0.0;
}

vg_vec3 vg_geo_to_ecef(vg_geo g)
{
    double slat, clat, slon, clon;
    sincosd(g.lat, &slat, &clat);
    sincosd(g.lon, &slon, &clon);
    double n = VG_WGS84_A / sqrt(1.0 - E2 * slat * slat); /* prime vertical radius */
    vg_vec3 p;
    p.x = (n + g.alt) * clat * clon;
    p.y = (n + g.alt) * clat * slon;
    p.z = (n * (1.0 - E2) + g.alt) * slat;
    return p;
}

/* √(a² + b²): the plain formula where it cannot overflow or underflow — every
 * coordinate on and around the Earth, to within an ulp — and hypot, several
 * times dearer, elsewhere. The tracker converts a position for every output. */
static double norm2(double a, double b)
{
    double s = a * a + b * b;
    if (s > 1e-290 && s < 1e290)
        return sqrt(s);
    return hypot(a, b);
}

/* ∛x for the x ≥ 1 of Vermeille's formula. Anywhere near the Earth's surface x is
 * within a few percent of 1, where Newton's iteration from 1 + (x − 1)/3 reaches
 * the cube root to the last bit in three or four steps — a quarter of what the
 * library's general cbrt costs, within an ulp or two of it; elsewhere (or if it
 * has not settled) cbrt. */
static double cube_root(double x)
{
    if (!(x >= 1.0 && x <= 1.5))
        return cbrt(x);
    double t = 1.0 + (x - 1.0) / 3.0;
    for (int i = 0; i < 8; i++) {
        double next = t - (t * t * t - x) / (3.0 * t * t);
        /* Settled to within rounding (it may then alternate between neighbours). */
        if (fabs(next - t) <= 4e-16 * t)
            return next;
        t = next;
    }
    return cbrt(x);
}

vg_geo vg_ecef_to_geo(vg_vec3 p)
{
    const double a = VG_WGS84_A;
    const double e4 = E2 * E2;
    double rho = norm2(p.x, p.y);
    vg_geo g;

    /* On the polar axis the general formula would reduce to 0/0 for the longitude
     * and lose the height's sign logic; the answer is known exactly. */
    if (rho == 0.0) {
        g.lat = p.z < 0.0 ? -90.0 : 90.0;
        g.lon = 0.0;
        g.alt = fabs(p.z) - B;
        return g;
    }

    /* Vermeille (2004), eqs. in the order of the paper. r > 0 everywhere outside the
     * ellipsoid's evolute (about 43 km around the centre), so the cube root's
     * argument is ≥ 1 and no square root sees a negative number; on the equatorial
     * plane q = 0 and v = u > 0, so nothing divides by zero either. */
    double pp = (rho / a) * (rho / a);
    double q = (1.0 - E2) * (p.z / a) * (p.z / a);
    double r = (pp + q - e4) / 6.0;
    double s = e4 * pp * q / (4.0 * r * r * r);
    double t = cube_root(1.0 + s + sqrt(s * (2.0 + s)));
    double u = r * (1.0 + t + 1.0 / t);
    double v = sqrt(u * u + e4 * q);
    double w = E2 * (u + v - q) / (2.0 * v);
    double k = sqrt(u + v + w * w) - w;
    double d = k * rho / (k + E2);
    double dz = norm2(d, p.z);

    /* Half-angle form: well conditioned from the equator up to the pole. */
    g.lat = 2.0 * atan(p.z / (d + dz)) * DEG_PER_RAD; /* d + dz > 0, |p.z| ≤ dz */
    g.lon = lon_from_xy(p.x, p.y);
    g.alt = (k + E2 - 1.0) / k * dz;
    return g;
}

void vg_enu_frame_init(vg_enu_frame *f, vg_geo origin)
{
    double slat, clat, slon, clon;
    sincosd(origin.lat, &slat, &clat);
    sincosd(origin.lon, &slon, &clon);
    f->origin = origin;
    f->origin_ecef = vg_geo_to_ecef(origin);
    f->rot[0][0] = -slon;
    f->rot[0][1] = clon;
    f->rot[0][2] = 0.0;
    f->rot[1][0] = -slat * clon;
    f->rot[1][1] = -slat * slon;
    f->rot[1][2] = clat;
    f->rot[2][0] = clat * clon;
    f->rot[2][1] = clat * slon;
    f->rot[2][2] = slat;
}

vg_vec3 vg_enu_vec_from_ecef(const vg_enu_frame *f, vg_vec3 v)
{
    vg_vec3 e;
    e.x = f->rot[0][0] * v.x + f->rot[0][1] * v.y + f->rot[0][2] * v.z;
    e.y = f->rot[1][0] * v.x + f->rot[1][1] * v.y + f->rot[1][2] * v.z;
    e.z = f->rot[2][0] * v.x + f->rot[2][1] * v.y + f->rot[2][2] * v.z;
    return e;
}

/* The rotation is orthonormal, so its inverse is its transpose. */
vg_vec3 vg_enu_vec_to_ecef(const vg_enu_frame *f, vg_vec3 e)
{
    vg_vec3 v;
    v.x = f->rot[0][0] * e.x + f->rot[1][0] * e.y + f->rot[2][0] * e.z;
    v.y = f->rot[0][1] * e.x + f->rot[1][1] * e.y + f->rot[2][1] * e.z;
    v.z = f->rot[0][2] * e.x + f->rot[1][2] * e.y + f->rot[2][2] * e.z;
    return v;
}

vg_vec3 vg_enu_from_ecef(const vg_enu_frame *f, vg_vec3 ecef)
{
    vg_vec3 d = {ecef.x - f->origin_ecef.x, ecef.y - f->origin_ecef.y,
                 ecef.z - f->origin_ecef.z};
    return vg_enu_vec_from_ecef(f, d);
}

vg_vec3 vg_enu_to_ecef(const vg_enu_frame *f, vg_vec3 enu)
{
    vg_vec3 d = vg_enu_vec_to_ecef(f, enu);
    d.x += f->origin_ecef.x;
    d.y += f->origin_ecef.y;
    d.z += f->origin_ecef.z;
    return d;
}

vg_vec3 vg_enu_from_geo(const vg_enu_frame *f, vg_geo g)
{
    return vg_enu_from_ecef(f, vg_geo_to_ecef(g));
}

vg_geo vg_enu_to_geo(const vg_enu_frame *f, vg_vec3 enu)
{
    return vg_ecef_to_geo(vg_enu_to_ecef(f, enu));
}

vg_vec3 vg_polar_to_enu(double range, double az_deg, double el_deg)
{
    double saz, caz, sel, cel;
    sincosd(az_deg, &saz, &caz);
    sincosd(el_deg, &sel, &cel);
    vg_vec3 e;
    e.x = range * cel * saz;
    e.y = range * cel * caz;
    e.z = range * sel;
    return e;
}

void vg_enu_to_polar(vg_vec3 enu, double *range, double *az_deg, double *el_deg)
{
    double horiz = hypot(enu.x, enu.y);
    double az = atan2(enu.x, enu.y) * DEG_PER_RAD;
    if (az < 0.0) {
        az += 360.0;
        /* A tiny negative angle rounds to 360 once shifted; it belongs to 0. */
        if (az >= 360.0)
            az = 0.0;
    }
    *range = hypot(horiz, enu.z);
    *az_deg = az + 0.0;
    *el_deg = atan2(enu.z, horiz) * DEG_PER_RAD;
}

int vg_geo_validate(vg_geo g, vg_error *err)
{
    /* !(x >= lo && x <= hi) would also catch NaN, but "not finite" is the clearer
     * message for a NaN or an infinity that leaked in from a parser. */
    if (!isfinite(g.lat))
        return vg_err(err, VG_ERANGE, "lat is not finite");
    if (!isfinite(g.lon))
        return vg_err(err, VG_ERANGE, "lon is not finite");
    if (!isfinite(g.alt))
        return vg_err(err, VG_ERANGE, "alt is not finite");
    if (g.lat < -90.0 || g.lat > 90.0)
        return vg_err(err, VG_ERANGE, "lat %.12g out of range [-90, 90]", g.lat);
    if (g.lon < -180.0 || g.lon > 180.0)
        return vg_err(err, VG_ERANGE, "lon %.12g out of range [-180, 180]", g.lon);
    if (g.alt < -12000.0 || g.alt > 1000000.0)
        return vg_err(err, VG_ERANGE, "alt %.12g m out of range [-12000, 1000000]",
                      g.alt);
    return VG_OK;
}
