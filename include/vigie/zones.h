/* vigie/zones.h — geographical zones: the model, ED-269 / GeoJSON import and export,
 * and the spatial index that says which zones contain a 4-D point.
 *
 * A zone is a set of volumes (a horizontal polygon with holes, or a circle, between
 * a lower and an upper limit) with a restriction, a purpose (airspace or a ground
 * perimeter) and applicability periods (permanent, start/end, weekly UTC windows).
 * Polygons are planar in longitude/latitude degrees, as ED-269 defines them; circles
 * are spherical (haversine distance ≤ radius). docs/formats.md, "Zones: ED-269 and
 * GeoJSON", documents the semantics; this header documents the calls.
 *
 * The importers take a buffer (the shell reads the file); a bad feature is reported
 * in the list's problems and skipped while the valid ones load. The index
 * (vg_zindex) owns a GEOS context and all GEOS memory, freed by vg_zindex_free. */
#ifndef VIGIE_ZONES_H
#define VIGIE_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/geo.h"
#include "vigie/strbuf.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Feet to metres, exactly. */
#define VG_ZONE_FT 0.3048
/* Mean Earth radius (IUGG), for the spherical circle and distance computations. */
#define VG_ZONE_EARTH_R 6371008.8

/* Limits of the importers (documented in docs/formats.md). */
#define VG_ZONE_FILE_MAX ((size_t)64 << 20)         /* bytes of JSON */
#define VG_ZONE_RING_VERTICES_MAX 100000
#define VG_ZONE_FILE_VERTICES_MAX 1000000
#define VG_ZONE_FEATURES_MAX 1000000
#define VG_ZONE_WINDOWS_MAX 32      /* weekly windows per applicability entry */
#define VG_ZONE_PROBLEMS_KEPT 1000  /* per-feature errors stored (all are counted) */

#define VG_ZONE_ID_MAX 64
#define VG_ZONE_TEXT_MAX 160

typedef enum vg_zone_restriction {
    VG_ZONE_PROHIBITED = 0,
    VG_ZONE_REQ_AUTHORISATION = 1,
    VG_ZONE_CONDITIONAL = 2,
    VG_ZONE_NO_RESTRICTION = 3,
} vg_zone_restriction;

typedef enum vg_zone_purpose { VG_ZONE_AIRSPACE = 0, VG_ZONE_PERIMETER = 1 } vg_zone_purpose;

/* Vertical reference of a limit or of a query altitude. */
typedef enum vg_zone_vref { VG_ZREF_AGL = 0, VG_ZREF_AMSL = 1, VG_ZREF_WGS84 = 2 } vg_zone_vref;

typedef enum vg_zone_shape { VG_ZONE_POLYGON = 0, VG_ZONE_CIRCLE = 1 } vg_zone_shape;

/* One volume: a horizontal shape between two limits (inclusive). Limits are metres in
 * their own reference; -HUGE_VAL / HUGE_VAL when unbounded. */
typedef struct vg_zone_volume {
    vg_zone_shape shape;
    /* polygon: nvert (lon, lat) pairs in xy; ring r ends before ring_end[r]; ring 0
     * is the shell, the others holes; every ring is closed (last = first) */
    double *xy;
    size_t nvert;
    uint32_t *ring_end;
    size_t nrings;
    /* circle */
    double lon, lat, radius_m;
    double lower, upper;
    vg_zone_vref lower_ref, upper_ref;
} vg_zone_volume;

/* A weekly window, UTC: on the days of `days` (bit 0 Monday .. bit 6 Sunday), from
 * start_s seconds after midnight for dur_s seconds (1..86400; may run past midnight
 * into the next day). */
typedef struct vg_zone_window {
    uint8_t days;
    int32_t start_s, dur_s;
} vg_zone_window;

/* In force when start ≤ t < end and, if nwindows > 0, t is inside one window. */
typedef struct vg_zone_applicability {
    vg_time start, end;         /* VG_TIME_MIN / VG_TIME_MAX when open */
    size_t nwindows;
    vg_zone_window windows[VG_ZONE_WINDOWS_MAX];
} vg_zone_applicability;

typedef struct vg_zone {
    char identifier[VG_ZONE_ID_MAX];
    char country[8];
    char name[VG_ZONE_TEXT_MAX];
    char authority[VG_ZONE_TEXT_MAX];
    char message[VG_ZONE_TEXT_MAX];
    vg_zone_restriction restriction;
    vg_zone_purpose purpose;
    vg_zone_applicability *applic;   /* napplic == 0: permanent */
    size_t napplic;
    vg_zone_volume *vol;
    size_t nvol;
} vg_zone;

/* A feature that failed to import: its position in the file, its identifier when it
 * had one, and the error naming the field. */
typedef struct vg_zone_problem {
    size_t index;
    char identifier[VG_ZONE_ID_MAX];
    vg_error err;
} vg_zone_problem;

/* The zones of one or more imports, and the features they rejected. */
typedef struct vg_zone_list {
    vg_zone *zones;
    size_t n, cap;
    vg_zone_problem *problems;   /* the first VG_ZONE_PROBLEMS_KEPT */
    size_t nproblems;            /* stored */
    size_t problems_total;       /* counted */
    size_t vertices;             /* loaded so far, against max_file_vertices */
} vg_zone_list;

/* Import limits; a zero field takes the default (VG_ZONE_*_MAX). */
typedef struct vg_zone_import_opts {
    size_t max_ring_vertices;
    size_t max_file_vertices;
} vg_zone_import_opts;

/* ---- model (zone.c) ---------------------------------------------------------- */

/* An empty zone (no volumes, permanent, PROHIBITED airspace). */
void vg_zone_init(vg_zone *z);

/* Free what z owns (volumes, rings, applicability) and reset it to empty. */
void vg_zone_free(vg_zone *z);

/* Append a volume to z (copying the polygon arrays of v when it is a polygon);
 * returns 0 or VG_ENOMEM. */
int vg_zone_add_volume(vg_zone *z, const vg_zone_volume *v);

/* Append an applicability entry (copied); returns 0 or VG_ENOMEM. */
int vg_zone_add_applicability(vg_zone *z, const vg_zone_applicability *a);

/* An applicability entry that is always in force (no bounds, no windows). */
void vg_zone_applicability_init(vg_zone_applicability *a);

void vg_zone_list_init(vg_zone_list *zl);
/* Free every zone and problem of the list. */
void vg_zone_list_free(vg_zone_list *zl);
/* Move z into the list (z is left empty); returns 0 or VG_ENOMEM (z then freed). */
int vg_zone_list_push(vg_zone_list *zl, vg_zone *z);
/* Record a problem of feature `index` (identifier may be NULL or ""). */
void vg_zone_list_problem(vg_zone_list *zl, size_t index, const char *identifier,
                          const vg_error *err);

/* Names: "PROHIBITED", "airspace", "AGL", ... and back. The parsers return 0 or
 * VG_EINVAL (case-sensitive, as ED-269 spells them; ref also accepts "WGS-84"). */
const char *vg_zone_restriction_name(vg_zone_restriction r);
int vg_zone_restriction_parse(const char *s, vg_zone_restriction *out);
const char *vg_zone_purpose_name(vg_zone_purpose p);
int vg_zone_purpose_parse(const char *s, vg_zone_purpose *out);
const char *vg_zone_vref_name(vg_zone_vref r);
int vg_zone_vref_parse(const char *s, vg_zone_vref *out);

/* A height h given in reference `ref`, expressed in all three references: out[AGL],
 * out[AMSL], out[WGS84] (indexed by vg_zone_vref). ground is the ground elevation
 * (metres AMSL), undulation the geoid undulation (ellipsoid = AMSL + undulation). */
void vg_zone_heights(double h, vg_zone_vref ref, double ground, double undulation,
                     double out[3]);

/* True when the zone is in force at t: no applicability entry, or one that matches. */
bool vg_zone_in_force(const vg_zone *z, vg_time t);
bool vg_zone_applicability_match(const vg_zone_applicability *a, vg_time t);

/* True when heights (as from vg_zone_heights) lie within v's limits (inclusive). */
bool vg_zone_volume_height_ok(const vg_zone_volume *v, const double heights[3]);

/* Horizontal containment without GEOS (reference implementation): circle by
 * haversine distance ≤ radius, polygon by an exact crossing test, boundary inside. */
bool vg_zone_volume_contains_ll(const vg_zone_volume *v, double lat, double lon);

/* The whole test, brute force: in force at t, and some volume contains the point
 * (lat, lon) at heights. */
bool vg_zone_contains(const vg_zone *z, double lat, double lon, const double heights[3],
                      vg_time t);

/* Great-circle distance in metres on the sphere of radius VG_ZONE_EARTH_R. */
double vg_zone_haversine_m(double lat1, double lon1, double lat2, double lon2);

/* Horizontal distance in metres from (lat, lon) to the volume (0 inside): circles
 * exactly on the sphere, polygon edges in a local equirectangular projection centred
 * on the point (error well under 1 % within 100 km). */
double vg_zone_volume_distance_m(const vg_zone_volume *v, double lat, double lon);

/* Bounding box of a volume in degrees (circles: the spherical cap's box, the full
 * longitude range when it reaches a pole or crosses the antimeridian). */
void vg_zone_volume_bbox(const vg_zone_volume *v, double *minlon, double *minlat,
                         double *maxlon, double *maxlat);

/* Parse "HH:MM[:SS[.fff]]" with an optional "Z" or "±HH:MM" offset into seconds
 * after midnight (0..86400; "24:00" is 86400) and the offset in seconds. */
int vg_zone_parse_time_of_day(const char *s, int32_t *sec, int32_t *offset_s);

/* Add a window: days mask, local start and end of day (seconds, end ≤ start means it
 * runs past midnight; end = start = 0 means the whole day) and their UTC offset.
 * Returns 0, or VG_EFULL past VG_ZONE_WINDOWS_MAX. */
int vg_zone_add_window(vg_zone_applicability *a, uint8_t days, int32_t start_s,
                       int32_t end_s, int32_t offset_s);

/* ---- JSON building blocks shared by the importers (ed269.c) ------------------- */

struct json_t;

/* Read an ED-269 applicability value (one object or a list) into z. `path` names it
 * in messages. Returns 0 or a negative code with err naming the field. */
int vg_zone_json_applicability(vg_zone *z, const struct json_t *v, const char *path,
                               vg_error *err);

/* A number given as a JSON number or a numeric string ("120", "1.5e2"); finite. */
int vg_zone_json_number(const struct json_t *v, const char *path, double *out,
                        vg_error *err);

/* A limit: a number, a numeric string, or "GND"/"SFC" (0) / "UNL"/"UNLIMITED" (upper
 * only, +inf); multiplied by `scale` (1 or VG_ZONE_FT). NULL v gives the default. */
int vg_zone_json_limit(const struct json_t *v, const char *path, double scale,
                       bool upper, double *out, vg_error *err);

/* Read GeoJSON polygon rings ([[[lon, lat], ...], ...]) as a polygon volume's
 * horizontal part into v (which then owns the arrays). Rings must be closed and
 * valid (GEOS), within the vertex limits; zl->vertices is advanced. */
int vg_zone_json_rings(vg_zone_volume *v, const struct json_t *rings, const char *path,
                       vg_zone_list *zl, const vg_zone_import_opts *opts, vg_error *err);

/* Copy string value s into dst (cap bytes), cutting at a UTF-8 boundary. */
void vg_zone_copy_text(char *dst, size_t cap, const char *s);

/* ---- import / export ---------------------------------------------------------- */

/* Import an ED-269 document (top-level "features" or "UASZoneList") from
 * buf[0..len) into zl. Returns the number of zones loaded (≥ 0; rejected features
 * are in zl->problems), or a negative code when the document itself is unusable
 * (not JSON, too large, no feature list). opts may be NULL. */
int vg_zone_import_ed269(vg_zone_list *zl, const char *buf, size_t len,
                         const vg_zone_import_opts *opts, vg_error *err);

/* Import a GeoJSON FeatureCollection (mapping in docs/formats.md); as above. */
int vg_zone_import_geojson(vg_zone_list *zl, const char *buf, size_t len,
                           const vg_zone_import_opts *opts, vg_error *err);

/* Look at the document and call the ED-269 or the GeoJSON importer: ED-269 when it
 * has "UASZoneList", or when its first feature's "geometry" is a list. */
int vg_zone_import(vg_zone_list *zl, const char *buf, size_t len,
                   const vg_zone_import_opts *opts, vg_error *err);

/* Write zones[0..n) as a GeoJSON FeatureCollection, one feature per volume, into a
 * malloc'd NUL-terminated string (*out, caller frees). Circles are a Point with a
 * "radius" property, or with polygonise a 64-edge Polygon plus "center" and
 * "radius" (for display; it imports back as a polygon). Returns 0 or VG_ENOMEM. */
int vg_zone_export_geojson(const vg_zone *zones, size_t n, bool polygonise, char **out,
                           size_t *len, vg_error *err);

/* ---- spatial index (zindex.c) -------------------------------------------------- */

typedef struct vg_zindex vg_zindex;

typedef struct vg_zindex_opts {
    double ground_elevation;    /* metres AMSL, for AGL heights */
    double geoid_undulation;    /* metres, ellipsoid = AMSL + undulation */
} vg_zindex_opts;

/* A 4-D query point: position, altitude with its reference, and time. */
typedef struct vg_zpoint {
    double lat, lon, alt;
    vg_zone_vref alt_ref;
    vg_time t;
} vg_zpoint;

/* A predicted entry: zone index and seconds from the query time. */
typedef struct vg_zentry {
    size_t zone;
    double t_s;
} vg_zentry;

/* Build an index over zones[0..n), which it borrows: they must stay unchanged and
 * alive until vg_zindex_free. Returns 0 and *out, or VG_ENOMEM / VG_EINVAL. */
int vg_zindex_build(vg_zindex **out, const vg_zone *zones, size_t n,
                    const vg_zindex_opts *opts, vg_error *err);

/* Free the index, its GEOS context and everything GEOS allocated. Safe with NULL. */
void vg_zindex_free(vg_zindex *ix);

/* Zones in force at p->t that contain p. Writes up to cap zone indices (ascending,
 * each once) into out and returns how many matched (may exceed cap), or a negative
 * code. Queries use the index's scratch space and GEOS context: one thread at a
 * time per index. */
int vg_zindex_query(vg_zindex *ix, const vg_zpoint *p, size_t *out, size_t cap);

/* Zones a track at p moving at (ve, vn, vu) m/s (east, north, up) will be inside
 * within horizon_s seconds, with the first time it is (0 when already inside).
 * The straight path is sampled every step_s seconds (a zone crossed between two
 * samples is missed) and the entry bisected to 1 ms. Writes up to cap entries,
 * ordered by time then zone, returns the count (may exceed cap) or a negative code. */
int vg_zindex_predict(vg_zindex *ix, const vg_zpoint *p, double ve, double vn, double vu,
                      double horizon_s, double step_s, vg_zentry *out, size_t cap);

/* Horizontal distance (metres, 0 inside) from (lat, lon) to the nearest zone in force
 * at t whose restriction is not NO_RESTRICTION. Returns 0 with *dist_m and *zone, or
 * VG_ENOTFOUND when no such zone exists. */
int vg_zindex_nearest_restricted(vg_zindex *ix, double lat, double lon, vg_time t,
                                 double *dist_m, size_t *zone);

#ifdef __cplusplus
}
#endif
#endif
