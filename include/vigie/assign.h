/* vigie/assign.h — minimum-cost assignment of detections to tracks over sparse gates.
 *
 * Global-nearest-neighbour association solves, once per sensor scan, a linear
 * assignment problem: rows (detections) and columns (tracks), a sparse set of gated
 * pairs (row, col, cost), and a fixed price for leaving a row unassigned (a new
 * track) or a column unassigned (a missed detection). vg_assign_solve returns an
 * exact minimum of
 *
 *     Σ cost(i, j) over assigned pairs  +  row_miss · #unassigned rows
 *                                       +  col_miss · #unassigned columns
 *
 * with a workspace allocated once, so a scan allocates nothing. The method is the
 * Jonker–Volgenant shortest augmenting path on the sparse graph (src/track/assign.c
 * says why and how). Its cost grows with the edges and with the size of the gated
 * clusters, not with rows × columns. */
#ifndef VIGIE_ASSIGN_H
#define VIGIE_ASSIGN_H

#include <stddef.h>

#include "vigie/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every cost (edge, row_miss, col_miss) must lie in [0, VG_ASSIGN_COST_MAX]. The
 * bound keeps every sum and difference the solver forms finite (2^31 terms of 1e100
 * are far below DBL_MAX), so a hostile input cannot turn potentials into inf − inf. */
#define VG_ASSIGN_COST_MAX 1e100

/* One gated pair: assigning row `row` to column `col` costs `cost`. */
typedef struct vg_assign_edge {
    int row, col;
    double cost;
} vg_assign_edge;

/* The workspace. Fields are private to assign.c; the caller only owns the struct's
 * storage (stack, static, inside another struct). One block of heap memory, sized
 * by the capacities, is allocated by vg_assign_init and released by vg_assign_free. */
typedef struct vg_assign {
    int max_rows, max_cols, max_edges;
    void *mem;           /* the one allocation, carved into the arrays below */
    /* gated edges in compressed-row form, sorted by (row, col), duplicates merged */
    int *row_start;      /* [max_rows + 1] */
    int *edge_col;       /* [max_edges] */
    double *edge_cost;   /* [max_edges] */
    int *sort_idx;       /* [max_edges] edges ordered by column, first sorting pass */
    int *count;          /* [max(max_rows, max_cols) + 1] counting-sort buckets */
    /* shortest augmenting path state, over max_cols real + max_rows dummy columns */
    int *row_col;        /* [max_rows] column of each row (real or dummy), -1 free */
    int *col_row;        /* [max_cols + max_rows] row of each column, -1 free */
    double *v;           /* [max_cols + max_rows] column potentials (duals) */
    double *dist;        /* [max_cols + max_rows] Dijkstra labels */
    int *pred;           /* [max_cols + max_rows] row that reached each column */
    double *pred_cost;   /* [max_cols + max_rows] cost of the edge pred → column */
    double *row_cost;    /* [max_rows] cost of each row's assigned edge */
    int *heap;           /* [max_cols + max_rows] binary heap of columns */
    int *heap_pos;       /* [max_cols + max_rows] position in heap, -1 absent */
    unsigned char *state;/* [max_cols + max_rows] 0 unseen, 1 labelled, 2 scanned */
    int *touched;        /* [max_cols + max_rows] columns labelled in this search */
} vg_assign;

/* Allocate a workspace able to solve problems of up to max_rows rows, max_cols
 * columns and max_edges edges (each ≥ 0; the caller passes the largest scan it
 * accepts). Returns 0; VG_EINVAL for a negative capacity; VG_ETOOBIG when the sizes
 * overflow (max_rows + max_cols must fit an int); VG_ENOMEM. On failure *a holds no
 * memory and vg_assign_free(a) is still safe. */
int vg_assign_init(vg_assign *a, int max_rows, int max_cols, int max_edges, vg_error *err);

/* Release the workspace's memory; a is left empty (free again is a no-op). Safe with
 * NULL and with a zeroed struct. */
void vg_assign_free(vg_assign *a);

/* Solve one problem: rows 0..rows-1, columns 0..cols-1, the n_edges gated pairs
 * edges[0..n_edges) (any order), and the prices row_miss and col_miss of leaving a
 * row or a column unassigned.
 *
 * Writes row_to_col[0..rows) — the column of each row, or -1 when the row stays
 * unassigned — and, when total_cost is not NULL, the minimum total cost, computed
 * from the original costs as Σ assigned cost + row_miss · #free rows + col_miss ·
 * #free columns (summed in row order).
 *
 * Duplicate edges (the same row and column twice) are merged, keeping the cheaper
 * cost: the caller may gate a pair twice (two gates, two sensors' views) without
 * making the problem ill-formed, and the cheaper is the one a minimiser would pick.
 * An edge whose cost is ≥ row_miss + col_miss is never used: leaving both ends
 * unassigned costs no more. So at exact ties unassigned wins.
 *
 * Deterministic: the edges are sorted by (row, col) first, so the result depends on
 * the set of edges, not on their order, and ties between equally cheap assignments
 * are broken by a fixed rule (rows inserted in index order; among equal path
 * lengths, free columns first, then the lower column index).
 *
 * Errors, checked before anything is written (outputs are then untouched):
 * VG_EFULL when rows, cols or n_edges exceed the capacities; VG_EINVAL for negative
 * sizes, NULL arrays that are needed (edges when n_edges > 0, row_to_col when
 * rows > 0), an edge row or column out of range, or a cost (edge or miss) that is
 * NaN, negative, infinite or above VG_ASSIGN_COST_MAX. The message names the edge.
 *
 * Cost: O(rows + cols + n_edges) to set up, then one shortest-path search per row
 * that stops at the nearest free column; each search stays inside the row's gated
 * cluster and within the reach of the row's own miss cost, so sparse scans of
 * 10 000 × 10 000 solve in milliseconds. No allocation. */
int vg_assign_solve(vg_assign *a, int rows, int cols, const vg_assign_edge *edges,
                    int n_edges, double row_miss, double col_miss, int *row_to_col,
                    double *total_cost, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
