/* test_kf_axes.c — the position update's decoupled-axes path (src/track/kf.c).
 *
 * When every covariance entry coupling two axes is +0 and R is diagonal, vg_kf_update
 * takes a path that computes only the terms that survive; it must give exactly the
 * general path's numbers. The general path is reached with the very same matrices by
 * writing the coupling entries as −0 (equal to +0 as numbers, not as bits), so the two
 * results are compared entry by entry with ==, over random states, predictions and
 * measurements; the prediction's and the gate's decoupled paths likewise. Also: the coupling entries stay +0 along a track's life (the property
 * the path relies on), and a failure leaves the filter unchanged in both paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "test_helpers.h"
#include "vigie/error.h"
#include "vigie/filter.h"

#define N VG_KF_N

static bool coupling(int i, int j)
{
    return i % 3 != j % 3;
}

/* A random decoupled state: per axis a random SPD [position, velocity] block. */
static void random_decoupled(vg_kf *kf, uint64_t *s)
{
    memset(kf, 0, sizeof *kf);
    for (int a = 0; a < 3; a++) {
        double p = th_uniform(s, 0.01, 50.0), v = th_uniform(s, 0.001, 20.0);
        double c = th_uniform(s, -0.9, 0.9) * sqrt(p * v);
        kf->P[a * N + a] = p;
        kf->P[(a + 3) * N + a + 3] = v;
        kf->P[a * N + a + 3] = kf->P[(a + 3) * N + a] = c;
        kf->x[a] = th_uniform(s, -5000.0, 5000.0);
        kf->x[a + 3] = th_uniform(s, -30.0, 30.0);
    }
}

static vg_meas_model diagonal_position(const vg_kf *kf, uint64_t *s)
{
    vg_meas_model m;
    memset(&m, 0, sizeof m);
    m.kind = VG_MM_POSITION;
    m.dim = 3;
    for (int a = 0; a < 3; a++) {
        m.R[a * 3 + a] = th_uniform(s, 0.01, 30.0);
        m.z[a] = kf->x[a] + th_uniform(s, -20.0, 20.0);
    }
    if (th_uniform(s, 0.0, 1.0) < 0.1)
        m.z[2] = kf->x[2]; /* a zero innovation on one axis, as flat scenes give */
    return m;
}

static void negate_zero_couplings(vg_kf *kf)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (coupling(i, j))
                kf->P[i * N + j] = -0.0;
}

static void assert_same_numbers(const vg_kf *a, const vg_kf *b)
{
    for (int i = 0; i < N; i++)
        assert_true(a->x[i] == b->x[i]);
    for (int i = 0; i < N * N; i++)
        if (!(a->P[i] == b->P[i]))
            fail_msg("P[%d]: %.17g (decoupled path) != %.17g (general path)", i, a->P[i],
                     b->P[i]);
}

static void test_decoupled_update_equals_general_path(void **state)
{
    (void)state;
    uint64_t s = 20261127;
    for (int trial = 0; trial < 2000; trial++) {
        vg_kf fast;
        random_decoupled(&fast, &s);
        if (trial % 2)
            vg_kf_predict_cv(&fast, th_uniform(&s, 0.1, 3.0), th_uniform(&s, 0.01, 5.0));
        vg_meas_model m = diagonal_position(&fast, &s);
        vg_kf general = fast;
        negate_zero_couplings(&general);
        double ll_fast, ll_general;
        assert_int_equal(vg_kf_update(&fast, &m, &ll_fast), VG_OK);
        assert_int_equal(vg_kf_update(&general, &m, &ll_general), VG_OK);
        assert_same_numbers(&fast, &general);
        assert_true(ll_fast == ll_general);
    }
}

static void test_decoupled_prediction_equals_general_path(void **state)
{
    (void)state;
    uint64_t s = 5;
    for (int trial = 0; trial < 2000; trial++) {
        vg_kf fast;
        random_decoupled(&fast, &s);
        vg_kf general = fast;
        negate_zero_couplings(&general);
        double dt = th_uniform(&s, 0.001, 10.0), q = th_uniform(&s, 0.001, 30.0);
        vg_kf_predict_cv(&fast, dt, q);
        vg_kf_predict_cv(&general, dt, q);
        assert_same_numbers(&fast, &general);
    }
}

static void test_diagonal_gate_equals_general_path(void **state)
{
    (void)state;
    uint64_t s = 42;
    for (int trial = 0; trial < 2000; trial++) {
        vg_kf fast;
        random_decoupled(&fast, &s);
        vg_meas_model m = diagonal_position(&fast, &s);
        vg_kf general = fast;
        negate_zero_couplings(&general);
        double d2_fast, ld_fast, d2_general, ld_general;
        assert_int_equal(vg_kf_gate(&fast, &m, &d2_fast, &ld_fast), VG_OK);
        assert_int_equal(vg_kf_gate(&general, &m, &d2_general, &ld_general), VG_OK);
        assert_true(d2_fast == d2_general);
        assert_true(ld_fast == ld_general);
    }
}

static void test_coupling_entries_stay_plus_zero_along_a_track(void **state)
{
    (void)state;
    uint64_t s = 7;
    vg_kf kf;
    random_decoupled(&kf, &s);
    for (int step = 0; step < 500; step++) {
        vg_kf_predict_cv(&kf, 1.0, 0.05);
        vg_meas_model m = diagonal_position(&kf, &s);
        assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_OK);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                if (coupling(i, j)) {
                    assert_true(kf.P[i * N + j] == 0.0);
                    assert_false(signbit(kf.P[i * N + j]));
                }
    }
}

static void test_failures_leave_the_filter_unchanged_in_both_paths(void **state)
{
    (void)state;
    uint64_t s = 99;
    for (int variant = 0; variant < 2; variant++) {
        vg_kf kf;
        random_decoupled(&kf, &s);
        if (variant)
            negate_zero_couplings(&kf);
        vg_kf before = kf;
        vg_meas_model m = diagonal_position(&kf, &s);
        m.z[1] = INFINITY;
        assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_ERANGE);
        assert_memory_equal(&kf, &before, sizeof kf);
        m = diagonal_position(&kf, &s);
        m.R[4] = -1e9; /* S not positive on the north axis */
        assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_ERANGE);
        assert_memory_equal(&kf, &before, sizeof kf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoupled_update_equals_general_path),
        cmocka_unit_test(test_decoupled_prediction_equals_general_path),
        cmocka_unit_test(test_diagonal_gate_equals_general_path),
        cmocka_unit_test(test_coupling_entries_stay_plus_zero_along_a_track),
        cmocka_unit_test(test_failures_leave_the_filter_unchanged_in_both_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
