/* track/grid.c — the tracker's spatial hash: tracks filed by horizontal cell, in
 * lists per cell and, after a rebuild, in a snapshot sorted by cell. */
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

static int64_t pack(int64_t ix, int64_t iy)
{
    return vg_grid_pack(ix, iy);
}

/* A table of cap empty cells (and room to list as many cells in use). */
static int alloc_cells(vg_grid *g, uint32_t cap)
{
    /* Aligned so that the four slots of a hash group share one cache line. */
    vg_grid_cell *cells = aligned_alloc(64, cap * sizeof *cells);
    int32_t *used = malloc(cap * sizeof *used);
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
    free(g->used_cells);
    g->cells = cells;
    g->used_cells = used;
    g->cap = cap;
    g->used = 0;
    return 0;
}

int vg_grid_init(vg_grid *g, double cell, int32_t max_tracks)
{
    memset(g, 0, sizeof *g);
    g->cell = cell;
    g->per_m = 1.0 / cell;
    g->ntracks = max_tracks;
    g->link = malloc((size_t)max_tracks * sizeof *g->link);
    g->snap_track = malloc((size_t)max_tracks * sizeof *g->snap_track);
    g->bulk_track = malloc((size_t)max_tracks * sizeof *g->bulk_track);
    g->bulk_cell = malloc((size_t)max_tracks * sizeof *g->bulk_cell);
    if (!g->link || !g->snap_track || !g->bulk_track || !g->bulk_cell ||
        alloc_cells(g, 1024) < 0) {
        vg_grid_free(g);
        return VG_ENOMEM;
    }
    for (int32_t i = 0; i < max_tracks; i++)
        g->link[i].where = VG_GRID_NOWHERE;
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
    free(g->snap_start);
    free(g->snap_track);
    free(g->bulk_track);
    free(g->bulk_cell);
    free(g->cells);
    free(g->link);
    free(g->used_cells);
    memset(g, 0, sizeof *g);
}

/* Cell coordinates back from a key (vg_grid_pack keeps both within 32 bits). */
static void unpack(int64_t key, int64_t *ix, int64_t *iy)
{
    *ix = (int32_t)(uint32_t)((uint64_t)key >> 32);
    *iy = (int32_t)(uint32_t)(uint64_t)key;
}

/* Place the window over cells [x0, x1] × [y0, y1] with no cell in it, or
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
    if (w > limit || h > limit || w * h > limit || w * h > INT32_MAX)
        return; /* (entries are indexed by int32_t: see VG_GRID_NOWHERE) */
    size_t n = (size_t)(w * h);
    if (n > g->win_alloc) {
        int32_t *win = realloc(g->win, n * sizeof *win);
        if (win)
            g->win = win;
        int32_t *start = realloc(g->snap_start, (n + 1) * sizeof *start);
        if (start)
            g->snap_start = start;
        if (!win || !start)
            return; /* no window: the hash alone still works */
        g->win_alloc = n;
    }
    for (size_t k = 0; k < n; k++)
        g->win[k] = VG_GRID_WIN_NONE;
    g->win_x0 = x0;
    g->win_y0 = y0;
    g->win_w = (uint32_t)w;
    g->win_h = (uint32_t)h;
}

/* A hash slot as a `where`, and back (see VG_GRID_NOWHERE). */
static int32_t where_of_slot(int32_t s)
{
    return -(s + 2);
}

static int32_t slot_of_where(int32_t where)
{
    return -(where + 2);
}

/* The first track of the cell in use at `where`, and the cell's coordinates. */
static int32_t used_cell(const vg_grid *g, int32_t where, int64_t *ix, int64_t *iy)
{
    if (where >= 0) {
        uint32_t w = (uint32_t)where;
        *ix = g->win_x0 + (int64_t)(w % g->win_w);
        *iy = g->win_y0 + (int64_t)(w / g->win_w);
        return g->win[w];
    }
    const vg_grid_cell *c = &g->cells[slot_of_where(where)];
    unpack(c->key, ix, iy);
    return c->head;
}

/* Forget the snapshot and any filing in bulk; the bounds of the snapshot's cells
 * widen [x0, x1] × [y0, y1]. */
static void drop_snapshot(vg_grid *g, int64_t *x0, int64_t *x1, int64_t *y0, int64_t *y1)
{
    if (g->snap) {
        for (int32_t e = 0; e < g->snap_start[g->win_w * g->win_h]; e++)
            if (g->snap_track[e] >= 0)
                g->link[g->snap_track[e]].where = VG_GRID_NOWHERE;
        if (g->snap_x1 >= g->snap_x0) {
            *x0 = g->snap_x0 < *x0 ? g->snap_x0 : *x0;
            *x1 = g->snap_x1 > *x1 ? g->snap_x1 : *x1;
            *y0 = g->snap_y0 < *y0 ? g->snap_y0 : *y0;
            *y1 = g->snap_y1 > *y1 ? g->snap_y1 : *y1;
        }
        g->snap = false;
    }
    if (g->bulk) {
        for (int32_t k = 0; k < g->nbulk; k++)
            if (g->bulk_track[k] >= 0)
                g->link[g->bulk_track[k]].where = VG_GRID_NOWHERE;
        g->bulk = false;
    }
}

void vg_grid_clear(vg_grid *g)
{
    /* The cells holding tracks now are where the next filings will be, give or
     * take the tracks' motion until then: the window moves there, with a margin. */
    const int64_t margin = 4;
    int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = INT64_MAX, y1 = INT64_MIN;
    drop_snapshot(g, &x0, &x1, &y0, &y1);
    for (uint32_t u = 0; u < g->used; u++) {
        int32_t where = g->used_cells[u];
        int64_t ix, iy;
        int32_t head = used_cell(g, where, &ix, &iy);
        if (head >= 0) {
            x0 = ix < x0 ? ix : x0;
            x1 = ix > x1 ? ix : x1;
            y0 = iy < y0 ? iy : y0;
            y1 = iy > y1 ? iy : y1;
        }
        for (int32_t i = head; i >= 0; i = g->link[i].next)
            g->link[i].where = VG_GRID_NOWHERE;
        if (where < 0) {
            g->cells[slot_of_where(where)].key = EMPTY;
            g->cells[slot_of_where(where)].head = -1;
        }
    }
    g->used = 0;
    g->win_listed = 0;
    if (x1 >= x0)
        place_window(g, x0 - margin, x1 + margin, y0 - margin, y1 + margin);
    else if (g->win_w)
        place_window(g, g->win_x0, g->win_x0 + g->win_w - 1, g->win_y0,
                     g->win_y0 + g->win_h - 1); /* nothing filed: keep it, emptied */
}

/* The head of the list at `where` (a track's or a cell's). */
static int32_t *head_at(vg_grid *g, int32_t where)
{
    return where >= 0 ? &g->win[where] : &g->cells[slot_of_where(where)].head;
}

void vg_grid_remove(vg_grid *g, int32_t i)
{
    vg_grid_link *l = &g->link[i];
    if (l->where == VG_GRID_NOWHERE)
        return;
    if (l->where == VG_GRID_SNAP) {
        (g->bulk ? g->bulk_track : g->snap_track)[l->next] = -1;
        l->where = VG_GRID_NOWHERE;
        return;
    }
    if (l->where >= 0)
        g->win_listed--;
    if (l->prev >= 0)
        g->link[l->prev].next = l->next;
    else /* the window's value for an emptied cell is VG_GRID_WIN_EMPTY: -1 */
        *head_at(g, l->where) = l->next;
    if (l->next >= 0)
        g->link[l->next].prev = l->prev;
    l->where = VG_GRID_NOWHERE;
}

/* Whether one more cell would fill the grid past three quarters: probes stay
 * short, and the caller rebuilds the grid when a filing fails. */
static bool full_for_another(const vg_grid *g)
{
    return (g->used + 1) * 4 > g->cap * 3;
}

int vg_grid_put(vg_grid *g, int32_t i, double e, double n)
{
    int64_t ix = vg_grid_cell_of(g, e), iy = vg_grid_cell_of(g, n);
    vg_grid_link *l = &g->link[i];
    int32_t *w = vg_grid_win_entry(g, ix, iy);
    int32_t where;
    if (w) {
        where = (int32_t)(w - g->win);
        if (l->where == where || (l->where == VG_GRID_SNAP && l->prev == where))
            return 0;
        if (g->bulk) {
            vg_grid_remove(g, i);
            g->snap_x0 = ix < g->snap_x0 ? ix : g->snap_x0;
            g->snap_x1 = ix > g->snap_x1 ? ix : g->snap_x1;
            g->snap_y0 = iy < g->snap_y0 ? iy : g->snap_y0;
            g->snap_y1 = iy > g->snap_y1 ? iy : g->snap_y1;
            l->where = VG_GRID_SNAP;
            l->next = g->nbulk;
            l->prev = where;
            g->bulk_track[g->nbulk] = i;
            g->bulk_cell[g->nbulk++] = where;
            return 0;
        }
        if (*w == VG_GRID_WIN_NONE) {
            if (full_for_another(g))
                return VG_EFULL;
            *w = VG_GRID_WIN_EMPTY;
            g->used_cells[g->used++] = where;
        }
    } else {
        int64_t key = pack(ix, iy);
        if (l->where < VG_GRID_NOWHERE && l->where != VG_GRID_SNAP &&
            g->cells[slot_of_where(l->where)].key == key)
            return 0;
        int32_t s = find_slot(g, key);
        if (s < 0 || (g->cells[s].key == EMPTY && full_for_another(g)))
            return VG_EFULL;
        where = where_of_slot(s);
        if (g->cells[s].key == EMPTY) {
            g->cells[s].key = key;
            g->used_cells[g->used++] = where;
        }
    }
    vg_grid_remove(g, i);
    int32_t *head = head_at(g, where);
    l->prev = -1;
    l->next = *head;
    if (l->next >= 0)
        g->link[l->next].prev = i;
    *head = i;
    l->where = where;
    if (where >= 0)
        g->win_listed++;
    return 0;
}

void vg_grid_bulk_begin(vg_grid *g)
{
    g->bulk = g->win_w > 0 && !g->snap; /* after a clear, over a window */
    g->nbulk = 0;
    if (!g->bulk)
        return;
    /* The bounds of the cells filed in bulk, for the next clear's window (a track
     * removed before the end may leave them a little wide: no harm). */
    g->snap_x0 = g->snap_y0 = INT64_MAX;
    g->snap_x1 = g->snap_y1 = INT64_MIN;
}

void vg_grid_bulk_end(vg_grid *g)
{
    if (!g->bulk)
        return; /* no window, or a clear ended it */
    g->bulk = false;
    /* A counting sort by cell. Each cell's count becomes its end, and entries are
     * placed from there down in filing order: the last filed comes first, as it
     * would at the head of a list. */
    size_t ncells = (size_t)g->win_w * g->win_h;
    int32_t *start = g->snap_start;
    memset(start, 0, (ncells + 1) * sizeof *start);
    for (int32_t k = 0; k < g->nbulk; k++)
        if (g->bulk_track[k] >= 0)
            start[g->bulk_cell[k]]++;
    int32_t sum = 0;
    for (size_t c = 0; c < ncells; c++) {
        sum += start[c];
        start[c] = sum;
    }
    start[ncells] = sum;
    for (int32_t k = 0; k < g->nbulk; k++) {
        int32_t i = g->bulk_track[k];
        if (i < 0)
            continue;
        int32_t e = --start[g->bulk_cell[k]];
        g->snap_track[e] = i;
        g->link[i].next = e;
    }
    g->snap = true;
}
