/* test_grid.c — the tracker's spatial grid (private: hence the internal header).
 *
 * A rebuild files every track at once into a snapshot sorted by cell; tracks filed
 * later go to per-cell lists. Queries must visit exactly the tracks, in exactly the
 * order, that lists alone would give — the tracker's outputs depend on that order.
 * Two grids take the same random operations (rebuilds, moves, new tracks, removals,
 * tracks far outside the window, a rebuild interrupted by a clear), one rebuilding
 * in bulk and one by plain filings; every query's visits are compared, and checked
 * against a brute-force list of the tracks filed in the query's cells. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "track/grid.h"

enum { TRACKS = 3000, ROUNDS = 40, MAX_VISITS = TRACKS };

typedef struct visits {
    int32_t n;
    int32_t track[MAX_VISITS];
} visits;

static void collect(void *ud, int32_t i)
{
    visits *v = ud;
    assert_true(v->n < MAX_VISITS);
    v->track[v->n++] = i;
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_random() >> 11) / 9007199254740992.0;
}

typedef struct world {
    bool filed[TRACKS];
    double e[TRACKS], n[TRACKS];
} world;

/* A position: mostly in a 600 m square, sometimes kilometres away (outside the
 * window: hash cells). */
static void place(world *w, int32_t i)
{
    bool far = next_random() % 50 == 0;
    w->e[i] = far ? uniform(-9000.0, 9000.0) : uniform(0.0, 600.0);
    w->n[i] = far ? uniform(-9000.0, 9000.0) : uniform(0.0, 600.0);
}

static void put_both(vg_grid *a, vg_grid *b, world *w, int32_t i)
{
    assert_int_equal(vg_grid_put(a, i, w->e[i], w->n[i]), 0);
    assert_int_equal(vg_grid_put(b, i, w->e[i], w->n[i]), 0);
    w->filed[i] = true;
}

static void rebuild(vg_grid *a, vg_grid *b, world *w, bool interrupted)
{
    /* Far tracks come back first: the window goes over the cells holding tracks,
     * and one spanning kilometres would be too large to place (the hash alone). */
    for (int32_t i = 0; i < TRACKS; i++)
        if (w->e[i] < -50.0 || w->e[i] > 650.0 || w->n[i] < -50.0 || w->n[i] > 650.0) {
            w->e[i] = uniform(0.0, 600.0);
            w->n[i] = uniform(0.0, 600.0);
            if (w->filed[i])
                put_both(a, b, w, i);
        }
    vg_grid_clear(a);
    vg_grid_clear(b);
    vg_grid_bulk_begin(b);
    int32_t cut = interrupted ? (int32_t)(next_random() % TRACKS) : TRACKS;
    for (int32_t i = 0; i < TRACKS; i++) {
        if (i == cut) { /* a clear in the middle ends the bulk filing: file again */
            vg_grid_clear(a);
            vg_grid_clear(b);
            for (int32_t j = 0; j < i; j++)
                if (w->filed[j])
                    put_both(a, b, w, j);
        }
        if (w->filed[i])
            put_both(a, b, w, i);
    }
    vg_grid_bulk_end(b);
    assert_int_equal(b->snap, !interrupted && b->win_w > 0);
}

/* The query against a brute-force list of the tracks in its cells. */
static void check_query(const vg_grid *a, const vg_grid *b, const world *w, double e, double n,
                        double radius)
{
    static visits va, vb;
    va.n = vb.n = 0;
    vg_grid_query(a, e, n, radius, collect, &va, NULL, 0);
    vg_grid_query(b, e, n, radius, collect, &vb, NULL, 0);
    assert_int_equal(va.n, vb.n);
    assert_memory_equal(va.track, vb.track, (size_t)va.n * sizeof va.track[0]);
    int64_t x0 = vg_grid_cell_of(a, e - radius), x1 = vg_grid_cell_of(a, e + radius);
    int64_t y0 = vg_grid_cell_of(a, n - radius), y1 = vg_grid_cell_of(a, n + radius);
    int32_t expected = 0;
    static bool seen[TRACKS];
    memset(seen, 0, sizeof seen);
    for (int32_t k = 0; k < vb.n; k++) {
        assert_false(seen[vb.track[k]]); /* once each */
        seen[vb.track[k]] = true;
    }
    for (int32_t i = 0; i < TRACKS; i++) {
        int64_t ix = vg_grid_cell_of(a, w->e[i]), iy = vg_grid_cell_of(a, w->n[i]);
        bool inside = w->filed[i] && ix >= x0 && ix <= x1 && iy >= y0 && iy <= y1;
        expected += inside;
        assert_int_equal(seen[i], inside);
    }
    assert_int_equal(vb.n, expected);
}

static void queries(const vg_grid *a, const vg_grid *b, const world *w, int count)
{
    for (int q = 0; q < count; q++) {
        /* Around a track (so that most queries find some), or anywhere. */
        int32_t i = (int32_t)(next_random() % TRACKS);
        bool near = next_random() % 4 != 0;
        double e = near ? w->e[i] + uniform(-5.0, 5.0) : uniform(-100.0, 700.0);
        double n = near ? w->n[i] + uniform(-5.0, 5.0) : uniform(-100.0, 700.0);
        check_query(a, b, w, e, n, uniform(1.0, 35.0));
    }
}

static void test_snapshot_visits_as_lists(void **state)
{
    (void)state;
    static vg_grid a, b;
    static world w;
    assert_int_equal(vg_grid_init(&a, 10.0, TRACKS), 0);
    assert_int_equal(vg_grid_init(&b, 10.0, TRACKS), 0);
    assert_int_equal(vg_grid_reserve(&a, TRACKS), 0);
    assert_int_equal(vg_grid_reserve(&b, TRACKS), 0);
    for (int32_t i = 0; i < TRACKS; i++) {
        place(&w, i);
        w.filed[i] = next_random() % 4 != 0;
        if (w.filed[i])
            put_both(&a, &b, &w, i);
    }
    int snapshots = 0, fast = 0;
    for (int round = 0; round < ROUNDS; round++) {
        rebuild(&a, &b, &w, round % 7 == 3);
        snapshots += b.snap;
        if (b.snap && b.win_listed == 0) {
            fast++;
            queries(&a, &b, &w, 50); /* every window row read as one run */
        }
        /* Then a second's changes: small moves (mostly within their cell), jumps,
         * new tracks, removals, each followed by a few queries. */
        for (int op = 0; op < 400; op++) {
            int32_t i = (int32_t)(next_random() % TRACKS);
            uint64_t kind = next_random() % 10;
            if (kind < 5 && w.filed[i]) {
                w.e[i] += uniform(-3.0, 3.0);
                w.n[i] += uniform(-3.0, 3.0);
                put_both(&a, &b, &w, i);
            } else if (kind < 7) {
                place(&w, i);
                put_both(&a, &b, &w, i);
            } else if (kind < 9) {
                vg_grid_remove(&a, i);
                vg_grid_remove(&b, i);
                w.filed[i] = false;
            } else {
                queries(&a, &b, &w, 3);
            }
        }
        queries(&a, &b, &w, 30);
    }
    /* The paths this test is about were taken. */
    assert_true(snapshots >= ROUNDS / 2);
    assert_true(fast >= ROUNDS / 2);
    vg_grid_free(&a);
    vg_grid_free(&b);
}

/* A removal while filing in bulk leaves the track out of the snapshot. */
static void test_remove_while_filing_in_bulk(void **state)
{
    (void)state;
    vg_grid g;
    assert_int_equal(vg_grid_init(&g, 10.0, 8), 0);
    for (int32_t i = 0; i < 4; i++)
        assert_int_equal(vg_grid_put(&g, i, 5.0 + i, 5.0), 0);
    vg_grid_clear(&g); /* places the window over the cells used */
    vg_grid_bulk_begin(&g);
    for (int32_t i = 0; i < 4; i++)
        assert_int_equal(vg_grid_put(&g, i, 5.0 + i, 5.0), 0);
    vg_grid_remove(&g, 2);
    vg_grid_bulk_end(&g);
    assert_true(g.snap);
    visits v = {0};
    vg_grid_query(&g, 5.0, 5.0, 1.0, collect, &v, NULL, 0);
    /* most recently filed first, as a list would hold them */
    assert_int_equal(v.n, 3);
    assert_int_equal(v.track[0], 3);
    assert_int_equal(v.track[1], 1);
    assert_int_equal(v.track[2], 0);
    /* A track moved within its cell stays; one moved out leaves, one moved in comes
     * first. */
    assert_int_equal(vg_grid_put(&g, 1, 6.5, 5.5), 0);
    assert_int_equal(vg_grid_put(&g, 0, 25.0, 5.0), 0);
    assert_int_equal(vg_grid_put(&g, 5, 9.0, 9.0), 0);
    v.n = 0;
    vg_grid_query(&g, 5.0, 5.0, 1.0, collect, &v, NULL, 0);
    assert_int_equal(v.n, 3);
    assert_int_equal(v.track[0], 5);
    assert_int_equal(v.track[1], 3);
    assert_int_equal(v.track[2], 1);
    vg_grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_visits_as_lists),
        cmocka_unit_test(test_remove_while_filing_in_bulk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
