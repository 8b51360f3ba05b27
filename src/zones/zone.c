/* zones/zone.c — the zone model: ownership, names, heights, schedules, and the
 * reference (GEOS-free) containment and distance tests.
 *
 * The spatial index answers the same questions faster; the functions here define
 * what the answers mean, and the tests check the index against them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/zones.h"

/* ---- ownership --------------------------------------------------------------- */

void vg_zone_init(vg_zone *z)
{
    memset(z, 0, sizeof *z);
    z->restriction = VG_ZONE_PROHIBITED;
    z->purpose = VG_ZONE_AIRSPACE;
}

void vg_zone_free(vg_zone *z)
{
    for (size_t i = 0; i < z->nvol; i++) {
        free(z->vol[i].xy);
        free(z->vol[i].ring_end);
    }
    free(z->vol);
    free(z->applic);
    vg_zone_init(z);
}

int vg_zone_add_volume(vg_zone *z, const vg_zone_volume *v)
{
    vg_zone_volume *nv = realloc(z->vol, (z->nvol + 1) * sizeof *nv);
    if (!nv)
        return VG_ENOMEM;
    z->vol = nv;
    vg_zone_volume c = *v;
    c.xy = NULL;
    c.ring_end = NULL;
    if (v->shape == VG_ZONE_POLYGON && v->nvert) {
        c.xy = malloc(v->nvert * 2 * sizeof *c.xy);
        c.ring_end = malloc(v->nrings * sizeof *c.ring_end);
        if (!c.xy || !c.ring_end) {
            free(c.xy);
            free(c.ring_end);
            return VG_ENOMEM;
        }
        memcpy(c.xy, v->xy, v->nvert * 2 * sizeof *c.xy);
        memcpy(c.ring_end, v->ring_end, v->nrings * sizeof *c.ring_end);
    }
    z->vol[z->nvol++] = c;
    return 0;
}

int vg_zone_add_applicability(vg_zone *z, const vg_zone_applicability *a)
{
    vg_zone_applicability *na = realloc(z->applic, (z->napplic + 1) * sizeof *na);
    if (!na)
        return VG_ENOMEM;
    z->applic = na;
    z->applic[z->napplic++] = *a;
    return 0;
}

void vg_zone_applicability_init(vg_zone_applicability *a)
{
    memset(a, 0, sizeof *a);
    a->start = VG_TIME_MIN;
    a->end = VG_TIME_MAX;
}

void vg_zone_list_init(vg_zone_list *zl)
{
    memset(zl, 0, sizeof *zl);
}

void vg_zone_list_free(vg_zone_list *zl)
{
    for (size_t i = 0; i < zl->n; i++)
        vg_zone_free(&zl->zones[i]);
    free(zl->zones);
    free(zl->problems);
    vg_zone_list_init(zl);
}

int vg_zone_list_push(vg_zone_list *zl, vg_zone *z)
{
    if (zl->n == zl->cap) {
        size_t cap = zl->cap ? zl->cap * 2 : 16;
        vg_zone *nz = realloc(zl->zones, cap * sizeof *nz);
        if (!nz) {
            vg_zone_free(z);
            return VG_ENOMEM;
        }
        zl->zones = nz;
        zl->cap = cap;
    }
    zl->zones[zl->n++] = *z;
    vg_zone_init(z);
    return 0;
}

void vg_zone_list_problem(vg_zone_list *zl, size_t index, const char *identifier,
                          const vg_error *err)
{
    zl->problems_total++;
    if (zl->nproblems >= VG_ZONE_PROBLEMS_KEPT)
        return;
    if (!zl->problems) {
        zl->problems = calloc(VG_ZONE_PROBLEMS_KEPT, sizeof *zl->problems);
        if (!zl->problems)
            return;
    }
    vg_zone_problem *p = &zl->problems[zl->nproblems++];
    p->index = index;
    vg_zone_copy_text(p->identifier, sizeof p->identifier, identifier ? identifier : "");
    p->err = *err;
}

void vg_zone_copy_text(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;  /* do not cut a multi-byte character */
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* ---- names ------------------------------------------------------------------- */

static const char *const restriction_names[] = {"PROHIBITED", "REQ_AUTHORISATION",
                                                "CONDITIONAL", "NO_RESTRICTION"};
static const char *const purpose_names[] = {"airspace", "perimeter"};
static const char *const vref_names[] = {"AGL", "AMSL", "WGS84"};

const char *vg_zone_restriction_name(vg_zone_restriction r)
{
    return (unsigned)r < 4 ? restriction_names[r] : "?";
}

int vg_zone_restriction_parse(const char *s, vg_zone_restriction *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, restriction_names[i]) == 0) {
            *out = (vg_zone_restriction)i;
            return 0;
        }
    return VG_EINVAL;
}

const char *vg_zone_purpose_name(vg_zone_purpose p)
{
    return (unsigned)p < 2 ? purpose_names[p] : "?";
}

int vg_zone_purpose_parse(const char *s, vg_zone_purpose *out)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(s, purpose_names[i]) == 0) {
            *out = (vg_zone_purpose)i;
            return 0;
        }
    return VG_EINVAL;
}

const char *vg_zone_vref_name(vg_zone_vref r)
{
    return (unsigned)r < 3 ? vref_names[r] : "?";
}

int vg_zone_vref_parse(const char *s, vg_zone_vref *out)
{
    if (strcmp(s, "WGS-84") == 0) {
        *out = VG_ZREF_WGS84;
        return 0;
    }
    for (int i = 0; i < 3; i++)
        if (strcmp(s, vref_names[i]) == 0) {
            *out = (vg_zone_vref)i;
            return 0;
        }
    return VG_EINVAL;
}

/* ---- heights ------------------------------------------------------------------ */

void vg_zone_heights(double h, vg_zone_vref ref, double ground, double undulation,
                     double out[3])
{
    double amsl = ref == VG_ZREF_AMSL ? h : ref == VG_ZREF_AGL ? h + ground : h - undulation;
    out[VG_ZREF_AMSL] = amsl;
    out[VG_ZREF_AGL] = ref == VG_ZREF_AGL ? h : amsl - ground;
    out[VG_ZREF_WGS84] = ref == VG_ZREF_WGS84 ? h : amsl + undulation;
}

bool vg_zone_volume_height_ok(const vg_zone_volume *v, const double heights[3])
{
    return heights[v->lower_ref] >= v->lower && heights[v->upper_ref] <= v->upper;
}

/* ---- schedules ----------------------------------------------------------------- */

/* Day of week of t, 0 = Monday, and seconds since UTC midnight. */
static void week_position(vg_time t, int *dow, int32_t *sec)
{
    int64_t s = t / VG_TIME_S - (t % VG_TIME_S < 0);       /* floor */
    int64_t days = s / 86400 - (s % 86400 < 0);
    *sec = (int32_t)(s - days * 86400);
    /* 1970-01-01 was a Thursday (3). */
    *dow = (int)(((days % 7) + 7 + 3) % 7);
}

static bool window_match(const vg_zone_window *w, int dow, int32_t sec)
{
    int prev = (dow + 6) % 7;
    if ((w->days >> dow & 1) && sec >= w->start_s && sec < w->start_s + w->dur_s)
        return true;
    /* a window that started yesterday and runs past midnight */
    return (w->days >> prev & 1) && sec + 86400 < w->start_s + w->dur_s;
}

bool vg_zone_applicability_match(const vg_zone_applicability *a, vg_time t)
{
    if (t < a->start || t >= a->end)
        return false;
    if (a->nwindows == 0)
        return true;
    int dow;
    int32_t sec;
    week_position(t, &dow, &sec);
    for (size_t i = 0; i < a->nwindows; i++)
        if (window_match(&a->windows[i], dow, sec))
            return true;
    return false;
}

bool vg_zone_in_force(const vg_zone *z, vg_time t)
{
    if (z->napplic == 0)
        return true;
    for (size_t i = 0; i < z->napplic; i++)
        if (vg_zone_applicability_match(&z->applic[i], t))
            return true;
    return false;
}

static uint8_t rotate_days(uint8_t days, int by)  /* by = +1: each day becomes the next */
{
    uint8_t r = 0;
    for (int d = 0; d < 7; d++)
        if (days >> d & 1)
            r |= (uint8_t)(1u << (((d + by) % 7 + 7) % 7));
    return r;
}

int vg_zone_add_window(vg_zone_applicability *a, uint8_t days, int32_t start_s,
                       int32_t end_s, int32_t offset_s)
{
    if (a->nwindows >= VG_ZONE_WINDOWS_MAX)
        return VG_EFULL;
    int32_t dur = end_s - start_s;
    if (dur <= 0)
        dur += 86400;   /* past midnight; equal times = the whole day */
    int32_t s = start_s - offset_s;  /* local → UTC */
    if (s < 0) {
        s += 86400;
        days = rotate_days(days, -1);
    } else if (s >= 86400) {
        s -= 86400;
        days = rotate_days(days, 1);
    }
    a->windows[a->nwindows++] = (vg_zone_window){days, s, dur};
    return 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int vg_zone_parse_time_of_day(const char *s, int32_t *sec, int32_t *offset_s)
{
    int h, m, sc = 0;
    if (digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &m))
        return VG_EPARSE;
    const char *p = s + 5;
    if (*p == ':') {
        if (digits(p + 1, 2, &sc))
            return VG_EPARSE;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return VG_EPARSE;
            while (*p >= '0' && *p <= '9')
                p++;    /* fractions of a second are ignored */
        }
    }
    if (h > 24 || m > 59 || sc > 59 || (h == 24 && (m || sc)))
        return VG_ERANGE;
    *offset_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
            om > 59)
            return VG_EPARSE;
        *offset_s = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p)
        return VG_EPARSE;
    *sec = h * 3600 + m * 60 + sc;
    return 0;
}

/* ---- geometry ------------------------------------------------------------------ */

static double rad(double d)
{
    return d * (VG_PI / 180.0);
}

double vg_zone_haversine_m(double lat1, double lon1, double lat2, double lon2)
{
    double sdlat = sin(rad(lat2 - lat1) / 2), sdlon = sin(rad(lon2 - lon1) / 2);
    double h = sdlat * sdlat + cos(rad(lat1)) * cos(rad(lat2)) * sdlon * sdlon;
    if (h > 1)
        h = 1;
    return 2 * VG_ZONE_EARTH_R * asin(sqrt(h));
}

/* Point (x, y) in closed polygon: exact on-segment test, then crossing number. */
static bool polygon_contains(const vg_zone_volume *v, double x, double y)
{
    bool inside = false;
    size_t begin = 0;
    for (size_t r = 0; r < v->nrings; r++) {
        size_t end = v->ring_end[r];
        for (size_t i = begin; i + 1 < end; i++) {
            double x1 = v->xy[2 * i], y1 = v->xy[2 * i + 1];
            double x2 = v->xy[2 * i + 2], y2 = v->xy[2 * i + 3];
            double cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
            if (cross == 0 && x >= fmin(x1, x2) && x <= fmax(x1, x2) && y >= fmin(y1, y2) &&
                y <= fmax(y1, y2))
                return true;   /* on the boundary */
            if ((y1 > y) != (y2 > y)) {
                double xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
                if (x < xi)
                    inside = !inside;
            }
        }
        begin = end;
    }
    return inside;
}

bool vg_zone_volume_contains_ll(const vg_zone_volume *v, double lat, double lon)
{
    if (v->shape == VG_ZONE_CIRCLE)
        return vg_zone_haversine_m(v->lat, v->lon, lat, lon) <= v->radius_m;
    return polygon_contains(v, lon, lat);
}

bool vg_zone_contains(const vg_zone *z, double lat, double lon, const double heights[3],
                      vg_time t)
{
    if (!vg_zone_in_force(z, t))
        return false;
    for (size_t i = 0; i < z->nvol; i++)
        if (vg_zone_volume_height_ok(&z->vol[i], heights) &&
            vg_zone_volume_contains_ll(&z->vol[i], lat, lon))
            return true;
    return false;
}

double vg_zone_volume_distance_m(const vg_zone_volume *v, double lat, double lon)
{
    if (v->shape == VG_ZONE_CIRCLE) {
        double d = vg_zone_haversine_m(v->lat, v->lon, lat, lon) - v->radius_m;
        return d > 0 ? d : 0;
    }
    if (polygon_contains(v, lon, lat))
        return 0;
    double ky = rad(1) * VG_ZONE_EARTH_R, kx = ky * cos(rad(lat));
    double best = HUGE_VAL;
    for (size_t i = 0; i + 1 < v->nvert; i++) {
        /* the pair (last of a ring, first of the next) is not an edge */
        bool edge = true;
        for (size_t r = 0; r < v->nrings; r++)
            if (i + 1 == v->ring_end[r])
                edge = false;
        if (!edge)
            continue;
        double ax = (v->xy[2 * i] - lon) * kx, ay = (v->xy[2 * i + 1] - lat) * ky;
        double bx = (v->xy[2 * i + 2] - lon) * kx, by = (v->xy[2 * i + 3] - lat) * ky;
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        double u = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
        u = u < 0 ? 0 : u > 1 ? 1 : u;
        double d = hypot(ax + u * dx, ay + u * dy);
        if (d < best)
            best = d;
    }
    return best;
}

void vg_zone_volume_bbox(const vg_zone_volume *v, double *minlon, double *minlat,
                         double *maxlon, double *maxlat)
{
    if (v->shape == VG_ZONE_CIRCLE) {
        double a = v->radius_m / VG_ZONE_EARTH_R;        /* angular radius */
        double dlat = a * (180.0 / VG_PI) + 1e-9;
        *minlat = fmax(v->lat - dlat, -90);
        *maxlat = fmin(v->lat + dlat, 90);
        double s = sin(a) / cos(rad(v->lat));
        if (*minlat <= -90 || *maxlat >= 90 || !(s < 1)) {
            *minlon = -180;
            *maxlon = 180;
            return;
        }
        double dlon = asin(s) * (180.0 / VG_PI) + 1e-9;
        *minlon = v->lon - dlon;
        *maxlon = v->lon + dlon;
        if (*minlon < -180 || *maxlon > 180) {  /* crosses the antimeridian */
            *minlon = -180;
            *maxlon = 180;
        }
        return;
    }
    *minlon = *minlat = HUGE_VAL;
    *maxlon = *maxlat = -HUGE_VAL;
    for (size_t i = 0; i < v->nvert; i++) {
        *minlon = fmin(*minlon, v->xy[2 * i]);
        *maxlon = fmax(*maxlon, v->xy[2 * i]);
        *minlat = fmin(*minlat, v->xy[2 * i + 1]);
        *maxlat = fmax(*maxlat, v->xy[2 * i + 1]);
    }
}
