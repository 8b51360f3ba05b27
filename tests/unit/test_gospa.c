/* tests/unit/test_gospa.c — the GOSPA metric: hand cases (empty sets, a perfect
 * match, a far pair, the effects of c and p), random small sets against a brute
 * force over every assignment, and rejection of bad arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/gospa.h"

#define V(x, y, z) ((vg_vec3){(x), (y), (z)})

/* One call with a fresh workspace sized for the inputs. */
static vg_gospa_result gospa(const vg_vec3 *est, int n_est, const vg_vec3 *truth,
                             int n_truth, double c, double p, int *est_to_truth)
{
    vg_gospa g;
    vg_error err;
    vg_gospa_result r;
    memset(&r, 0xff, sizeof r);
    assert_int_equal(vg_gospa_init(&g, n_est, n_truth, n_est * n_truth, &err), 0);
    int rc = vg_gospa_compute(&g, est, n_est, truth, n_truth, c, p, &r, est_to_truth, &err);
    if (rc != 0)
        fail_msg("gospa: %s", err.msg);
    vg_gospa_free(&g);
    return r;
}

static void assert_result(vg_gospa_result r, double distance, double loc, int assigned,
                          int missed, int false_, double c, double p)
{
    assert_near(r.distance, distance, 1e-12 * (1 + distance));
    assert_near(r.localisation, loc, 1e-12 * (1 + loc));
    assert_int_equal(r.n_assigned, assigned);
    assert_int_equal(r.n_missed, missed);
    assert_int_equal(r.n_false, false_);
    assert_near(r.missed_term, missed * pow(c, p) / 2, 1e-12 * pow(c, p) * (1 + missed));
    assert_near(r.false_term, false_ * pow(c, p) / 2, 1e-12 * pow(c, p) * (1 + false_));
}

/* ---- hand cases ----------------------------------------------------------------- */

static void test_two_empty_sets_are_at_distance_zero(void **state)
{
    (void)state;
    vg_gospa_result r = gospa(NULL, 0, NULL, 0, 10, 2, NULL);
    assert_result(r, 0, 0, 0, 0, 0, 10, 2);
}

static void test_no_truth_makes_every_estimate_false(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(0, 0, 0), V(1, 2, 3), V(100, 0, 0)};
    int e2t[3] = {7, 7, 7};
    vg_gospa_result r = gospa(est, 3, NULL, 0, 10, 2, e2t);
    /* 3 · c²/2 = 150 */
    assert_result(r, sqrt(150.0), 0, 0, 0, 3, 10, 2);
    assert_near(r.false_term, 150.0, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(e2t[i], -1);
}

static void test_no_estimate_makes_every_truth_missed(void **state)
{
    (void)state;
    vg_vec3 truth[] = {V(0, 0, 0), V(5, 5, 5)};
    vg_gospa_result r = gospa(NULL, 0, truth, 2, 4, 1, NULL);
    /* p = 1: 2 · 4/2 = 4 */
    assert_result(r, 4.0, 0, 0, 2, 0, 4, 1);
}

static void test_one_perfect_match_is_zero(void **state)
{
    (void)state;
    vg_vec3 a[] = {V(12.5, -3, 80)};
    int e2t[1];
    vg_gospa_result r = gospa(a, 1, a, 1, 10, 2, e2t);
    assert_result(r, 0, 0, 1, 0, 0, 10, 2);
    assert_int_equal(e2t[0], 0);
}

static void test_one_close_pair_is_its_distance(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(3, 4, 0)}, truth[] = {V(0, 0, 0)};
    /* d = 5 < c = 10: distance d for every p, localisation d^p */
    assert_result(gospa(est, 1, truth, 1, 10, 1, NULL), 5, 5, 1, 0, 0, 10, 1);
    assert_result(gospa(est, 1, truth, 1, 10, 2, NULL), 5, 25, 1, 0, 0, 10, 2);
    assert_result(gospa(est, 1, truth, 1, 10, 3, NULL), 5, 125, 1, 0, 0, 10, 3);
}

static void test_one_far_pair_is_one_missed_and_one_false(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(0, 20, 0)}, truth[] = {V(0, 0, 0)};
    int e2t[1];
    /* d = 20 ≥ c = 10: c^p/2 + c^p/2 = c^p, so the distance is c for every p */
    for (double p = 1; p <= 4; p += 0.5) {
        vg_gospa_result r = gospa(est, 1, truth, 1, 10, p, e2t);
        assert_result(r, 10, 0, 0, 1, 1, 10, p);
        assert_int_equal(e2t[0], -1);
    }
}

static void test_pair_at_exactly_c_is_not_assigned(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(0, 0, 8)}, truth[] = {V(0, 0, 0)};
    vg_gospa_result r = gospa(est, 1, truth, 1, 8, 2, NULL);
    assert_result(r, 8, 0, 0, 1, 1, 8, 2);
}

static void test_cut_off_caps_a_pair_error(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(5, 0, 0)}, truth[] = {V(0, 0, 0)};
    /* c = 4 < d = 5: capped at c; c = 6 > d: the distance itself */
    assert_result(gospa(est, 1, truth, 1, 4, 2, NULL), 4, 0, 0, 1, 1, 4, 2);
    assert_result(gospa(est, 1, truth, 1, 6, 2, NULL), 5, 25, 1, 0, 0, 6, 2);
}

static void test_order_p_weighs_large_errors_more(void **state)
{
    (void)state;
    vg_vec3 est[] = {V(1, 0, 0), V(100, 3, 0)}, truth[] = {V(0, 0, 0), V(100, 0, 0)};
    /* two pairs, d = 1 and d = 3, both under c = 10 */
    assert_result(gospa(est, 2, truth, 2, 10, 1, NULL), 4, 4, 2, 0, 0, 10, 1);
    assert_result(gospa(est, 2, truth, 2, 10, 2, NULL), sqrt(10.0), 10, 2, 0, 0, 10, 2);
    assert_result(gospa(est, 2, truth, 2, 10, 3, NULL), cbrt(28.0), 28, 2, 0, 0, 10, 3);
}

static void test_cardinality_mismatch_adds_half_cp_each(void **state)
{
    (void)state;
    /* one good pair (d = 2), one extra estimate far away, c = 10, p = 2:
     * 4 + 100/2 = 54 */
    vg_vec3 est[] = {V(2, 0, 0), V(500, 500, 0)}, truth[] = {V(0, 0, 0)};
    int e2t[2];
    vg_gospa_result r = gospa(est, 2, truth, 1, 10, 2, e2t);
    assert_result(r, sqrt(54.0), 4, 1, 0, 1, 10, 2);
    assert_int_equal(e2t[0], 0);
    assert_int_equal(e2t[1], -1);
}

static void test_assignment_is_optimal_not_greedy(void **state)
{
    (void)state;
    /* c = 2, p = 2. Pairs under c: e0-t0 (d² = 1), e0-t1 (2.25), e1-t0 (1.44).
     * Greedy takes the closest pair e0-t0 and strands e1 and t1: 1 + 2 · c²/2 = 5.
     * The optimum crosses: e0-t1 + e1-t0 = 3.69. */
    vg_vec3 est[] = {V(0, 0, 0), V(2.2, 0, 0)}, truth[] = {V(1, 0, 0), V(-1.5, 0, 0)};
    int e2t[2];
    vg_gospa_result r = gospa(est, 2, truth, 2, 2, 2, e2t);
    assert_int_equal(e2t[0], 1);
    assert_int_equal(e2t[1], 0);
    assert_near(r.distance, sqrt(2.25 + 1.44), 1e-12);
}

static void test_distance_is_root_of_the_three_terms(void **state)
{
    (void)state;
    uint64_t s = 11;
    vg_vec3 est[20], truth[20];
    for (int t = 0; t < 50; t++) {
        int ne = (int)(th_next(&s) % 21), nt = (int)(th_next(&s) % 21);
        for (int i = 0; i < ne; i++)
            est[i] = V(th_uniform(&s, 0, 30), th_uniform(&s, 0, 30), th_uniform(&s, 0, 3));
        for (int j = 0; j < nt; j++)
            truth[j] = V(th_uniform(&s, 0, 30), th_uniform(&s, 0, 30), th_uniform(&s, 0, 3));
        double p = th_uniform(&s, 1, 4), c = th_uniform(&s, 0.5, 12);
        vg_gospa_result r = gospa(est, ne, truth, nt, c, p, NULL);
        double sum = r.localisation + r.missed_term + r.false_term;
        assert_near(pow(r.distance, p), sum, 1e-9 * (1 + sum));
        assert_int_equal(r.n_missed, nt - r.n_assigned);
        assert_int_equal(r.n_false, ne - r.n_assigned);
    }
}

/* ---- brute force ------------------------------------------------------------------ */

typedef struct brute {
    int ne, nt;
    double cost[6][6]; /* d^p, or INFINITY when d ≥ c */
    double half;
    int used[6];
    double best;
} brute;

static void brute_rec(brute *b, int i, int assigned, double acc)
{
    if (i == b->ne) {
        double total = acc + b->half * (double)(b->ne - assigned + b->nt - assigned);
        if (total < b->best)
            b->best = total;
        return;
    }
    brute_rec(b, i + 1, assigned, acc);
    for (int j = 0; j < b->nt; j++) {
        if (b->used[j] || isinf(b->cost[i][j]))
            continue;
        b->used[j] = 1;
        brute_rec(b, i + 1, assigned + 1, acc + b->cost[i][j]);
        b->used[j] = 0;
    }
}

static void test_random_small_sets_match_brute_force(void **state)
{
    (void)state;
    uint64_t s = 2017;
    vg_gospa g;
    vg_error err;
    assert_int_equal(vg_gospa_init(&g, 6, 6, 36, &err), 0);
    vg_vec3 est[6], truth[6];
    int e2t[6];
    for (int t = 0; t < 3000; t++) {
        brute b;
        memset(&b, 0, sizeof b);
        b.ne = (int)(th_next(&s) % 7);
        b.nt = (int)(th_next(&s) % 7);
        double c = th_uniform(&s, 1, 10), p = th_next(&s) % 3 ? (double)(1 + th_next(&s) % 3)
                                                                : th_uniform(&s, 1, 5);
        double box = th_uniform(&s, 0.5, 3) * c; /* some pairs in, some out */
        for (int i = 0; i < b.ne; i++)
            est[i] = V(th_uniform(&s, 0, box), th_uniform(&s, 0, box), th_uniform(&s, 0, box));
        for (int j = 0; j < b.nt; j++)
            truth[j] = V(th_uniform(&s, 0, box), th_uniform(&s, 0, box), th_uniform(&s, 0, box));
        for (int i = 0; i < b.ne; i++)
            for (int j = 0; j < b.nt; j++) {
                double dx = est[i].x - truth[j].x, dy = est[i].y - truth[j].y,
                       dz = est[i].z - truth[j].z;
                double d = sqrt(dx * dx + dy * dy + dz * dz);
                b.cost[i][j] = d < c ? pow(d, p) : INFINITY;
            }
        b.half = pow(c, p) / 2;
        b.best = INFINITY;
        brute_rec(&b, 0, 0, 0.0);
        vg_gospa_result r;
        assert_int_equal(vg_gospa_compute(&g, est, b.ne, truth, b.nt, c, p, &r, e2t, &err), 0);
        double want = pow(b.best, 1 / p);
        if (!(fabs(r.distance - want) <= 1e-9 * (1 + want)))
            fail_msg("case %d (%d est, %d truth, c %g, p %g): gospa %.17g, brute force %.17g",
                     t, b.ne, b.nt, c, p, r.distance, want);
        /* the pairs reported are real, distinct, closer than c, and add up */
        int used[6] = {0}, assigned = 0;
        double loc = 0;
        for (int i = 0; i < b.ne; i++) {
            if (e2t[i] < 0)
                continue;
            assert_false(used[e2t[i]]);
            used[e2t[i]] = 1;
            assert_false(isinf(b.cost[i][e2t[i]]));
            loc += b.cost[i][e2t[i]];
            assigned++;
        }
        assert_int_equal(r.n_assigned, assigned);
        assert_near(r.localisation, loc, 1e-9 * (1 + loc));
    }
    vg_gospa_free(&g);
}

static void test_large_scene_finds_every_close_pair(void **state)
{
    (void)state;
    /* 3000 truths spread over 1 km², estimates within 1 m of each, 10 % missing,
     * some clutter: everything present pairs up, the rest is missed or false. */
    enum { N = 3000, CLUTTER = 200 };
    vg_vec3 *truth = malloc(sizeof *truth * N), *est = malloc(sizeof *est * (N + CLUTTER));
    assert_true(truth && est);
    uint64_t s = 8;
    int ne = 0, present = 0;
    for (int j = 0; j < N; j++) {
        /* on a 20 m lattice, so that no two truths are within 2 m of each other */
        truth[j] = V((j % 55) * 20.0, (j / 55) * 20.0, 0);
        if (th_next(&s) % 10 == 0)
            continue;
        est[ne++] = V(truth[j].x + th_uniform(&s, -0.5, 0.5),
                      truth[j].y + th_uniform(&s, -0.5, 0.5), th_uniform(&s, -0.5, 0.5));
        present++;
    }
    for (int k = 0; k < CLUTTER; k++)
        est[ne++] = V(-5000 - k * 50.0, 0, 0);
    vg_gospa g;
    vg_error err;
    assert_int_equal(vg_gospa_init(&g, N + CLUTTER, N, 4 * (N + CLUTTER), &err), 0);
    vg_gospa_result r;
    assert_int_equal(vg_gospa_compute(&g, est, ne, truth, N, 2, 2, &r, NULL, &err), 0);
    assert_int_equal(r.n_assigned, present);
    assert_int_equal(r.n_missed, N - present);
    assert_int_equal(r.n_false, CLUTTER);
    assert_true(r.localisation < 0.75 * present); /* each d² ≤ 0.75 */
    vg_gospa_free(&g);
    free(truth);
    free(est);
}

/* ---- bad arguments ------------------------------------------------------------------ */

static void expect_error(vg_gospa *g, const vg_vec3 *est, int ne, const vg_vec3 *truth,
                         int nt, double c, double p, int code, const char *text)
{
    vg_gospa_result r;
    memset(&r, 0x5a, sizeof r);
    vg_gospa_result before = r;
    int e2t[4] = {9, 9, 9, 9};
    vg_error err;
    vg_err_clear(&err);
    int rc = vg_gospa_compute(g, est, ne, truth, nt, c, p, &r, e2t, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, err.msg);
    assert_contains(err.msg, text);
    assert_memory_equal(&r, &before, sizeof r);
    for (int i = 0; i < 4; i++)
        assert_int_equal(e2t[i], 9);
}

static void test_bad_arguments_are_rejected_with_a_message(void **state)
{
    (void)state;
    vg_gospa g;
    vg_error err;
    assert_int_equal(vg_gospa_init(&g, 2, 2, 1, &err), 0);
    vg_vec3 a[] = {V(0, 0, 0), V(0.5, 0, 0)};
    vg_vec3 bad[] = {V(0, NAN, 0)};
    vg_vec3 inf[] = {V(0, 0, INFINITY)};
    expect_error(&g, a, 1, a, 1, 0, 2, VG_EINVAL, "cut-off c = 0");
    expect_error(&g, a, 1, a, 1, -1, 2, VG_EINVAL, "cut-off c = -1");
    expect_error(&g, a, 1, a, 1, NAN, 2, VG_EINVAL, "cut-off c = nan");
    expect_error(&g, a, 1, a, 1, INFINITY, 2, VG_EINVAL, "cut-off c = inf");
    expect_error(&g, a, 1, a, 1, 10, 0.5, VG_EINVAL, "order p = 0.5");
    expect_error(&g, a, 1, a, 1, 10, NAN, VG_EINVAL, "order p = nan");
    expect_error(&g, a, 1, a, 1, 10, INFINITY, VG_EINVAL, "order p = inf");
    expect_error(&g, a, 1, a, 1, 1e60, 2, VG_ERANGE, "too large");
    expect_error(&g, bad, 1, a, 1, 10, 2, VG_EINVAL, "estimate 0: non-finite");
    expect_error(&g, a, 1, inf, 1, 10, 2, VG_EINVAL, "truth 0: non-finite");
    expect_error(&g, a, 3, a, 1, 10, 2, VG_EFULL, "3 estimates, capacity 2");
    expect_error(&g, a, 1, a, 3, 10, 2, VG_EFULL, "3 truths, capacity 2");
    expect_error(&g, a, -1, a, 1, 10, 2, VG_EINVAL, "negative count");
    expect_error(&g, NULL, 1, a, 1, 10, 2, VG_EINVAL, "NULL point array");
    /* two estimates and two truths all within c: 4 pairs, capacity 1 */
    expect_error(&g, a, 2, a, 2, 10, 2, VG_EFULL, "more than 1 pairs closer than c");
    /* one point each: one pair, within capacity */
    vg_gospa_result r;
    assert_int_equal(vg_gospa_compute(&g, a, 1, a, 1, 10, 2, &r, NULL, &err), 0);
    assert_int_equal(vg_gospa_compute(&g, a, 1, a, 1, 10, 2, NULL, NULL, &err), VG_EINVAL);
    assert_contains(err.msg, "NULL result");
    vg_gospa_free(&g);
    expect_error(&g, a, 1, a, 1, 10, 2, VG_EINVAL, "not initialised");
    expect_error(NULL, a, 1, a, 1, 10, 2, VG_EINVAL, "not initialised");

    assert_int_equal(vg_gospa_init(&g, -1, 2, 1, &err), VG_EINVAL);
    assert_contains(err.msg, "negative capacity");
    vg_gospa_free(&g);
    assert_int_equal(vg_gospa_init(&g, 0x7fffffff, 1, 1, &err), VG_ETOOBIG);
    assert_contains(err.msg, "gospa: assign:");
    vg_gospa_free(&g);
    vg_gospa_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_empty_sets_are_at_distance_zero),
        cmocka_unit_test(test_no_truth_makes_every_estimate_false),
        cmocka_unit_test(test_no_estimate_makes_every_truth_missed),
        cmocka_unit_test(test_one_perfect_match_is_zero),
        cmocka_unit_test(test_one_close_pair_is_its_distance),
        cmocka_unit_test(test_one_far_pair_is_one_missed_and_one_false),
        cmocka_unit_test(test_pair_at_exactly_c_is_not_assigned),
        cmocka_unit_test(test_cut_off_caps_a_pair_error),
        cmocka_unit_test(test_order_p_weighs_large_errors_more),
        cmocka_unit_test(test_cardinality_mismatch_adds_half_cp_each),
        cmocka_unit_test(test_assignment_is_optimal_not_greedy),
        cmocka_unit_test(test_distance_is_root_of_the_three_terms),
        cmocka_unit_test(test_random_small_sets_match_brute_force),
        cmocka_unit_test(test_large_scene_finds_every_close_pair),
        cmocka_unit_test(test_bad_arguments_are_rejected_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
