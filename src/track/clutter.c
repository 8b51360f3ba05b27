/* track/clutter.c — the tracker's clutter map (see clutter.h). */
#include "track/clutter.h"

#include <math.h>
#include <stdlib.h>

#include "track/grid.h"
#include "vigie/error.h"

int vg_clutter_map_init(vg_clutter_map *m, double cell_m, double memory_s, uint32_t cells)
{
    uint32_t cap = 16;
    while (cap < 2u * cells && cap < (1u << 30))
        cap <<= 1;
    m->cells = malloc((size_t)cap * sizeof *m->cells);
    if (!m->cells)
        return VG_ENOMEM;
    for (uint32_t i = 0; i < cap; i++)
        m->cells[i] = (vg_clutter_cell){.key = VG_GRID_EMPTY};
    m->cap = cap;
    m->used = 0;
    m->cell_m = cell_m;
    m->memory_s = memory_s;
    return 0;
}

void vg_clutter_map_free(vg_clutter_map *m)
{
    free(m->cells);
    m->cells = NULL;
}

/* The slot of (e, n)'s cell, or of the free slot where it would go. */
static uint32_t slot_of(const vg_clutter_map *m, double e, double n, int64_t *key)
{
    *key = vg_grid_pack(vg_grid_coord(e, m->cell_m), vg_grid_coord(n, m->cell_m));
    uint32_t mask = m->cap - 1;
    uint32_t s = (uint32_t)(((uint64_t)*key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
    while (m->cells[s].key != *key && m->cells[s].key != VG_GRID_EMPTY)
        s = (s + 1) & mask; /* never more than half full: a free slot ends the probe */
    return s;
}

static double decayed(const vg_clutter_map *m, const vg_clutter_cell *c, vg_time t)
{
    return t > c->t ? c->count * exp(-(double)(t - c->t) / 1e6 / m->memory_s) : c->count;
}

double vg_clutter_map_rate(const vg_clutter_map *m, double e, double n, vg_time t)
{
    int64_t key;
    const vg_clutter_cell *c = &m->cells[slot_of(m, e, n, &key)];
    return c->key == key ? decayed(m, c, t) / m->memory_s : 0.0;
}

double vg_clutter_map_add(vg_clutter_map *m, double e, double n, vg_time t)
{
    int64_t key;
    vg_clutter_cell *c = &m->cells[slot_of(m, e, n, &key)];
    if (c->key == VG_GRID_EMPTY) {
        if (2 * (m->used + 1) > m->cap)
            return 0.0;
        c->key = key;
        c->count = 0.0;
        c->t = t;
        m->used++;
    }
    c->count = decayed(m, c, t) + 1.0;
    if (t > c->t)
        c->t = t;
    return c->count / m->memory_s;
}
