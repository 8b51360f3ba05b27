/* test_kf_axes.c — the decoupled-axes paths (src/track/kf.c, kf_axes.c) and the
 * compact axes form (vg_kf_axes).
 *
 * When every covariance entry coupling two axes is +0 and R is diagonal, vg_kf_update
 * takes a path that computes only the terms that survive; it must give exactly the
 * general path's numbers. The general path is reached with the very same matrices by
 * writing the coupling entries as −0 (equal to +0 as numbers, not as bits), so the two
 * results are compared entry by entry with ==, over random states, predictions and
 * measurements; the prediction's and the gate's decoupled paths likewise. Also: the
 * coupling entries stay +0 along a track's life (the property the path relies on), a
 * failure leaves the filter unchanged in both paths, and the axes form gives, step
 * after step, the very bits of the full form (the tracker keeps most CV tracks in
 * it, and its outputs must not depend on the form). */
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

static void assert_same_bits(const vg_kf *a, const vg_kf *b)
{
    if (memcmp(a, b, sizeof *a) != 0) {
        for (int i = 0; i < N * N; i++)
            if (memcmp(&a->P[i], &b->P[i], sizeof a->P[i]) != 0)
                fail_msg("P[%d]: %.17g (axes form) vs %.17g (full form)", i, a->P[i], b->P[i]);
        fail_msg("x differs between the axes and the full form");
    }
}

static void test_axes_form_follows_the_full_form_bit_for_bit(void **state)
{
    (void)state;
    uint64_t s = 1127;
    for (int trial = 0; trial < 200; trial++) {
        vg_kf full;
        random_decoupled(&full, &s);
        vg_kf_axes ax;
        assert_true(vg_kf_axes_from(&ax, &full));
        for (int step = 0; step < 20; step++) {
            double dt = th_uniform(&s, 0.05, 3.0), q = th_uniform(&s, 0.01, 5.0);
            vg_kf_predict_cv(&full, dt, q);
            vg_kf_axes_predict_cv(&ax, dt, q);
            vg_kf back;
            vg_kf_axes_to(&back, &ax);
            assert_same_bits(&back, &full);
            vg_meas_model m = diagonal_position(&full, &s);
            assert_true(vg_kf_axes_fit(&m));
            double d2a, lda, d2f, ldf, lla, llf;
            assert_int_equal(vg_kf_axes_gate(&ax, &m, &d2a, &lda), VG_OK);
            assert_int_equal(vg_kf_gate(&full, &m, &d2f, &ldf), VG_OK);
            assert_true(d2a == d2f && lda == ldf);
            assert_int_equal(vg_kf_axes_update(&ax, &m, &lla), VG_OK);
            assert_int_equal(vg_kf_update(&full, &m, &llf), VG_OK);
            assert_true(lla == llf);
            vg_kf_axes_to(&back, &ax);
            assert_same_bits(&back, &full);
        }
    }
}

static void test_axes_form_of_a_new_track_is_that_of_its_full_form(void **state)
{
    (void)state;
    uint64_t s = 3;
    vg_kf seed;
    random_decoupled(&seed, &s);
    vg_meas_model m = diagonal_position(&seed, &s);
    vg_kf full;
    vg_kf_init_position(&full, &m, 4.0);
    vg_kf_axes direct, via_full;
    assert_true(vg_kf_axes_init_position(&direct, &m, 4.0));
    assert_true(vg_kf_axes_from(&via_full, &full));
    assert_memory_equal(&direct, &via_full, sizeof direct);
    m.R[1] = m.R[3] = 0.5; /* a full R: the axes would not stay decoupled */
    assert_false(vg_kf_axes_init_position(&direct, &m, 4.0));
}

static void test_axes_form_refuses_what_it_cannot_hold(void **state)
{
    (void)state;
    uint64_t s = 11;
    vg_kf kf;
    vg_kf_axes ax;
    random_decoupled(&kf, &s);
    assert_true(vg_kf_axes_from(&ax, &kf));
    vg_kf coupled = kf;
    coupled.P[0 * N + 1] = coupled.P[1 * N + 0] = 0.25; /* east-north */
    assert_false(vg_kf_axes_from(&ax, &coupled));
    vg_kf minus_zero = kf;
    minus_zero.P[2 * N + 4] = -0.0; /* equal to +0, but not the same bits */
    assert_false(vg_kf_axes_from(&ax, &minus_zero));
    vg_kf asymmetric = kf;
    asymmetric.P[1 * N + 4] = nextafter(asymmetric.P[4 * N + 1], INFINITY);
    assert_false(vg_kf_axes_from(&ax, &asymmetric));

    vg_meas_model m = diagonal_position(&kf, &s);
    assert_true(vg_kf_axes_fit(&m));
    vg_meas_model full_r = m;
    full_r.R[5] = full_r.R[7] = 0.1;
    assert_false(vg_kf_axes_fit(&full_r));
    vg_meas_model bearing = m;
    bearing.kind = VG_MM_BEARING;
    bearing.dim = 1;
    assert_false(vg_kf_axes_fit(&bearing));
    double d2 = -1.0, ld = -1.0;
    assert_true(vg_kf_axes_from(&ax, &kf));
    vg_kf_axes before = ax;
    assert_int_equal(vg_kf_axes_gate(&ax, &full_r, &d2, &ld), VG_EINVAL);
    assert_int_equal(vg_kf_axes_update(&ax, &full_r, NULL), VG_EINVAL);
    assert_true(d2 == -1.0 && ld == -1.0);
    assert_memory_equal(&ax, &before, sizeof ax);
    m.z[0] = NAN;
    assert_int_equal(vg_kf_axes_update(&ax, &m, NULL), VG_ERANGE);
    assert_memory_equal(&ax, &before, sizeof ax);
    m = diagonal_position(&kf, &s);
    m.R[8] = -1e9; /* S not positive on the up axis */
    assert_int_equal(vg_kf_axes_update(&ax, &m, NULL), VG_ERANGE);
    assert_memory_equal(&ax, &before, sizeof ax);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoupled_update_equals_general_path),
        cmocka_unit_test(test_decoupled_prediction_equals_general_path),
        cmocka_unit_test(test_diagonal_gate_equals_general_path),
        cmocka_unit_test(test_coupling_entries_stay_plus_zero_along_a_track),
        cmocka_unit_test(test_failures_leave_the_filter_unchanged_in_both_paths),
        cmocka_unit_test(test_axes_form_follows_the_full_form_bit_for_bit),
        cmocka_unit_test(test_axes_form_of_a_new_track_is_that_of_its_full_form),
        cmocka_unit_test(test_axes_form_refuses_what_it_cannot_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
