/* track/bearings.c — triangulating bearings from different sites. See bearings.h. */
#include "track/bearings.h"

#include <math.h>
#include <string.h>

void vg_bearings_init(vg_bearings *b, vg_time max_age, double max_range)
{
    memset(b, 0, sizeof *b);
    b->max_age = max_age;
    b->max_range = max_range;
}

void vg_bearings_clear(vg_bearings *b)
{
    for (int i = 0; i < VG_BEARINGS_KEPT; i++)
        b->kept[i].used = false;
}

vg_vec3 vg_bearing_direction(const vg_meas_model *m)
{
    double az = m->z[0], el = m->has_elevation ? m->z[1] : 0.0;
    vg_vec3 ds = vg_polar_to_enu(1.0, az * 180.0 / VG_PI, el * 180.0 / VG_PI);
    /* sensor frame → site frame: multiply by the transpose of rot */
    return (vg_vec3){m->rot[0][0] * ds.x + m->rot[1][0] * ds.y + m->rot[2][0] * ds.z,
                     m->rot[0][1] * ds.x + m->rot[1][1] * ds.y + m->rot[2][1] * ds.z,
                     m->rot[0][2] * ds.x + m->rot[1][2] * ds.y + m->rot[2][2] * ds.z};
}

/* Intersect kept bearing k with the new bearing m, horizontally. The crossing's
 * horizontal spread grows with distance and with how acute the crossing is. */
static bool intersect(const vg_bearings *b, const vg_bearing *k, const vg_meas_model *m,
                      vg_meas_model *pos)
{
    vg_vec3 d2 = vg_bearing_direction(m);
    double h1 = hypot(k->dir.x, k->dir.y), h2 = hypot(d2.x, d2.y);
    if (h1 < 1e-6 || h2 < 1e-6)
        return false;
    double u1x = k->dir.x / h1, u1y = k->dir.y / h1, u2x = d2.x / h2, u2y = d2.y / h2;
    double cross = u1x * u2y - u1y * u2x;
    if (fabs(cross) < sin(10.0 * VG_PI / 180.0)) /* nearly parallel: ill-conditioned */
        return false;
    double wx = m->sensor.x - k->origin.x, wy = m->sensor.y - k->origin.y;
    double a1 = (wx * u2y - wy * u2x) / cross;
    double a2 = (wx * u1y - wy * u1x) / cross;
    if (a1 <= 0 || a2 <= 0 || a1 > b->max_range || a2 > b->max_range)
        return false;
    memset(pos, 0, sizeof *pos);
    pos->kind = VG_MM_POSITION;
    pos->dim = 3;
    pos->z[0] = k->origin.x + a1 * u1x;
    pos->z[1] = k->origin.y + a1 * u1y;
    double sigma_v;
    if (k->has_el) {
        pos->z[2] = k->origin.z + a1 * k->dir.z / h1;
        sigma_v = a1 * k->sigma_el + 5.0;
    } else if (m->has_elevation) {
        pos->z[2] = m->sensor.z + a2 * d2.z / h2;
        sigma_v = a2 * sqrt(m->R[3]) + 5.0; /* 2 × 2: the elevation variance */
    } else {
        /* No elevation at all: assume a low drone (the open category flies up to
         * 120 m), with a vertical spread to match — not so wide that the height
         * alone exceeds [tracker] delete_pos_var (10⁴ m² by default) and the new
         * track is deleted at the next housekeeping. */
        pos->z[2] = fmin(k->origin.z, m->sensor.z) + 50.0;
        sigma_v = 40.0;
    }
    double sh = fmax(a1 * k->sigma_az, a2 * sqrt(m->R[0])) / fabs(cross);
    pos->R[0] = pos->R[4] = sh * sh; /* 3 × 3, packed */
    pos->R[8] = sigma_v * sigma_v;
    return true;
}

bool vg_bearings_offer(vg_bearings *b, const vg_meas_model *m, const char *link,
                       vg_time time, vg_meas_model *pos)
{
    int best = -1;
    for (int i = 0; i < VG_BEARINGS_KEPT; i++) {
        vg_bearing *k = &b->kept[i];
        if (!k->used)
            continue;
        if (time - k->time > b->max_age || k->time - time > b->max_age) {
            k->used = false;
            continue;
        }
        double sep = hypot(k->origin.x - m->sensor.x, k->origin.y - m->sensor.y);
        if (sep > 50.0 && strncmp(k->link, link, sizeof k->link) == 0 &&
            (best < 0 || k->time > b->kept[best].time))
            best = i;
    }
    if (best >= 0 && intersect(b, &b->kept[best], m, pos)) {
        b->kept[best].used = false;
        return true;
    }
    int slot = 0; /* a free slot, else the oldest */
    for (int i = 0; i < VG_BEARINGS_KEPT; i++) {
        if (!b->kept[i].used) {
            slot = i;
            break;
        }
        if (b->kept[i].time < b->kept[slot].time)
            slot = i;
    }
    vg_bearing *k = &b->kept[slot];
    k->used = true;
    k->time = time;
    k->origin = m->sensor;
    k->dir = vg_bearing_direction(m);
    k->has_el = m->has_elevation;
    k->sigma_az = sqrt(m->R[0]);
    k->sigma_el = m->has_elevation ? sqrt(m->R[3]) : 0.0;
    size_t n = 0;
    while (n + 1 < sizeof k->link && link[n])
        n++;
    memcpy(k->link, link, n);
    k->link[n] = '\0';
    return false;
}
