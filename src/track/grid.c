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
    memset(g->slot, 0xff, (size_t)max_tracks * sizeof *g->slot); /* every slot −1 */
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
    free(g->win);
    free(g->cells);
    free(g->next);
    free(g->prev);
    free(g->slot);
    free(g->used_slots);
    memset(g, 0, sizeof *g);
}

/* Cell coordinates back from a key (vg_grid_pack keeps both within 32 bits). */
static void unpack(int64_t key, int64_t *ix, int64_t *iy)
{
    *ix = (int32_t)(uint32_t)((uint64_t)key >> 32);
    *iy = (int32_t)(uint32_t)(uint64_t)key;
}

/* Place the window over cells [x0, x1] × [y0, y1] with every entry empty, or
 * drop it when that rectangle is too large to pay: more than two entries per
 * table slot (the table has at least four slots per filed track, so a window
 * that big means tracks spread thinly, and memory would go to empty cells). */
static void place_window(vg_grid *g, int64_t x0, int64_t x1, int64_t y0, int64_t y1)
{
    g->win_w = g->win_h = 0;
    if (x1 < x0 || y1 < y0)
        return;
    uint64_t w = (uint64_t)(x1 - x0) + 1, h = (uint64_t)(y1 - y0) + 1;
    uint64_t limit = 2u * (uint64_t)g->cap;
    if (w > limit || h > limit || w * h > limit)
        return;
    size_t n = (size_t)(w * h);
    if (n > g->win_alloc) {
        int32_t *win = realloc(g->win, n * sizeof *win);
        if (!win)
            return; /* no window: the hash alone still works */
        g->win = win;
        g->win_alloc = n;
    }
    for (size_t k = 0; k < n; k++)
        g->win[k] = -1;
    g->win_x0 = x0;
    g->win_y0 = y0;
    g->win_w = (uint32_t)w;
    g->win_h = (uint32_t)h;
}

void vg_grid_clear(vg_grid *g)
{
    /* The cells holding tracks now are where the next filings will be, give or
     * take the tracks' motion until then: the window moves there, with a margin. */
    const int64_t margin = 4;
    int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = INT64_MAX, y1 = INT64_MIN;
    for (uint32_t u = 0; u < g->used; u++) {
        vg_grid_cell *c = &g->cells[g->used_slots[u]];
        if (c->head >= 0) {
            int64_t ix, iy;
            unpack(c->key, &ix, &iy);
            x0 = ix < x0 ? ix : x0;
            x1 = ix > x1 ? ix : x1;
            y0 = iy < y0 ? iy : y0;
            y1 = iy > y1 ? iy : y1;
        }
        for (int32_t i = c->head; i >= 0; i = g->next[i])
            g->slot[i] = -1;
        c->key = EMPTY;
        c->head = -1;
    }
    g->used = 0;
    if (x1 >= x0)
        place_window(g, x0 - margin, x1 + margin, y0 - margin, y1 + margin);
    else if (g->win_w)
        place_window(g, g->win_x0, g->win_x0 + g->win_w - 1, g->win_y0,
                     g->win_y0 + g->win_h - 1); /* nothing filed: keep it, emptied */
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
    int64_t ix = cell_coord(e, g->cell), iy = cell_coord(n, g->cell);
    int64_t key = pack(ix, iy);
    if (g->slot[i] >= 0 && g->cells[g->slot[i]].key == key)
        return 0;
    /* Keep the table at most three quarters full so probes stay short; the caller
     * rebuilds the grid when this fails. The window knows the slot of a cell that
     * exists; a new one is placed by the hash. */
    int32_t *w = vg_grid_win_entry(g, ix, iy);
    int32_t s = w && *w >= 0 ? *w : find_slot(g, key);
    if (s < 0 || (g->cells[s].key == EMPTY && (g->used + 1) * 4 > g->cap * 3))
        return VG_EFULL;
    vg_grid_remove(g, i);
    if (g->cells[s].key == EMPTY) {
        g->cells[s].key = key;
        g->used_slots[g->used++] = (uint32_t)s;
        if (w)
            *w = s;
    }
    g->prev[i] = -1;
    g->next[i] = g->cells[s].head;
    if (g->next[i] >= 0)
        g->prev[g->next[i]] = i;
    g->cells[s].head = i;
    g->slot[i] = s;
    return 0;
}
