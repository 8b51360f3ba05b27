/* zones/zindex.c — spatial index of zones: which zones contain a 4-D point, which a
 * straight path enters, how far the nearest restricted zone is.
 *
 * Volumes are indexed by their bounding box in longitude/latitude degrees in a GEOS
 * STR tree; candidates are then checked exactly: schedule, vertical limits, then the
 * horizontal shape (a prepared GEOS polygon, planar in degrees as ED-269 defines its
 * edges, boundary inside; circles by haversine distance). The index owns its GEOS
 * context (no global GEOS state) and frees everything in vg_zindex_free. */
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/zones.h"

typedef struct zvol {
    const vg_zone_volume *v;
    size_t zone;
    GEOSGeometry *geom;                 /* polygons only */
    const GEOSPreparedGeometry *prep;
    double minlon, minlat, maxlon, maxlat;
} zvol;

struct vg_zindex {
    GEOSContextHandle_t gh;
    GEOSSTRtree *tree;
    GEOSGeometry **boxes;   /* the envelopes inserted into the tree */
    const vg_zone *zones;
    size_t nzones;
    zvol *vols;
    size_t nvols;
    vg_zindex_opts opts;
    /* scratch of one query */
    size_t *cand;
    size_t ncand, capcand;
    bool oom;
};

void vg_zindex_free(vg_zindex *ix)
{
    if (!ix)
        return;
    if (ix->gh) {
        if (ix->tree)
            GEOSSTRtree_destroy_r(ix->gh, ix->tree);
        for (size_t i = 0; i < ix->nvols; i++) {
            if (ix->vols[i].prep)
                GEOSPreparedGeom_destroy_r(ix->gh, ix->vols[i].prep);
            if (ix->vols[i].geom)
                GEOSGeom_destroy_r(ix->gh, ix->vols[i].geom);
            if (ix->boxes && ix->boxes[i])
                GEOSGeom_destroy_r(ix->gh, ix->boxes[i]);
        }
        GEOS_finish_r(ix->gh);
    }
    free(ix->boxes);
    free(ix->vols);
    free(ix->cand);
    free(ix);
}

static GEOSGeometry *make_polygon(GEOSContextHandle_t gh, const vg_zone_volume *v)
{
    if (v->nrings == 0)
        return NULL;
    GEOSGeometry **rings = calloc(v->nrings, sizeof *rings);
    if (!rings)
        return NULL;
    size_t begin = 0, r;
    for (r = 0; r < v->nrings; r++) {
        unsigned n = (unsigned)(v->ring_end[r] - begin);
        GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(gh, v->xy + 2 * begin, n, 0, 0);
        rings[r] = cs ? GEOSGeom_createLinearRing_r(gh, cs) : NULL;
        if (!rings[r])
            break;
        begin = v->ring_end[r];
    }
    GEOSGeometry *poly = NULL;
    if (r == v->nrings)
        poly = GEOSGeom_createPolygon_r(gh, rings[0], rings + 1, (unsigned)(v->nrings - 1));
    else
        for (size_t i = 0; i < r; i++)
            GEOSGeom_destroy_r(gh, rings[i]);
    free(rings);
    return poly;
}

int vg_zindex_build(vg_zindex **out, const vg_zone *zones, size_t n,
                    const vg_zindex_opts *opts, vg_error *err)
{
    *out = NULL;
    vg_zindex *ix = calloc(1, sizeof *ix);
    if (!ix)
        return vg_err(err, VG_ENOMEM, "zone index: out of memory");
    ix->zones = zones;
    ix->nzones = n;
    if (opts)
        ix->opts = *opts;
    size_t nv = 0;
    for (size_t i = 0; i < n; i++)
        nv += zones[i].nvol;
    ix->gh = GEOS_init_r();
    ix->vols = calloc(nv ? nv : 1, sizeof *ix->vols);
    ix->boxes = calloc(nv ? nv : 1, sizeof *ix->boxes);
    ix->tree = ix->gh ? GEOSSTRtree_create_r(ix->gh, 10) : NULL;
    if (!ix->gh || !ix->vols || !ix->boxes || !ix->tree) {
        vg_zindex_free(ix);
        return vg_err(err, VG_ENOMEM, "zone index: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < zones[i].nvol; k++) {
            zvol *zv = &ix->vols[ix->nvols];
            zv->v = &zones[i].vol[k];
            zv->zone = i;
            vg_zone_volume_bbox(zv->v, &zv->minlon, &zv->minlat, &zv->maxlon, &zv->maxlat);
            if (zv->v->shape == VG_ZONE_POLYGON) {
                zv->geom = make_polygon(ix->gh, zv->v);
                zv->prep = zv->geom ? GEOSPrepare_r(ix->gh, zv->geom) : NULL;
                if (!zv->prep) {
                    ix->nvols++;
                    vg_zindex_free(ix);
                    return vg_err(err, VG_EINVAL, "zone %zu (%s) volume %zu: GEOS could not "
                                  "build the polygon", i, zones[i].identifier, k);
                }
            }
            ix->boxes[ix->nvols] = GEOSGeom_createRectangle_r(ix->gh, zv->minlon, zv->minlat,
                                                              zv->maxlon, zv->maxlat);
            ix->nvols++;
            if (!ix->boxes[ix->nvols - 1]) {
                vg_zindex_free(ix);
                return vg_err(err, VG_ENOMEM, "zone index: out of memory");
            }
            /* the item is the volume's number + 1 (never NULL) */
            GEOSSTRtree_insert_r(ix->gh, ix->tree, ix->boxes[ix->nvols - 1],
                                 (void *)(uintptr_t)ix->nvols);
        }
    *out = ix;
    return 0;
}

static void collect(void *item, void *userdata)
{
    vg_zindex *ix = userdata;
    if (ix->ncand == ix->capcand) {
        size_t cap = ix->capcand ? ix->capcand * 2 : 64;
        size_t *nc = realloc(ix->cand, cap * sizeof *nc);
        if (!nc) {
            ix->oom = true;
            return;
        }
        ix->cand = nc;
        ix->capcand = cap;
    }
    ix->cand[ix->ncand++] = (uintptr_t)item - 1;
}

/* Candidate volumes whose box meets the box [x0, x1] × [y0, y1]. */
static int candidates(vg_zindex *ix, double x0, double y0, double x1, double y1)
{
    ix->ncand = 0;
    ix->oom = false;
    if (ix->nvols == 0)
        return 0;
    GEOSGeometry *q = x0 == x1 && y0 == y1 ? GEOSGeom_createPointFromXY_r(ix->gh, x0, y0)
                                           : GEOSGeom_createRectangle_r(ix->gh, x0, y0, x1, y1);
    if (!q)
        return VG_ENOMEM;
    GEOSSTRtree_query_r(ix->gh, ix->tree, q, collect, ix);
    GEOSGeom_destroy_r(ix->gh, q);
    return ix->oom ? VG_ENOMEM : 0;
}

/* Is the point inside volume zv horizontally? pt: a GEOS point, made on demand. */
static bool vol_contains(vg_zindex *ix, const zvol *zv, double lat, double lon,
                         GEOSGeometry **pt)
{
    if (lon < zv->minlon || lon > zv->maxlon || lat < zv->minlat || lat > zv->maxlat)
        return false;
    if (zv->v->shape == VG_ZONE_CIRCLE)
        return vg_zone_haversine_m(zv->v->lat, zv->v->lon, lat, lon) <= zv->v->radius_m;
    if (!*pt)
        *pt = GEOSGeom_createPointFromXY_r(ix->gh, lon, lat);
    /* intersects a point = the point is in the closed polygon: boundary inside */
    return *pt && GEOSPreparedIntersects_r(ix->gh, zv->prep, *pt) == 1;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Check the candidates at one position and time; matched zone numbers are written to
 * the front of ix->cand (sorted, unique); returns their count. */
static size_t check_candidates(vg_zindex *ix, double lat, double lon, const double h[3],
                               vg_time t)
{
    GEOSGeometry *pt = NULL;
    size_t m = 0;
    for (size_t i = 0; i < ix->ncand; i++) {
        const zvol *zv = &ix->vols[ix->cand[i]];
        if (vg_zone_volume_height_ok(zv->v, h) && vol_contains(ix, zv, lat, lon, &pt) &&
            vg_zone_in_force(&ix->zones[zv->zone], t))
            ix->cand[m++] = zv->zone;
    }
    if (pt)
        GEOSGeom_destroy_r(ix->gh, pt);
    if (m > 1) {
        qsort(ix->cand, m, sizeof *ix->cand, cmp_size);
        size_t u = 1;
        for (size_t i = 1; i < m; i++)
            if (ix->cand[i] != ix->cand[u - 1])
                ix->cand[u++] = ix->cand[i];
        m = u;
    }
    return m;
}

int vg_zindex_query(vg_zindex *ix, const vg_zpoint *p, size_t *out, size_t cap)
{
    if (!isfinite(p->lat) || !isfinite(p->lon) || !isfinite(p->alt))
        return VG_EINVAL;
    int rc = candidates(ix, p->lon, p->lat, p->lon, p->lat);
    if (rc < 0)
        return rc;
    double h[3];
    vg_zone_heights(p->alt, p->alt_ref, ix->opts.ground_elevation, ix->opts.geoid_undulation,
                    h);
    size_t m = check_candidates(ix, p->lat, p->lon, h, p->t);
    for (size_t i = 0; i < m && i < cap; i++)
        out[i] = ix->cand[i];
    return (int)m;
}

/* Position along the straight path after s seconds: ENU velocity mapped onto degrees
 * with the meridian and prime-vertical radii of curvature at the start. */
typedef struct path {
    double lat, lon, alt, dlat, dlon, vu;
    vg_time t0;
} path;

static void path_at(const path *pa, double s, double *lat, double *lon, double *alt,
                    vg_time *t)
{
    *lat = pa->lat + pa->dlat * s;
    *lon = pa->lon + pa->dlon * s;
    *alt = pa->alt + pa->vu * s;
    *t = pa->t0 + (vg_time)llround(s * 1e6);
}

static bool path_inside(vg_zindex *ix, const path *pa, const vg_zone_volume *v,
                        const zvol *zv, vg_zone_vref ref, double s)
{
    double lat, lon, alt, h[3];
    vg_time t;
    path_at(pa, s, &lat, &lon, &alt, &t);
    vg_zone_heights(alt, ref, ix->opts.ground_elevation, ix->opts.geoid_undulation, h);
    GEOSGeometry *pt = NULL;
    bool in = vg_zone_volume_height_ok(v, h) && vol_contains(ix, zv, lat, lon, &pt) &&
              vg_zone_in_force(&ix->zones[zv->zone], t);
    if (pt)
        GEOSGeom_destroy_r(ix->gh, pt);
    return in;
}

static int cmp_entry(const void *a, const void *b)
{
    const vg_zentry *x = a, *y = b;
    if (x->t_s != y->t_s)
        return x->t_s < y->t_s ? -1 : 1;
    return x->zone < y->zone ? -1 : x->zone > y->zone;
}

int vg_zindex_predict(vg_zindex *ix, const vg_zpoint *p, double ve, double vn, double vu,
                      double horizon_s, double step_s, vg_zentry *out, size_t cap)
{
    if (!isfinite(p->lat) || !isfinite(p->lon) || !isfinite(p->alt) || !isfinite(ve) ||
        !isfinite(vn) || !isfinite(vu) || !(horizon_s >= 0) || !(step_s > 0) ||
        horizon_s / step_s > 1e6)
        return VG_EINVAL;
    double e2 = VG_WGS84_F * (2 - VG_WGS84_F), sl = sin(p->lat * VG_PI / 180);
    double w = sqrt(1 - e2 * sl * sl);
    double m_rad = VG_WGS84_A * (1 - e2) / (w * w * w), n_rad = VG_WGS84_A / w;
    double cl = fmax(cos(p->lat * VG_PI / 180), 1e-9);
    path pa = {p->lat, p->lon, p->alt, vn / m_rad * 180 / VG_PI,
               ve / (n_rad * cl) * 180 / VG_PI, vu, p->t};
    double lat1, lon1, alt1;
    vg_time t1;
    path_at(&pa, horizon_s, &lat1, &lon1, &alt1, &t1);
    int rc = candidates(ix, fmin(p->lon, lon1), fmin(p->lat, lat1), fmax(p->lon, lon1),
                        fmax(p->lat, lat1));
    if (rc < 0)
        return rc;
    /* a zone's entry is the earliest over its volumes: collect per volume, then keep
     * the first entry of each zone */
    size_t nc = ix->ncand, found = 0;
    vg_zentry *ent = malloc((nc ? nc : 1) * sizeof *ent);
    if (!ent)
        return VG_ENOMEM;
    size_t nsteps = (size_t)ceil(horizon_s / step_s);
    for (size_t i = 0; i < nc; i++) {
        const zvol *zv = &ix->vols[ix->cand[i]];
        double prev = 0;
        for (size_t k = 0; k <= nsteps; k++) {
            double s = fmin((double)k * step_s, horizon_s);
            if (!path_inside(ix, &pa, zv->v, zv, p->alt_ref, s)) {
                prev = s;
                continue;
            }
            double lo = prev, hi = s;   /* outside at lo, inside at hi */
            if (k > 0)
                while (hi - lo > 1e-3) {
                    double mid = (lo + hi) / 2;
                    if (path_inside(ix, &pa, zv->v, zv, p->alt_ref, mid))
                        hi = mid;
                    else
                        lo = mid;
                }
            ent[found++] = (vg_zentry){zv->zone, k ? hi : 0};
            break;
        }
    }
    /* keep each zone's earliest entry */
    qsort(ent, found, sizeof *ent, cmp_entry);
    size_t m = 0;
    for (size_t i = 0; i < found; i++) {
        bool seen = false;
        for (size_t j = 0; j < m && !seen; j++)
            seen = ent[j].zone == ent[i].zone;
        if (!seen)
            ent[m++] = ent[i];
    }
    for (size_t i = 0; i < m && i < cap; i++)
        out[i] = ent[i];
    free(ent);
    return (int)m;
}

int vg_zindex_nearest_restricted(vg_zindex *ix, double lat, double lon, vg_time t,
                                 double *dist_m, size_t *zone)
{
    double best = HUGE_VAL, ky = VG_ZONE_EARTH_R * VG_PI / 180;
    size_t bz = 0;
    for (size_t i = 0; i < ix->nvols; i++) {
        const zvol *zv = &ix->vols[i];
        const vg_zone *z = &ix->zones[zv->zone];
        if (z->restriction == VG_ZONE_NO_RESTRICTION)
            continue;
        /* lower bound from the box: latitude gap, and longitude gap at the box's
         * latitude nearest a pole (the smallest metres per degree) */
        double dy = fmax(0, fmax(zv->minlat - lat, lat - zv->maxlat));
        double dx = fmax(0, fmax(zv->minlon - lon, lon - zv->maxlon));
        double far = fmax(fmax(fabs(zv->minlat), fabs(zv->maxlat)), fabs(lat));
        double lb = hypot(dy * ky * 0.99, dx * ky * cos(fmin(far, 90) * VG_PI / 180) * 0.99);
        if (lb >= best || !vg_zone_in_force(z, t))
            continue;
        double d = vg_zone_volume_distance_m(zv->v, lat, lon);
        if (d < best || (d == best && zv->zone < bz)) {
            best = d;
            bz = zv->zone;
        }
    }
    if (!isfinite(best))
        return VG_ENOTFOUND;
    *dist_m = best;
    *zone = bz;
    return 0;
}
