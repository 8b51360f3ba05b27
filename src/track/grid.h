/* track/grid.h — a 2-D spatial hash of track indices (private to the tracker).
 *
 * Tracks are filed by the horizontal cell of a position (east, north) in a hash
 * table of cells; each cell holds an intrusive doubly linked list threaded through
 * the caller's `next`/`prev` arrays. Looking up the tracks near a point visits a
 * fixed number of cells, so the cost per detection does not depend on how many
 * tracks exist. Cells are never removed one by one: the tracker rebuilds the whole
 * grid periodically (vg_grid_clear + re-file), which also drops empty cells. */
#ifndef VIGIE_TRACK_GRID_H
#define VIGIE_TRACK_GRID_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vg_grid_cell {
    int64_t key;      /* packed (ix, iy); INT64_MIN = empty slot */
    int32_t head;     /* first track, -1 if none */
} vg_grid_cell;

typedef struct vg_grid {
    double cell;                /* cell size, metres */
    vg_grid_cell *cells;        /* open addressing, linear probing */
    uint32_t cap;               /* power of two */
    uint32_t used;              /* slots holding a key */
    int32_t *next, *prev;       /* per track; owned by the grid */
    int32_t *slot;              /* per track: its cell's slot, -1 when not filed */
    int32_t ntracks;
    uint32_t *used_slots;       /* slots holding a key, so clearing costs what is used */
} vg_grid;

/* Room for max_tracks tracks. Returns 0 or VG_ENOMEM. */
int vg_grid_init(vg_grid *g, double cell, int32_t max_tracks);
void vg_grid_free(vg_grid *g);

/* Forget every cell and filing, in time proportional to what is filed. */
void vg_grid_clear(vg_grid *g);

/* File track i at (e, n), moving it from its previous cell. Returns 0, or VG_EFULL
 * when the table has no free slot: the caller rebuilds and tries again. */
int vg_grid_put(vg_grid *g, int32_t i, double e, double n);

/* Unfile track i (no-op if not filed). */
void vg_grid_remove(vg_grid *g, int32_t i);

/* Call fn(ud, i) for every track filed in a cell within `radius` of (e, n), in a
 * deterministic order (cells row by row, tracks most recently filed first). */
typedef void (*vg_grid_visit_fn)(void *ud, int32_t i);
void vg_grid_query(const vg_grid *g, double e, double n, double radius, vg_grid_visit_fn fn,
                   void *ud);

/* Whether more cells can be added without degrading the table (≤ 50 % full). */
bool vg_grid_crowded(const vg_grid *g);

#endif
