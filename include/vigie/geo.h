/* vigie/geo.h — exact WGS84 conversions: geodetic ↔ ECEF ↔ local East-North-Up.
 *
 * The tracker works in a local ENU frame (metres) around the site origin. The
 * conversions are exact on the ellipsoid — no flat-earth approximation — so that a
 * position survives geodetic → ENU → geodetic to well under a millimetre anywhere on
 * the globe, and sensors kilometres apart share one consistent frame. */
#ifndef VIGIE_GEO_H
#define VIGIE_GEO_H

#include "vigie/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* WGS84 defining parameters (NIMA TR8350.2). */
#define VG_WGS84_A 6378137.0
#define VG_WGS84_F (1.0 / 298.257223563)

/* π, since C11 does not define M_PI. */
#define VG_PI 3.14159265358979323846

/* A geodetic position: latitude and longitude in degrees, alt in metres above the
 * WGS84 ellipsoid (not above mean sea level). */
typedef struct vg_geo {
    double lat, lon, alt;
} vg_geo;

/* A Cartesian vector in metres: ECEF, or ENU (x east, y north, z up). */
typedef struct vg_vec3 {
    double x, y, z;
} vg_vec3;

/* A local tangent frame. Build it once per site with vg_enu_frame_init; it holds the
 * origin's ECEF position and the rotation, so conversions cost a few multiplies. */
typedef struct vg_enu_frame {
    vg_geo origin;
    vg_vec3 origin_ecef;
    double rot[3][3]; /* rows: east, north, up unit vectors expressed in ECEF */
} vg_enu_frame;

/* Geodetic → ECEF (closed form). */
vg_vec3 vg_geo_to_ecef(vg_geo g);

/* ECEF → geodetic, exact closed form (Vermeille 2004). Valid everywhere except within
 * about 43 km of the Earth's centre; longitude is in (-180, 180], latitude ±90 at the
 * poles (longitude 0 there). */
vg_geo vg_ecef_to_geo(vg_vec3 p);

/* Build the ENU frame whose origin is `origin` (on or above the ellipsoid). */
void vg_enu_frame_init(vg_enu_frame *f, vg_geo origin);

/* Positions: ECEF or geodetic ↔ ENU of frame f. */
vg_vec3 vg_enu_from_ecef(const vg_enu_frame *f, vg_vec3 ecef);
vg_vec3 vg_enu_to_ecef(const vg_enu_frame *f, vg_vec3 enu);
vg_vec3 vg_enu_from_geo(const vg_enu_frame *f, vg_geo g);
vg_geo vg_enu_to_geo(const vg_enu_frame *f, vg_vec3 enu);

/* Directions (velocities, offsets): rotate without translating. */
vg_vec3 vg_enu_vec_from_ecef(const vg_enu_frame *f, vg_vec3 ecef_vec);
vg_vec3 vg_enu_vec_to_ecef(const vg_enu_frame *f, vg_vec3 enu_vec);

/* A polar measurement from a sensor — range (m), azimuth (degrees clockwise from true
 * north), elevation (degrees above the local horizontal) — as an ENU offset in the
 * sensor's own tangent frame. */
vg_vec3 vg_polar_to_enu(double range, double az_deg, double el_deg);

/* Inverse of vg_polar_to_enu: azimuth in [0, 360), elevation in [-90, 90]. */
void vg_enu_to_polar(vg_vec3 enu, double *range, double *az_deg, double *el_deg);

/* Check that g is a usable position: finite, |lat| ≤ 90, |lon| ≤ 180, and alt within
 * [-12 000, 1 000 000] m. Returns 0 or VG_ERANGE with a message naming the field. */
int vg_geo_validate(vg_geo g, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
