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

#include "vigie/error.h"
#include "vigie/filter.h"
#include "vigie/mat.h"

#define N VG_KF_N

/* F·P·Fᵀ + Q exploits F = I + dt·E, E moving velocity into position: P's rows gain
 * dt times their velocity counterpart, then its columns. Written out on the upper
 * triangle — this runs for every track at every scan — with exactly the
 * operations, in the order, of the row pass, column pass and symmetrisation it
 * replaces, so the result is the same to the bit. Only the position-position block
 * is formed two ways (rows first or columns first round differently); the other
 * blocks are the same either way. */
static bool coupled(const double *P);

void vg_kf_predict_cv(vg_kf *kf, double dt, double q)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return;
    for (int i = 0; i < 3; i++)
        kf->x[i] += dt * kf->x[i + 3];

    double *P = kf->P;
    double dt2 = dt * dt;
    double qpp = q * dt2 * dt / 3.0, qpv = q * dt2 / 2.0, qvv = q * dt;
    if (!coupled(P)) {
        /* Decoupled axes (see "three decoupled axes" below): every coupling entry
         * of the general formulas is a sum of +0 and dt·(+0), so stays +0, and each
         * axis's own entries are the general formulas' without their +0 terms. */
        for (int i = 0; i < 3; i++) {
            double pv = P[i * N + i + 3] + dt * P[(i + 3) * N + i + 3];
            double a = (P[i * N + i] + dt * P[(i + 3) * N + i]) + dt * pv;
            P[i * N + i] = a + qpp;
            P[i * N + i + 3] = P[(i + 3) * N + i] = pv + qpv;
            P[(i + 3) * N + i + 3] += qvv;
        }
        return;
    }
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

/* ln det S from its Cholesky factor: one logarithm of the diagonal's product when
 * that product is an ordinary number (it always is for covariances in m², from
 * micrometres to light-seconds), else the sum of the logarithms. */
static double logdet3(const double L[9])
{
    double p = L[0] * L[4] * L[8];
    if (isnormal(p))
        return 2.0 * log(p);
    return vg_mat_chol_logdet(L, 3);
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

static bool axes_decoupled(const double *P, const double *R);
static uint64_t bits_of(double v);

/* The gate of a position measurement when S = P[0:3,0:3] + R is diagonal (its
 * off-diagonal entries all +0): innovate_position's Cholesky factor is then
 * diagonal, and its d² and ln det the same numbers from the diagonal alone (the
 * dropped terms are +0 and ±0, which change no nonzero sum, and y² is blind to the
 * sign of a zero y). */
static bool gate_position_diagonal(const vg_kf *kf, const vg_meas_model *m, double *d2,
                                   double *logdet_s, int *rc)
{
    const double *P = kf->P, *R = m->R;
    if ((bits_of(P[1]) | bits_of(P[2]) | bits_of(P[N]) | bits_of(P[N + 2]) |
         bits_of(P[2 * N]) | bits_of(P[2 * N + 1]) | bits_of(R[1]) | bits_of(R[2]) |
         bits_of(R[3]) | bits_of(R[5]) | bits_of(R[6]) | bits_of(R[7])) != 0)
        return false;
    *rc = VG_ERANGE;
    double nu[3], L[9] = {0.0};
    for (int i = 0; i < 3; i++) {
        nu[i] = m->z[i] - kf->x[i];
        if (!isfinite(nu[i]))
            return true;
    }
    double d = 0.0;
    for (int a = 0; a < 3; a++) {
        double sa = P[a * N + a] + R[a * 3 + a];
        if (!(sa > 0.0) || !isfinite(sa))
            return true;
        L[a * 4] = sqrt(sa);
    }
    for (int a = 0; a < 3; a++) {
        double y = nu[a] / L[a * 4];
        d += y * y;
    }
    if (!isfinite(d))
        return true;
    *d2 = d;
    *logdet_s = logdet3(L);
    *rc = VG_OK;
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
        *logdet_s = logdet3(L);
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

/* ---- three decoupled axes ---------------------------------------------------
 *
 * A track started from position measurements with a diagonal R (enu detections,
 * most radars after conversion...), predicted by the CV model and updated by such
 * measurements keeps every covariance entry that couples two different axes
 * (east, north, up — state i is on axis i mod 3) at exactly +0: each such entry of
 * the general formulas is a sum of products that all hold a +0 factor, at least one
 * of them +0·+0, and an IEEE sum with a +0 term is never −0. The Joseph update of
 * update_position then reduces, bit for bit, to three independent [position,
 * velocity] filters: every dropped term is an exact +0, and a sum of one term t and
 * two +0 is t + 0.0 (which turns a −0 into +0, as the full sum would). The path
 * below computes exactly these reduced sums, for about a third of the arithmetic;
 * anything else (a coupling entry that is not +0, a full R) takes the general one. */

static uint64_t bits_of(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* Whether some coupling entry of P (between two different axes) is not +0. */
static bool coupled(const double *P)
{
    uint64_t acc = 0;
    for (int i = 0; i < N; i++) {
        int b = (i + 1) % 3, c = (i + 2) % 3;
        acc |= bits_of(P[i * N + b]) | bits_of(P[i * N + c]) | bits_of(P[i * N + 3 + b]) |
               bits_of(P[i * N + 3 + c]);
    }
    return acc != 0;
}

/* Every coupling entry of P, and every off-diagonal entry of R, is +0. */
static bool axes_decoupled(const double *P, const double *R)
{
    return (bits_of(R[1]) | bits_of(R[2]) | bits_of(R[3]) | bits_of(R[5]) | bits_of(R[6]) |
            bits_of(R[7])) == 0 &&
           !coupled(P);
}

/* update_position for decoupled axes: the same checks, in effect, and the same bits. */
static int update_position_axes(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    const double *Pin = kf->P, *R = m->R;
    double nu[3], Ld[3];
    for (int i = 0; i < 3; i++) {
        nu[i] = m->z[i] - kf->x[i];
        if (!isfinite(nu[i]))
            return VG_ERANGE;
    }
    /* S's coupling entries are +0, so its Cholesky factor is diagonal. */
    for (int a = 0; a < 3; a++) {
        double sa = Pin[a * N + a] + R[a * 3 + a];
        if (!(sa > 0.0) || !isfinite(sa))
            return VG_ERANGE;
        Ld[a] = sqrt(sa);
    }
    double y0 = nu[0] / Ld[0], y1 = nu[1] / Ld[1], y2 = nu[2] / Ld[2];
    double d2 = 0.0;
    d2 += y0 * y0;
    d2 += y1 * y1;
    d2 += y2 * y2;
    if (!isfinite(d2))
        return VG_ERANGE;

    /* Per axis a, with p = a and v = a + 3: K's entries kp and kv (its other
     * entries are +0), then the general formulas' surviving terms. */
    double x[N], upd[3][3]; /* per axis: P'pp, P'pv, P'vv */
    for (int i = 0; i < N; i++) {
        int a = i % 3;
        double k = Pin[a * N + i] / Ld[a] / Ld[a];
        /* x + K·nu, term by term as in update_position: +0·nu is that zero. */
        double t0 = a == 0 ? k * nu[0] : 0.0 * nu[0];
        double t1 = a == 1 ? k * nu[1] : 0.0 * nu[1];
        double t2 = a == 2 ? k * nu[2] : 0.0 * nu[2];
        x[i] = kf->x[i] + t0 + t1 + t2;
    }
    double bad = 0.0;
    for (int a = 0; a < 3; a++) {
        int p = a, v = a + 3;
        double kp = Pin[a * N + p] / Ld[a] / Ld[a], kv = Pin[a * N + v] / Ld[a] / Ld[a];
        double Ppp = Pin[p * N + p], Ppv = Pin[p * N + v], Pvp = Pin[v * N + p];
        double Pvv = Pin[v * N + v], r = R[a * 3 + a];
        /* X = P − K·P[0:3,:], Y = K·R − X[:,0:3], P' = X + Y·Kᵀ */
        double Xpp = Ppp - (kp * Ppp + 0.0), Xpv = Ppv - (kp * Ppv + 0.0);
        double Xvp = Pvp - (kv * Ppp + 0.0), Xvv = Pvv - (kv * Ppv + 0.0);
        double Yp = (kp * r + 0.0) - Xpp, Yv = (kv * r + 0.0) - Xvp;
        upd[a][0] = Xpp + (Yp * kp + 0.0);
        upd[a][1] = Xpv + (Yp * kv + 0.0);
        upd[a][2] = Xvv + (Yv * kv + 0.0);
        bad += x[p] * 0.0 + x[v] * 0.0 + upd[a][0] * 0.0 + upd[a][1] * 0.0 + upd[a][2] * 0.0;
    }
    if (bad != 0.0)
        return VG_ERANGE;
    for (int a = 0; a < 3; a++)
        if (!(upd[a][0] > 0.0) || !(upd[a][2] > 0.0))
            return VG_ERANGE;
    if (loglik) {
        double L[9] = {Ld[0], 0.0, 0.0, 0.0, Ld[1], 0.0, 0.0, 0.0, Ld[2]};
        *loglik = -0.5 * (d2 + 3 * log(2.0 * VG_PI) + vg_mat_chol_logdet(L, 3));
    }
    /* The coupling entries are +0 already, as the general path would leave them. */
    memcpy(kf->x, x, sizeof x);
    for (int a = 0; a < 3; a++) {
        kf->P[a * N + a] = upd[a][0];
        kf->P[a * N + a + 3] = kf->P[(a + 3) * N + a] = upd[a][1];
        kf->P[(a + 3) * N + a + 3] = upd[a][2];
    }
    return VG_OK;
}

int vg_kf_update(vg_kf *kf, const vg_meas_model *m, double *loglik)
{
    if (m->kind == VG_MM_POSITION && m->dim == 3)
        return axes_decoupled(kf->P, m->R) ? update_position_axes(kf, m, loglik)
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
