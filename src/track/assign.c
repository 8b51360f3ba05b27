/* track/assign.c — exact minimum-cost assignment over sparse gates, with prices for
 * leaving rows and columns unassigned.
 *
 * Method. The problem is turned into a rectangular assignment in which every row
 * must be assigned: each row i gets a private dummy column cols + i priced
 * row_miss + col_miss, and the real edges keep their cost. Since
 *
 *     #free columns = cols − rows + #free rows,
 *
 * the original objective equals this one plus the constant (cols − rows)·col_miss,
 * so the two problems share their minimisers. Columns may stay free at no cost.
 * Compared with the textbook square extension (rows + cols dummies both ways, and a
 * zero-cost dummy–dummy edge mirroring every real one), this halves the rows and
 * adds no edges, and every cost stays ≥ 0.
 *
 * The rectangular problem is solved by Jonker–Volgenant's shortest augmenting path
 * (Jonker & Volgenant 1987; in the rectangular form of Crouse 2016): rows are
 * inserted one at a time, each by a Dijkstra search over reduced costs
 * c(i,j) − u_i − v_j ≥ 0 from the new row to the nearest free column, then the
 * column potentials v are updated so that reduced costs stay ≥ 0 and the path is
 * flipped. The dual stays feasible and complementary (v ≤ 0, v = 0 on free
 * columns), which proves each intermediate assignment optimal for the rows inserted
 * so far — hence the final one exact, not approximate like an auction with a finite
 * epsilon. We keep JV's potentials and its sparse scanning but not its
 * initialisation heuristics (column reduction, augmenting row reduction): on gated
 * problems each search is already short, and every heuristic is a place for
 * floating-point ties to break determinism or exactness.
 *
 * Why it is fast on sparse scans: a search starts from one row and only ever walks
 * gated edges, so it never leaves the row's connected cluster; and it stops at the
 * latest when it pops the row's own dummy column, at distance row_miss + col_miss —
 * columns farther than that in reduced cost are never labelled. Per-search state is
 * reset through a list of the columns it touched, so no search pays for the whole
 * problem, and no explicit split into connected components is needed.
 *
 * Determinism: edges are first sorted by (row, col) with two stable counting sorts
 * (O(E + rows + cols), no comparison sort whose worst case an adversary picks), so
 * the input order of edges never matters; the heap orders columns by (label, free
 * before assigned, index). */
#include "vigie/assign.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- workspace ------------------------------------------------------------- */

/* a += n * size, failing on overflow of size_t. */
static int add_bytes(size_t *a, size_t n, size_t size)
{
    if (size != 0 && n > (SIZE_MAX - *a) / size)
        return -1;
    *a += n * size;
    return 0;
}

/* Lay the arrays out in one block: doubles first, then ints, then bytes, so that
 * each array is aligned for its type. With mem == NULL only counts the bytes. */
static int layout(vg_assign *a, unsigned char *mem, size_t *bytes)
{
    size_t r = (size_t)a->max_rows, c = (size_t)a->max_cols, e = (size_t)a->max_edges;
    size_t n = r + c;
    size_t nbuckets = (r > c ? r : c) + 1;
    size_t off = 0;
#define CARVE(field, type, count)                                                  \
    do {                                                                           \
        if (mem)                                                                   \
            a->field = (type *)(void *)(mem + off);                                \
        if (add_bytes(&off, (count), sizeof(type)) < 0)                            \
            return -1;                                                             \
    } while (0)
    CARVE(edge_cost, double, e);
    CARVE(v, double, n);
    CARVE(dist, double, n);
    CARVE(pred_cost, double, n);
    CARVE(row_cost, double, r);
    CARVE(row_start, int, r + 1);
    CARVE(edge_col, int, e);
    CARVE(sort_idx, int, e);
    CARVE(count, int, nbuckets);
    CARVE(row_col, int, r);
    CARVE(col_row, int, n);
    CARVE(pred, int, n);
    CARVE(heap, int, n);
    CARVE(heap_pos, int, n);
    CARVE(touched, int, n);
    CARVE(state, unsigned char, n);
#undef CARVE
    *bytes = off;
    return 0;
}

int vg_assign_init(vg_assign *a, int max_rows, int max_cols, int max_edges, vg_error *err)
{
    if (!a)
        return vg_err(err, VG_EINVAL, "assign: NULL workspace");
    memset(a, 0, sizeof *a);
    if (max_rows < 0 || max_cols < 0 || max_edges < 0)
        return vg_err(err, VG_EINVAL, "assign: negative capacity (rows %d, cols %d, edges %d)",
                      max_rows, max_cols, max_edges);
    /* Dummy columns are numbered after the real ones: the sum must be an int. */
    if (max_rows > INT_MAX - 1 - max_cols)
        return vg_err(err, VG_ETOOBIG, "assign: %d rows + %d cols is too many", max_rows,
                      max_cols);
    a->max_rows = max_rows;
    a->max_cols = max_cols;
    a->max_edges = max_edges;
    size_t bytes;
    if (layout(a, NULL, &bytes) < 0) {
        memset(a, 0, sizeof *a);
        return vg_err(err, VG_ETOOBIG, "assign: capacities overflow memory size");
    }
    unsigned char *mem = malloc(bytes);
    if (!mem) {
        memset(a, 0, sizeof *a);
        return vg_err(err, VG_ENOMEM, "assign: cannot allocate %zu bytes", bytes);
    }
    layout(a, mem, &bytes);
    a->mem = mem;
    return 0;
}

void vg_assign_free(vg_assign *a)
{
    if (!a)
        return;
    free(a->mem);
    memset(a, 0, sizeof *a);
}

/* ---- checking and sorting the edges ----------------------------------------- */

static int cost_ok(double c)
{
    return c >= 0.0 && c <= VG_ASSIGN_COST_MAX; /* false for NaN */
}

static int check_args(const vg_assign *a, int rows, int cols, const vg_assign_edge *edges,
                      int n_edges, double row_miss, double col_miss, const int *row_to_col,
                      vg_error *err)
{
    if (!a || !a->mem)
        return vg_err(err, VG_EINVAL, "assign: workspace not initialised");
    if (rows < 0 || cols < 0 || n_edges < 0)
        return vg_err(err, VG_EINVAL, "assign: negative size (rows %d, cols %d, edges %d)",
                      rows, cols, n_edges);
    if (rows > a->max_rows)
        return vg_err(err, VG_EFULL, "assign: %d rows, capacity %d", rows, a->max_rows);
    if (cols > a->max_cols)
        return vg_err(err, VG_EFULL, "assign: %d cols, capacity %d", cols, a->max_cols);
    if (n_edges > a->max_edges)
        return vg_err(err, VG_EFULL, "assign: %d edges, capacity %d", n_edges, a->max_edges);
    if (n_edges > 0 && !edges)
        return vg_err(err, VG_EINVAL, "assign: NULL edges for %d edges", n_edges);
    if (rows > 0 && !row_to_col)
        return vg_err(err, VG_EINVAL, "assign: NULL row_to_col for %d rows", rows);
    if (!cost_ok(row_miss))
        return vg_err(err, VG_EINVAL, "assign: row_miss %g not in [0, %g]", row_miss,
                      VG_ASSIGN_COST_MAX);
    if (!cost_ok(col_miss))
        return vg_err(err, VG_EINVAL, "assign: col_miss %g not in [0, %g]", col_miss,
                      VG_ASSIGN_COST_MAX);
    for (int e = 0; e < n_edges; e++) {
        const vg_assign_edge *ed = &edges[e];
        if (ed->row < 0 || ed->row >= rows)
            return vg_err(err, VG_EINVAL, "assign: edge %d: row %d out of range [0, %d)", e,
                          ed->row, rows);
        if (ed->col < 0 || ed->col >= cols)
            return vg_err(err, VG_EINVAL, "assign: edge %d: col %d out of range [0, %d)", e,
                          ed->col, cols);
        if (!cost_ok(ed->cost))
            return vg_err(err, VG_EINVAL, "assign: edge %d (%d, %d): cost %g not in [0, %g]",
                          e, ed->row, ed->col, ed->cost, VG_ASSIGN_COST_MAX);
    }
    return 0;
}

/* Build the compressed-row edge list: only edges cheaper than leaving both ends
 * free (the others can never improve a solution, and dropping them makes "free"
 * win ties), sorted by (row, col) — a counting sort by column, then a stable one by
 * row — and with duplicates merged to the cheaper cost. */
static void build_csr(vg_assign *a, int rows, int cols, const vg_assign_edge *edges,
                      int n_edges, double useful_below)
{
    int *count = a->count;

    memset(count, 0, sizeof *count * ((size_t)cols + 1));
    for (int e = 0; e < n_edges; e++)
        if (edges[e].cost < useful_below)
            count[edges[e].col + 1]++;
    for (int j = 0; j < cols; j++)
        count[j + 1] += count[j];
    for (int e = 0; e < n_edges; e++)
        if (edges[e].cost < useful_below)
            a->sort_idx[count[edges[e].col]++] = e;
    int kept = cols > 0 ? count[cols - 1] : 0; /* after the pass, the last cursor */

    int *start = a->row_start;
    memset(start, 0, sizeof *start * ((size_t)rows + 1));
    for (int k = 0; k < kept; k++)
        start[edges[a->sort_idx[k]].row + 1]++;
    for (int i = 0; i < rows; i++)
        start[i + 1] += start[i];
    memcpy(count, start, sizeof *count * (size_t)rows);
    for (int k = 0; k < kept; k++) {
        const vg_assign_edge *ed = &edges[a->sort_idx[k]];
        int at = count[ed->row]++;
        a->edge_col[at] = ed->col;
        a->edge_cost[at] = ed->cost;
    }

    /* Merge duplicates in place: within a row, equal columns are now adjacent. */
    int w = 0;
    for (int i = 0; i < rows; i++) {
        int from = start[i], to = start[i + 1];
        start[i] = w;
        for (int k = from; k < to; k++) {
            if (w > start[i] && a->edge_col[w - 1] == a->edge_col[k]) {
                if (a->edge_cost[k] < a->edge_cost[w - 1])
                    a->edge_cost[w - 1] = a->edge_cost[k];
                continue;
            }
            a->edge_col[w] = a->edge_col[k];
            a->edge_cost[w] = a->edge_cost[k];
            w++;
        }
    }
    start[rows] = w;
}

/* ---- the heap of labelled columns ------------------------------------------- */

/* Does column p come out of the heap before column q? Smaller label first; at equal
 * labels a free column first (the search ends there, with the shortest path), then
 * the lower index, so that the order never depends on heap history. */
static int before(const vg_assign *a, int p, int q)
{
    if (a->dist[p] != a->dist[q])
        return a->dist[p] < a->dist[q];
    int pf = a->col_row[p] < 0, qf = a->col_row[q] < 0;
    if (pf != qf)
        return pf;
    return p < q;
}

static void heap_place(vg_assign *a, int at, int col)
{
    a->heap[at] = col;
    a->heap_pos[col] = at;
}

static void heap_up(vg_assign *a, int at)
{
    int col = a->heap[at];
    while (at > 0) {
        int parent = (at - 1) / 2;
        if (!before(a, col, a->heap[parent]))
            break;
        heap_place(a, at, a->heap[parent]);
        at = parent;
    }
    heap_place(a, at, col);
}

static int heap_pop(vg_assign *a, int *n)
{
    int top = a->heap[0];
    a->heap_pos[top] = -1;
    int last = a->heap[--*n];
    if (*n == 0)
        return top;
    int at = 0;
    for (;;) {
        int child = 2 * at + 1;
        if (child >= *n)
            break;
        if (child + 1 < *n && before(a, a->heap[child + 1], a->heap[child]))
            child++;
        if (!before(a, a->heap[child], last))
            break;
        heap_place(a, at, a->heap[child]);
        at = child;
    }
    heap_place(a, at, last);
    return top;
}

/* The search of one row: heap size, touched columns, and an upper bound on the
 * distance at which it will end (the smallest label of a free column so far). */
typedef struct search {
    int heap_n, n_touched;
    double bound;
} search;

/* Offer column j the label d, reached from row i by an edge of cost c. A label
 * above the bound is dropped: the search ends, at the latest, when the free column
 * holding the bound is popped, so such a column would never be scanned. (Equal
 * labels are kept, since the tie order may still prefer them.) This keeps the heap
 * to the columns that matter, and changes nothing in the result. */
static void label(vg_assign *a, search *s, int j, double d, int i, double c)
{
    if (d > s->bound)
        return;
    if (a->state[j] == 0) {
        a->state[j] = 1;
        a->touched[s->n_touched++] = j;
    } else if (a->state[j] == 2 || !(d < a->dist[j])) {
        return;
    }
    a->dist[j] = d;
    a->pred[j] = i;
    a->pred_cost[j] = c;
    if (a->col_row[j] < 0)
        s->bound = d;
    if (a->heap_pos[j] < 0) {
        a->heap_pos[j] = s->heap_n;
        a->heap[s->heap_n++] = j;
    }
    heap_up(a, a->heap_pos[j]);
}

/* ---- one augmentation -------------------------------------------------------- */

/* Insert free row f: Dijkstra over reduced costs from f to the nearest free column,
 * potential update of the scanned columns, then flip the path. `dummy` is the price
 * of a row's own dummy column (row_miss + col_miss), which is always reachable, so
 * the search always ends. */
static void augment(vg_assign *a, int cols, int f, double dummy)
{
    /* f's own dummy column is free (f is not inserted yet, so nothing reaches it)
     * and has v = 0: the search ends at distance `dummy` at the latest. */
    search s = {0, 0, dummy};
    label(a, &s, cols + f, dummy, f, dummy);
    /* From f itself the label is the plain cost minus the potential (u_f = 0). */
    for (int k = a->row_start[f]; k < a->row_start[f + 1]; k++) {
        int j = a->edge_col[k];
        label(a, &s, j, a->edge_cost[k] - a->v[j], f, a->edge_cost[k]);
    }

    int sink = -1;
    double mu = 0.0;
    while (s.heap_n > 0) {
        int j = heap_pop(a, &s.heap_n);
        a->state[j] = 2;
        int i = a->col_row[j];
        if (i < 0) {
            sink = j;
            mu = a->dist[j];
            break;
        }
        /* i's assigned edge (i, j) is tight: u_i = c(i,j) − v_j. Continuing through
         * i costs dist[j] + c(i,k) − v_k − u_i. */
        double h = a->dist[j] - a->row_cost[i] + a->v[j];
        for (int k = a->row_start[i]; k < a->row_start[i + 1]; k++) {
            int col = a->edge_col[k];
            if (a->state[col] != 2)
                label(a, &s, col, h + a->edge_cost[k] - a->v[col], i, a->edge_cost[k]);
        }
        int dj = cols + i;
        if (a->state[dj] != 2)
            label(a, &s, dj, h + dummy - a->v[dj], i, dummy);
    }
    /* f's dummy column stays labelled (nothing beats a label that is the bound
     * without replacing it by a smaller free one), so a sink always exists. */

    /* Scanned columns move their potential by how much closer than the sink they
     * were: reduced costs stay ≥ 0 and the whole path becomes tight. */
    for (int t = 0; t < s.n_touched; t++) {
        int j = a->touched[t];
        if (a->state[j] == 2 && j != sink)
            a->v[j] += a->dist[j] - mu;
        a->state[j] = 0;
        a->heap_pos[j] = -1;
    }

    /* Flip the alternating path from the sink back to f. */
    for (int j = sink;;) {
        int i = a->pred[j];
        int old = a->row_col[i];
        a->col_row[j] = i;
        a->row_col[i] = j;
        a->row_cost[i] = a->pred_cost[j];
        if (i == f)
            break;
        j = old;
    }
}

/* ---- solve ------------------------------------------------------------------- */

int vg_assign_solve(vg_assign *a, int rows, int cols, const vg_assign_edge *edges,
                    int n_edges, double row_miss, double col_miss, int *row_to_col,
                    double *total_cost, vg_error *err)
{
    int rc = check_args(a, rows, cols, edges, n_edges, row_miss, col_miss, row_to_col, err);
    if (rc < 0)
        return rc;

    double dummy = row_miss + col_miss;
    build_csr(a, rows, cols, edges, n_edges, dummy);

    int n = cols + rows;
    for (int j = 0; j < n; j++) {
        a->v[j] = 0.0;
        a->col_row[j] = -1;
        a->heap_pos[j] = -1;
        a->state[j] = 0;
    }
    for (int i = 0; i < rows; i++)
        a->row_col[i] = -1;

    for (int f = 0; f < rows; f++) {
        if (a->row_start[f] == a->row_start[f + 1]) {
            /* No edge: the search would label only f's own dummy column, which no
             * other row can reach, and take it. Do that directly. */
            a->col_row[cols + f] = f;
            a->row_col[f] = cols + f;
            a->row_cost[f] = dummy;
            continue;
        }
        augment(a, cols, f, dummy);
    }

    double assigned_cost = 0.0;
    int assigned = 0;
    for (int i = 0; i < rows; i++) {
        int j = a->row_col[i];
        if (j < cols) {
            row_to_col[i] = j;
            assigned_cost += a->row_cost[i];
            assigned++;
        } else {
            row_to_col[i] = -1;
        }
    }
    if (total_cost)
        *total_cost = assigned_cost + (double)(rows - assigned) * row_miss +
                      (double)(cols - assigned) * col_miss;
    return 0;
}
