/* track/grid.c — the tracker's spatial hash: tracks filed by horizontal cell. */
#include "track/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/error.h"

#define EMPTY INT64_MIN

/* Cell coordinates beyond ±2^30 cells are clamped: at a metre per cell that is a
 * million kilometres, far outside any site frame the codec accepts. */
static int64_t cell_coord(double v, double cell)
{
    double c = floor(v / cell);
    if (!(c > -1073741824.0))
        c = -1073741824.0;
    if (c > 1073741823.0)
        c = 1073741823.0;
    return (int64_t)c;
}

static int64_t pack(int64_t ix, int64_t iy)
{
    return (int64_t)(((uint64_t)ix << 32) ^ ((uint64_t)iy & 0xffffffffu));
}

static uint32_t hash_key(int64_t key, uint32_t mask)
{
    uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32) & mask;
}

int vg_grid_init(vg_grid *g, double cell, int32_t max_tracks)
{
    memset(g, 0, sizeof *g);
    g->cell = cell;
    g->ntracks = max_tracks;
    g->cap = 16;
    while (g->cap < 4u * (uint32_t)max_tracks)
        g->cap *= 2;
    g->cells = malloc(g->cap * sizeof *g->cells);
    g->next = malloc((size_t)max_tracks * sizeof *g->next);
    g->prev = malloc((size_t)max_tracks * sizeof *g->prev);
    g->slot = malloc((size_t)max_tracks * sizeof *g->slot);
    g->used_slots = malloc(g->cap * sizeof *g->used_slots);
    if (!g->cells || !g->next || !g->prev || !g->slot || !g->used_slots) {
        vg_grid_free(g);
        return VG_ENOMEM;
    }
    for (uint32_t s = 0; s < g->cap; s++) {
        g->cells[s].key = EMPTY;
        g->cells[s].head = -1;
    }
    for (int32_t i = 0; i < max_tracks; i++)
        g->slot[i] = -1;
    return 0;
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

/* The slot of key, or the empty slot where it would go; -1 if the table is full. */
static int32_t find_slot(const vg_grid *g, int64_t key)
{
    uint32_t mask = g->cap - 1;
    uint32_t s = hash_key(key, mask);
    for (uint32_t probes = 0; probes < g->cap; probes++, s = (s + 1) & mask)
        if (g->cells[s].key == key || g->cells[s].key == EMPTY)
            return (int32_t)s;
    return -1;
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

void vg_grid_query(const vg_grid *g, double e, double n, double radius, vg_grid_visit_fn fn,
                   void *ud)
{
    int64_t x0 = cell_coord(e - radius, g->cell), x1 = cell_coord(e + radius, g->cell);
    int64_t y0 = cell_coord(n - radius, g->cell), y1 = cell_coord(n + radius, g->cell);
    for (int64_t iy = y0; iy <= y1; iy++)
        for (int64_t ix = x0; ix <= x1; ix++) {
            int32_t s = find_slot(g, pack(ix, iy));
            if (s < 0 || g->cells[s].key == EMPTY)
                continue;
            for (int32_t i = g->cells[s].head; i >= 0; i = g->next[i])
                fn(ud, i);
        }
}
