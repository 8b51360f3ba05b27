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

#include "vigie/error.h"
#include "vigie/filter.h"
#include "vigie/mat.h"

#define N VG_KF_N

/* F·P·Fᵀ + Q exploits F = I + dt·E, E moving velocity into position: P's rows, then
 * its columns, gain dt times their velocity counterpart — 36 multiply-adds instead of
 * the 432 of two dense 6×6 products, for a step done for every track at every scan. */
void vg_kf_predict_cv(vg_kf *kf, double dt, double q)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return;
    for (int i = 0; i < 3; i++)
        kf->x[i] += dt * kf->x[i + 3];

    double *P = kf->P;
    for (int i = 0; i < 3; i++) /* rows: A = F·P */
        for (int j = 0; j < N; j++)
            P[i * N + j] += dt * P[(i + 3) * N + j];
    for (int j = 0; j < 3; j++) /* columns: A·Fᵀ */
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
    vg_mat_symmetrize(P, N);
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

int vg_kf_innovation(const vg_kf *kf, const vg_meas_model *m, double *nu, double *S,
                     double *d2)
{
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

int vg_kf_gate(const vg_kf *kf, const vg_meas_model *m, double *d2, double *logdet_s)
{
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
    double nu[3], S[9], L[9];
    for (int i = 0; i < 3; i++) {
        nu[i] = m->z[i] - kf->x[i];
        if (!isfinite(nu[i]))
            return VG_ERANGE;
        for (int j = 0; j < 3; j++)
            S[i * 3 + j] = kf->P[i * N + j] + m->R[i * 3 + j];
    }
    vg_mat_symmetrize(S, 3);
    if (vg_mat_cholesky(L, S, 3) != VG_OK)
        return VG_ERANGE;
    double d2 = vg_mat_mahalanobis2(L, nu, 3);
    if (!isfinite(d2))
        return VG_ERANGE;

    /* Kᵀ = S⁻¹·(H·P), H·P being P's first three rows. */
    double Kt[3 * N], K[N * 3];
    vg_mat_cholesky_solve(Kt, L, kf->P, 3, N);
    vg_mat_transpose(K, Kt, 3, N);

    double x[N];
    for (int i = 0; i < N; i++)
        x[i] = kf->x[i] + K[i * 3] * nu[0] + K[i * 3 + 1] * nu[1] + K[i * 3 + 2] * nu[2];

    /* X = (I − K·H)·P = P − K·P[0:3,:]; then P' = X·(I − K·H)ᵀ + K·R·Kᵀ
     *   = X − X[:,0:3]·Kᵀ + K·R·Kᵀ, upper triangle mirrored: exactly symmetric. */
    double X[N * N], KR[N * 3], P[N * N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            X[i * N + j] = kf->P[i * N + j] - (K[i * 3] * kf->P[j] + K[i * 3 + 1] * kf->P[N + j] +
                                               K[i * 3 + 2] * kf->P[2 * N + j]);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < 3; j++)
            KR[i * 3 + j] = K[i * 3] * m->R[j] + K[i * 3 + 1] * m->R[3 + j] +
                            K[i * 3 + 2] * m->R[6 + j];
    for (int i = 0; i < N; i++)
        for (int j = i; j < N; j++) {
            double v = X[i * N + j];
            for (int k = 0; k < 3; k++)
                v += KR[i * 3 + k] * K[j * 3 + k] - X[i * N + k] * K[j * 3 + k];
            P[i * N + j] = v;
            P[j * N + i] = v;
        }
    for (int i = 0; i < N; i++)
        if (!isfinite(x[i]) || !(P[i * N + i] > 0.0))
            return VG_ERANGE;
    for (int i = 0; i < N * N; i++)
        if (!isfinite(P[i]))
            return VG_ERANGE;
    if (loglik)
        *loglik = -0.5 * (d2 + 3 * log(2.0 * VG_PI) + vg_mat_chol_logdet(L, 3));
    vg_mat_copy(kf->x, x, N, 1);
    vg_mat_copy(kf->P, P, N, N);
    return VG_OK;
}

int vg_kf_update(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    if (m->kind == VG_MM_POSITION && m->dim == 3)
        return update_position(kf, m, loglik);
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
    vg_mat_zero(kf->P, N, N);
    for (int i = 0; i < 3; i++) {
        kf->x[i] = m->z[i];
        kf->x[i + 3] = 0.0;
        for (int j = 0; j < 3; j++)
            kf->P[i * N + j] = m->R[i * 3 + j];
        kf->P[(i + 3) * N + i + 3] = vel_var;
    }
    vg_mat_symmetrize(kf->P, N);
}
