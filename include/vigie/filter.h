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
 * elevations above its horizon. */
typedef struct vg_meas_model {
    vg_meas_model_kind kind;
    int dim;                          /* 3 for position; 3 or 4 polar; 1 or 2 bearing */
    double z[VG_MEAS_MAX];
    double R[VG_MEAS_MAX * VG_MEAS_MAX];
    vg_vec3 sensor;
    double rot[3][3];
    bool has_radial_velocity;         /* polar: z[3] is range rate, m/s */
    bool has_elevation;               /* bearing: z[1] is elevation */
} vg_meas_model;

/* Nearly-constant-velocity prediction over dt ≥ 0 seconds with white-noise
 * acceleration of spectral density q (m²/s³, per axis): x ← F x, P ← F P Fᵀ + Q,
 * P kept exactly symmetric. dt = 0 changes nothing. */
void vg_kf_predict_cv(vg_kf *kf, double dt, double q);

/* Innovation of measurement m against the predicted state: nu = z − h(x) (angles
 * wrapped to (−π, π]) and its covariance S = H P Hᵀ + R (m->dim × m->dim), with
 * d2 = nuᵀ S⁻¹ nu, the squared Mahalanobis distance used for gating. Returns 0, or
 * VG_ERANGE if S is not positive definite or h is undefined (target at the sensor).
 * Any of nu, S, d2 may be NULL. */
int vg_kf_innovation(const vg_kf *kf, const vg_meas_model *m, double *nu, double *S,
                     double *d2);

/* Extended Kalman update with measurement m in Joseph form (P stays symmetric
 * positive definite). Writes the measurement's log-likelihood ln N(nu; 0, S) into
 * *loglik when loglik is not NULL (the IMM needs it). Returns 0 or VG_ERANGE; on
 * error kf is unchanged. */
int vg_kf_update(vg_kf *kf, const vg_meas_model *m, double *loglik);

/* Initialise a state from a position measurement (velocity 0 with variance
 * vel_var per axis). */
void vg_kf_init_position(vg_kf *kf, const vg_meas_model *m, double vel_var);

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

/* Set up an IMM whose models all start at kf, with the given spectral densities,
 * initial probabilities and a switching matrix whose diagonal is p_stay. */
void vg_imm_init(vg_imm *imm, const vg_kf *kf, const double q[VG_IMM_MODELS],
                 const double mu[VG_IMM_MODELS], double p_stay);

/* Mixing + per-model prediction over dt. */
void vg_imm_predict(vg_imm *imm, double dt);

/* Per-model update and model-probability update. Returns 0 or VG_ERANGE (when no
 * model can take the measurement; imm then unchanged). */
int vg_imm_update(vg_imm *imm, const vg_meas_model *m);

/* The moment-matched combination of the models (for output and gating). */
void vg_imm_combine(const vg_imm *imm, vg_kf *out);

#ifdef __cplusplus
}
#endif
#endif
