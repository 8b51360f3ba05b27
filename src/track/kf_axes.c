/* track/kf_axes.c — a CV filter with decoupled axes: the arithmetic both of its
 * forms use (kf_axes.h), and the compact form itself (vg_kf_axes, vigie/filter.h).
 *
 * A track started from position measurements with a diagonal R (enu detections,
 * geodetic ones, radars after conversion...), predicted by the CV model and updated
 * by such measurements keeps every covariance entry that couples two different axes
 * (east, north, up — state i is on axis i mod 3) at exactly +0: each such entry of
 * the general formulas is a sum of products that all hold a +0 factor, at least one
 * of them +0·+0, and an IEEE sum with a +0 term is never −0. The Joseph update then
 * reduces, bit for bit, to three independent [position, velocity] filters: every
 * dropped term is an exact +0, and a sum of one term t and two +0 is t + 0.0 (which
 * turns a −0 into +0, as the full sum would). The functions below compute exactly
 * these reduced sums, for about a third of the arithmetic — and the compact form
 * stores only what they read, a third of the memory a tracker fetches per update. */
#include "track/kf_axes.h"

#include <math.h>

#include "vigie/error.h"
#include "vigie/mat.h"

#define N VG_KF_N

bool vg_kf_coupled(const double *P)
{
    uint64_t acc = 0;
    for (int i = 0; i < N; i++) {
        int b = (i + 1) % 3, c = (i + 2) % 3;
        acc |= vg_kf_bits(P[i * N + b]) | vg_kf_bits(P[i * N + c]) |
               vg_kf_bits(P[i * N + 3 + b]) | vg_kf_bits(P[i * N + 3 + c]);
    }
    return acc != 0;
}

bool vg_kf_r_diagonal(const double *R)
{
    return (vg_kf_bits(R[1]) | vg_kf_bits(R[2]) | vg_kf_bits(R[3]) | vg_kf_bits(R[5]) |
            vg_kf_bits(R[6]) | vg_kf_bits(R[7])) == 0;
}

/* One logarithm of the diagonal's product when that product is an ordinary number
 * (it always is for covariances in m², from micrometres to light-seconds), else the
 * sum of the logarithms. */
double vg_kf_logdet3(const double L[9])
{
    double p = L[0] * L[4] * L[8];
    if (isnormal(p))
        return 2.0 * log(p);
    return vg_mat_chol_logdet(L, 3);
}

void vg_axes_predict(double x[N], const vg_axes_cov *c, double dt, double q)
{
    for (int i = 0; i < 3; i++)
        x[i] += dt * x[i + 3];
    double dt2 = dt * dt;
    double qpp = q * dt2 * dt / 3.0, qpv = q * dt2 / 2.0, qvv = q * dt;
    /* F·P·Fᵀ + Q per axis: every coupling entry of the general formulas is a sum of
     * +0 and dt·(+0), so stays +0; these are its surviving terms. */
    for (int i = 0; i < 3; i++) {
        double Ppp = c->pp[i], Ppv = c->pv[i], Pvp = c->vp[i], Pvv = c->vv[i];
        double pv = Ppv + dt * Pvv;
        double a = (Ppp + dt * Pvp) + dt * pv;
        c->pp[i] = a + qpp;
        c->pv[i] = c->vp[i] = pv + qpv;
        c->vv[i] = Pvv + qvv;
    }
}

/* The innovation nu of m against decoupled axes, the diagonal Cholesky factor Ld of
 * S = P[0:3,0:3] + R (S's coupling entries are +0, so it is diagonal), and d². The
 * general path's d² and ln det S are the same numbers from the diagonal alone: the
 * dropped terms are +0 and ±0, which change no nonzero sum, and y² is blind to the
 * sign of a zero y. */
static int innovate_axes(const double x[N], const double pp[3], const vg_meas_model *m,
                         double nu[3], double Ld[3], double *d2)
{
    for (int i = 0; i < 3; i++) {
        nu[i] = m->z[i] - x[i];
        if (!isfinite(nu[i]))
            return VG_ERANGE;
    }
    for (int a = 0; a < 3; a++) {
        double sa = pp[a] + m->R[a * 3 + a];
        if (!(sa > 0.0) || !isfinite(sa))
            return VG_ERANGE;
        Ld[a] = sqrt(sa);
    }
    double d = 0.0;
    for (int a = 0; a < 3; a++) {
        double y = nu[a] / Ld[a];
        d += y * y;
    }
    if (!isfinite(d))
        return VG_ERANGE;
    *d2 = d;
    return VG_OK;
}

int vg_axes_gate(const double x[N], const double pp[3], const vg_meas_model *m, double *d2,
                 double *logdet_s)
{
    double nu[3], Ld[3];
    int rc = innovate_axes(x, pp, m, nu, Ld, d2);
    if (rc != VG_OK)
        return rc;
    double L[9] = {Ld[0], 0.0, 0.0, 0.0, Ld[1], 0.0, 0.0, 0.0, Ld[2]};
    *logdet_s = vg_kf_logdet3(L);
    return VG_OK;
}

int vg_axes_update(double xin[N], const vg_axes_cov *c, const vg_meas_model *m, double *loglik)
{
    const double *R = m->R;
    /* Read once: the compiler cannot know that nothing written below aliases them. */
    double pp[3], pv[3], vp[3], vv[3];
    for (int a = 0; a < 3; a++) {
        pp[a] = c->pp[a];
        pv[a] = c->pv[a];
        vp[a] = c->vp[a];
        vv[a] = c->vv[a];
    }
    double nu[3], Ld[3], d2;
    int rc = innovate_axes(xin, pp, m, nu, Ld, &d2);
    if (rc != VG_OK)
        return rc;

    /* Per axis a, with p = a and v = a + 3: K's entries kp and kv (its other
     * entries are +0), then the general formulas' surviving terms. */
    double x[N], upd[3][3]; /* per axis: P'pp, P'pv, P'vv */
    for (int i = 0; i < N; i++) {
        int a = i % 3;
        double k = (i < 3 ? pp[a] : pv[a]) / Ld[a] / Ld[a];
        /* x + K·nu, term by term as the full update sums it: +0·nu is that zero. */
        double t0 = a == 0 ? k * nu[0] : 0.0 * nu[0];
        double t1 = a == 1 ? k * nu[1] : 0.0 * nu[1];
        double t2 = a == 2 ? k * nu[2] : 0.0 * nu[2];
        x[i] = xin[i] + t0 + t1 + t2;
    }
    double bad = 0.0;
    for (int a = 0; a < 3; a++) {
        int p = a, v = a + 3;
        double kp = pp[a] / Ld[a] / Ld[a], kv = pv[a] / Ld[a] / Ld[a];
        double Ppp = pp[a], Ppv = pv[a], Pvp = vp[a], Pvv = vv[a];
        double r = R[a * 3 + a];
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
    memcpy(xin, x, sizeof x);
    for (int a = 0; a < 3; a++) {
        c->pp[a] = upd[a][0];
        c->pv[a] = c->vp[a] = upd[a][1];
        c->vv[a] = upd[a][2];
    }
    return VG_OK;
}

/* ---- the compact form ------------------------------------------------------------ */

bool vg_kf_axes_from(vg_kf_axes *ax, const vg_kf *kf)
{
    const double *P = kf->P;
    if (vg_kf_coupled(P))
        return false;
    for (int a = 0; a < 3; a++)
        if (vg_kf_bits(P[a * N + a + 3]) != vg_kf_bits(P[(a + 3) * N + a]))
            return false;
    memcpy(ax->x, kf->x, sizeof ax->x);
    for (int a = 0; a < 3; a++) {
        ax->pp[a] = P[a * N + a];
        ax->pv[a] = P[a * N + a + 3];
        ax->vv[a] = P[(a + 3) * N + a + 3];
    }
    return true;
}

void vg_kf_axes_to(vg_kf *kf, const vg_kf_axes *ax)
{
    memcpy(kf->x, ax->x, sizeof kf->x);
    memset(kf->P, 0, sizeof kf->P);
    for (int a = 0; a < 3; a++) {
        kf->P[a * N + a] = ax->pp[a];
        kf->P[a * N + a + 3] = kf->P[(a + 3) * N + a] = ax->pv[a];
        kf->P[(a + 3) * N + a + 3] = ax->vv[a];
    }
}

bool vg_kf_axes_fit(const vg_meas_model *m)
{
    return m->kind == VG_MM_POSITION && m->dim == 3 && vg_kf_r_diagonal(m->R);
}

bool vg_kf_axes_init_position(vg_kf_axes *ax, const vg_meas_model *m, double vel_var)
{
    if (!vg_kf_axes_fit(m))
        return false;
    for (int a = 0; a < 3; a++) {
        ax->x[a] = m->z[a];
        ax->x[a + 3] = 0.0;
        ax->pp[a] = m->R[a * 3 + a];
        ax->pv[a] = 0.0;
        ax->vv[a] = vel_var;
    }
    return true;
}

/* The axes form's entries as a vg_axes_cov (one array for P[a][a+3] and P[a+3][a]). */
static vg_axes_cov cov_of(vg_kf_axes *ax)
{
    return (vg_axes_cov){ax->pp, ax->pv, ax->pv, ax->vv};
}

void vg_kf_axes_predict_cv(vg_kf_axes *ax, double dt, double q)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return;
    vg_axes_cov c = cov_of(ax);
    vg_axes_predict(ax->x, &c, dt, q);
}

int vg_kf_axes_gate(const vg_kf_axes *ax, const vg_meas_model *m, double *d2, double *logdet_s)
{
    if (!vg_kf_axes_fit(m))
        return VG_EINVAL;
    return vg_axes_gate(ax->x, ax->pp, m, d2, logdet_s);
}

int vg_kf_axes_update(vg_kf_axes *ax, const vg_meas_model *m, double *loglik)
{
    if (!vg_kf_axes_fit(m))
        return VG_EINVAL;
    vg_axes_cov c = cov_of(ax);
    return vg_axes_update(ax->x, &c, m, loglik);
}
