/* track/grid.c — the tracker's spatial hash: tracks filed by horizontal cell. */
#include "track/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/error.h"

#define EMPTY VG_GRID_EMPTY

static int32_t find_slot(const vg_grid *g, int64_t key)
{
    return vg_grid_find_slot(g, key);
}

static int64_t cell_coord(double v, double cell)
{
    return vg_grid_coord(v, cell);
}

static int64_t pack(int64_t ix, int64_t iy)
{
    return vg_grid_pack(ix, iy);
}

/* A table of cap empty cells. */
static int alloc_cells(vg_grid *g, uint32_t cap)
{
    /* Aligned so that the four slots of a hash group share one cache line. */
    vg_grid_cell *cells = aligned_alloc(64, cap * sizeof *cells);
    uint32_t *used = malloc(cap * sizeof *used);
    if (!cells || !used) {
        free(cells);
        free(used);
        return VG_ENOMEM;
    }
    for (uint32_t s = 0; s < cap; s++) {
        cells[s].key = EMPTY;
        cells[s].head = -1;
    }
    free(g->cells);
    free(g->used_slots);
    g->cells = cells;
    g->used_slots = used;
    g->cap = cap;
    g->used = 0;
    return 0;
}

int vg_grid_init(vg_grid *g, double cell, int32_t max_tracks)
{
    memset(g, 0, sizeof *g);
    g->cell = cell;
    g->ntracks = max_tracks;
    g->next = malloc((size_t)max_tracks * sizeof *g->next);
    g->prev = malloc((size_t)max_tracks * sizeof *g->prev);
    g->slot = malloc((size_t)max_tracks * sizeof *g->slot);
    if (!g->next || !g->prev || !g->slot || alloc_cells(g, 1024) < 0) {
        vg_grid_free(g);
        return VG_ENOMEM;
    }
    for (int32_t i = 0; i < max_tracks; i++)
        g->slot[i] = -1;
    return 0;
}

int vg_grid_reserve(vg_grid *g, uint32_t cells)
{
    /* At most a quarter full after a rebuild, and never more than four slots per
     * possible track: a table sized by use, not by the configured maximum, stays
     * small enough to live in cache, where its lookups are cheap. */
    uint64_t want = 4u * (uint64_t)cells, limit = 4u * (uint64_t)g->ntracks;
    if (want > limit)
        want = limit;
    uint64_t cap = g->cap;
    while (cap < want)
        cap *= 2;
    if (cap == g->cap || cap > UINT32_MAX / 2)
        return 0;
    if (g->used)
        vg_grid_clear(g);
    return alloc_cells(g, (uint32_t)cap);
}

void vg_grid_free(vg_grid *g)
{
    free(g->cells);
    free(g->next);
    free(g->prev);
    free(g->slot);
    free(g->used_slots);
    memset(g, 0, sizeof *g);
}

void vg_grid_clear(vg_grid *g)
{
    for (uint32_t u = 0; u < g->used; u++) {
        vg_grid_cell *c = &g->cells[g->used_slots[u]];
        for (int32_t i = c->head; i >= 0; i = g->next[i])
            g->slot[i] = -1;
        c->key = EMPTY;
        c->head = -1;
    }
    g->used = 0;
}

bool vg_grid_crowded(const vg_grid *g)
{
    return g->used * 2 > g->cap;
}

void vg_grid_remove(vg_grid *g, int32_t i)
{
    int32_t s = g->slot[i];
    if (s < 0)
        return;
    if (g->prev[i] >= 0)
        g->next[g->prev[i]] = g->next[i];
    else
        g->cells[s].head = g->next[i];
    if (g->next[i] >= 0)
        g->prev[g->next[i]] = g->prev[i];
    g->slot[i] = -1;
}

int vg_grid_put(vg_grid *g, int32_t i, double e, double n)
{
    int64_t key = pack(cell_coord(e, g->cell), cell_coord(n, g->cell));
    if (g->slot[i] >= 0 && g->cells[g->slot[i]].key == key)
        return 0;
    /* Keep the table at most three quarters full so probes stay short; the caller
     * rebuilds the grid when this fails. */
    int32_t s = find_slot(g, key);
    if (s < 0 || (g->cells[s].key == EMPTY && (g->used + 1) * 4 > g->cap * 3))
        return VG_EFULL;
    vg_grid_remove(g, i);
    if (g->cells[s].key == EMPTY) {
        g->cells[s].key = key;
        g->used_slots[g->used++] = (uint32_t)s;
    }
    g->prev[i] = -1;
    g->next[i] = g->cells[s].head;
    if (g->next[i] >= 0)
        g->prev[g->next[i]] = i;
    g->cells[s].head = i;
    g->slot[i] = s;
    return 0;
}
