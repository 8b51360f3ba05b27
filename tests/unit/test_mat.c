/* test_mat.c — small dense matrices: hand-computed products and factors, inverses
 * of random matrices of every size, and the failure paths a filter relies on
 * (a covariance that is not positive definite, a singular matrix).
 *
 * Random matrices come from a fixed-seed splitmix64, so every run and every machine
 * sees the same ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "vigie/error.h"
#include "vigie/mat.h"

#define MM (VG_MAT_MAX * VG_MAT_MAX)

#define assert_near(actual, expected, tol) \
    assert_near_at((actual), (expected), (tol), #actual, __FILE__, __LINE__)

/* Fails (also on NaN) and prints both values. */
static void assert_near_at(double actual, double expected, double tol, const char *what,
                           const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.17g, expected %.17g (off by %.3g, tolerance %.3g)\n", what,
                    actual, expected, actual - expected, tol);
        _fail(file, line);
    }
}

/* Element-wise comparison, naming the first element that is off. */
#define assert_mat_near(actual, expected, rows, cols, tol) \
    assert_mat_near_at((actual), (expected), (rows), (cols), (tol), #actual, __FILE__, \
                       __LINE__)

static void assert_mat_near_at(const double *actual, const double *expected, int rows,
                               int cols, double tol, const char *what, const char *file,
                               int line)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double a = actual[i * cols + j], e = expected[i * cols + j];
            if (!(fabs(a - e) <= tol)) {
                print_error("%s[%d][%d] = %.17g, expected %.17g (off by %.3g, "
                            "tolerance %.3g)\n", what, i, j, a, e, a - e, tol);
                _fail(file, line);
            }
        }
}

static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static double next_signed(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-52 - 1.0;
}

static void random_fill(double *a, int rows, int cols, uint64_t *rng)
{
    for (int i = 0; i < rows * cols; i++)
        a[i] = next_signed(rng);
}

/* B·Bᵀ + n·I: symmetric, eigenvalues ≥ n, condition number a few units. */
static void random_spd(double *a, int n, uint64_t *rng)
{
    double b[MM];
    random_fill(b, n, n, rng);
    vg_mat_mul_abt(a, b, b, n, n, n);
    for (int i = 0; i < n; i++)
        a[i * n + i] += n;
}

static double identity_residual(const double *a, const double *b, int n)
{
    double p[MM], id[MM];
    vg_mat_mul(p, a, b, n, n, n);
    vg_mat_identity(id, n);
    return vg_mat_max_abs_diff(p, id, n, n);
}

static void assert_exactly_symmetric(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (a[i * n + j] != a[j * n + i])
                fail_msg("[%d][%d] = %.17g but [%d][%d] = %.17g", i, j,
                         a[i * n + j], j, i, a[j * n + i]);
}

/* ---- element-wise operations ----------------------------------------------------- */

static void test_zero_identity_and_copy_fill_every_element(void **state)
{
    (void)state;
    double a[6] = {1, 2, 3, 4, 5, 6};
    vg_mat_zero(a, 2, 3);
    assert_mat_near(a, ((const double[6]){0, 0, 0, 0, 0, 0}), 2, 3, 0.0);
    double id[9] = {7, 7, 7, 7, 7, 7, 7, 7, 7};
    vg_mat_identity(id, 3);
    assert_mat_near(id, ((const double[9]){1, 0, 0, 0, 1, 0, 0, 0, 1}), 3, 3, 0.0);
    double c[6];
    vg_mat_copy(c, (const double[6]){1, -2, 3, -4, 5, -6}, 3, 2);
    assert_mat_near(c, ((const double[6]){1, -2, 3, -4, 5, -6}), 3, 2, 0.0);
}

static void test_add_sub_and_scale_work_element_wise_even_in_place(void **state)
{
    (void)state;
    const double a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40};
    double c[4];
    vg_mat_add(c, a, b, 2, 2);
    assert_mat_near(c, ((const double[4]){11, 22, 33, 44}), 2, 2, 0.0);
    vg_mat_sub(c, c, a, 2, 2); /* c aliases a's role */
    assert_mat_near(c, b, 2, 2, 0.0);
    vg_mat_sub(c, a, c, 2, 2); /* c aliases b's role */
    assert_mat_near(c, ((const double[4]){-9, -18, -27, -36}), 2, 2, 0.0);
    vg_mat_scale(c, -0.5, 1, 4);
    assert_mat_near(c, ((const double[4]){4.5, 9, 13.5, 18}), 2, 2, 0.0);
}

static void test_transpose_swaps_rows_and_columns(void **state)
{
    (void)state;
    const double a[6] = {1, 2, 3,
                         4, 5, 6};
    double at[6];
    vg_mat_transpose(at, a, 2, 3);
    assert_mat_near(at, ((const double[6]){1, 4,
                                           2, 5,
                                           3, 6}), 3, 2, 0.0);
}

static void test_mul_matches_hand_computed_product(void **state)
{
    (void)state;
    const double a[6] = {1, 2, 3,
                         4, 5, 6};
    const double b[6] = {7, 8,
                         9, 10,
                         11, 12};
    double c[4];
    vg_mat_mul(c, a, b, 2, 3, 2);
    assert_mat_near(c, ((const double[4]){58, 64,
                                          139, 154}), 2, 2, 0.0);
    double d[9];
    vg_mat_mul(d, b, a, 3, 2, 3);
    assert_mat_near(d, ((const double[9]){39, 54, 69,
                                          49, 68, 87,
                                          59, 82, 105}), 3, 3, 0.0);
}

static void test_mul_abt_multiplies_by_the_transpose(void **state)
{
    (void)state;
    const double a[6] = {1, 2, 3,
                         4, 5, 6};
    const double b[6] = {1, 0, -1,
                         2, 1, 0};
    double c[4];
    vg_mat_mul_abt(c, a, b, 2, 3, 2);
    assert_mat_near(c, ((const double[4]){-2, 4,
                                          -2, 13}), 2, 2, 0.0);
    /* Same as an explicit transpose then mul, for random sizes (to rounding: a
     * compiler may contract or vectorise the two loops differently). */
    uint64_t rng = 11u;
    double x[MM], y[MM], yt[MM], p1[MM], p2[MM];
    random_fill(x, 4, 7, &rng);
    random_fill(y, 5, 7, &rng);
    vg_mat_transpose(yt, y, 5, 7);
    vg_mat_mul(p1, x, yt, 4, 7, 5);
    vg_mat_mul_abt(p2, x, y, 4, 7, 5);
    assert_mat_near(p2, p1, 4, 5, 1e-14);
}

static void test_abat_matches_hand_computation(void **state)
{
    (void)state;
    const double a[4] = {1, 2,
                         0, 1};
    const double b[4] = {2, 1,
                         1, 3};
    double c[4];
    vg_mat_abat(c, a, b, 2, 2);
    assert_mat_near(c, ((const double[4]){18, 7,
                                          7, 3}), 2, 2, 0.0);
    /* A 1×3 projection of a diagonal covariance: Σ a_k² b_kk. */
    const double h[3] = {1, -2, 3};
    const double p[9] = {1, 0, 0,
                         0, 2, 0,
                         0, 0, 3};
    double s;
    vg_mat_abat(&s, h, p, 1, 3);
    assert_near(s, 1.0 + 8.0 + 27.0, 0.0);
}

static void test_abat_result_is_exactly_symmetric(void **state)
{
    (void)state;
    uint64_t rng = 5u;
    for (int n = 1; n <= VG_MAT_MAX; n++)
        for (int m = 1; m <= VG_MAT_MAX; m += 2) {
            double a[MM], b[MM], c[MM], ab[MM], slow[MM];
            random_fill(a, n, m, &rng);
            random_spd(b, m, &rng);
            vg_mat_abat(c, a, b, n, m);
            assert_exactly_symmetric(c, n);
            vg_mat_mul(ab, a, b, n, m, m);
            vg_mat_mul_abt(slow, ab, a, n, m, n);
            assert_mat_near(c, slow, n, n, 1e-12);
        }
}

static void test_symmetrize_averages_the_two_halves(void **state)
{
    (void)state;
    double a[9] = {1, 2, 3,
                   4, 5, 6,
                   7, 8, 9};
    vg_mat_symmetrize(a, 3);
    assert_mat_near(a, ((const double[9]){1, 3, 5,
                                          3, 5, 7,
                                          5, 7, 9}), 3, 3, 0.0);
}

/* ---- Cholesky -------------------------------------------------------------------- */

/* The textbook example: every number in the factor is a small integer. */
static const double spd3[9] = {4, 12, -16,
                               12, 37, -43,
                               -16, -43, 98};
static const double spd3_l[9] = {2, 0, 0,
                                 6, 1, 0,
                                 -8, 5, 3};

static void test_cholesky_of_known_matrix_matches_hand_factor(void **state)
{
    (void)state;
    double l[9];
    assert_int_equal(vg_mat_cholesky(l, spd3, 3), VG_OK);
    assert_mat_near(l, spd3_l, 3, 3, 1e-15);
    /* l may alias a; the upper triangle is zeroed. */
    double a[9];
    vg_mat_copy(a, spd3, 3, 3);
    assert_int_equal(vg_mat_cholesky(a, a, 3), VG_OK);
    assert_mat_near(a, spd3_l, 3, 3, 1e-15);
    double llt[9];
    vg_mat_mul_abt(llt, l, l, 3, 3, 3);
    assert_mat_near(llt, spd3, 3, 3, 1e-13);
}

static void test_cholesky_rejects_matrices_that_are_not_positive_definite(void **state)
{
    (void)state;
    static const double bad[][4] = {
        {1, 2, 2, 1},          /* eigenvalues 3 and -1 */
        {0, 0, 0, 0},          /* zero */
        {1, 1, 1, 1},          /* semidefinite: second pivot exactly 0 */
        {-1, 0, 0, 1},         /* negative variance */
        {NAN, 0, 0, 1},        /* NaN pivot */
        {1, NAN, NAN, 1},      /* NaN off the diagonal */
        {INFINITY, 0, 0, 1},   /* infinite variance */
        {1, INFINITY, INFINITY, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double l[4];
        if (vg_mat_cholesky(l, bad[i], 2) != VG_ERANGE)
            fail_msg("case %zu was accepted", i);
        if (vg_mat_spd_inverse(l, bad[i], 2) != VG_ERANGE)
            fail_msg("spd_inverse accepted case %zu", i);
    }
    double z = 0.0;
    assert_int_equal(vg_mat_cholesky(&z, &z, 1), VG_ERANGE);
}

static void test_cholesky_solve_works_with_x_aliasing_b(void **state)
{
    (void)state;
    uint64_t rng = 17u;
    for (int n = 1; n <= VG_MAT_MAX; n++) {
        const int nrhs = 3;
        double a[MM], l[MM], b[MM], x[MM], inplace[MM], ax[MM];
        random_spd(a, n, &rng);
        random_fill(b, n, nrhs, &rng);
        assert_int_equal(vg_mat_cholesky(l, a, n), VG_OK);
        vg_mat_cholesky_solve(x, l, b, n, nrhs);
        vg_mat_copy(inplace, b, n, nrhs);
        vg_mat_cholesky_solve(inplace, l, inplace, n, nrhs);
        assert_mat_near(inplace, x, n, nrhs, 0.0);
        vg_mat_mul(ax, a, x, n, n, nrhs);
        assert_mat_near(ax, b, n, nrhs, 1e-12);
    }
}

/* ---- inverses -------------------------------------------------------------------- */

static void test_spd_inverse_times_a_is_identity_for_every_size(void **state)
{
    (void)state;
    uint64_t rng = 23u;
    double worst = 0.0;
    for (int n = 1; n <= VG_MAT_MAX; n++)
        for (int trial = 0; trial < 20; trial++) {
            double a[MM], inv[MM];
            random_spd(a, n, &rng);
            assert_int_equal(vg_mat_spd_inverse(inv, a, n), VG_OK);
            assert_exactly_symmetric(inv, n);
            double r = fmax(identity_residual(inv, a, n), identity_residual(a, inv, n));
            assert_near(r, 0.0, 1e-10);
            worst = fmax(worst, r);
        }
    print_message("spd_inverse: worst |inv·a - I| = %.3g\n", worst);
    double inv[9];
    assert_int_equal(vg_mat_spd_inverse(inv, spd3, 3), VG_OK);
    assert_near(identity_residual(inv, spd3, 3), 0.0, 1e-10);
}

static void test_inverse_matches_hand_computed_2x2_and_needs_pivoting(void **state)
{
    (void)state;
    double inv[4];
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){4, 7, 2, 6}, 2), VG_OK);
    assert_mat_near(inv, ((const double[4]){0.6, -0.7, -0.2, 0.4}), 2, 2, 1e-15);
    /* A zero first pivot: fails without row exchanges. */
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){0, 1, 1, 0}, 2), VG_OK);
    assert_mat_near(inv, ((const double[4]){0, 1, 1, 0}), 2, 2, 0.0);
    const double p3[9] = {0, 0, 2,
                          1, 0, 0,
                          0, 4, 0};
    double inv3[9];
    assert_int_equal(vg_mat_inverse(inv3, p3, 3), VG_OK);
    assert_mat_near(inv3, ((const double[9]){0, 1, 0,
                                             0, 0, 0.25,
                                             0.5, 0, 0}), 3, 3, 0.0);
}

static void test_inverse_of_random_well_conditioned_matrices_is_accurate(void **state)
{
    (void)state;
    uint64_t rng = 29u;
    double worst = 0.0;
    for (int n = 1; n <= VG_MAT_MAX; n++)
        for (int trial = 0; trial < 20; trial++) {
            double a[MM], inv[MM];
            random_fill(a, n, n, &rng);
            /* A shifted diagonal keeps the condition number small, while the
             * off-diagonal entries still force row exchanges now and then. */
            for (int i = 0; i < n; i++)
                a[i * n + i] += (trial % 2 ? -1.0 : 1.0) * n;
            vg_mat_scale(a, pow(10.0, trial % 7 - 3), n, n); /* scale must not matter */
            assert_int_equal(vg_mat_inverse(inv, a, n), VG_OK);
            double r = fmax(identity_residual(inv, a, n), identity_residual(a, inv, n));
            assert_near(r, 0.0, 1e-10);
            worst = fmax(worst, r);
        }
    print_message("inverse: worst |inv·a - I| = %.3g\n", worst);
}

static void test_inverse_of_singular_matrix_returns_erange(void **state)
{
    (void)state;
    double inv[MM];
    /* Rank 2 in exact arithmetic; rounding leaves a last pivot near 1e-16. */
    const double r2[9] = {1, 2, 3,
                          4, 5, 6,
                          7, 8, 9};
    assert_int_equal(vg_mat_inverse(inv, r2, 3), VG_ERANGE);
    /* The same at a tiny scale: singularity is judged relative to the entries. */
    double tiny[9];
    vg_mat_copy(tiny, r2, 3, 3);
    vg_mat_scale(tiny, 1e-200, 3, 3);
    assert_int_equal(vg_mat_inverse(inv, tiny, 3), VG_ERANGE);
    /* ... while a regular matrix at that scale is fine. */
    const double reg[4] = {2e-200, 1e-200, 1e-200, 3e-200};
    assert_int_equal(vg_mat_inverse(inv, reg, 2), VG_OK);
    assert_near(inv[0] * 1e-200, 0.6, 1e-15);

    assert_int_equal(vg_mat_inverse(inv, (const double[4]){0, 0, 0, 0}, 2), VG_ERANGE);
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){1, 2, 2, 4}, 2), VG_ERANGE);
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){1, 2, 0, 0}, 2), VG_ERANGE);
    assert_int_equal(vg_mat_inverse(inv, (const double[1]){0}, 1), VG_ERANGE);
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){1, NAN, 0, 1}, 2), VG_ERANGE);
    assert_int_equal(vg_mat_inverse(inv, (const double[4]){1, 0, 0, INFINITY}, 2),
                     VG_ERANGE);
    /* Nine identical rows of a random 9×9. */
    uint64_t rng = 31u;
    double a[MM];
    random_fill(a, 1, 9, &rng);
    for (int i = 1; i < 9; i++)
        vg_mat_copy(a + 9 * i, a, 1, 9);
    assert_int_equal(vg_mat_inverse(inv, a, 9), VG_ERANGE);
}

/* ---- Mahalanobis distance and log-determinant ------------------------------------ */

static void test_mahalanobis2_equals_quadratic_form_with_explicit_inverse(void **state)
{
    (void)state;
    /* By hand: s = diag(4, 9), v = (2, 3) → 4/4 + 9/9. */
    double l[MM];
    assert_int_equal(vg_mat_cholesky(l, (const double[4]){4, 0, 0, 9}, 2), VG_OK);
    assert_near(vg_mat_mahalanobis2(l, (const double[2]){2, 3}, 2), 2.0, 1e-15);

    uint64_t rng = 37u;
    for (int n = 1; n <= VG_MAT_MAX; n++)
        for (int trial = 0; trial < 10; trial++) {
            double s[MM], inv[MM], v[VG_MAT_MAX], w[VG_MAT_MAX];
            random_spd(s, n, &rng);
            random_fill(v, n, 1, &rng);
            assert_int_equal(vg_mat_cholesky(l, s, n), VG_OK);
            /* The slow way, through the LU inverse rather than Cholesky. */
            assert_int_equal(vg_mat_inverse(inv, s, n), VG_OK);
            vg_mat_mul(w, inv, v, n, n, 1);
            double slow = 0.0;
            for (int i = 0; i < n; i++)
                slow += v[i] * w[i];
            double fast = vg_mat_mahalanobis2(l, v, n);
            assert_near(fast, slow, 1e-12 * slow);
        }
}

static void test_chol_logdet_is_log_of_product_of_squared_pivots(void **state)
{
    (void)state;
    double l[MM];
    assert_int_equal(vg_mat_cholesky(l, (const double[9]){2, 0, 0, 0, 3, 0, 0, 0, 5}, 3),
                     VG_OK);
    assert_near(vg_mat_chol_logdet(l, 3), log(30.0), 1e-14);
    /* Triangular factor given directly: det = (2 · 0.5 · 3)². */
    const double tri[9] = {2, 0, 0,
                           7, 0.5, 0,
                           -1, 4, 3};
    assert_near(vg_mat_chol_logdet(tri, 3), log(9.0), 1e-14);
    /* spd3 = l·lᵀ with pivots 2, 1, 3: det = 36. */
    assert_int_equal(vg_mat_cholesky(l, spd3, 3), VG_OK);
    assert_near(vg_mat_chol_logdet(l, 3), log(36.0), 1e-14);
    /* Nine variances of 1e-40 m²: the determinant underflows, its log does not. */
    double small[MM];
    vg_mat_identity(small, 9);
    vg_mat_scale(small, 1e-40, 9, 9);
    assert_int_equal(vg_mat_cholesky(l, small, 9), VG_OK);
    assert_near(vg_mat_chol_logdet(l, 9), 9.0 * log(1e-40), 1e-11);
}

/* ---- helpers and limits ---------------------------------------------------------- */

static void test_max_abs_diff_finds_the_largest_gap_and_propagates_nan(void **state)
{
    (void)state;
    const double a[4] = {1, 2, 3, 4};
    assert_near(vg_mat_max_abs_diff(a, (const double[4]){1, 2.5, 1, 4}, 2, 2), 2.0, 0.0);
    assert_near(vg_mat_max_abs_diff(a, a, 2, 2), 0.0, 0.0);
    assert_true(isnan(vg_mat_max_abs_diff(a, (const double[4]){1, NAN, 3, 4}, 2, 2)));
    assert_near(vg_mat_max_abs_diff((const double[2]){INFINITY, 1},
                                    (const double[2]){INFINITY, 1.5}, 1, 2), 0.5, 0.0);
    assert_true(isinf(vg_mat_max_abs_diff((const double[1]){INFINITY},
                                          (const double[1]){1}, 1, 1)));
}

static void test_sizes_above_the_maximum_are_refused_not_overrun(void **state)
{
    (void)state;
    enum { N = VG_MAT_MAX + 1 };
    double a[N * N], out[N * N];
    vg_mat_identity(a, N);
    assert_int_equal(vg_mat_spd_inverse(out, a, N), VG_EINVAL);
    assert_int_equal(vg_mat_inverse(out, a, N), VG_EINVAL);
    assert_true(isnan(vg_mat_mahalanobis2(a, a, N)));
    vg_mat_abat(out, a, a, N, N);
    assert_true(isnan(out[0]) && isnan(out[N * N - 1]));
    assert_int_equal(vg_mat_inverse(out, a, 0), VG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_identity_and_copy_fill_every_element),
        cmocka_unit_test(test_add_sub_and_scale_work_element_wise_even_in_place),
        cmocka_unit_test(test_transpose_swaps_rows_and_columns),
        cmocka_unit_test(test_mul_matches_hand_computed_product),
        cmocka_unit_test(test_mul_abt_multiplies_by_the_transpose),
        cmocka_unit_test(test_abat_matches_hand_computation),
        cmocka_unit_test(test_abat_result_is_exactly_symmetric),
        cmocka_unit_test(test_symmetrize_averages_the_two_halves),
        cmocka_unit_test(test_cholesky_of_known_matrix_matches_hand_factor),
        cmocka_unit_test(test_cholesky_rejects_matrices_that_are_not_positive_definite),
        cmocka_unit_test(test_cholesky_solve_works_with_x_aliasing_b),
        cmocka_unit_test(test_spd_inverse_times_a_is_identity_for_every_size),
        cmocka_unit_test(test_inverse_matches_hand_computed_2x2_and_needs_pivoting),
        cmocka_unit_test(test_inverse_of_random_well_conditioned_matrices_is_accurate),
        cmocka_unit_test(test_inverse_of_singular_matrix_returns_erange),
        cmocka_unit_test(test_mahalanobis2_equals_quadratic_form_with_explicit_inverse),
        cmocka_unit_test(test_chol_logdet_is_log_of_product_of_squared_pivots),
        cmocka_unit_test(test_max_abs_diff_finds_the_largest_gap_and_propagates_nan),
        cmocka_unit_test(test_sizes_above_the_maximum_are_refused_not_overrun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
