/* track/kf_axes.h — the arithmetic of a CV filter's decoupled axes, shared by its
 * two forms: kf.c's full vg_kf, whose decoupled tracks take these paths, and
 * kf_axes.c's vg_kf_axes. One copy of each formula, so that the forms agree to the
 * bit. Private to src/track/. */
#ifndef VIGIE_KF_AXES_H
#define VIGIE_KF_AXES_H

#include <stdint.h>
#include <string.h>

#include "vigie/filter.h"

/* The covariance entries decoupled axes leave nonzero, per axis a (position a,
 * velocity a + 3): P[a][a], P[a][a+3], P[a+3][a], P[a+3][a+3]. The axes form keeps
 * one array for the last two, which then point to the same numbers: every function
 * below reads an axis's entries before it writes any. */
typedef struct vg_axes_cov {
    double *pp, *pv, *vp, *vv;
} vg_axes_cov;

static inline uint64_t vg_kf_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* Whether some entry of P between two different axes is not +0. */
bool vg_kf_coupled(const double *P);

/* Whether every off-diagonal entry of a 3 × 3 R is +0. */
bool vg_kf_r_diagonal(const double *R);

/* ln det S from its Cholesky factor L (3 × 3, row-major). */
double vg_kf_logdet3(const double L[9]);

/* vg_kf_predict_cv for decoupled axes (dt > 0 and finite): x and c in place; the
 * new pv and vp are the same number. */
void vg_axes_predict(double x[VG_KF_N], const vg_axes_cov *c, double dt, double q);

/* vg_kf_gate of a position model with a diagonal R against decoupled axes (pp: the
 * position variances). */
int vg_axes_gate(const double x[VG_KF_N], const double pp[3], const vg_meas_model *m,
                 double *d2, double *logdet_s);

/* vg_kf_update of such a model: x and c in place on success (new pv and vp the same
 * number), untouched on error. */
int vg_axes_update(double x[VG_KF_N], const vg_axes_cov *c, const vg_meas_model *m,
                   double *loglik);

#endif
