/* track/grid.h — a 2-D spatial index of track indices (private to the tracker).
 *
 * Tracks are filed by the horizontal cell of a position (east, north); each cell
 * holds an intrusive doubly linked list threaded through the grid's per-track
 * links. Looking up the tracks near a point visits a fixed number of cells, so the
 * cost per detection does not depend on how many tracks exist. Cells are never
 * removed one by one: the tracker rebuilds the whole grid periodically
 * (vg_grid_clear + re-file), which also drops empty cells.
 *
 * Where the tracks are, a window — a plain array over the rectangle of cells the
 * filed tracks covered at the last clear, plus a margin — holds each cell's list
 * head itself: a query reads nine heads straight from it, without hashing,
 * probing or a second indirection (each of which was a cache miss per cell). Cells
 * outside the window, or every cell when the tracks are spread too thinly for a
 * window to pay, live in a hash table. Both count against one capacity, so when
 * the grid is full (and the tracker rebuilds it) does not depend on where cells
 * are.
 *
 * Rebuilding files every track at once (vg_grid_bulk_begin … vg_grid_bulk_end): the
 * window's tracks then go to a snapshot, one array of track indices sorted by cell,
 * so that a query reads a row of cells as one run of indices — no list to walk, each
 * next track known before the last is looked at. A track filed since (new, or moved
 * to another cell) leaves the snapshot (its entry becomes -1) for its cell's list.
 * Within a cell the lists come first, then the snapshot, each most recently filed
 * first: the order in which one list per cell would hold them. */
#ifndef VIGIE_TRACK_GRID_H
#define VIGIE_TRACK_GRID_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vg_grid_cell {
    int64_t key;      /* packed (ix, iy); INT64_MIN = empty slot */
    int32_t head;     /* first track, -1 if none */
} vg_grid_cell;

/* Where a track is filed, in its link and in the list of cells in use: a window
 * entry's index (≥ 0), a hash slot s as -(s + 2), VG_GRID_NOWHERE, or (links only)
 * VG_GRID_SNAP. */
#define VG_GRID_NOWHERE (-1)
#define VG_GRID_SNAP INT32_MIN

/* A track's links, one entry per track so that moving it touches one line of its
 * own and one of each neighbour. A track in the snapshot (where = VG_GRID_SNAP) has
 * no neighbours: next is its snapshot entry (or, while filing in bulk, its bulk
 * entry) and prev its window cell. */
typedef struct vg_grid_link {
    int32_t next, prev;
    int32_t where;
} vg_grid_link;

/* A window entry: the cell's first track, or one of these. */
#define VG_GRID_WIN_EMPTY (-1) /* the cell exists (counts as used) and holds none */
#define VG_GRID_WIN_NONE (-2)  /* no such cell since the last clear */

typedef struct vg_grid {
    double cell;                /* cell size, metres */
    double per_m;               /* 1 / cell: cells per metre */
    vg_grid_cell *cells;        /* cells outside the window: open addressing, linear probing */
    uint32_t cap;               /* power of two; bounds the cells in use, window ones too */
    uint32_t used;              /* cells in use, in the window or the table */
    vg_grid_link *link;         /* per track; owned by the grid */
    int32_t ntracks;
    int32_t *used_cells;        /* where each cell in use is, so clearing costs what is used */
    int32_t *win;               /* per window cell: its first track, or VG_GRID_WIN_* */
    int64_t win_x0, win_y0;     /* the window's first cell */
    uint32_t win_w, win_h;      /* its size in cells; 0 × 0 when there is none */
    size_t win_alloc;           /* entries allocated in win */
    uint32_t win_listed;        /* tracks in the window's lists */
    /* The snapshot, valid (snap) until the next clear: cell c of the window holds
     * snap_track[snap_start[c] .. snap_start[c + 1]), a track index or -1 each. */
    bool snap;
    int32_t *snap_start;        /* win_alloc + 1 entries */
    int32_t *snap_track;        /* per track */
    int64_t snap_x0, snap_x1, snap_y0, snap_y1; /* bounds of the cells it was filed in */
    /* Filing in bulk: the window's tracks and cells, in filing order. */
    bool bulk;
    int32_t nbulk;
    int32_t *bulk_track;        /* per track; -1 once removed */
    int32_t *bulk_cell;
} vg_grid;

/* Room for max_tracks tracks. Returns 0 or VG_ENOMEM. */
int vg_grid_init(vg_grid *g, double cell, int32_t max_tracks);
void vg_grid_free(vg_grid *g);

/* Make room for `cells` occupied cells at a low load, growing the table (by
 * doublings) if needed; a table that grows is cleared, so call it on an empty grid
 * (after vg_grid_clear) and file the tracks after. Returns 0 or VG_ENOMEM (the old
 * table is kept). */
int vg_grid_reserve(vg_grid *g, uint32_t cells);

/* Forget every cell and filing, in time proportional to what is filed. */
void vg_grid_clear(vg_grid *g);

/* File track i at (e, n), moving it from its previous cell. Returns 0, or VG_EFULL
 * when the table has no free slot: the caller rebuilds and tries again. */
int vg_grid_put(vg_grid *g, int32_t i, double e, double n);

/* Unfile track i (no-op if not filed). */
void vg_grid_remove(vg_grid *g, int32_t i);

/* File many tracks at once, right after vg_grid_clear: the puts between begin and
 * end that land in the window are gathered, and end sorts them into the snapshot
 * (the others are filed as usual). A clear in between ends the bulk filing; later
 * puts then file as usual. Each track is put once. */
void vg_grid_bulk_begin(vg_grid *g);
void vg_grid_bulk_end(vg_grid *g);

#define VG_GRID_EMPTY INT64_MIN

/* Cell coordinates beyond ±2^30 cells are clamped: at a metre per cell that is a
 * million kilometres, far outside any site frame the codec accepts. */
static inline int64_t vg_grid_floor(double q)
{
    /* floor(q) clamped, without floor(): the baseline x86-64 has no rounding
     * instruction, and this runs for every query and filing. Inside the clamps the
     * conversion truncates toward zero, one step short of the floor below zero. */
    if (!(q >= -1073741824.0)) /* NaN too */
        return -1073741824;
    if (q >= 1073741823.0)
        return 1073741823;
    int64_t c = (int64_t)q;
    return (double)c > q ? c - 1 : c;
}

/* The cell of coordinate v for cells of `cell` metres. */
static inline int64_t vg_grid_coord(double v, double cell)
{
    return vg_grid_floor(v / cell);
}

/* The same for grid g, by a product rather than a division (a query computes four,
 * and asks for the next ones' four): v·(1/cell) may differ from v / cell in its last
 * bit, but every filing and query of g uses this one, and it is monotonic, so a
 * position within a query's bounds is within its cells. */
static inline int64_t vg_grid_cell_of(const vg_grid *g, double v)
{
    return vg_grid_floor(v * g->per_m);
}

static inline int64_t vg_grid_pack(int64_t ix, int64_t iy)
{
    return (int64_t)(((uint64_t)ix << 32) ^ ((uint64_t)iy & 0xffffffffu));
}

/* The slot of key, or the empty slot where it would go; -1 if the table is full. */
static inline int32_t vg_grid_find_slot(const vg_grid *g, int64_t key)
{
    /* Four neighbouring cells of a row hash to four consecutive slots — one cache
     * line — so that a query's row of cells costs one or two lines, not three. */
    uint32_t mask = g->cap - 1;
    uint64_t group = (uint64_t)key & ~(uint64_t)(3ull << 32);
    uint32_t s = ((uint32_t)((group * 0x9e3779b97f4a7c15ull) >> 32) & ~3u) |
                 (uint32_t)(((uint64_t)key >> 32) & 3u);
    s &= mask;
    for (uint32_t probes = 0; probes < g->cap; probes++, s = (s + 1) & mask)
        if (g->cells[s].key == key || g->cells[s].key == VG_GRID_EMPTY)
            return (int32_t)s;
    return -1;
}

/* The window entry of cell (ix, iy), or NULL when the cell is outside the window. */
static inline int32_t *vg_grid_win_entry(const vg_grid *g, int64_t ix, int64_t iy)
{
    uint64_t ux = (uint64_t)(ix - g->win_x0), uy = (uint64_t)(iy - g->win_y0);
    if (ux >= g->win_w || uy >= g->win_h)
        return NULL;
    return &g->win[uy * g->win_w + ux];
}

/* The first track of hash cell (ix, iy), or a negative value if it has none. */
static inline int32_t vg_grid_hash_head(const vg_grid *g, int64_t ix, int64_t iy)
{
    int64_t key = vg_grid_pack(ix, iy);
    int32_t s = vg_grid_find_slot(g, key);
    return s < 0 || g->cells[s].key != key ? -1 : g->cells[s].head;
}

typedef void (*vg_grid_visit_fn)(void *ud, int32_t i);

/* The cells [x0, x1] × [y0, y1] within `radius` of (e, n); cols_in when its columns
 * are all inside the window. */
typedef struct vg_grid_span {
    int64_t x0, x1, y0, y1;
    bool cols_in;
} vg_grid_span;

static inline vg_grid_span vg_grid_span_of(const vg_grid *g, double e, double n, double radius)
{
    vg_grid_span s = {vg_grid_cell_of(g, e - radius), vg_grid_cell_of(g, e + radius),
                      vg_grid_cell_of(g, n - radius), vg_grid_cell_of(g, n + radius), false};
    s.cols_in = s.x0 >= g->win_x0 && (uint64_t)(s.x1 - g->win_x0) < g->win_w;
    return s;
}

/* The query and its helpers are inlined into the caller so that its fn is too
 * (GCC would otherwise call it through a pointer, once per track). */
#if defined(__GNUC__)
#define VG_GRID_INLINE static inline __attribute__((always_inline))
#else
#define VG_GRID_INLINE static inline
#endif

/* The tracks of one cell's list, the caller's per-track entry of the next one
 * asked for while fn looks at this one. */
VG_GRID_INLINE void vg_grid_visit_list(const vg_grid *g, int32_t head, vg_grid_visit_fn fn,
                                      void *ud, const void *pf_base, size_t pf_stride)
{
#if !defined(__GNUC__)
    (void)pf_base;
    (void)pf_stride;
#endif
    for (int32_t i = head, nx; i >= 0; i = nx) {
        nx = g->link[i].next;
#if defined(__GNUC__)
        if (nx >= 0 && pf_base)
            __builtin_prefetch((const char *)pf_base + (size_t)nx * pf_stride);
#endif
        fn(ud, i);
    }
}

/* Snapshot entries [from, to): a run of one cell or of a row of cells. */
VG_GRID_INLINE void vg_grid_visit_run(const vg_grid *g, int32_t from, int32_t to,
                                     vg_grid_visit_fn fn, void *ud, const void *pf_base,
                                     size_t pf_stride)
{
#if !defined(__GNUC__)
    (void)pf_base;
    (void)pf_stride;
#endif
    const int32_t *track = g->snap_track;
    for (int32_t e = from; e < to; e++) {
#if defined(__GNUC__)
        if (e + 1 < to && track[e + 1] >= 0 && pf_base)
            __builtin_prefetch((const char *)pf_base + (size_t)track[e + 1] * pf_stride);
#endif
        if (track[e] >= 0)
            fn(ud, track[e]);
    }
}

/* Call fn(ud, i) for every track filed in a cell within `radius` of (e, n), in a
 * deterministic order (cells row by row; in a cell, its list, then its snapshot
 * entries); the caller's per-track array pf_base (entries of pf_stride bytes, or
 * NULL) is prefetched one track ahead. Inline, so that the caller's fn is too: a
 * query visits a handful of cells and tracks, and calls through a pointer would
 * cost as much as the visit. */
VG_GRID_INLINE void vg_grid_query(const vg_grid *g, double e, double n, double radius,
                                 vg_grid_visit_fn fn, void *ud, const void *pf_base,
                                 size_t pf_stride)
{
    vg_grid_span sp = vg_grid_span_of(g, e, n, radius);
    for (int64_t iy = sp.y0; iy <= sp.y1; iy++) {
        uint64_t uy = (uint64_t)(iy - g->win_y0);
        /* A row of cells wholly inside the window reads its heads straight from it. */
        if (sp.cols_in && uy < g->win_h) {
            size_t first = uy * g->win_w + (uint64_t)(sp.x0 - g->win_x0);
            size_t last = first + (uint64_t)(sp.x1 - sp.x0);
            if (g->snap && g->win_listed == 0) {
                /* No lists in the window: the row is one run of the snapshot. */
                vg_grid_visit_run(g, g->snap_start[first], g->snap_start[last + 1], fn, ud,
                                  pf_base, pf_stride);
                continue;
            }
            for (size_t c = first; c <= last; c++) {
                vg_grid_visit_list(g, g->win[c], fn, ud, pf_base, pf_stride);
                if (g->snap)
                    vg_grid_visit_run(g, g->snap_start[c], g->snap_start[c + 1], fn, ud,
                                      pf_base, pf_stride);
            }
            continue;
        }
        for (int64_t ix = sp.x0; ix <= sp.x1; ix++) {
            const int32_t *w = vg_grid_win_entry(g, ix, iy);
            vg_grid_visit_list(g, w ? *w : vg_grid_hash_head(g, ix, iy), fn, ud, pf_base,
                               pf_stride);
            if (w && g->snap) {
                size_t c = (size_t)(w - g->win);
                vg_grid_visit_run(g, g->snap_start[c], g->snap_start[c + 1], fn, ud, pf_base,
                                  pf_stride);
            }
        }
    }
}

/* Ask for the caller's per-track entries (pf_base, pf_stride) of the tracks a later
 * vg_grid_query(g, e, n, radius, …) will visit, when they are all in the snapshot:
 * tracks lie in memory in no order, and each visit would otherwise wait for its
 * entry. Nothing is read but the snapshot itself. */
static inline void vg_grid_prefetch(const vg_grid *g, double e, double n, double radius,
                                    const void *pf_base, size_t pf_stride)
{
#if defined(__GNUC__)
    if (!g->snap || g->win_listed != 0)
        return;
    vg_grid_span sp = vg_grid_span_of(g, e, n, radius);
    if (!sp.cols_in)
        return;
    for (int64_t iy = sp.y0; iy <= sp.y1; iy++) {
        uint64_t uy = (uint64_t)(iy - g->win_y0);
        if (uy >= g->win_h)
            continue;
        size_t first = uy * g->win_w + (uint64_t)(sp.x0 - g->win_x0);
        int32_t to = g->snap_start[first + (uint64_t)(sp.x1 - sp.x0) + 1];
        for (int32_t k = g->snap_start[first]; k < to; k++) {
            int32_t i = g->snap_track[k];
            if (i >= 0)
                __builtin_prefetch((const char *)pf_base + (size_t)i * pf_stride);
            __asm__ volatile(""); /* GCC counts a prefetch as no effect: keep the loop */
        }
    }
#else
    (void)g, (void)e, (void)n, (void)radius, (void)pf_base, (void)pf_stride;
#endif
}

#endif
