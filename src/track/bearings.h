/* track/bearings.h — triangulating RF bearings from different sites (private to the
 * tracker).
 *
 * A bearing alone cannot start a track. Bearings no track explains wait here a
 * little while; when a bearing from another site (more than 50 m away) arrives
 * within that time and crosses the waiting one at a usable angle, the crossing
 * point becomes a position measurement that can start a track. Only bearings of the
 * same RF link (signature) cross: with several drones in the air, two bearings of
 * different links meet at a point where there is no drone (a ghost). */
#ifndef VIGIE_TRACK_BEARINGS_H
#define VIGIE_TRACK_BEARINGS_H

#include <stdbool.h>

#include "vigie/event.h"
#include "vigie/filter.h"
#include "vigie/time.h"

#define VG_BEARINGS_KEPT 32

typedef struct vg_bearing {
    bool used;
    vg_time time;
    vg_vec3 origin;             /* the sensor, site frame */
    vg_vec3 dir;                /* unit vector, site frame (horizontal without el) */
    bool has_el;
    double sigma_az, sigma_el;  /* radians */
    char link[VG_ID_MAX];       /* the RF link's signature, "" when unknown */
} vg_bearing;

typedef struct vg_bearings {
    vg_bearing kept[VG_BEARINGS_KEPT];
    vg_time max_age;
    double max_range;           /* metres along each bearing */
} vg_bearings;

void vg_bearings_init(vg_bearings *b, vg_time max_age, double max_range);

/* Forget every kept bearing (the site frame changed). */
void vg_bearings_clear(vg_bearings *b);

/* Offer bearing m (a VG_MM_BEARING model) taken at `time`. Returns true and fills
 * *pos with a position measurement when it triangulates with a kept bearing (which
 * is then used up); otherwise keeps m (replacing the oldest) and returns false. */
bool vg_bearings_offer(vg_bearings *b, const vg_meas_model *m, const char *link,
                       vg_time time, vg_meas_model *pos);

/* The direction of bearing model m as a unit vector in the site frame. */
vg_vec3 vg_bearing_direction(const vg_meas_model *m);

#endif
