/* tests/unit/test_assign.c — the sparse assignment solver: hand-checked problems,
 * thousands of random small problems against brute-force enumeration of every
 * assignment (including leaving rows and columns unassigned), medium problems
 * against an independent dense Hungarian, degenerate inputs, determinism, and
 * rejection of hostile arguments with a message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/assign.h"
#include "vigie/error.h"

#define E(r, c, x) ((vg_assign_edge){(r), (c), (x)})

/* Cost of a given assignment, recomputed from the edges (cheapest duplicate), or
 * NAN when it is not an assignment: a column used twice, or a pair without an edge. */
static double cost_of(int rows, int cols, const vg_assign_edge *edges, int n_edges,
                      double row_miss, double col_miss, const int *row_to_col)
{
    int used[64] = {0};
    double total = 0.0;
    int assigned = 0;
    assert_true(cols <= 64);
    for (int i = 0; i < rows; i++) {
        int j = row_to_col[i];
        if (j < 0) {
            if (j != -1)
                return NAN;
            total += row_miss;
            continue;
        }
        if (j >= cols || used[j])
            return NAN;
        used[j] = 1;
        double best = INFINITY;
        for (int e = 0; e < n_edges; e++)
            if (edges[e].row == i && edges[e].col == j && edges[e].cost < best)
                best = edges[e].cost;
        if (isinf(best))
            return NAN;
        total += best;
        assigned++;
    }
    return total + (double)(cols - assigned) * col_miss;
}

/* Solve with a fresh workspace sized exactly; returns the code. */
static int solve_fresh(int rows, int cols, const vg_assign_edge *edges, int n_edges,
                       double row_miss, double col_miss, int *row_to_col, double *total)
{
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, rows, cols, n_edges, &err), 0);
    int rc = vg_assign_solve(&a, rows, cols, edges, n_edges, row_miss, col_miss,
                             row_to_col, total, &err);
    vg_assign_free(&a);
    return rc;
}

/* ---- brute force ------------------------------------------------------------- */

typedef struct brute {
    int rows, cols;
    double cost[8][8]; /* cheapest edge per pair, INFINITY when there is none */
    double row_miss, col_miss;
    double best;
    int used[8];
} brute;

/* Every row in turn is left free or given any unused column it has an edge to. */
static void brute_rec(brute *b, int i, int assigned, double acc)
{
    if (i == b->rows) {
        double total = acc + (double)(b->cols - assigned) * b->col_miss;
        if (total < b->best)
            b->best = total;
        return;
    }
    brute_rec(b, i + 1, assigned, acc + b->row_miss);
    for (int j = 0; j < b->cols; j++) {
        if (b->used[j] || isinf(b->cost[i][j]))
            continue;
        b->used[j] = 1;
        brute_rec(b, i + 1, assigned + 1, acc + b->cost[i][j]);
        b->used[j] = 0;
    }
}

static double brute_force(int rows, int cols, const vg_assign_edge *edges, int n_edges,
                          double row_miss, double col_miss)
{
    brute b;
    memset(&b, 0, sizeof b);
    b.rows = rows;
    b.cols = cols;
    b.row_miss = row_miss;
    b.col_miss = col_miss;
    b.best = INFINITY;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            b.cost[i][j] = INFINITY;
    for (int e = 0; e < n_edges; e++)
        if (edges[e].cost < b.cost[edges[e].row][edges[e].col])
            b.cost[edges[e].row][edges[e].col] = edges[e].cost;
    brute_rec(&b, 0, 0, 0.0);
    return b.best;
}

/* ---- an independent dense Hungarian (O(n³), potentials) on the square extension:
 * rows + cols on each side; real costs top-left, row_miss on the diagonal of the
 * top-right block, col_miss on the diagonal of the bottom-left block, 0 in the
 * bottom-right block, and a prohibitive cost elsewhere. -------------------------- */

static double dense_hungarian(int rows, int cols, const vg_assign_edge *edges, int n_edges,
                              double row_miss, double col_miss)
{
    int n = rows + cols;
    double big = 1.0 + (double)n * (row_miss + col_miss);
    for (int e = 0; e < n_edges; e++)
        big += edges[e].cost;
    double *c = malloc(sizeof *c * (size_t)(n * n));
    assert_non_null(c);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double x = big;
            if (i >= rows && j >= cols)
                x = 0.0;
            else if (i < rows && j >= cols && j - cols == i)
                x = row_miss;
            else if (i >= rows && j < cols && i - rows == j)
                x = col_miss;
            c[i * n + j] = x;
        }
    for (int e = 0; e < n_edges; e++) {
        double *x = &c[edges[e].row * n + edges[e].col];
        if (edges[e].cost < *x)
            *x = edges[e].cost;
    }
    /* 1-based arrays, the classic formulation. */
    double *u = calloc((size_t)n + 1, sizeof *u), *v = calloc((size_t)n + 1, sizeof *v);
    double *minv = malloc(sizeof *minv * ((size_t)n + 1));
    int *p = calloc((size_t)n + 1, sizeof *p), *way = calloc((size_t)n + 1, sizeof *way);
    char *usedc = malloc((size_t)n + 1);
    assert_true(u && v && minv && p && way && usedc);
    for (int i = 1; i <= n; i++) {
        p[0] = i;
        int j0 = 0;
        for (int j = 0; j <= n; j++) {
            minv[j] = INFINITY;
            usedc[j] = 0;
        }
        do {
            usedc[j0] = 1;
            int i0 = p[j0], j1 = 0;
            double delta = INFINITY;
            for (int j = 1; j <= n; j++)
                if (!usedc[j]) {
                    double cur = c[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            for (int j = 0; j <= n; j++)
                if (usedc[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    double total = 0.0;
    for (int j = 1; j <= n; j++)
        total += c[(p[j] - 1) * n + (j - 1)];
    free(c);
    free(u);
    free(v);
    free(minv);
    free(p);
    free(way);
    free(usedc);
    return total;
}

/* ---- random problems ---------------------------------------------------------- */

/* A random problem: density in [0, 1], integer costs (many ties) or real ones, a
 * few duplicate edges, miss costs that sometimes undercut most edges. */
static int random_problem_kind(uint64_t *s, int rows, int cols, vg_assign_edge *edges,
                               int cap, double *row_miss, double *col_miss, int integer)
{
    double density = th_uniform(s, 0.0, 1.0);
    int n = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            if (th_uniform(s, 0.0, 1.0) >= density)
                continue;
            int copies = th_next(s) % 8 == 0 ? 2 : 1;
            for (int k = 0; k < copies && n < cap; k++) {
                double x = integer ? (double)(th_next(s) % 10) : th_uniform(s, 0.0, 10.0);
                edges[n++] = E(i, j, x);
            }
        }
    /* shuffle, so that the solver never sees edges in sorted order */
    for (int k = n - 1; k > 0; k--) {
        int m = (int)(th_next(s) % (uint64_t)(k + 1));
        vg_assign_edge t = edges[k];
        edges[k] = edges[m];
        edges[m] = t;
    }
    *row_miss = integer ? (double)(th_next(s) % 8) : th_uniform(s, 0.0, 8.0);
    *col_miss = integer ? (double)(th_next(s) % 8) : th_uniform(s, 0.0, 8.0);
    return n;
}

static int random_problem(uint64_t *s, int rows, int cols, vg_assign_edge *edges, int cap,
                          double *row_miss, double *col_miss)
{
    int integer = th_next(s) % 2 == 0;
    return random_problem_kind(s, rows, cols, edges, cap, row_miss, col_miss, integer);
}

static void test_random_small_problems_match_brute_force(void **state)
{
    (void)state;
    uint64_t s = 20240726;
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, 8, 8, 128, &err), 0);
    vg_assign_edge edges[128];
    int row_to_col[8];
    for (int t = 0; t < 5000; t++) {
        int rows = (int)(th_next(&s) % 9), cols = (int)(th_next(&s) % 9);
        double rm, cm;
        int n = random_problem(&s, rows, cols, edges, 128, &rm, &cm);
        double total = -1.0;
        int rc = vg_assign_solve(&a, rows, cols, edges, n, rm, cm, row_to_col, &total, &err);
        if (rc != 0)
            fail_msg("case %d: %s", t, err.msg);
        double want = brute_force(rows, cols, edges, n, rm, cm);
        double got = cost_of(rows, cols, edges, n, rm, cm, row_to_col);
        if (!(fabs(total - want) <= 1e-9) || !(fabs(got - total) <= 1e-9))
            fail_msg("case %d (%dx%d, %d edges, miss %g/%g): total %.17g, assignment costs "
                     "%.17g, brute force %.17g", t, rows, cols, n, rm, cm, total, got, want);
    }
    vg_assign_free(&a);
}

static void test_random_medium_problems_match_dense_hungarian(void **state)
{
    (void)state;
    uint64_t s = 77;
    enum { MAXR = 60, MAXC = 60, CAP = 3 * MAXR * MAXC };
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, MAXR, MAXC, CAP, &err), 0);
    vg_assign_edge *edges = malloc(sizeof *edges * CAP);
    int *row_to_col = malloc(sizeof *row_to_col * MAXR);
    assert_true(edges && row_to_col);
    for (int t = 0; t < 150; t++) {
        int rows = 1 + (int)(th_next(&s) % MAXR), cols = 1 + (int)(th_next(&s) % MAXC);
        double rm, cm;
        int n = random_problem(&s, rows, cols, edges, CAP, &rm, &cm);
        /* sparser than random_problem's uniform density, like gated scans */
        if (t % 2)
            n = n / 8;
        double total;
        assert_int_equal(vg_assign_solve(&a, rows, cols, edges, n, rm, cm, row_to_col,
                                         &total, &err), 0);
        double want = dense_hungarian(rows, cols, edges, n, rm, cm);
        if (!(fabs(total - want) <= 1e-8))
            fail_msg("case %d (%dx%d, %d edges): total %.17g, dense Hungarian %.17g", t, rows,
                     cols, n, total, want);
    }
    free(edges);
    free(row_to_col);
    vg_assign_free(&a);
}

/* ---- hand cases ---------------------------------------------------------------- */

static void test_two_by_two_takes_the_cheaper_crossing(void **state)
{
    (void)state;
    vg_assign_edge e[] = {E(0, 0, 4), E(0, 1, 1), E(1, 0, 2), E(1, 1, 3)};
    int r[2];
    double total;
    assert_int_equal(solve_fresh(2, 2, e, 4, 100, 100, r, &total), 0);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 0);
    assert_near(total, 3.0, 0);
}

static void test_augmenting_path_moves_an_earlier_row(void **state)
{
    (void)state;
    /* Row 0 first takes column 0 (cost 1); row 1 can only use column 0, so row 0
     * must move to column 1: 2 + 1 = 3 beats 1 + 10 + 10. */
    vg_assign_edge e[] = {E(0, 0, 1), E(1, 0, 1), E(0, 1, 2)};
    int r[2];
    double total;
    assert_int_equal(solve_fresh(2, 2, e, 3, 10, 10, r, &total), 0);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 0);
    assert_near(total, 3.0, 0);
}

static void test_long_augmenting_chain(void **state)
{
    (void)state;
    /* Row i likes column i (cost 0) and accepts column i+1 (cost 1); the last row
     * only has column 0, so every earlier row shifts right by one. */
    enum { N = 50 };
    vg_assign_edge e[2 * N];
    int n = 0;
    for (int i = 0; i < N - 1; i++) {
        e[n++] = E(i, i, 0);
        e[n++] = E(i, i + 1, 1);
    }
    e[n++] = E(N - 1, 0, 0);
    int r[N];
    double total;
    assert_int_equal(solve_fresh(N, N, e, n, 1000, 1000, r, &total), 0);
    for (int i = 0; i < N - 1; i++)
        assert_int_equal(r[i], i + 1);
    assert_int_equal(r[N - 1], 0);
    assert_near(total, N - 1.0, 1e-12);
}

static void test_unassigned_wins_when_edge_costs_more_than_both_misses(void **state)
{
    (void)state;
    vg_assign_edge e[] = {E(0, 0, 5)};
    int r[1];
    double total;
    assert_int_equal(solve_fresh(1, 1, e, 1, 1, 1, r, &total), 0);
    assert_int_equal(r[0], -1);
    assert_near(total, 2.0, 0);
    /* dearer than each miss alone but cheaper than both: assigned */
    e[0].cost = 1.5;
    assert_int_equal(solve_fresh(1, 1, e, 1, 1, 1, r, &total), 0);
    assert_int_equal(r[0], 0);
    assert_near(total, 1.5, 0);
    /* an exact tie with the two misses: unassigned, as documented */
    e[0].cost = 2.0;
    assert_int_equal(solve_fresh(1, 1, e, 1, 1, 1, r, &total), 0);
    assert_int_equal(r[0], -1);
    assert_near(total, 2.0, 0);
}

static void test_two_rows_compete_for_one_column(void **state)
{
    (void)state;
    vg_assign_edge e[] = {E(1, 0, 2), E(0, 0, 1)};
    int r[2];
    double total;
    assert_int_equal(solve_fresh(2, 1, e, 2, 10, 10, r, &total), 0);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], -1);
    assert_near(total, 11.0, 0);
}

static void test_asymmetric_miss_costs(void **state)
{
    (void)state;
    /* Row 0 can go to column 0 (cost 3) or column 1 (cost 0.5); row 1 only to
     * column 0 (cost 0.5). Cheap rows, dear columns: 0→1, 1→0 = 1 beats any miss. */
    vg_assign_edge e[] = {E(0, 0, 3), E(0, 1, 0.5), E(1, 0, 0.5)};
    int r[2];
    double total;
    assert_int_equal(solve_fresh(2, 3, e, 3, 0.25, 7, r, &total), 0);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 0);
    assert_near(total, 1.0 + 7.0, 1e-12); /* column 2 has no edge: missed */
}

static void test_duplicate_edges_keep_the_cheaper_in_any_order(void **state)
{
    (void)state;
    vg_assign_edge e1[] = {E(0, 0, 9), E(0, 0, 2), E(0, 1, 3)};
    vg_assign_edge e2[] = {E(0, 0, 2), E(0, 1, 3), E(0, 0, 9)};
    int r[1];
    double total;
    assert_int_equal(solve_fresh(1, 2, e1, 3, 10, 10, r, &total), 0);
    assert_int_equal(r[0], 0);
    assert_near(total, 12.0, 0);
    assert_int_equal(solve_fresh(1, 2, e2, 3, 10, 10, r, &total), 0);
    assert_int_equal(r[0], 0);
    assert_near(total, 12.0, 0);
}

static void test_zero_costs_are_valid(void **state)
{
    (void)state;
    vg_assign_edge e[] = {E(0, 0, 0), E(1, 1, 0)};
    int r[2];
    double total;
    assert_int_equal(solve_fresh(2, 2, e, 2, 0.5, 0.5, r, &total), 0);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], 1);
    assert_near(total, 0.0, 0);
    /* zero miss costs: nothing is ever worth assigning */
    assert_int_equal(solve_fresh(2, 2, e, 2, 0, 0, r, &total), 0);
    assert_int_equal(r[0], -1);
    assert_int_equal(r[1], -1);
    assert_near(total, 0.0, 0);
}

/* ---- degenerate inputs --------------------------------------------------------- */

static void test_zero_rows_costs_every_column_missed(void **state)
{
    (void)state;
    double total = -1;
    assert_int_equal(solve_fresh(0, 5, NULL, 0, 1, 2.5, NULL, &total), 0);
    assert_near(total, 12.5, 0);
    assert_int_equal(solve_fresh(0, 0, NULL, 0, 1, 2.5, NULL, &total), 0);
    assert_near(total, 0.0, 0);
}

static void test_zero_edges_leaves_everything_unassigned(void **state)
{
    (void)state;
    int r[4] = {7, 7, 7, 7};
    double total;
    assert_int_equal(solve_fresh(4, 3, NULL, 0, 1, 2, r, &total), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i], -1);
    assert_near(total, 4 * 1 + 3 * 2, 0);
    /* zero columns */
    assert_int_equal(solve_fresh(4, 0, NULL, 0, 1, 2, r, &total), 0);
    assert_near(total, 4.0, 0);
}

static void test_all_edges_worse_than_misses_assigns_nothing(void **state)
{
    (void)state;
    vg_assign_edge e[16];
    int n = 0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            e[n++] = E(i, j, 3.0 + i + j);
    int r[4];
    double total;
    assert_int_equal(solve_fresh(4, 4, e, n, 1, 1, r, &total), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i], -1);
    assert_near(total, 8.0, 0);
}

static void test_total_cost_may_be_null(void **state)
{
    (void)state;
    vg_assign_edge e[] = {E(0, 0, 1)};
    int r[1];
    assert_int_equal(solve_fresh(1, 1, e, 1, 5, 5, r, NULL), 0);
    assert_int_equal(r[0], 0);
}

/* ---- determinism and reuse ------------------------------------------------------ */

static void test_edge_order_never_changes_the_result(void **state)
{
    (void)state;
    uint64_t s = 5;
    enum { R = 30, C = 30, CAP = 2 * R * C };
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, R, C, CAP, &err), 0);
    vg_assign_edge *edges = malloc(sizeof *edges * CAP);
    assert_non_null(edges);
    for (int t = 0; t < 40; t++) {
        double rm, cm;
        /* integer costs: full of ties, the hard case for determinism */
        int n = random_problem_kind(&s, R, C, edges, CAP, &rm, &cm, 1);
        int first[R], again[R];
        double t1, t2;
        assert_int_equal(vg_assign_solve(&a, R, C, edges, n, rm, cm, first, &t1, &err), 0);
        for (int k = n - 1; k > 0; k--) {
            int m = (int)(th_next(&s) % (uint64_t)(k + 1));
            vg_assign_edge x = edges[k];
            edges[k] = edges[m];
            edges[m] = x;
        }
        assert_int_equal(vg_assign_solve(&a, R, C, edges, n, rm, cm, again, &t2, &err), 0);
        assert_memory_equal(first, again, sizeof first);
        assert_true(t1 == t2);
    }
    free(edges);
    vg_assign_free(&a);
}

static void test_workspace_reuse_matches_fresh_workspace(void **state)
{
    (void)state;
    uint64_t s = 99;
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, 8, 8, 128, &err), 0);
    vg_assign_edge edges[128];
    for (int t = 0; t < 300; t++) {
        int rows = (int)(th_next(&s) % 9), cols = (int)(th_next(&s) % 9);
        double rm, cm;
        int n = random_problem(&s, rows, cols, edges, 128, &rm, &cm);
        int r1[8], r2[8];
        double t1, t2;
        assert_int_equal(vg_assign_solve(&a, rows, cols, edges, n, rm, cm, r1, &t1, &err), 0);
        assert_int_equal(solve_fresh(rows, cols, edges, n, rm, cm, r2, &t2), 0);
        assert_memory_equal(r1, r2, sizeof(int) * (size_t)rows);
        assert_true(t1 == t2);
    }
    vg_assign_free(&a);
}

static void test_large_sparse_problem_is_consistent(void **state)
{
    (void)state;
    /* 2000 × 2000, 3 gated edges per row near the diagonal: checks that the
     * reported total is the cost of the returned assignment (no optimum known). */
    enum { N = 2000, K = 3 };
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, N, N, N * K, &err), 0);
    vg_assign_edge *e = malloc(sizeof *e * N * K);
    int *r = malloc(sizeof *r * N);
    int *used = calloc(N, sizeof *used);
    assert_true(e && r && used);
    uint64_t s = 3;
    int n = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < K; k++)
            e[n++] = E(i, (i + (int)(th_next(&s) % 7)) % N, th_uniform(&s, 0, 10));
    double total;
    assert_int_equal(vg_assign_solve(&a, N, N, e, n, 4, 4, r, &total, &err), 0);
    double sum = 0;
    int assigned = 0;
    for (int i = 0; i < N; i++) {
        if (r[i] < 0) {
            sum += 4;
            continue;
        }
        assert_false(used[r[i]]);
        used[r[i]] = 1;
        double best = INFINITY;
        for (int k = 0; k < K; k++)
            if (e[i * K + k].col == r[i] && e[i * K + k].cost < best)
                best = e[i * K + k].cost;
        assert_false(isinf(best));
        sum += best;
        assigned++;
    }
    sum += (N - assigned) * 4.0;
    assert_near(total, sum, 1e-6);
    free(e);
    free(r);
    free(used);
    vg_assign_free(&a);
}

/* ---- hostile arguments ---------------------------------------------------------- */

static void expect_solve_error(vg_assign *a, int rows, int cols, const vg_assign_edge *e,
                               int n, double rm, double cm, int code, const char *text)
{
    int r[4] = {42, 42, 42, 42};
    double total = 42;
    vg_error err;
    vg_err_clear(&err);
    int rc = vg_assign_solve(a, rows, cols, e, n, rm, cm, r, &total, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, err.msg);
    assert_int_equal(err.code, code);
    assert_contains(err.msg, text);
    /* outputs untouched */
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i], 42);
    assert_true(total == 42);
}

static void test_hostile_arguments_are_rejected_with_a_message(void **state)
{
    (void)state;
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, 4, 4, 4, &err), 0);
    vg_assign_edge ok[] = {E(0, 0, 1)};
    vg_assign_edge nan_cost[] = {E(0, 0, NAN)};
    vg_assign_edge neg_cost[] = {E(0, 1, -1)};
    vg_assign_edge inf_cost[] = {E(0, 0, INFINITY)};
    vg_assign_edge huge_cost[] = {E(0, 0, 1e200)};
    vg_assign_edge bad_row[] = {E(0, 0, 1), E(4, 0, 1)};
    vg_assign_edge neg_row[] = {E(-1, 0, 1)};
    vg_assign_edge bad_col[] = {E(0, 3, 1)};
    expect_solve_error(&a, 1, 1, nan_cost, 1, 1, 1, VG_EINVAL, "edge 0 (0, 0): cost nan");
    expect_solve_error(&a, 1, 2, neg_cost, 1, 1, 1, VG_EINVAL, "cost -1 not in");
    expect_solve_error(&a, 1, 1, inf_cost, 1, 1, 1, VG_EINVAL, "cost inf");
    expect_solve_error(&a, 1, 1, huge_cost, 1, 1, 1, VG_EINVAL, "cost 1e+200");
    expect_solve_error(&a, 4, 1, bad_row, 2, 1, 1, VG_EINVAL, "edge 1: row 4 out of range [0, 4)");
    expect_solve_error(&a, 1, 1, neg_row, 1, 1, 1, VG_EINVAL, "row -1 out of range");
    expect_solve_error(&a, 1, 3, bad_col, 1, 1, 1, VG_EINVAL, "col 3 out of range [0, 3)");
    expect_solve_error(&a, 1, 1, ok, 1, NAN, 1, VG_EINVAL, "row_miss nan");
    expect_solve_error(&a, 1, 1, ok, 1, 1, -2, VG_EINVAL, "col_miss -2");
    expect_solve_error(&a, 1, 1, ok, 1, 1, INFINITY, VG_EINVAL, "col_miss inf");
    expect_solve_error(&a, 5, 1, ok, 1, 1, 1, VG_EFULL, "5 rows, capacity 4");
    expect_solve_error(&a, 1, 5, ok, 1, 1, 1, VG_EFULL, "5 cols, capacity 4");
    expect_solve_error(&a, 1, 1, ok, 5, 1, 1, VG_EFULL, "5 edges, capacity 4");
    expect_solve_error(&a, -1, 1, ok, 1, 1, 1, VG_EINVAL, "negative size");
    expect_solve_error(&a, 1, 1, ok, -1, 1, 1, VG_EINVAL, "negative size");
    expect_solve_error(&a, 1, 1, NULL, 1, 1, 1, VG_EINVAL, "NULL edges");
    /* row_to_col NULL with rows > 0 */
    vg_err_clear(&err);
    assert_int_equal(vg_assign_solve(&a, 1, 1, ok, 1, 1, 1, NULL, NULL, &err), VG_EINVAL);
    assert_contains(err.msg, "NULL row_to_col");
    /* err may be NULL: the code still comes back */
    assert_int_equal(vg_assign_solve(&a, 1, 1, nan_cost, 1, 1, 1, (int[1]){0}, NULL, NULL),
                     VG_EINVAL);
    vg_assign_free(&a);

    /* a freed or never-initialised (zeroed) workspace */
    expect_solve_error(&a, 1, 1, ok, 1, 1, 1, VG_EINVAL, "not initialised");
    vg_assign zero;
    memset(&zero, 0, sizeof zero);
    expect_solve_error(&zero, 0, 0, NULL, 0, 1, 1, VG_EINVAL, "not initialised");
    expect_solve_error(NULL, 0, 0, NULL, 0, 1, 1, VG_EINVAL, "not initialised");
}

static void test_init_rejects_bad_capacities(void **state)
{
    (void)state;
    vg_assign a;
    vg_error err;
    assert_int_equal(vg_assign_init(&a, -1, 1, 1, &err), VG_EINVAL);
    assert_contains(err.msg, "negative capacity");
    assert_null(a.mem);
    vg_assign_free(&a);
    assert_int_equal(vg_assign_init(&a, 1, 1, -5, &err), VG_EINVAL);
    assert_int_equal(vg_assign_init(&a, INT_MAX, 1, 1, &err), VG_ETOOBIG);
    assert_contains(err.msg, "too many");
    assert_null(a.mem);
    assert_int_equal(vg_assign_init(NULL, 1, 1, 1, &err), VG_EINVAL);
    /* all-zero capacities are valid: only empty problems fit */
    assert_int_equal(vg_assign_init(&a, 0, 0, 0, &err), 0);
    double total = -1;
    assert_int_equal(vg_assign_solve(&a, 0, 0, NULL, 0, 1, 1, NULL, &total, &err), 0);
    assert_near(total, 0, 0);
    vg_assign_free(&a);
    vg_assign_free(&a); /* twice is harmless */
    vg_assign_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_by_two_takes_the_cheaper_crossing),
        cmocka_unit_test(test_augmenting_path_moves_an_earlier_row),
        cmocka_unit_test(test_long_augmenting_chain),
        cmocka_unit_test(test_unassigned_wins_when_edge_costs_more_than_both_misses),
        cmocka_unit_test(test_two_rows_compete_for_one_column),
        cmocka_unit_test(test_asymmetric_miss_costs),
        cmocka_unit_test(test_duplicate_edges_keep_the_cheaper_in_any_order),
        cmocka_unit_test(test_zero_costs_are_valid),
        cmocka_unit_test(test_zero_rows_costs_every_column_missed),
        cmocka_unit_test(test_zero_edges_leaves_everything_unassigned),
        cmocka_unit_test(test_all_edges_worse_than_misses_assigns_nothing),
        cmocka_unit_test(test_total_cost_may_be_null),
        cmocka_unit_test(test_random_small_problems_match_brute_force),
        cmocka_unit_test(test_random_medium_problems_match_dense_hungarian),
        cmocka_unit_test(test_edge_order_never_changes_the_result),
        cmocka_unit_test(test_workspace_reuse_matches_fresh_workspace),
        cmocka_unit_test(test_large_sparse_problem_is_consistent),
        cmocka_unit_test(test_hostile_arguments_are_rejected_with_a_message),
        cmocka_unit_test(test_init_rejects_bad_capacities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
