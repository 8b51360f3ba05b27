/* track/clutter.h — a clutter map (private to the tracker): where plots that belong
 * to no established object keep arriving.
 *
 * A radar sees the river's surface, boats and the quays' edges scan after scan;
 * random plots there keep starting tracks, and a few of them string together into
 * a confirmed "object" that hovers over the water. The map counts, per cell of the
 * site frame and with an exponential memory, the plots without a cooperative
 * identity that start a tentative track (or would have) or join one. Where they
 * arrive faster than a threshold, the tracker starts no track and confirms no
 * tentative one. Plots of confirmed tracks are not counted, so a tracked drone does
 * not mark its own path. Fixed capacity, no allocation after creation;
 * deterministic (times are the detections'). */
#ifndef VIGIE_TRACK_CLUTTER_H
#define VIGIE_TRACK_CLUTTER_H

#include <stdint.h>

#include "vigie/time.h"

typedef struct vg_clutter_cell {
    int64_t key;                /* packed (ix, iy); VG_GRID_EMPTY = free slot */
    double count;               /* plots, exponentially weighted */
    vg_time t;                  /* when count was last brought up to date */
} vg_clutter_cell;

typedef struct vg_clutter_map {
    vg_clutter_cell *cells;     /* open addressing, linear probing */
    uint32_t cap, used;         /* cap a power of two; at most cap / 2 used */
    double cell_m, memory_s;
} vg_clutter_map;

/* Room for `cells` cells (rounded up to a power of two, twice over). Returns 0 or
 * VG_ENOMEM. */
int vg_clutter_map_init(vg_clutter_map *m, double cell_m, double memory_s, uint32_t cells);
void vg_clutter_map_free(vg_clutter_map *m);

/* Count a plot at (e, n) at time t (not before the cell's last plot: scans come in
 * time order) and return the cell's rate, plots per second, this plot included.
 * A new cell when the map is full is not recorded: its rate is reported as 0. */
double vg_clutter_map_add(vg_clutter_map *m, double e, double n, vg_time t);

/* The rate of the cell holding (e, n) at time t, plots per second (0 if the map has
 * no such cell). */
double vg_clutter_map_rate(const vg_clutter_map *m, double e, double n, vg_time t);

#endif
