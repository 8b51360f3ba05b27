/* track/kf.c — the extended Kalman filter: CV prediction, innovation, update.
 *
 * One state per track, [e, n, u, ve, vn, vu] with its covariance, predicted with a
 * nearly-constant-velocity model and updated with any measurement model of
 * measmodel.c. The update is in Joseph form and goes through the Cholesky factor of
 * the innovation covariance: it costs a little more than the textbook form, but it
 * keeps P symmetric positive definite when R is badly conditioned or the gain is
 * slightly off, which is exactly when the textbook form starts producing negative
 * variances. Every failure is detected before anything is written. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "track/kf_axes.h"
#include "vigie/error.h"
#include "vigie/filter.h"
#include "vigie/mat.h"

#define N VG_KF_N

/* The entries of P that decoupled axes leave nonzero, gathered in *e and pointed to
 * by the result; set_axes_cov puts them back. */
typedef struct axes_entries {
    double pp[3], pv[3], vp[3], vv[3];
} axes_entries;

static vg_axes_cov axes_cov_of(const double *P, axes_entries *e)
{
    for (int a = 0; a < 3; a++) {
        e->pp[a] = P[a * N + a];
        e->pv[a] = P[a * N + a + 3];
        e->vp[a] = P[(a + 3) * N + a];
        e->vv[a] = P[(a + 3) * N + a + 3];
    }
    return (vg_axes_cov){e->pp, e->pv, e->vp, e->vv};
}

static void set_axes_cov(double *P, const axes_entries *e)
{
    for (int a = 0; a < 3; a++) {
        P[a * N + a] = e->pp[a];
        P[a * N + a + 3] = e->pv[a];
        P[(a + 3) * N + a] = e->vp[a];
        P[(a + 3) * N + a + 3] = e->vv[a];
    }
}

/* F·P·Fᵀ + Q exploits F = I + dt·E, E moving velocity into position: P's rows gain
 * dt times their velocity counterpart, then its columns. Written out on the upper
 * triangle — this runs for every track at every scan — with exactly the
 * operations, in the order, of the row pass, column pass and symmetrisation it
 * replaces, so the result is the same to the bit. Only the position-position block
 * is formed two ways (rows first or columns first round differently); the other
 * blocks are the same either way. */
void vg_kf_predict_cv(vg_kf *kf, double dt, double q)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return;
    double *P = kf->P;
    if (!vg_kf_coupled(P)) {
        /* Decoupled axes (kf_axes.c): the general formulas without their +0 terms. */
        axes_entries e;
        vg_axes_cov c = axes_cov_of(P, &e);
        vg_axes_predict(kf->x, &c, dt, q);
        set_axes_cov(P, &e);
        return;
    }
    for (int i = 0; i < 3; i++)
        kf->x[i] += dt * kf->x[i + 3];
    double dt2 = dt * dt;
    double qpp = q * dt2 * dt / 3.0, qpv = q * dt2 / 2.0, qvv = q * dt;
    /* pv[i][j] = row pass of P[i][j+3]: (F·P)[i][j+3], which the column pass leaves. */
    double pv[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            pv[i][j] = P[i * N + j + 3] + dt * P[(i + 3) * N + j + 3];
    for (int i = 0; i < 3; i++) {
        for (int j = i; j < 3; j++) {
            /* (F·P·Fᵀ)[i][j] with rows first, and [j][i] the same way, averaged. */
            double a = (P[i * N + j] + dt * P[(i + 3) * N + j]) + dt * pv[i][j];
            if (j == i) {
                P[i * N + i] = a + qpp;
                continue;
            }
            double b = (P[j * N + i] + dt * P[(j + 3) * N + i]) + dt * pv[j][i];
            double s = 0.5 * (a + b);
            P[i * N + j] = s;
            P[j * N + i] = s;
        }
        for (int j = 0; j < 3; j++) {
            double v = i == j ? pv[i][j] + qpv : pv[i][j];
            P[i * N + j + 3] = v;
            P[(j + 3) * N + i] = v;
        }
        P[(i + 3) * N + i + 3] += qvv;
    }
}

/* Everything an update needs from the innovation, computed once. */
typedef struct innov {
    int dim;
    double nu[VG_MEAS_MAX];
    double H[VG_MEAS_MAX * N];
    double S[VG_MEAS_MAX * VG_MEAS_MAX];
    double L[VG_MEAS_MAX * VG_MEAS_MAX]; /* Cholesky factor of S */
    double d2;
} innov;

/* Innovation of m against kf into *in. Returns 0, VG_EINVAL or VG_ERANGE. */
static int innovate(const vg_kf *kf, const vg_meas_model *m, innov *in)
{
    double zhat[VG_MEAS_MAX];
    int rc = vg_meas_predict(m, kf->x, zhat, in->H);
    if (rc != VG_OK)
        return rc;
    int d = m->dim;
    in->dim = d;
    vg_meas_residual(m, zhat, in->nu);
    for (int i = 0; i < d; i++)
        if (!isfinite(in->nu[i]))
            return VG_ERANGE;

    vg_mat_abat(in->S, in->H, kf->P, d, N); /* H·P·Hᵀ, exactly symmetric */
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            in->S[i * d + j] += m->R[i * d + j];
    /* An R that is not exactly symmetric must not make S asymmetric: the Cholesky
     * reads only S's lower triangle, and the update uses R as given. */
    vg_mat_symmetrize(in->S, d);
    if (vg_mat_cholesky(in->L, in->S, d) != VG_OK)
        return VG_ERANGE;
    in->d2 = vg_mat_mahalanobis2(in->L, in->nu, d);
    if (!isfinite(in->d2))
        return VG_ERANGE;
    return VG_OK;
}

/* The innovation of a position measurement (H = [I₃ 0]), the common case, without
 * forming H: S = P[0:3,0:3] + R symmetrised, its Cholesky factor L (lower triangle,
 * row-major 3 × 3) and d2 — the very operations of the general path, in its order
 * (a product with H only adds exact zeros and ones), so the results are the same to
 * the bit, for a fraction of the instructions. */
static int innovate_position(const vg_kf *kf, const vg_meas_model *m, double nu[3],
                             double S[9], double L[9], double *d2)
{
    const double *P = kf->P, *R = m->R;
    for (int i = 0; i < 3; i++) {
        nu[i] = m->z[i] - kf->x[i];
        if (!isfinite(nu[i]))
            return VG_ERANGE;
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            S[i * 3 + j] = P[i * N + j] + R[i * 3 + j];
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++) {
            double v = 0.5 * (S[i * 3 + j] + S[j * 3 + i]);
            S[i * 3 + j] = v;
            S[j * 3 + i] = v;
        }
    /* Cholesky–Banachiewicz (vg_mat_cholesky), unrolled. */
    double s00 = S[0];
    if (!(s00 > 0.0) || !isfinite(s00))
        return VG_ERANGE;
    double l00 = sqrt(s00);
    double l10 = S[3] / l00;
    double s11 = S[4] - l10 * l10;
    if (!(s11 > 0.0) || !isfinite(s11))
        return VG_ERANGE;
    double l11 = sqrt(s11);
    double l20 = S[6] / l00;
    double l21 = (S[7] - l20 * l10) / l11;
    double s22 = S[8] - l20 * l20 - l21 * l21;
    if (!(s22 > 0.0) || !isfinite(s22))
        return VG_ERANGE;
    double l22 = sqrt(s22);
    L[0] = l00, L[1] = 0.0, L[2] = 0.0;
    L[3] = l10, L[4] = l11, L[5] = 0.0;
    L[6] = l20, L[7] = l21, L[8] = l22;
    /* vg_mat_mahalanobis2, unrolled. */
    double y0 = nu[0] / l00;
    double y1 = (nu[1] - l10 * y0) / l11;
    double y2 = (nu[2] - l20 * y0 - l21 * y1) / l22;
    double d = 0.0;
    d += y0 * y0;
    d += y1 * y1;
    d += y2 * y2;
    if (!isfinite(d))
        return VG_ERANGE;
    *d2 = d;
    return VG_OK;
}

int vg_kf_innovation(const vg_kf *kf, const vg_meas_model *m, double *nu, double *S,
                     double *d2)
{
    if (m->kind == VG_MM_POSITION && m->dim == 3) {
        double pnu[3], pS[9], L[9], pd2;
        int rc = innovate_position(kf, m, pnu, pS, L, &pd2);
        if (rc != VG_OK)
            return rc;
        if (nu)
            vg_mat_copy(nu, pnu, 3, 1);
        if (S)
            vg_mat_copy(S, pS, 3, 3);
        if (d2)
            *d2 = pd2;
        return VG_OK;
    }
    innov in;
    int rc = innovate(kf, m, &in);
    if (rc != VG_OK)
        return rc;
    if (nu)
        vg_mat_copy(nu, in.nu, in.dim, 1);
    if (S)
        vg_mat_copy(S, in.S, in.dim, in.dim);
    if (d2)
        *d2 = in.d2;
    return VG_OK;
}

/* The gate of a position measurement when S = P[0:3,0:3] + R is diagonal (its
 * off-diagonal entries all +0): kf_axes.c's, from the diagonal alone. */
static bool gate_position_diagonal(const vg_kf *kf, const vg_meas_model *m, double *d2,
                                   double *logdet_s, int *rc)
{
    const double *P = kf->P;
    if ((vg_kf_bits(P[1]) | vg_kf_bits(P[2]) | vg_kf_bits(P[N]) | vg_kf_bits(P[N + 2]) |
         vg_kf_bits(P[2 * N]) | vg_kf_bits(P[2 * N + 1])) != 0 ||
        !vg_kf_r_diagonal(m->R))
        return false;
    double pp[3] = {P[0], P[N + 1], P[2 * N + 2]};
    *rc = vg_axes_gate(kf->x, pp, m, d2, logdet_s);
    return true;
}

int vg_kf_gate(const vg_kf *kf, const vg_meas_model *m, double *d2, double *logdet_s)
{
    if (m->kind == VG_MM_POSITION && m->dim == 3) {
        int drc;
        if (gate_position_diagonal(kf, m, d2, logdet_s, &drc))
            return drc;
        double nu[3], S[9], L[9];
        int rc = innovate_position(kf, m, nu, S, L, d2);
        if (rc != VG_OK)
            return rc;
        *logdet_s = vg_kf_logdet3(L);
        return VG_OK;
    }
    innov in;
    int rc = innovate(kf, m, &in);
    if (rc != VG_OK)
        return rc;
    *d2 = in.d2;
    *logdet_s = vg_mat_chol_logdet(in.L, in.dim);
    return VG_OK;
}

/* The same Joseph-form update for a position measurement (H = [I₃ 0]), written
 * for its structure: H·P is P's first three rows, so no product with H is formed.
 * Same equations, same order of checks, about half the arithmetic of the general
 * path — and position measurements are most of what a tracker sees. */
static int update_position(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    double nu[3], S[9], L[9], d2;
    int rc = innovate_position(kf, m, nu, S, L, &d2);
    if (rc != VG_OK)
        return rc;

    /* Kᵀ = S⁻¹·(H·P), H·P being P's first three rows: vg_mat_cholesky_solve
     * unrolled, column by column, straight into K = (Kᵀ)ᵀ. */
    double K[N * 3];
    const double *P0 = kf->P, *P1 = kf->P + N, *P2 = kf->P + 2 * N;
    for (int c = 0; c < N; c++) {
        double y0 = P0[c] / L[0];
        double y1 = (P1[c] - L[3] * y0) / L[4];
        double y2 = (P2[c] - L[6] * y0 - L[7] * y1) / L[8];
        double k2 = y2 / L[8];
        double k1 = (y1 - L[7] * k2) / L[4];
        double k0 = (y0 - L[3] * k1 - L[6] * k2) / L[0];
        K[c * 3] = k0;
        K[c * 3 + 1] = k1;
        K[c * 3 + 2] = k2;
    }

    double x[N];
    for (int i = 0; i < N; i++)
        x[i] = kf->x[i] + K[i * 3] * nu[0] + K[i * 3 + 1] * nu[1] + K[i * 3 + 2] * nu[2];

    /* Joseph form, P' = (I − K·H)·P·(I − K·H)ᵀ + K·R·Kᵀ, arranged for H = [I₃ 0]:
     *   X = (I − K·H)·P = P − K·P[0:3,:],
     *   P' = X − X[:,0:3]·Kᵀ + (K·R)·Kᵀ = X + Y·Kᵀ with Y = K·R − X[:,0:3],
     * on the upper triangle, mirrored: exactly symmetric, and still the sum of two
     * congruences of P and R (the form that keeps P positive definite when the
     * gain is slightly off), for about half the arithmetic of writing it out. */
    const double *Pin = kf->P, *R = m->R;
    double X[N * N], Y[N * 3], P[N * N];
    for (int i = 0; i < N; i++) {
        double k0 = K[i * 3], k1 = K[i * 3 + 1], k2 = K[i * 3 + 2];
        for (int j = 0; j < N; j++)
            X[i * N + j] = Pin[i * N + j] - (k0 * Pin[j] + k1 * Pin[N + j] + k2 * Pin[2 * N + j]);
        for (int j = 0; j < 3; j++)
            Y[i * 3 + j] = (k0 * R[j] + k1 * R[3 + j] + k2 * R[6 + j]) - X[i * N + j];
    }
    /* Any infinity or NaN makes `bad` a NaN: one test instead of one per entry. */
    double bad = 0.0;
    for (int i = 0; i < N; i++) {
        bad += x[i] * 0.0;
        for (int j = i; j < N; j++) {
            double v = X[i * N + j] + (Y[i * 3] * K[j * 3] + Y[i * 3 + 1] * K[j * 3 + 1] +
                                       Y[i * 3 + 2] * K[j * 3 + 2]);
            P[i * N + j] = v;
            P[j * N + i] = v;
            bad += v * 0.0;
        }
    }
    if (bad != 0.0)
        return VG_ERANGE;
    for (int i = 0; i < N; i++)
        if (!(P[i * N + i] > 0.0))
            return VG_ERANGE;
    if (loglik)
        *loglik = -0.5 * (d2 + 3 * log(2.0 * VG_PI) + vg_mat_chol_logdet(L, 3));
    memcpy(kf->x, x, sizeof x);
    memcpy(kf->P, P, sizeof P);
    return VG_OK;
}

/* update_position for decoupled axes (kf_axes.c): the same checks, in effect, and
 * the same bits; the coupling entries are +0 already, as the general path would
 * leave them. */
static int update_position_axes(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    axes_entries e;
    vg_axes_cov c = axes_cov_of(kf->P, &e);
    int rc = vg_axes_update(kf->x, &c, m, loglik);
    if (rc == VG_OK)
        set_axes_cov(kf->P, &e);
    return rc;
}

int vg_kf_update(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    if (m->kind == VG_MM_POSITION && m->dim == 3)
        return vg_kf_r_diagonal(m->R) && !vg_kf_coupled(kf->P)
                   ? update_position_axes(kf, m, loglik)
                                           : update_position(kf, m, loglik);
    innov in;
    int rc = innovate(kf, m, &in);
    if (rc != VG_OK)
        return rc;
    int d = in.dim;

    /* K = P·Hᵀ·S⁻¹, i.e. Kᵀ = S⁻¹·(H·P) since P is symmetric: one Cholesky solve
     * with N right-hand sides, never forming S⁻¹. */
    double HP[VG_MEAS_MAX * N], Kt[VG_MEAS_MAX * N], K[N * VG_MEAS_MAX];
    vg_mat_mul(HP, in.H, kf->P, d, N, N);
    vg_mat_cholesky_solve(Kt, in.L, HP, d, N);
    vg_mat_transpose(K, Kt, d, N);

    double x[N];
    for (int i = 0; i < N; i++) {
        double s = 0.0;
        for (int k = 0; k < d; k++)
            s += K[i * d + k] * in.nu[k];
        x[i] = kf->x[i] + s;
    }

    /* Joseph form: P = (I − K·H)·P·(I − K·H)ᵀ + K·R·Kᵀ. */
    double A[N * N], P[N * N], KRK[N * N];
    vg_mat_mul(A, K, in.H, N, d, N);
    for (int i = 0; i < N * N; i++)
        A[i] = -A[i];
    for (int i = 0; i < N; i++)
        A[i * N + i] += 1.0;
    vg_mat_abat(P, A, kf->P, N, N);
    vg_mat_abat(KRK, K, m->R, N, d);
    vg_mat_add(P, P, KRK, N, N);
    vg_mat_symmetrize(P, N);

    /* The Joseph form cannot make a variance negative in exact arithmetic; if
     * rounding did, or anything overflowed, refuse rather than store it. A zero
     * variance (a state component known exactly, such as vel_var = 0) is allowed. */
    for (int i = 0; i < N; i++)
        if (!isfinite(x[i]) || !(P[i * N + i] >= 0.0))
            return VG_ERANGE;
    for (int i = 0; i < N * N; i++)
        if (!isfinite(P[i]))
            return VG_ERANGE;

    if (loglik)
        *loglik = -0.5 * (in.d2 + d * log(2.0 * VG_PI) + vg_mat_chol_logdet(in.L, d));
    vg_mat_copy(kf->x, x, N, 1);
    vg_mat_copy(kf->P, P, N, N);
    return VG_OK;
}

void vg_kf_init_position(vg_kf *kf, const vg_meas_model *m, double vel_var)
{
    if (m->kind != VG_MM_POSITION || m->dim != 3)
        return;
    memset(kf->P, 0, sizeof kf->P);
    for (int i = 0; i < 3; i++) {
        kf->x[i] = m->z[i];
        kf->x[i + 3] = 0.0;
        kf->P[(i + 3) * N + i + 3] = vel_var;
        kf->P[i * N + i] = m->R[i * 3 + i];
        /* R's two triangles averaged (vg_mat_symmetrize), should R be asymmetric. */
        for (int j = i + 1; j < 3; j++) {
            double v = 0.5 * (m->R[i * 3 + j] + m->R[j * 3 + i]);
            kf->P[i * N + j] = v;
            kf->P[j * N + i] = v;
        }
    }
}
