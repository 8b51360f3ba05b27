/* track/sensor_names.h — the sensors the tracker has heard, each name kept once
 * (private to the tracker).
 *
 * Every track output names the sensor that last updated the track. A record holding
 * the name itself spent a cache line of its own on it, compared at every update;
 * a record holds the name's index here instead, found once per scan. Names are
 * never removed: the engine bounds how many sensors exist (max_sensors). */
#ifndef VIGIE_TRACK_SENSOR_NAMES_H
#define VIGIE_TRACK_SENSOR_NAMES_H

#include <stdint.h>

#include "vigie/event.h"

typedef struct vg_sensor_names {
    char (*name)[VG_ID_MAX];    /* by index; each padded with NULs */
    uint32_t count, cap;
    int32_t *slots;             /* open addressing over the names: index or -1 */
    uint32_t slot_cap;          /* a power of two, at most half full */
    int32_t last;               /* the index the last lookup found, or -1 */
} vg_sensor_names;

void vg_sensor_names_init(vg_sensor_names *s);
void vg_sensor_names_free(vg_sensor_names *s);

/* The index of `name` (at most VG_ID_MAX - 1 bytes are significant), recording it
 * if new. Returns the index (≥ 0) or VG_ENOMEM. */
int32_t vg_sensor_names_index(vg_sensor_names *s, const char *name);

/* The name at index i (0 ≤ i < count), VG_ID_MAX bytes padded with NULs. */
static inline const char *vg_sensor_names_at(const vg_sensor_names *s, int32_t i)
{
    return s->name[i];
}

#endif
