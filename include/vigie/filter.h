/* vigie/filter.h — the tracker's state estimators: an extended Kalman filter with a
 * nearly-constant-velocity motion model, and an interacting multiple model (IMM) of a
 * quiet and a manoeuvring CV model.
 *
 * State: x = [e, n, u, ve, vn, vu] in the site's East-North-Up frame (metres, m/s),
 * with its 6×6 covariance P (row-major). Measurements are expressed as models:
 * a 3-D position with a full covariance (geodetic and enu detections, converted by
 * the caller), radar polar (range, azimuth, elevation, optional radial velocity)
 * from a sensor, or an RF bearing (azimuth, optional elevation) from a sensor.
 * Everything is deterministic, allocation-free and works on the caller's memory. */
#ifndef VIGIE_FILTER_H
#define VIGIE_FILTER_H

#include <stdbool.h>

#include "vigie/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_KF_N 6      /* state dimension */
#define VG_MEAS_MAX 4  /* largest measurement dimension (polar with radial velocity) */

typedef struct vg_kf {
    double x[VG_KF_N];
    double P[VG_KF_N * VG_KF_N];
} vg_kf;

typedef enum vg_meas_model_kind {
    VG_MM_POSITION = 1, /* z = [e, n, u] in the site frame, R full 3×3 */
    VG_MM_POLAR,        /* z = [range, az, el] (+ radial velocity), az/el in radians */
    VG_MM_BEARING       /* z = [az] or [az, el], radians */
} vg_meas_model_kind;

/* One measurement ready for the filter. For polar and bearing models, `sensor` is
 * the sensor's position in the site frame and `rot` turns a site-frame vector into
 * the sensor's own ENU frame (whose north and up differ from the site's by the
 * Earth's curvature: 0.01° per km). Azimuths are clockwise from the sensor's north,
 * elevations above its horizon. R is dim × dim, row-major and packed: element
 * (i, j) is R[i * dim + j] (so a 3 × 3 R fills R[0..8]; what follows is not read).
 * dim must match the kind (3 for position; 3, or 4 with radial velocity, for polar;
 * 1, or 2 with elevation, for bearing), else the functions below return
 * VG_EINVAL. A position model does not read sensor and rot. Members are in the
 * order a position reads them, so that one spans as few cache lines as it can. */
typedef struct vg_meas_model {
    vg_meas_model_kind kind;
    int dim;                          /* 3 for position; 3 or 4 polar; 1 or 2 bearing */
    bool has_radial_velocity;         /* polar: z[3] is range rate, m/s */
    bool has_elevation;               /* bearing: z[1] is elevation */
    double z[VG_MEAS_MAX];
    double R[VG_MEAS_MAX * VG_MEAS_MAX]; /* dim × dim, row-major, packed (stride dim) */
    vg_vec3 sensor;
    double rot[3][3];
} vg_meas_model;

/* Below this horizontal distance (metres) between target and sensor, the azimuth
 * of a polar or bearing measurement is undefined — the target is at the sensor or
 * straight above or below it — and its derivatives are unbounded: the functions
 * below refuse such a measurement with VG_ERANGE rather than return NaN or infinity.
 * The caller may still use the range by turning the plot into a position. */
#define VG_MEAS_MIN_DIST 1e-3

/* Nearly-constant-velocity prediction over dt ≥ 0 seconds with white-noise
 * acceleration of spectral density q (m²/s³, per axis): x ← F x, P ← F P Fᵀ + Q
 * with, per axis, F = [[1, dt], [0, 1]] and Q = q·[[dt³/3, dt²/2], [dt²/2, dt]]
 * (position i and velocity i + 3 are coupled). P is kept exactly symmetric. dt = 0
 * changes nothing; a negative or non-finite dt is a caller bug and also changes
 * nothing (there is no meaningful backward prediction with process noise). */
void vg_kf_predict_cv(vg_kf *kf, double dt, double q);

/* Predicted measurement zhat = h(x) (m->dim values) and its Jacobian H = ∂h/∂x
 * (m->dim × VG_KF_N, row-major), for the model of m (its kind, dim, sensor, rot;
 * z and R are not read). With d = rot·(p − sensor), p = x[0..2], v = x[3..5]:
 * range = |d|, az = atan2(d_e, d_n) in (−π, π], el = atan2(d_u, hypot(d_e, d_n)),
 * radial velocity = d·(rot·v) / range (positive moving away). The Jacobian is
 * analytic. Either output may be NULL. Returns 0, VG_EINVAL (dim does not match
 * the kind, or an unknown kind) or VG_ERANGE (horizontal distance to the sensor
 * below VG_MEAS_MIN_DIST, or not finite); outputs are not written on error. */
int vg_meas_predict(const vg_meas_model *m, const double x[VG_KF_N], double *zhat,
                    double *H);

/* The residual nu = z − zhat of m (m->dim values), with every angle (azimuth,
 * elevation) wrapped to (−π, π], so that 359.9° against 0.1° is −0.2°, not 359.8°. */
void vg_meas_residual(const vg_meas_model *m, const double *zhat, double *nu);

/* An angle in radians brought into (−π, π]; NaN stays NaN. */
double vg_angle_wrap(double a);

/* Innovation of measurement m against the predicted state: nu = z − h(x) (angles
 * wrapped to (−π, π]) and its covariance S = H P Hᵀ + R (m->dim × m->dim), with
 * d2 = nuᵀ S⁻¹ nu, the squared Mahalanobis distance used for gating. Returns 0,
 * VG_EINVAL for a malformed m (see vg_meas_model), or VG_ERANGE if S is not
 * positive definite, z is not finite, or h is undefined (target within
 * VG_MEAS_MIN_DIST of the vertical through the sensor). Any of nu, S, d2 may be
 * NULL; nothing is written on error. */
int vg_kf_innovation(const vg_kf *kf, const vg_meas_model *m, double *nu, double *S,
                     double *d2);

/* What gating needs, in one factorisation: d2 as above and ln det S (the
 * association cost uses both). Returns 0 or as vg_kf_innovation. */
int vg_kf_gate(const vg_kf *kf, const vg_meas_model *m, double *d2, double *logdet_s);

/* Extended Kalman update with measurement m in Joseph form (P stays symmetric
 * positive definite): K = P Hᵀ S⁻¹ (through the Cholesky factor of S), x ← x + K nu,
 * P ← (I − K H) P (I − K H)ᵀ + K R Kᵀ, then made exactly symmetric. Writes the
 * measurement's log-likelihood ln N(nu; 0, S) = −½(d2 + ln det(2π S)) into *loglik
 * when loglik is not NULL (the IMM needs it). Returns 0, VG_EINVAL (malformed m) or
 * VG_ERANGE (as vg_kf_innovation, or a result that is not finite); on error kf and
 * *loglik are unchanged. */
int vg_kf_update(vg_kf *kf, const vg_meas_model *m, double *loglik);

/* A CV filter whose three axes are decoupled — every covariance entry between two
 * different axes (east, north, up) exactly +0, as position measurements with a
 * diagonal R and the CV model leave them — kept as three [position, velocity]
 * filters: 120 bytes instead of vg_kf's 336. x is vg_kf's, and first in both, so
 * that a union of the two reads the state the same way. Each function below gives
 * to the bit what its vg_kf counterpart gives the same filter in full form. */
typedef struct vg_kf_axes {
    double x[VG_KF_N];
    double pp[3], pv[3], vv[3]; /* per axis a: P[a][a], P[a][a+3] = P[a+3][a], P[a+3][a+3] */
} vg_kf_axes;

/* *ax from kf when kf's axes are decoupled (and each pair P[a][a+3], P[a+3][a] is the
 * same number); false, *ax unwritten, otherwise. */
bool vg_kf_axes_from(vg_kf_axes *ax, const vg_kf *kf);

/* The full form of ax. */
void vg_kf_axes_to(vg_kf *kf, const vg_kf_axes *ax);

/* Whether m keeps decoupled axes decoupled: a position with a diagonal R (its
 * off-diagonal entries +0). vg_kf_axes_gate and _update take only such models. */
bool vg_kf_axes_fit(const vg_meas_model *m);

/* vg_kf_init_position straight into the axes form, for a model that fits
 * (vg_kf_axes_fit); false, *ax unwritten, for any other. */
bool vg_kf_axes_init_position(vg_kf_axes *ax, const vg_meas_model *m, double vel_var);

/* vg_kf_predict_cv, vg_kf_gate and vg_kf_update on the axes form; the last two
 * return VG_EINVAL for a model that does not fit (vg_kf_axes_fit). */
void vg_kf_axes_predict_cv(vg_kf_axes *ax, double dt, double q);
int vg_kf_axes_gate(const vg_kf_axes *ax, const vg_meas_model *m, double *d2,
                    double *logdet_s);
int vg_kf_axes_update(vg_kf_axes *ax, const vg_meas_model *m, double *loglik);

/* Initialise a state from a position measurement: x = [z, 0, 0, 0] and P =
 * [[R, 0], [0, vel_var·I]] (velocity 0 with variance vel_var per axis). m must be a
 * VG_MM_POSITION model — convert a polar plot first with vg_meas_to_position; with
 * any other kind kf is left unchanged. */
void vg_kf_init_position(vg_kf *kf, const vg_meas_model *m, double vel_var);

/* Turn a polar plot m (range, az, el, with or without radial velocity) into a
 * position measurement *out in the site frame: z = sensor + rotᵀ·d(range, az, el),
 * R = J R₃ Jᵀ with J the Jacobian of that conversion (a first-order covariance,
 * good while range·σ_angle is small against range). Returns 0, VG_EINVAL (not a
 * well-formed polar model) or VG_ERANGE (range not finite and positive). out may
 * not alias m. */
int vg_meas_to_position(const vg_meas_model *m, vg_meas_model *out);

/* Interacting multiple model of VG_IMM_MODELS CV filters that differ by their
 * process noise: a quiet model for steady flight and a manoeuvring one for drones
 * that turn, climb and stop. */
#define VG_IMM_MODELS 2

typedef struct vg_imm {
    vg_kf model[VG_IMM_MODELS];
    double mu[VG_IMM_MODELS];                     /* model probabilities, sum 1 */
    double q[VG_IMM_MODELS];                      /* spectral density of each model */
    double trans[VG_IMM_MODELS][VG_IMM_MODELS];   /* Markov switching probabilities */
} vg_imm;

/* No model probability falls below this: a model that explains nothing for a while
 * must still be able to take over when the target changes behaviour, and a
 * probability that underflowed to 0 would make the mixing divide by zero. */
#define VG_IMM_MU_FLOOR 1e-12

/* Set up an IMM whose models all start at kf, with the given spectral densities,
 * initial probabilities (floored at VG_IMM_MU_FLOOR and renormalised) and a
 * switching matrix trans[i][j] = P(model j now | model i before) whose diagonal is
 * p_stay and whose other entries share 1 − p_stay equally. */
void vg_imm_init(vg_imm *imm, const vg_kf *kf, const double q[VG_IMM_MODELS],
                 const double mu[VG_IMM_MODELS], double p_stay);

/* Mixing + per-model prediction over dt (Blom & Bar-Shalom): c_j = Σ_i trans[i][j]
 * μ_i, each model restarts from the mixture of all models weighted by
 * μ_i|j = trans[i][j] μ_i / c_j (spread of the means included), then is predicted
 * with its own q; mu becomes the predicted probabilities c. trans is applied once
 * per call — once per scan, whatever dt — and dt = 0 (or a negative or non-finite
 * dt) changes nothing, so that predicting to the same time twice is harmless. */
void vg_imm_predict(vg_imm *imm, double dt);

/* Per-model update and model-probability update: μ_j ∝ μ_j·exp(loglik_j), computed
 * relative to the largest log-likelihood so that nothing underflows, then floored at
 * VG_IMM_MU_FLOOR and renormalised. A model that cannot take the measurement while
 * another can keeps its predicted state and drops to the floor. Returns 0,
 * VG_EINVAL (malformed m) or VG_ERANGE (when no model can take the measurement);
 * on error imm is unchanged. */
int vg_imm_update(vg_imm *imm, const vg_meas_model *m);

/* The moment-matched combination of the models (for output and gating):
 * x = Σ μ_j x_j, P = Σ μ_j (P_j + (x_j − x)(x_j − x)ᵀ), exactly symmetric. */
void vg_imm_combine(const vg_imm *imm, vg_kf *out);

#ifdef __cplusplus
}
#endif
#endif
