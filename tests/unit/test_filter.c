/* test_filter.c — the tracker's state estimators: CV prediction against hand
 * computation, the EKF update against an independent textbook Kalman filter,
 * measurement models against finite differences and geo.h, the degenerate
 * geometries, numerical robustness, statistical consistency (NEES/NIS by Monte
 * Carlo) and the IMM's behaviour through manoeuvres.
 *
 * Every random number comes from a fixed-seed splitmix64 (th_next), Gaussian ones
 * through Box–Muller, so each run and each machine sees the same numbers and the
 * statistical tests either always pass or always fail. */
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
#include "vigie/geo.h"
#include "vigie/mat.h"

#define N VG_KF_N
#define DEG (VG_PI / 180.0)

/* ---- helpers ----------------------------------------------------------------------- */

/* Standard normal by Box–Muller (1 − u keeps the logarithm's argument in (0, 1]). */
static double gauss(uint64_t *s)
{
    double u1 = 1.0 - th_uniform(s, 0.0, 1.0);
    double u2 = th_uniform(s, 0.0, 1.0);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * VG_PI * u2);
}

/* Wilson–Hilferty: the p-quantile of χ²(k), given z the standard normal p-quantile.
 * Accurate to well under 0.1 % for the hundreds of degrees of freedom used here. */
static double chi2_quantile(double k, double z)
{
    double a = 2.0 / (9.0 * k);
    double t = 1.0 - a + z * sqrt(a);
    return k * t * t * t;
}
#define Z975 1.959963984540054

static void assert_mat_near_at(const double *a, const double *e, int rows, int cols,
                               double tol, const char *what, int line)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double x = a[i * cols + j], y = e[i * cols + j];
            if (!(fabs(x - y) <= tol))
                fail_msg("line %d: %s[%d][%d] = %.17g, expected %.17g (off %.3g, tol %.3g)",
                         line, what, i, j, x, y, x - y, tol);
        }
}
#define assert_mat_near(a, e, rows, cols, tol) \
    assert_mat_near_at((a), (e), (rows), (cols), (tol), #a, __LINE__)

static void assert_exactly_symmetric(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (a[i * n + j] != a[j * n + i])
                fail_msg("[%d][%d] = %.17g but [%d][%d] = %.17g", i, j, a[i * n + j], j, i,
                         a[j * n + i]);
}

static double max_abs(const double *a, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(a[i]));
    return m;
}

/* A proper rotation from three angles (radians): yaw about up, then tilts about east
 * and north. Used as a sensor's site → sensor frame rotation. */
static void make_rot(double rot[3][3], double yaw, double tilt_e, double tilt_n)
{
    double cz = cos(yaw), sz = sin(yaw), cx = cos(tilt_e), sx = sin(tilt_e);
    double cy = cos(tilt_n), sy = sin(tilt_n);
    double Rz[9] = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    double Rx[9] = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    double Ry[9] = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double t[9], r[9];
    vg_mat_mul(t, Rx, Ry, 3, 3, 3);
    vg_mat_mul(r, Rz, t, 3, 3, 3);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            rot[i][j] = r[i * 3 + j];
}

static void identity_rot(double rot[3][3])
{
    make_rot(rot, 0.0, 0.0, 0.0);
}

/* B·Bᵀ + diag: a random symmetric positive definite n×n matrix. */
static void random_spd(double *a, int n, double diag, double scale, uint64_t *s)
{
    double b[VG_MAT_MAX * VG_MAT_MAX];
    for (int i = 0; i < n * n; i++)
        b[i] = th_uniform(s, -scale, scale);
    vg_mat_mul_abt(a, b, b, n, n, n);
    for (int i = 0; i < n; i++)
        a[i * n + i] += diag;
}

static vg_meas_model position_model(const double z[3], const double R[9])
{
    vg_meas_model m;
    memset(&m, 0, sizeof m);
    m.kind = VG_MM_POSITION;
    m.dim = 3;
    for (int i = 0; i < 3; i++)
        m.z[i] = z[i];
    for (int i = 0; i < 9; i++)
        m.R[i] = R[i];
    identity_rot(m.rot);
    return m;
}

/* A polar model (dim 3 or 4) with diagonal R from standard deviations. */
static vg_meas_model polar_model(vg_vec3 sensor, const double rot[3][3], bool with_rv,
                                 double sr, double saz, double sel, double srv)
{
    vg_meas_model m;
    memset(&m, 0, sizeof m);
    m.kind = VG_MM_POLAR;
    m.dim = with_rv ? 4 : 3;
    m.has_radial_velocity = with_rv;
    m.sensor = sensor;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m.rot[i][j] = rot[i][j];
    double sd[4] = {sr, saz, sel, srv};
    for (int i = 0; i < m.dim; i++)
        m.R[i * m.dim + i] = sd[i] * sd[i];
    return m;
}

static vg_meas_model bearing_model(vg_vec3 sensor, const double rot[3][3], bool with_el,
                                   double sigma)
{
    vg_meas_model m;
    memset(&m, 0, sizeof m);
    m.kind = VG_MM_BEARING;
    m.dim = with_el ? 2 : 1;
    m.has_elevation = with_el;
    m.sensor = sensor;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m.rot[i][j] = rot[i][j];
    for (int i = 0; i < m.dim; i++)
        m.R[i * m.dim + i] = sigma * sigma;
    return m;
}

/* z = h(x) + noise with R's Cholesky factor: a synthetic measurement of truth. */
static void measure(vg_meas_model *m, const double truth[N], uint64_t *s)
{
    double zhat[VG_MEAS_MAX], L[VG_MEAS_MAX * VG_MEAS_MAX], g[VG_MEAS_MAX];
    assert_int_equal(vg_meas_predict(m, truth, zhat, NULL), VG_OK);
    assert_int_equal(vg_mat_cholesky(L, m->R, m->dim), VG_OK);
    for (int i = 0; i < m->dim; i++)
        g[i] = gauss(s);
    for (int i = 0; i < m->dim; i++) {
        double e = 0.0;
        for (int k = 0; k <= i; k++)
            e += L[i * m->dim + k] * g[k];
        m->z[i] = zhat[i] + e;
    }
}

/* One step of CV truth with white-noise acceleration q, sampled exactly: per axis the
 * 2×2 Q's Cholesky factor. */
static void truth_step(double t[N], double dt, double q, uint64_t *s)
{
    double l11 = sqrt(q * dt * dt * dt / 3.0);
    double l21 = (q * dt * dt / 2.0) / l11;
    double l22 = sqrt(q * dt - l21 * l21);
    for (int i = 0; i < 3; i++) {
        double g1 = gauss(s), g2 = gauss(s);
        t[i] += dt * t[i + 3] + l11 * g1;
        t[i + 3] += l21 * g1 + l22 * g2;
    }
}

/* eᵀ P⁻¹ e for e = x − truth (NEES), through P's Cholesky factor. */
static double nees(const vg_kf *kf, const double truth[N])
{
    double L[N * N], e[N];
    assert_int_equal(vg_mat_cholesky(L, kf->P, N), VG_OK);
    for (int i = 0; i < N; i++)
        e[i] = kf->x[i] - truth[i];
    return vg_mat_mahalanobis2(L, e, N);
}

/* ---- prediction -------------------------------------------------------------------- */

static void test_predict_matches_hand_computed_fpft_plus_q(void **state)
{
    (void)state;
    vg_kf kf;
    uint64_t s = 11;
    for (int i = 0; i < N; i++)
        kf.x[i] = th_uniform(&s, -50, 50);
    random_spd(kf.P, N, 1.0, 3.0, &s);
    vg_kf ref = kf;
    const double dt = 0.5, q = 2.0;
    vg_kf_predict_cv(&kf, dt, q);

    /* Dense F and Q written out element by element, product by explicit loops. */
    double F[N * N] = {0}, Q[N * N] = {0};
    for (int i = 0; i < N; i++)
        F[i * N + i] = 1.0;
    for (int i = 0; i < 3; i++) {
        F[i * N + i + 3] = dt;
        Q[i * N + i] = q * dt * dt * dt / 3.0;         /* 0.083333… */
        Q[i * N + i + 3] = Q[(i + 3) * N + i] = q * dt * dt / 2.0; /* 0.25 */
        Q[(i + 3) * N + i + 3] = q * dt;                 /* 1 */
    }
    assert_near(Q[0], 2.0 * 0.125 / 3.0, 1e-15);
    assert_near(Q[3], 0.25, 0.0);
    double FP[N * N] = {0}, expect[N * N] = {0}, xe[N] = {0};
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            for (int k = 0; k < N; k++)
                FP[i * N + j] += F[i * N + k] * ref.P[k * N + j];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            for (int k = 0; k < N; k++)
                expect[i * N + j] += FP[i * N + k] * F[j * N + k];
            expect[i * N + j] += Q[i * N + j];
        }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++)
            xe[i] += F[i * N + k] * ref.x[k];
    assert_mat_near(kf.x, xe, N, 1, 1e-12);
    assert_mat_near(kf.P, expect, N, N, 1e-12 * max_abs(expect, N * N));
    assert_exactly_symmetric(kf.P, N);

    /* A tiny case by hand: P = I, dt = 1, q = 6 → P_pp = 1+1+2 = 4, P_pv = 1+3 = 4,
     * P_vv = 1+6 = 7. */
    vg_kf one = {{0, 0, 0, 1, 2, 3}, {0}};
    vg_mat_identity(one.P, N);
    vg_kf_predict_cv(&one, 1.0, 6.0);
    assert_near(one.x[0], 1.0, 0.0);
    assert_near(one.x[2], 3.0, 0.0);
    assert_near(one.P[0 * N + 0], 4.0, 1e-15);
    assert_near(one.P[0 * N + 3], 4.0, 1e-15);
    assert_near(one.P[3 * N + 3], 7.0, 1e-15);
    assert_near(one.P[0 * N + 1], 0.0, 0.0);
    assert_near(one.P[0 * N + 4], 0.0, 0.0);
}

static void test_predict_with_zero_dt_changes_nothing(void **state)
{
    (void)state;
    vg_kf kf;
    uint64_t s = 12;
    for (int i = 0; i < N; i++)
        kf.x[i] = th_uniform(&s, -50, 50);
    for (int i = 0; i < N * N; i++)
        kf.P[i] = th_uniform(&s, -1, 1); /* not even symmetric: must stay bit-identical */
    vg_kf ref = kf;
    vg_kf_predict_cv(&kf, 0.0, 5.0);
    assert_memory_equal(&kf, &ref, sizeof kf);
    vg_kf_predict_cv(&kf, -1.0, 5.0);
    assert_memory_equal(&kf, &ref, sizeof kf);
    vg_kf_predict_cv(&kf, NAN, 5.0);
    assert_memory_equal(&kf, &ref, sizeof kf);
}

static void test_predict_keeps_covariance_exactly_symmetric(void **state)
{
    (void)state;
    uint64_t s = 13;
    vg_kf kf = {{0}, {0}};
    random_spd(kf.P, N, 0.1, 10.0, &s);
    for (int k = 0; k < 1000; k++) {
        vg_kf_predict_cv(&kf, th_uniform(&s, 0.001, 3.0), th_uniform(&s, 0.0, 10.0));
        assert_exactly_symmetric(kf.P, N);
    }
}

/* The prediction written out on the upper triangle must give, to the bit, what the
 * straightforward procedure gives: rows of P gain dt times their velocity rows, then
 * columns, then Q, then both triangles averaged. Outputs (and the golden files) are
 * printed to 17 digits, so "close" would not do. */
static void test_predict_equals_row_column_procedure_to_the_bit(void **state)
{
    (void)state;
    uint64_t s = 41;
    for (int trial = 0; trial < 200; trial++) {
        vg_kf kf;
        for (int i = 0; i < N; i++)
            kf.x[i] = th_uniform(&s, -1e4, 1e4);
        random_spd(kf.P, N, 1e-3, 1e3, &s);
        double dt = th_uniform(&s, 1e-3, 10.0), q = th_uniform(&s, 1e-3, 50.0);
        vg_kf ref = kf;
        vg_kf_predict_cv(&kf, dt, q);

        double *P = ref.P;
        for (int i = 0; i < 3; i++)
            ref.x[i] += dt * ref.x[i + 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < N; j++)
                P[i * N + j] += dt * P[(i + 3) * N + j];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < N; i++)
                P[i * N + j] += dt * P[i * N + j + 3];
        double dt2 = dt * dt;
        double qpp = q * dt2 * dt / 3.0, qpv = q * dt2 / 2.0, qvv = q * dt;
        for (int i = 0; i < 3; i++) {
            P[i * N + i] += qpp;
            P[i * N + i + 3] += qpv;
            P[(i + 3) * N + i] += qpv;
            P[(i + 3) * N + i + 3] += qvv;
        }
        for (int i = 0; i < N; i++)
            for (int j = i + 1; j < N; j++) {
                double v = 0.5 * (P[i * N + j] + P[j * N + i]);
                P[i * N + j] = P[j * N + i] = v;
            }
        assert_memory_equal(kf.x, ref.x, sizeof kf.x);
        assert_memory_equal(kf.P, ref.P, sizeof kf.P);
    }
}

/* The gate of a position measurement (its own short path) against a computation
 * that shares nothing with it: S = P_pp + R, d2 by the cofactor inverse, ln det S
 * from the cofactor determinant. */
static double inv3(double out[9], const double a[9]);
static void test_position_gate_matches_independent_computation(void **state)
{
    (void)state;
    uint64_t s = 43;
    for (int trial = 0; trial < 100; trial++) {
        vg_kf kf;
        for (int i = 0; i < N; i++)
            kf.x[i] = th_uniform(&s, -100, 100);
        random_spd(kf.P, N, 0.01, 50.0, &s);
        double R[9], z[3];
        random_spd(R, 3, 0.1, 10.0, &s);
        for (int i = 0; i < 3; i++)
            z[i] = kf.x[i] + th_uniform(&s, -20, 20);
        vg_meas_model m = position_model(z, R);
        double d2, logdet;
        assert_int_equal(vg_kf_gate(&kf, &m, &d2, &logdet), VG_OK);

        double S[9], Si[9], nu[3], want = 0.0;
        for (int i = 0; i < 3; i++) {
            nu[i] = z[i] - kf.x[i];
            for (int j = 0; j < 3; j++)
                S[i * 3 + j] = kf.P[i * N + j] + R[i * 3 + j];
        }
        double det = inv3(Si, S);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                want += nu[i] * Si[i * 3 + j] * nu[j];
        assert_near(d2, want, 1e-9 * fmax(want, 1.0));
        assert_near(logdet, log(det), 1e-9 * fmax(fabs(log(det)), 1.0));
    }
    /* A covariance that is not positive definite is refused, not gated. */
    vg_kf bad = {0};
    double z[3] = {1, 2, 3}, R[9] = {-1, 0, 0, 0, 1, 0, 0, 0, 1};
    vg_meas_model m = position_model(z, R);
    double d2 = -7.0, logdet = -7.0;
    assert_int_equal(vg_kf_gate(&bad, &m, &d2, &logdet), VG_ERANGE);
    assert_true(d2 == -7.0 && logdet == -7.0);
}

/* ---- the update against the textbook linear Kalman filter --------------------------- */

/* 3×3 inverse and determinant by cofactors: independent of mat.c. */
static double inv3(double out[9], const double a[9])
{
    double c[9] = {
        a[4] * a[8] - a[5] * a[7], a[2] * a[7] - a[1] * a[8], a[1] * a[5] - a[2] * a[4],
        a[5] * a[6] - a[3] * a[8], a[0] * a[8] - a[2] * a[6], a[2] * a[3] - a[0] * a[5],
        a[3] * a[7] - a[4] * a[6], a[1] * a[6] - a[0] * a[7], a[0] * a[4] - a[1] * a[3]};
    double det = a[0] * c[0] + a[1] * c[3] + a[2] * c[6];
    for (int i = 0; i < 9; i++)
        out[i] = c[i] / det;
    return det;
}

static void test_position_update_equals_textbook_linear_kalman_filter(void **state)
{
    (void)state;
    uint64_t s = 21;
    for (int trial = 0; trial < 20; trial++) {
        vg_kf kf;
        for (int i = 0; i < N; i++)
            kf.x[i] = th_uniform(&s, -100, 100);
        random_spd(kf.P, N, 1.0, 5.0, &s);
        double R[9], z[3];
        random_spd(R, 3, 0.5, 3.0, &s);
        for (int i = 0; i < 3; i++)
            z[i] = kf.x[i] + th_uniform(&s, -10, 10);
        vg_meas_model m = position_model(z, R);
        vg_kf ref = kf;

        double ll = 0.0;
        assert_int_equal(vg_kf_update(&kf, &m, &ll), VG_OK);

        /* Textbook, H = [I 0]: S = P_pp + R, K = P Hᵀ S⁻¹, x += K nu, P = (I − K H) P. */
        double S[9], Si[9], nu[3], K[N * 3] = {0}, x[N], P[N * N];
        for (int i = 0; i < 3; i++) {
            nu[i] = z[i] - ref.x[i];
            for (int j = 0; j < 3; j++)
                S[i * 3 + j] = ref.P[i * N + j] + R[i * 3 + j];
        }
        double detS = inv3(Si, S);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++)
                    K[i * 3 + j] += ref.P[i * N + k] * Si[k * 3 + j];
        for (int i = 0; i < N; i++) {
            x[i] = ref.x[i];
            for (int k = 0; k < 3; k++)
                x[i] += K[i * 3 + k] * nu[k];
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                P[i * N + j] = ref.P[i * N + j];
                for (int k = 0; k < 3; k++)
                    P[i * N + j] -= K[i * 3 + k] * ref.P[k * N + j];
            }
        double d2 = 0.0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                d2 += nu[i] * Si[i * 3 + j] * nu[j];
        double ll_ref = -0.5 * (d2 + 3.0 * log(2.0 * VG_PI) + log(detS));

        assert_mat_near(kf.x, x, N, 1, 1e-9 * fmax(max_abs(x, N), 1.0));
        assert_mat_near(kf.P, P, N, N, 1e-9 * max_abs(P, N * N));
        assert_near(ll, ll_ref, 1e-9 * fabs(ll_ref));
        assert_exactly_symmetric(kf.P, N);

        double nu2[3], S2[9], d2b;
        assert_int_equal(vg_kf_innovation(&ref, &m, nu2, S2, &d2b), VG_OK);
        assert_mat_near(nu2, nu, 3, 1, 1e-12);
        assert_mat_near(S2, S, 3, 3, 1e-12 * max_abs(S, 9));
        assert_near(d2b, d2, 1e-9 * d2);
    }
}

static void test_innovation_outputs_are_optional(void **state)
{
    (void)state;
    vg_kf kf = {{1, 2, 3, 0, 0, 0}, {0}};
    vg_mat_identity(kf.P, N);
    double R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, z[3] = {3, 2, 1};
    vg_meas_model m = position_model(z, R);
    assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, NULL), VG_OK);
    double d2;
    assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, &d2), VG_OK);
    assert_near(d2, (4.0 + 0.0 + 4.0) / 2.0, 1e-12); /* nu = (2, 0, −2), S = 2 I */
    vg_kf ref = kf;
    assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_OK);
    assert_near(kf.x[0], 2.0, 1e-12); /* K = ½ on position */
    assert_near(kf.P[0], 0.5, 1e-12);
    assert_near(kf.P[3 * N + 3], ref.P[3 * N + 3], 0.0);
}

static void test_init_position_sets_state_and_covariance_from_measurement(void **state)
{
    (void)state;
    double R[9] = {4, 1, 0.5, 1, 9, -2, 0.5, -2, 16}, z[3] = {120.0, -35.5, 80.25};
    vg_meas_model m = position_model(z, R);
    vg_kf kf;
    memset(&kf, 0x55, sizeof kf);
    vg_kf_init_position(&kf, &m, 25.0);
    double x[N] = {120.0, -35.5, 80.25, 0, 0, 0};
    double P[N * N] = {4,   1,  0.5, 0,  0,  0,  1, 9, -2, 0, 0,  0,
                       0.5, -2, 16,  0,  0,  0,  0, 0, 0,  25, 0, 0,
                       0,   0,  0,   0,  25, 0,  0, 0, 0,  0,  0, 25};
    assert_mat_near(kf.x, x, N, 1, 0.0);
    assert_mat_near(kf.P, P, N, N, 0.0);

    /* Not a position model: nothing happens. */
    vg_kf ref = kf;
    double rot[3][3];
    identity_rot(rot);
    vg_meas_model pm = polar_model((vg_vec3){0, 0, 0}, rot, false, 1, 0.01, 0.01, 0);
    vg_kf_init_position(&kf, &pm, 25.0);
    assert_memory_equal(&kf, &ref, sizeof kf);
}

/* ---- measurement models ------------------------------------------------------------- */

/* Compare the analytic H with central differences of h, over random states and a
 * sensor frame rotated by a few degrees (so that rot is actually exercised). */
static void check_jacobian_by_finite_differences(vg_meas_model *m, uint64_t *s)
{
    for (int trial = 0; trial < 200; trial++) {
        double x[N];
        for (int i = 0; i < 3; i++)
            x[i] = th_uniform(s, -3000, 3000);
        x[2] = th_uniform(s, -50, 800);
        for (int i = 3; i < N; i++)
            x[i] = th_uniform(s, -30, 30);
        double H[VG_MEAS_MAX * N], zhat[VG_MEAS_MAX];
        if (vg_meas_predict(m, x, zhat, H) != VG_OK)
            fail_msg("trial %d: h undefined at a regular point", trial);
        for (int j = 0; j < N; j++) {
            double h = 1e-4 * fmax(1.0, fabs(x[j]));
            double xp[N], xm[N], zp[VG_MEAS_MAX], zm[VG_MEAS_MAX];
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[j] += h;
            xm[j] -= h;
            assert_int_equal(vg_meas_predict(m, xp, zp, NULL), VG_OK);
            assert_int_equal(vg_meas_predict(m, xm, zm, NULL), VG_OK);
            for (int i = 0; i < m->dim; i++) {
                /* Angles are differenced through the wrap, in case the step crosses ±π. */
                double dz = zp[i] - zm[i];
                bool angle = m->kind == VG_MM_BEARING || (m->kind == VG_MM_POLAR &&
                                                          (i == 1 || i == 2));
                if (angle)
                    dz = vg_angle_wrap(dz);
                double fd = dz / (2.0 * h);
                double an = H[i * N + j];
                double row = max_abs(H + i * N, N);
                if (!(fabs(fd - an) <= 1e-6 * row + 1e-12))
                    fail_msg("kind %d trial %d: dh%d/dx%d analytic %.12g, finite difference "
                             "%.12g",
                             (int)m->kind, trial, i, j, an, fd);
            }
        }
    }
}

static void test_polar_jacobian_matches_central_differences(void **state)
{
    (void)state;
    uint64_t s = 31;
    double rot[3][3];
    make_rot(rot, 7.0 * DEG, 1.5 * DEG, -2.0 * DEG);
    vg_meas_model m = polar_model((vg_vec3){250, -400, 15}, rot, true, 5, 0.01, 0.01, 0.5);
    check_jacobian_by_finite_differences(&m, &s);
    m = polar_model((vg_vec3){250, -400, 15}, rot, false, 5, 0.01, 0.01, 0.5);
    check_jacobian_by_finite_differences(&m, &s);
}

static void test_bearing_jacobian_matches_central_differences(void **state)
{
    (void)state;
    uint64_t s = 32;
    double rot[3][3];
    make_rot(rot, -20.0 * DEG, 0.5 * DEG, 3.0 * DEG);
    vg_meas_model m = bearing_model((vg_vec3){-800, 300, 40}, rot, true, 0.02);
    check_jacobian_by_finite_differences(&m, &s);
    m = bearing_model((vg_vec3){-800, 300, 40}, rot, false, 0.02);
    check_jacobian_by_finite_differences(&m, &s);
}

static void test_position_model_is_the_identity_on_position(void **state)
{
    (void)state;
    double R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, z[3] = {0};
    vg_meas_model m = position_model(z, R);
    double x[N] = {1, 2, 3, 4, 5, 6}, zhat[3], H[3 * N];
    assert_int_equal(vg_meas_predict(&m, x, zhat, H), VG_OK);
    double He[3 * N] = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    assert_mat_near(zhat, x, 3, 1, 0.0);
    assert_mat_near(H, He, 3, N, 0.0);
}

/* h agrees with geo.h's own polar conversion of the sensor-frame offset, and the
 * radial velocity with a finite difference along the trajectory. */
static void test_polar_prediction_agrees_with_geo_polar_conversion(void **state)
{
    (void)state;
    uint64_t s = 33;
    double rot[3][3];
    make_rot(rot, 0.02 * DEG, 0.015 * DEG, -0.01 * DEG);
    vg_vec3 sensor = {-1500, -1400, 20};
    vg_meas_model m = polar_model(sensor, rot, true, 5, 0.01, 0.01, 0.5);
    for (int trial = 0; trial < 100; trial++) {
        double x[N];
        for (int i = 0; i < 3; i++)
            x[i] = th_uniform(&s, -2000, 2000);
        for (int i = 3; i < N; i++)
            x[i] = th_uniform(&s, -40, 40);
        double zhat[4];
        assert_int_equal(vg_meas_predict(&m, x, zhat, NULL), VG_OK);
        double p[3] = {x[0] - sensor.x, x[1] - sensor.y, x[2] - sensor.z};
        vg_vec3 d = {rot[0][0] * p[0] + rot[0][1] * p[1] + rot[0][2] * p[2],
                     rot[1][0] * p[0] + rot[1][1] * p[1] + rot[1][2] * p[2],
                     rot[2][0] * p[0] + rot[2][1] * p[1] + rot[2][2] * p[2]};
        double r, az, el;
        vg_enu_to_polar(d, &r, &az, &el);
        assert_near(zhat[0], r, 1e-9 * r);
        assert_near(vg_angle_wrap(zhat[1] - az * DEG), 0.0, 1e-12);
        assert_near(zhat[2], el * DEG, 1e-12);
        /* Range rate: (|p + v·ε| − |p − v·ε|) / 2ε; rot preserves lengths. */
        double eps = 1e-3, rp = 0.0, rm = 0.0;
        for (int i = 0; i < 3; i++) {
            rp += (p[i] + eps * x[i + 3]) * (p[i] + eps * x[i + 3]);
            rm += (p[i] - eps * x[i + 3]) * (p[i] - eps * x[i + 3]);
        }
        assert_near(zhat[3], (sqrt(rp) - sqrt(rm)) / (2.0 * eps), 1e-6);
        /* rot preserves dot products: the range rate is p·v/|p| in the site frame. */
        double pv = p[0] * x[3] + p[1] * x[4] + p[2] * x[5];
        assert_near(zhat[3], pv / sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), 1e-9);
    }
}

static void test_angle_wrap_maps_into_minus_pi_exclusive_pi_inclusive(void **state)
{
    (void)state;
    assert_near(vg_angle_wrap(0.0), 0.0, 0.0);
    assert_near(vg_angle_wrap(VG_PI), VG_PI, 0.0);
    assert_near(vg_angle_wrap(-VG_PI), VG_PI, 0.0);
    assert_near(vg_angle_wrap(3.0 * VG_PI), VG_PI, 1e-15);
    assert_near(vg_angle_wrap(2.0 * VG_PI), 0.0, 1e-15);
    assert_near(vg_angle_wrap(359.8 * DEG), -0.2 * DEG, 1e-13);
    assert_near(vg_angle_wrap(-359.8 * DEG), 0.2 * DEG, 1e-13);
    assert_near(vg_angle_wrap(1000.0), 1000.0 - 318.0 * VG_PI, 1e-12);
    assert_true(isnan(vg_angle_wrap(NAN)));
    uint64_t s = 34;
    for (int i = 0; i < 10000; i++) {
        double a = th_uniform(&s, -100.0, 100.0), w = vg_angle_wrap(a);
        assert_true(w > -VG_PI && w <= VG_PI);
        double k = (a - w) / (2.0 * VG_PI);
        assert_near(k, round(k), 1e-12);
    }
}

static void test_azimuth_innovation_wraps_across_north(void **state)
{
    (void)state;
    double rot[3][3];
    identity_rot(rot);
    vg_vec3 sensor = {0, 0, 0};
    vg_kf kf = {{0}, {0}};
    vg_mat_identity(kf.P, N);
    /* Target 1 km out at azimuth 0.1°, level. */
    kf.x[0] = 1000.0 * sin(0.1 * DEG);
    kf.x[1] = 1000.0 * cos(0.1 * DEG);
    vg_meas_model m = polar_model(sensor, rot, false, 5, 0.5 * DEG, 0.5 * DEG, 0);
    m.z[0] = 1000.0;
    m.z[1] = 359.9 * DEG;
    m.z[2] = 0.0;
    double nu[4], d2;
    assert_int_equal(vg_kf_innovation(&kf, &m, nu, NULL, &d2), VG_OK);
    assert_near(nu[1], -0.2 * DEG, 1e-12);
    assert_true(d2 < 1.0); /* 0.2° against σ 0.5°: close, not 359.8° away */
    /* The other way round: the target at 359.9° (atan2 gives −0.1°), measured 0.1°. */
    kf.x[0] = -kf.x[0];
    m.z[1] = 0.1 * DEG;
    assert_int_equal(vg_kf_innovation(&kf, &m, nu, NULL, NULL), VG_OK);
    assert_near(nu[1], 0.2 * DEG, 1e-12);

    /* The same for an RF bearing, and after an update the state stays near north. */
    vg_meas_model b = bearing_model(sensor, rot, false, 0.5 * DEG);
    b.z[0] = 359.9 * DEG;
    kf.x[0] = 1000.0 * sin(0.1 * DEG);
    assert_int_equal(vg_kf_innovation(&kf, &b, nu, NULL, NULL), VG_OK);
    assert_near(nu[0], -0.2 * DEG, 1e-12);
    kf.P[0] = kf.P[7] = 100.0;
    assert_int_equal(vg_kf_update(&kf, &b, NULL), VG_OK);
    assert_true(fabs(kf.x[0]) < 5.0 && kf.x[1] > 990.0);
}

static void test_target_straight_above_sensor_is_refused_without_nan(void **state)
{
    (void)state;
    double rot[3][3];
    make_rot(rot, 10.0 * DEG, 0.5 * DEG, 0.3 * DEG);
    vg_vec3 sensor = {100, 200, 10};
    vg_kf kf = {{0}, {0}};
    vg_mat_identity(kf.P, N);
    /* Straight up in the sensor's own frame: p = sensor + rotᵀ·(0, 0, 500). */
    for (int i = 0; i < 3; i++)
        kf.x[i] = (&sensor.x)[i] + rot[2][i] * 500.0;
    kf.x[3] = 3.0;
    vg_meas_model models[3] = {
        polar_model(sensor, rot, true, 5, 0.01, 0.01, 0.5),
        bearing_model(sensor, rot, true, 0.01),
        bearing_model(sensor, rot, false, 0.01),
    };
    for (int k = 0; k < 3; k++) {
        vg_meas_model *m = &models[k];
        m->z[0] = m->kind == VG_MM_POLAR ? 500.0 : 0.3;
        double zhat[4] = {7, 7, 7, 7}, H[4 * N];
        assert_int_equal(vg_meas_predict(m, kf.x, zhat, H), VG_ERANGE);
        assert_near(zhat[0], 7.0, 0.0); /* nothing written */
        double nu[4] = {7, 7, 7, 7}, S[16], d2 = 7.0;
        assert_int_equal(vg_kf_innovation(&kf, m, nu, S, &d2), VG_ERANGE);
        assert_near(nu[0], 7.0, 0.0);
        assert_near(d2, 7.0, 0.0);
        vg_kf ref = kf;
        double ll = 7.0;
        assert_int_equal(vg_kf_update(&kf, m, &ll), VG_ERANGE);
        assert_memory_equal(&kf, &ref, sizeof kf);
        assert_near(ll, 7.0, 0.0);
    }
    /* Just off the vertical (2 mm) everything is finite again. */
    kf.x[0] += rot[0][0] * 2e-3;
    kf.x[1] += rot[0][1] * 2e-3;
    kf.x[2] += rot[0][2] * 2e-3;
    double zhat[4], H[4 * N];
    assert_int_equal(vg_meas_predict(&models[0], kf.x, zhat, H), VG_OK);
    for (int i = 0; i < 4 * N; i++)
        assert_true(isfinite(H[i]));
    assert_near(zhat[1], 90.0 * DEG, 1e-9);
}

static void test_target_at_sensor_is_refused_and_filter_unchanged(void **state)
{
    (void)state;
    double rot[3][3];
    identity_rot(rot);
    vg_vec3 sensor = {100, 200, 10};
    vg_kf kf = {{100, 200, 10, 1, 1, 1}, {0}};
    vg_mat_identity(kf.P, N);
    vg_meas_model m = polar_model(sensor, rot, true, 5, 0.01, 0.01, 0.5);
    m.z[0] = 1.0;
    vg_kf ref = kf;
    assert_int_equal(vg_meas_predict(&m, kf.x, NULL, NULL), VG_ERANGE);
    assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, NULL), VG_ERANGE);
    assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_ERANGE);
    assert_memory_equal(&kf, &ref, sizeof kf);
    /* A NaN state is refused the same way. */
    kf.x[0] = NAN;
    assert_int_equal(vg_meas_predict(&m, kf.x, NULL, NULL), VG_ERANGE);
}

static void test_update_with_non_positive_definite_s_fails_and_leaves_filter_unchanged(
    void **state)
{
    (void)state;
    vg_kf kf = {{1, 2, 3, 0, 0, 0}, {0}};
    vg_mat_identity(kf.P, N);
    double R[9] = {-5, 0, 0, 0, 1, 0, 0, 0, 1}, z[3] = {0, 0, 0};
    vg_meas_model m = position_model(z, R);
    vg_kf ref = kf;
    double ll = 42.0;
    assert_int_equal(vg_kf_update(&kf, &m, &ll), VG_ERANGE);
    assert_memory_equal(&kf, &ref, sizeof kf);
    assert_near(ll, 42.0, 0.0);
    /* A NaN measurement is refused too. */
    double Rok[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, zn[3] = {NAN, 0, 0};
    m = position_model(zn, Rok);
    assert_int_equal(vg_kf_update(&kf, &m, &ll), VG_ERANGE);
    assert_memory_equal(&kf, &ref, sizeof kf);
    /* A zero P with a zero R: S = 0 is not positive definite. */
    double R0[9] = {0};
    vg_mat_zero(kf.P, N, N);
    ref = kf;
    m = position_model(z, R0);
    assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_ERANGE);
    assert_memory_equal(&kf, &ref, sizeof kf);
}

static void test_malformed_models_are_rejected_with_einval(void **state)
{
    (void)state;
    double rot[3][3];
    identity_rot(rot);
    vg_kf kf = {{1000, 1000, 100, 0, 0, 0}, {0}};
    vg_mat_identity(kf.P, N);
    vg_meas_model m = polar_model((vg_vec3){0, 0, 0}, rot, true, 5, 0.01, 0.01, 0.5);
    m.dim = 3; /* says radial velocity but has dim 3 */
    assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_EINVAL);
    m = bearing_model((vg_vec3){0, 0, 0}, rot, false, 0.01);
    m.dim = 2;
    assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, NULL), VG_EINVAL);
    double R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, z[3] = {0};
    m = position_model(z, R);
    m.dim = 4;
    assert_int_equal(vg_meas_predict(&m, kf.x, NULL, NULL), VG_EINVAL);
    m.dim = 3;
    m.kind = (vg_meas_model_kind)0;
    assert_int_equal(vg_meas_predict(&m, kf.x, NULL, NULL), VG_EINVAL);
    vg_meas_model out;
    m = position_model(z, R);
    assert_int_equal(vg_meas_to_position(&m, &out), VG_EINVAL);
}

/* R is packed with stride dim: a 3 × 3 R fills R[0..8], a 2 × 2 one R[0..3], and
 * nothing after the dim × dim elements is read (NaN there changes nothing). */
static void test_r_is_read_packed_with_stride_dim(void **state)
{
    (void)state;
    double rot[3][3];
    identity_rot(rot);
    vg_kf kf = {{300, 400, 50, 1, 2, 0}, {0}};
    vg_mat_identity(kf.P, N);
    vg_mat_scale(kf.P, 100.0, N, N);
    vg_meas_model ms[3] = {
        bearing_model((vg_vec3){0, 0, 0}, rot, true, 0.01),
        polar_model((vg_vec3){0, 0, 0}, rot, false, 5, 0.01, 0.01, 0),
        position_model((const double[3]){301, 399, 52},
                       (const double[9]){4, 1, 0, 1, 9, 0, 0, 0, 1}),
    };
    ms[0].z[0] = 0.64;
    ms[0].z[1] = 0.1;
    ms[1].z[0] = 505.0;
    ms[1].z[1] = 0.65;
    ms[1].z[2] = 0.1;
    assert_near(ms[0].R[3], 1e-4, 0.0); /* the 2 × 2 bearing: σ_el² at (1, 1) = R[3] */
    assert_near(ms[1].R[4], 1e-4, 0.0); /* the 3 × 3 polar: σ_az² at (1, 1) = R[4] */
    for (int k = 0; k < 3; k++) {
        vg_meas_model *m = &ms[k];
        vg_kf clean = kf, dirty = kf;
        double ll_clean, ll_dirty;
        assert_int_equal(vg_kf_update(&clean, m, &ll_clean), VG_OK);
        for (int i = m->dim * m->dim; i < VG_MEAS_MAX * VG_MEAS_MAX; i++)
            m->R[i] = NAN;
        assert_int_equal(vg_kf_update(&dirty, m, &ll_dirty), VG_OK);
        assert_memory_equal(&clean, &dirty, sizeof clean);
        assert_near(ll_dirty, ll_clean, 0.0);
    }
    /* S = H P Hᵀ + R element by element in the same layout. */
    double S[4], H[2 * N], HPHt[4];
    assert_int_equal(vg_kf_innovation(&kf, &ms[0], NULL, S, NULL), VG_OK);
    assert_int_equal(vg_meas_predict(&ms[0], kf.x, NULL, H), VG_OK);
    vg_mat_abat(HPHt, H, kf.P, 2, N);
    assert_near(S[0] - HPHt[0], 1e-4, 1e-15);
    assert_near(S[3] - HPHt[3], 1e-4, 1e-15);
    assert_near(S[1] - HPHt[1], 0.0, 1e-15);
    /* The position model initialises P from the same layout. */
    vg_kf init;
    vg_kf_init_position(&init, &ms[2], 1.0);
    assert_near(init.P[0 * N + 1], 1.0, 0.0);
    assert_near(init.P[1 * N + 1], 9.0, 0.0);
}

/* A polar plot converted to a position comes back through h to the same plot, and
 * its covariance maps back to the plot's R through the position Jacobian. */
static void test_polar_plot_to_position_round_trips(void **state)
{
    (void)state;
    double rot[3][3];
    make_rot(rot, 4.0 * DEG, 0.02 * DEG, -0.01 * DEG);
    vg_vec3 sensor = {-1500, -1400, 20};
    vg_meas_model m = polar_model(sensor, rot, true, 5, 0.3 * DEG, 0.4 * DEG, 0.5);
    m.R[0 * 4 + 1] = m.R[1 * 4 + 0] = 0.2 * 5 * 0.3 * DEG; /* some correlation */
    m.z[0] = 2100.0;
    m.z[1] = 47.0 * DEG;
    m.z[2] = 3.0 * DEG;
    m.z[3] = -4.0;
    vg_meas_model pos;
    assert_int_equal(vg_meas_to_position(&m, &pos), VG_OK);
    assert_int_equal(pos.kind, VG_MM_POSITION);
    assert_int_equal(pos.dim, 3);
    double x[N] = {pos.z[0], pos.z[1], pos.z[2], 0, 0, 0}, zhat[4], H[4 * N];
    assert_int_equal(vg_meas_predict(&m, x, zhat, H), VG_OK);
    assert_near(zhat[0], 2100.0, 1e-9);
    assert_near(zhat[1], 47.0 * DEG, 1e-12);
    assert_near(zhat[2], 3.0 * DEG, 1e-12);
    /* Hp·R_pos·Hpᵀ = R₃, Hp the 3×3 position block of the polar Jacobian. */
    double Hp[9], back[9], R3[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            Hp[i * 3 + j] = H[i * N + j];
            R3[i * 3 + j] = m.R[i * 4 + j];
        }
    vg_mat_abat(back, Hp, pos.R, 3, 3);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            assert_near(back[i * 3 + j], R3[i * 3 + j],
                        1e-9 * sqrt(R3[i * 3 + i] * R3[j * 3 + j]));
    assert_exactly_symmetric(pos.R, 3);

    m.z[0] = 0.0;
    assert_int_equal(vg_meas_to_position(&m, &pos), VG_ERANGE);
}

/* ---- numerical robustness ----------------------------------------------------------- */

/* A random rotation (three random angles) applied to diag(e): a covariance whose
 * condition number is max(e)/min(e) in a direction that changes every step. */
static void ill_conditioned_R(double R[9], const double e[3], uint64_t *s)
{
    double rot[3][3], U[9], D[9] = {0};
    make_rot(rot, th_uniform(s, -VG_PI, VG_PI), th_uniform(s, -VG_PI, VG_PI),
             th_uniform(s, -VG_PI, VG_PI));
    for (int i = 0; i < 3; i++) {
        D[i * 3 + i] = e[i];
        for (int j = 0; j < 3; j++)
            U[i * 3 + j] = rot[i][j];
    }
    vg_mat_abat(R, U, D, 3, 3);
}

static void test_covariance_stays_positive_definite_over_10000_updates(void **state)
{
    (void)state;
    uint64_t s = 41;
    double truth[N] = {500, 800, 120, 5, -3, 0.5};
    const double q = 1.0;
    double R[9], z[3] = {0};
    ill_conditioned_R(R, (const double[3]){1e-6, 1.0, 1e6}, &s);
    vg_meas_model m = position_model(z, R);
    measure(&m, truth, &s);
    vg_kf kf;
    vg_kf_init_position(&kf, &m, 100.0);
    double rot[3][3];
    make_rot(rot, 0.02 * DEG, 0.01 * DEG, 0.0);
    int polar = 0;
    for (int k = 0; k < 10000; k++) {
        double dt = th_uniform(&s, 0.05, 2.0);
        truth_step(truth, dt, q, &s);
        vg_kf_predict_cv(&kf, dt, q);
        if (k % 5 == 4) {
            /* Every fifth step a radar plot with a millimetre range and a 1° beam
             * (condition number ~ 1e8 at a few kilometres), plus a precise range rate. */
            m = polar_model((vg_vec3){-1500, -1400, 20}, rot, true, 1e-3, 1.0 * DEG,
                            1.0 * DEG, 1e-3);
            polar++;
        } else {
            double e[3] = {1e-6, th_uniform(&s, 1e-3, 1e3), 1e6};
            ill_conditioned_R(R, e, &s);
            m = position_model(z, R);
        }
        measure(&m, truth, &s);
        int rc = vg_kf_update(&kf, &m, NULL);
        if (rc != VG_OK)
            fail_msg("step %d: update returned %d", k, rc);
        double L[N * N];
        if (vg_mat_cholesky(L, kf.P, N) != VG_OK)
            fail_msg("step %d: P is no longer positive definite", k);
        assert_exactly_symmetric(kf.P, N);
    }
    assert_int_equal(polar, 2000);
    /* And the estimate still tracks the truth. */
    assert_true(nees(&kf, truth) < 100.0);
}

/* ---- consistency (Monte Carlo) ------------------------------------------------------ */

#define MC_RUNS 200
#define MC_STEPS 50

typedef struct mc_result {
    double nees[MC_STEPS], nis[MC_STEPS]; /* run averages per step */
    double nees_all, nis_all;             /* over every run and step */
} mc_result;

/* Counts the steps whose run-averaged statistic leaves the two-sided 95 % interval
 * of χ²(dof·runs)/runs, and prints both the interval and the figures measured. */
static int steps_outside(const double *avg, int dof, const char *what, double *lo,
                         double *hi)
{
    double k = (double)dof * MC_RUNS;
    *lo = chi2_quantile(k, -Z975) / MC_RUNS;
    *hi = chi2_quantile(k, Z975) / MC_RUNS;
    int out = 0;
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < MC_STEPS; i++) {
        if (avg[i] < *lo || avg[i] > *hi)
            out++;
        mn = fmin(mn, avg[i]);
        mx = fmax(mx, avg[i]);
    }
    print_message("%s: per-step run average in [%.3f, %.3f], 95%% bounds [%.3f, %.3f], "
                  "%d of %d steps outside\n",
                  what, mn, mx, *lo, *hi, out, MC_STEPS);
    return out;
}

static void check_consistency(const mc_result *r, int meas_dof, const char *name)
{
    char what[64];
    double lo, hi;
    snprintf(what, sizeof what, "%s NEES (6 dof)", name);
    int out = steps_outside(r->nees, N, what, &lo, &hi);
    print_message("%s: average NEES over all runs and steps %.3f\n", name, r->nees_all);
    /* About 5 % of steps fall outside by chance: 2.5 of 50 on average, and at most 7
     * with 99 % probability for independent steps (binomial). A filter whose q is
     * 30 % off (either way) puts 23 to 46 of the 50 steps out. */
    assert_true(out <= 7);
    assert_true(r->nees_all > lo && r->nees_all < hi);

    snprintf(what, sizeof what, "%s NIS (%d dof)", name, meas_dof);
    out = steps_outside(r->nis, meas_dof, what, &lo, &hi);
    assert_true(out <= 7);
    /* Innovations of a consistent filter are white: the grand average is a χ² of
     * dof·runs·steps degrees of freedom, a much tighter interval. */
    double k = (double)meas_dof * MC_RUNS * MC_STEPS;
    double glo = chi2_quantile(k, -Z975) / (MC_RUNS * MC_STEPS);
    double ghi = chi2_quantile(k, Z975) / (MC_RUNS * MC_STEPS);
    print_message("%s: average NIS over all runs and steps %.4f, 95%% bounds [%.4f, %.4f]\n",
                  name, r->nis_all, glo, ghi);
    assert_true(r->nis_all > glo && r->nis_all < ghi);
}

static void test_position_filter_is_consistent_nees_and_nis(void **state)
{
    (void)state;
    uint64_t s = 51;
    const double dt = 1.0, q = 0.5, vel_var = 100.0;
    const double R[9] = {25, 6, -3, 6, 16, 2, -3, 2, 36};
    mc_result r;
    memset(&r, 0, sizeof r);
    for (int run = 0; run < MC_RUNS; run++) {
        double truth[N] = {th_uniform(&s, -500, 500), th_uniform(&s, -500, 500), 100, 0, 0, 0};
        for (int i = 3; i < N; i++)
            truth[i] = sqrt(vel_var) * gauss(&s);
        double z[3] = {0};
        vg_meas_model m = position_model(z, R);
        measure(&m, truth, &s);
        vg_kf kf;
        vg_kf_init_position(&kf, &m, vel_var);
        for (int k = 0; k < MC_STEPS; k++) {
            truth_step(truth, dt, q, &s);
            vg_kf_predict_cv(&kf, dt, q);
            measure(&m, truth, &s);
            double d2;
            assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, &d2), VG_OK);
            assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_OK);
            double e = nees(&kf, truth);
            r.nees[k] += e / MC_RUNS;
            r.nis[k] += d2 / MC_RUNS;
            r.nees_all += e / (MC_RUNS * MC_STEPS);
            r.nis_all += d2 / (MC_RUNS * MC_STEPS);
        }
    }
    check_consistency(&r, 3, "position");
}

/* Radar plots (range, azimuth, elevation, range rate) from a sensor about 2 km away.
 * The EKF linearises h around its estimate; at 2 km with a 0.3° beam the curvature
 * of the range/azimuth surface over one standard deviation is centimetres against
 * ~10 m of cross-range noise, so no loosening of the bounds is needed. Each run
 * starts, as the tracker will, from the first plot turned into a position. */
static void test_polar_filter_from_2km_is_consistent_nees_and_nis(void **state)
{
    (void)state;
    uint64_t s = 52;
    const double dt = 1.0, q = 0.5, vel_var = 100.0;
    double rot[3][3];
    make_rot(rot, 0.017 * DEG, 0.013 * DEG, -0.009 * DEG); /* curvature, 2 km away */
    vg_vec3 sensor = {-1500, -1400, 20};
    mc_result r;
    memset(&r, 0, sizeof r);
    for (int run = 0; run < MC_RUNS; run++) {
        double truth[N] = {th_uniform(&s, -300, 300), th_uniform(&s, -300, 300), 100, 0, 0, 0};
        for (int i = 3; i < N; i++)
            truth[i] = sqrt(vel_var) * gauss(&s);
        vg_meas_model m = polar_model(sensor, rot, true, 5.0, 0.3 * DEG, 0.3 * DEG, 0.5);
        measure(&m, truth, &s);
        vg_meas_model pos;
        assert_int_equal(vg_meas_to_position(&m, &pos), VG_OK);
        vg_kf kf;
        vg_kf_init_position(&kf, &pos, vel_var);
        for (int k = 0; k < MC_STEPS; k++) {
            truth_step(truth, dt, q, &s);
            vg_kf_predict_cv(&kf, dt, q);
            measure(&m, truth, &s);
            double d2;
            assert_int_equal(vg_kf_innovation(&kf, &m, NULL, NULL, &d2), VG_OK);
            assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_OK);
            double e = nees(&kf, truth);
            r.nees[k] += e / MC_RUNS;
            r.nis[k] += d2 / MC_RUNS;
            r.nees_all += e / (MC_RUNS * MC_STEPS);
            r.nis_all += d2 / (MC_RUNS * MC_STEPS);
        }
    }
    check_consistency(&r, 4, "polar 2 km");
}

/* ---- IMM ---------------------------------------------------------------------------- */

static void test_imm_init_builds_row_stochastic_switching_matrix(void **state)
{
    (void)state;
    vg_kf kf = {{1, 2, 3, 4, 5, 6}, {0}};
    vg_mat_identity(kf.P, N);
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){0.1, 10.0}, (const double[2]){0.8, 0.2}, 0.97);
    for (int j = 0; j < VG_IMM_MODELS; j++)
        assert_memory_equal(&imm.model[j], &kf, sizeof kf);
    assert_near(imm.q[0], 0.1, 0.0);
    assert_near(imm.q[1], 10.0, 0.0);
    assert_near(imm.mu[0], 0.8, 1e-15);
    assert_near(imm.mu[1], 0.2, 1e-15);
    assert_near(imm.trans[0][0], 0.97, 0.0);
    assert_near(imm.trans[1][1], 0.97, 0.0);
    assert_near(imm.trans[0][1], 0.03, 1e-15);
    assert_near(imm.trans[1][0], 0.03, 1e-15);
    /* Probabilities that do not sum to 1, or are 0, are floored and renormalised. */
    vg_imm_init(&imm, &kf, (const double[2]){0.1, 10.0}, (const double[2]){2.0, 0.0}, 0.9);
    assert_near(imm.mu[0] + imm.mu[1], 1.0, 1e-15);
    assert_true(imm.mu[1] >= 0.99 * VG_IMM_MU_FLOOR);
}

/* Mixing written out for two models with the formulas of Blom & Bar-Shalom. */
static void test_imm_mixing_matches_hand_computation(void **state)
{
    (void)state;
    uint64_t s = 61;
    vg_kf kf = {{0}, {0}};
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){0.2, 8.0}, (const double[2]){0.7, 0.3}, 0.9);
    for (int j = 0; j < 2; j++) {
        for (int i = 0; i < N; i++)
            imm.model[j].x[i] = th_uniform(&s, -20, 20);
        random_spd(imm.model[j].P, N, 1.0, 2.0, &s);
    }
    vg_imm ref = imm;
    const double dt = 0.8;
    vg_imm_predict(&imm, dt);

    double mu[2] = {0.7, 0.3}, t[2][2] = {{0.9, 0.1}, {0.1, 0.9}};
    double c[2] = {t[0][0] * mu[0] + t[1][0] * mu[1], t[0][1] * mu[0] + t[1][1] * mu[1]};
    assert_near(c[0], 0.66, 1e-15);
    assert_near(imm.mu[0], 0.66, 1e-15);
    assert_near(imm.mu[1], 0.34, 1e-15);
    for (int j = 0; j < 2; j++) {
        double w0 = t[0][j] * mu[0] / c[j], w1 = t[1][j] * mu[1] / c[j];
        vg_kf mixed;
        for (int i = 0; i < N; i++)
            mixed.x[i] = w0 * ref.model[0].x[i] + w1 * ref.model[1].x[i];
        for (int a = 0; a < N; a++)
            for (int b = 0; b < N; b++) {
                double d0a = ref.model[0].x[a] - mixed.x[a], d0b = ref.model[0].x[b] - mixed.x[b];
                double d1a = ref.model[1].x[a] - mixed.x[a], d1b = ref.model[1].x[b] - mixed.x[b];
                mixed.P[a * N + b] = w0 * (ref.model[0].P[a * N + b] + d0a * d0b) +
                                     w1 * (ref.model[1].P[a * N + b] + d1a * d1b);
            }
        vg_kf_predict_cv(&mixed, dt, ref.q[j]);
        assert_mat_near(imm.model[j].x, mixed.x, N, 1, 1e-12);
        assert_mat_near(imm.model[j].P, mixed.P, N, N, 1e-11);
        assert_exactly_symmetric(imm.model[j].P, N);
    }

    /* dt = 0 changes nothing: no mixing in zero time. */
    ref = imm;
    vg_imm_predict(&imm, 0.0);
    assert_memory_equal(&imm, &ref, sizeof imm);
}

static void test_imm_combine_adds_the_spread_of_the_means(void **state)
{
    (void)state;
    vg_kf kf = {{0}, {0}};
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){1, 1}, (const double[2]){0.25, 0.75}, 0.9);
    vg_mat_identity(imm.model[0].P, N);
    vg_mat_identity(imm.model[1].P, N);
    vg_mat_scale(imm.model[1].P, 3.0, N, N);
    imm.model[0].x[0] = 4.0; /* means 4 and 0 on east: combined 1 */
    vg_kf out;
    vg_imm_combine(&imm, &out);
    assert_near(out.x[0], 1.0, 1e-15);
    /* P_ee = 0.25·(1 + 9) + 0.75·(3 + 1) = 5.5; other diagonals 0.25 + 2.25 = 2.5. */
    assert_near(out.P[0], 5.5, 1e-14);
    assert_near(out.P[1 * N + 1], 2.5, 1e-14);
    assert_near(out.P[0 * N + 1], 0.0, 0.0);
    assert_exactly_symmetric(out.P, N);
}

static void test_imm_with_identical_models_behaves_as_single_kf(void **state)
{
    (void)state;
    uint64_t s = 62;
    double truth[N] = {100, 200, 50, 10, -5, 0};
    double R[9] = {16, 2, 0, 2, 9, 1, 0, 1, 25}, z[3] = {0};
    vg_meas_model m = position_model(z, R);
    measure(&m, truth, &s);
    vg_kf kf;
    vg_kf_init_position(&kf, &m, 50.0);
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){2.0, 2.0}, (const double[2]){0.6, 0.4}, 0.9);
    for (int k = 0; k < 100; k++) {
        truth_step(truth, 1.0, 2.0, &s);
        vg_kf_predict_cv(&kf, 1.0, 2.0);
        vg_imm_predict(&imm, 1.0);
        measure(&m, truth, &s);
        assert_int_equal(vg_kf_update(&kf, &m, NULL), VG_OK);
        assert_int_equal(vg_imm_update(&imm, &m), VG_OK);
    }
    vg_kf c;
    vg_imm_combine(&imm, &c);
    assert_mat_near(c.x, kf.x, N, 1, 1e-9);
    assert_mat_near(c.P, kf.P, N, N, 1e-9);
    /* Equal likelihoods: the probabilities converge to the chain's stationary ½, ½. */
    assert_near(imm.mu[0], 0.5, 1e-6);
}

static void test_imm_probabilities_stay_floored_and_normalised_on_outliers(void **state)
{
    (void)state;
    vg_kf kf = {{0, 0, 100, 0, 0, 0}, {0}};
    vg_mat_identity(kf.P, N);
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){0.01, 50.0}, (const double[2]){0.5, 0.5}, 0.95);
    double R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    for (int k = 0; k < 20; k++) {
        vg_imm_predict(&imm, 1.0);
        /* 1e4 m away: both log-likelihoods are around −1e7; exp of either underflows,
         * their difference does not. */
        double z[3] = {1e4 * (k % 2 ? 1 : -1), 0, 100};
        vg_meas_model m = position_model(z, R);
        assert_int_equal(vg_imm_update(&imm, &m), VG_OK);
        double sum = 0.0;
        for (int j = 0; j < VG_IMM_MODELS; j++) {
            assert_true(isfinite(imm.mu[j]));
            assert_true(imm.mu[j] >= 0.99 * VG_IMM_MU_FLOOR);
            sum += imm.mu[j];
        }
        assert_near(sum, 1.0, 1e-14);
    }
    /* The manoeuvring model explains such jumps far better. */
    assert_true(imm.mu[1] > 0.99);
    assert_true(imm.mu[0] < 1e-6);
    vg_kf c;
    vg_imm_combine(&imm, &c);
    for (int i = 0; i < N * N; i++)
        assert_true(isfinite(c.P[i]));
}

static void test_imm_update_failure_leaves_imm_unchanged(void **state)
{
    (void)state;
    double rot[3][3];
    identity_rot(rot);
    vg_kf kf = {{100, 200, 10, 1, 1, 1}, {0}};
    vg_mat_identity(kf.P, N);
    vg_imm imm;
    vg_imm_init(&imm, &kf, (const double[2]){0.1, 10.0}, (const double[2]){0.8, 0.2}, 0.95);
    vg_imm ref = imm;
    vg_meas_model m = polar_model((vg_vec3){100, 200, 10}, rot, false, 5, 0.01, 0.01, 0);
    assert_int_equal(vg_imm_update(&imm, &m), VG_ERANGE);
    assert_memory_equal(&imm, &ref, sizeof imm);
    m.dim = 4;
    assert_int_equal(vg_imm_update(&imm, &m), VG_EINVAL);
    assert_memory_equal(&imm, &ref, sizeof imm);
}

/* A target that flies straight east at 15 m/s, turns 90° left in 5 s (4.7 m/s²),
 * flies north, then brakes to a hover at 5 m/s² and stays there. Position
 * measurements every second, σ 5 m per axis. */
#define IMM_STEPS 100
#define TURN_START 30 /* steps k with TURN_START ≤ k < TURN_END are turning */
#define TURN_END 35
#define STOP_START 65
#define STOP_END 68

static void imm_truth(double t[N], int k)
{
    /* Integrate second k → k + 1 in small steps: exact enough (mm) for a 5 m noise. */
    const int sub = 100;
    const double h = 1.0 / sub, omega = (VG_PI / 2.0) / (TURN_END - TURN_START);
    for (int i = 0; i < sub; i++) {
        double a[3] = {0, 0, 0};
        if (k >= TURN_START && k < TURN_END) { /* a = ω × v, left turn */
            a[0] = -omega * t[4];
            a[1] = omega * t[3];
        } else if (k >= STOP_START && k < STOP_END) {
            double sp = hypot(t[3], t[4]);
            if (sp > 1e-9) {
                double dec = fmin(5.0, sp / h);
                a[0] = -dec * t[3] / sp;
                a[1] = -dec * t[4] / sp;
            }
        }
        for (int j = 0; j < 3; j++) {
            t[j] += h * t[j + 3] + 0.5 * h * h * a[j];
            t[j + 3] += h * a[j];
        }
    }
}

static void test_imm_manoeuvring_model_rises_in_manoeuvres_and_beats_quiet_ekf(
    void **state)
{
    (void)state;
    const int runs = 40;
    const double q_quiet = 0.05, q_man = 20.0;
    double mu_man[IMM_STEPS] = {0};
    double se_imm = 0.0, se_ekf = 0.0;
    int n_man = 0;
    uint64_t s = 71;
    const double R[9] = {25, 0, 0, 0, 25, 0, 0, 0, 25};
    for (int run = 0; run < runs; run++) {
        double truth[N] = {0, 0, 120, 15, 0, 0};
        double z[3] = {0};
        vg_meas_model m = position_model(z, R);
        measure(&m, truth, &s);
        vg_kf ekf;
        vg_kf_init_position(&ekf, &m, 15.0 * 15.0);
        vg_imm imm;
        vg_imm_init(&imm, &ekf, (const double[2]){q_quiet, q_man},
                    (const double[2]){0.9, 0.1}, 0.95);
        for (int k = 0; k < IMM_STEPS; k++) {
            imm_truth(truth, k);
            vg_kf_predict_cv(&ekf, 1.0, q_quiet);
            vg_imm_predict(&imm, 1.0);
            measure(&m, truth, &s);
            assert_int_equal(vg_kf_update(&ekf, &m, NULL), VG_OK);
            assert_int_equal(vg_imm_update(&imm, &m), VG_OK);
            mu_man[k] += imm.mu[1] / runs;
            /* Position error during each manoeuvre and the few seconds after it
             * (step k measures the state at the end of second k). */
            bool in_man = (k >= TURN_START && k < TURN_END + 5) ||
                          (k >= STOP_START && k < STOP_END + 5);
            if (in_man) {
                vg_kf c;
                vg_imm_combine(&imm, &c);
                for (int i = 0; i < 3; i++) {
                    se_imm += (c.x[i] - truth[i]) * (c.x[i] - truth[i]);
                    se_ekf += (ekf.x[i] - truth[i]) * (ekf.x[i] - truth[i]);
                }
                n_man++;
            }
        }
    }
    double rms_imm = sqrt(se_imm / n_man), rms_ekf = sqrt(se_ekf / n_man);

    /* Averages of the manoeuvring model's probability over windows. */
    double before = 0, turn = 0, between = 0, stop = 0, after = 0;
    for (int k = 15; k < TURN_START; k++)
        before += mu_man[k] / (TURN_START - 15);
    for (int k = TURN_START; k < TURN_END + 2; k++)
        turn += mu_man[k] / (TURN_END + 2 - TURN_START);
    for (int k = STOP_START - 10; k < STOP_START; k++)
        between += mu_man[k] / 10;
    for (int k = STOP_START; k < STOP_END + 2; k++)
        stop += mu_man[k] / (STOP_END + 2 - STOP_START);
    for (int k = IMM_STEPS - 10; k < IMM_STEPS; k++)
        after += mu_man[k] / 10;
    print_message("IMM: mean P(manoeuvring) before turn %.3f, turn %.3f, after turn %.3f, "
                  "stop %.3f, hover %.3f\n",
                  before, turn, between, stop, after);
    print_message("IMM: position RMS error in manoeuvres %.2f m, quiet-model EKF %.2f m\n",
                  rms_imm, rms_ekf);
    assert_true(turn > 0.4 && turn > 3.0 * before);
    assert_true(stop > 0.4 && stop > 3.0 * between);
    assert_true(between < 0.5 * turn);
    assert_true(after < 0.5 * stop);
    assert_true(rms_imm < 0.7 * rms_ekf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_matches_hand_computed_fpft_plus_q),
        cmocka_unit_test(test_predict_with_zero_dt_changes_nothing),
        cmocka_unit_test(test_predict_keeps_covariance_exactly_symmetric),
        cmocka_unit_test(test_predict_equals_row_column_procedure_to_the_bit),
        cmocka_unit_test(test_position_gate_matches_independent_computation),
        cmocka_unit_test(test_position_update_equals_textbook_linear_kalman_filter),
        cmocka_unit_test(test_innovation_outputs_are_optional),
        cmocka_unit_test(test_init_position_sets_state_and_covariance_from_measurement),
        cmocka_unit_test(test_polar_jacobian_matches_central_differences),
        cmocka_unit_test(test_bearing_jacobian_matches_central_differences),
        cmocka_unit_test(test_position_model_is_the_identity_on_position),
        cmocka_unit_test(test_polar_prediction_agrees_with_geo_polar_conversion),
        cmocka_unit_test(test_angle_wrap_maps_into_minus_pi_exclusive_pi_inclusive),
        cmocka_unit_test(test_azimuth_innovation_wraps_across_north),
        cmocka_unit_test(test_target_straight_above_sensor_is_refused_without_nan),
        cmocka_unit_test(test_target_at_sensor_is_refused_and_filter_unchanged),
        cmocka_unit_test(
            test_update_with_non_positive_definite_s_fails_and_leaves_filter_unchanged),
        cmocka_unit_test(test_malformed_models_are_rejected_with_einval),
        cmocka_unit_test(test_r_is_read_packed_with_stride_dim),
        cmocka_unit_test(test_polar_plot_to_position_round_trips),
        cmocka_unit_test(test_covariance_stays_positive_definite_over_10000_updates),
        cmocka_unit_test(test_position_filter_is_consistent_nees_and_nis),
        cmocka_unit_test(test_polar_filter_from_2km_is_consistent_nees_and_nis),
        cmocka_unit_test(test_imm_init_builds_row_stochastic_switching_matrix),
        cmocka_unit_test(test_imm_mixing_matches_hand_computation),
        cmocka_unit_test(test_imm_combine_adds_the_spread_of_the_means),
        cmocka_unit_test(test_imm_with_identical_models_behaves_as_single_kf),
        cmocka_unit_test(test_imm_probabilities_stay_floored_and_normalised_on_outliers),
        cmocka_unit_test(test_imm_update_failure_leaves_imm_unchanged),
        cmocka_unit_test(test_imm_manoeuvring_model_rises_in_manoeuvres_and_beats_quiet_ekf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
