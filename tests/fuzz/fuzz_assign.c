/* tests/fuzz/fuzz_assign.c — libFuzzer target for the sparse assignment solver:
 * bytes become a problem of at most 8 × 8 with up to 128 edges, hostile values
 * included (NaN, negative, infinite, huge costs, indices out of range). A rejected
 * problem must come with a message; an accepted one must return a valid assignment
 * whose cost is the reported total and the brute-force minimum, and the same
 * result with the edges in reverse order.
 *
 * Layout: byte 0 rows (mod 9), byte 1 cols (mod 9), bytes 2 and 3 the row and
 * column miss codes, then 3 bytes per edge: row, col, cost code (see decode_*). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/assign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAXN = 8, MAXE = 128 };

/* Codes below 240 are multiples of 1/8 (many ties); the top 16 are special. */
static double decode_cost(uint8_t b)
{
    static const double special[16] = {NAN, -1.0, INFINITY, 1e200, -0.0, 0.0, 1e-310,
                                       VG_ASSIGN_COST_MAX, 1e50, -INFINITY, 1e-300, 3.0,
                                       0.1, 0.2, 0.3, 1e100 * 1.0000001};
    return b < 240 ? b / 8.0 : special[b - 240];
}

/* Mostly in range; codes 248..255 give -2..5, in or out of range. */
static int decode_index(uint8_t b, int n)
{
    if (b >= 248)
        return (int)b - 250;
    return n > 0 ? b % n : 0;
}

static double cost[MAXN][MAXN];
static int used[MAXN];
static double best;

static void brute(int rows, int cols, double rm, double cm, int i, int assigned, double acc)
{
    if (i == rows) {
        double t = acc + (double)(cols - assigned) * cm;
        if (t < best)
            best = t;
        return;
    }
    brute(rows, cols, rm, cm, i + 1, assigned, acc + rm);
    for (int j = 0; j < cols; j++)
        if (!used[j] && !isinf(cost[i][j])) {
            used[j] = 1;
            brute(rows, cols, rm, cm, i + 1, assigned + 1, acc + cost[i][j]);
            used[j] = 0;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    int rows = data[0] % 9, cols = data[1] % 9;
    double rm = decode_cost(data[2]), cm = decode_cost(data[3]);
    vg_assign_edge edges[MAXE], reversed[MAXE];
    int n = 0;
    for (size_t k = 4; k + 3 <= size && n < MAXE; k += 3, n++) {
        edges[n].row = decode_index(data[k], rows);
        edges[n].col = decode_index(data[k + 1], cols);
        edges[n].cost = decode_cost(data[k + 2]);
    }
    for (int k = 0; k < n; k++)
        reversed[k] = edges[n - 1 - k];

    static vg_assign a; /* one workspace for the run, as a tracker would keep it */
    static int ready;
    vg_error err;
    if (!ready) {
        if (vg_assign_init(&a, MAXN, MAXN, MAXE, &err) < 0)
            __builtin_trap();
        ready = 1;
    }
    int r1[MAXN], r2[MAXN];
    double t1, t2;
    err.msg[0] = '\0';
    int rc = vg_assign_solve(&a, rows, cols, edges, n, rm, cm, r1, &t1, &err);
    if (rc < 0) {
        if (rc != VG_EINVAL || err.msg[0] == '\0')
            __builtin_trap();
        return 0;
    }
    if (vg_assign_solve(&a, rows, cols, reversed, n, rm, cm, r2, &t2, &err) != 0 ||
        memcmp(r1, r2, sizeof(int) * (size_t)rows) != 0 || !(t1 == t2))
        __builtin_trap();

    /* the cheapest cost per pair, and a tolerance on the scale of the input */
    double scale = 1.0 + (rows + cols) * (rm + cm);
    for (int i = 0; i < MAXN; i++)
        for (int j = 0; j < MAXN; j++)
            cost[i][j] = INFINITY;
    for (int k = 0; k < n; k++) {
        if (edges[k].cost < cost[edges[k].row][edges[k].col])
            cost[edges[k].row][edges[k].col] = edges[k].cost;
        scale += edges[k].cost;
    }
    int seen[MAXN] = {0}, assigned = 0;
    double sum = 0.0;
    for (int i = 0; i < rows; i++) {
        int j = r1[i];
        if (j == -1) {
            sum += rm;
            continue;
        }
        if (j < 0 || j >= cols || seen[j] || isinf(cost[i][j]))
            __builtin_trap();
        seen[j] = 1;
        sum += cost[i][j];
        assigned++;
    }
    sum += (double)(cols - assigned) * cm;
    memset(used, 0, sizeof used);
    best = INFINITY;
    brute(rows, cols, rm, cm, 0, 0, 0.0);
    double tol = 1e-12 * scale;
    if (!(fabs(sum - t1) <= tol) || !(fabs(best - t1) <= tol))
        __builtin_trap();
    return 0;
}
