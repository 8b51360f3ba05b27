/* track/measmodel.c — measurement models: what a sensor should see of a state.
 *
 * For each kind of measurement (a site-frame position, a radar polar plot with
 * optional range rate, an RF bearing with optional elevation) this file computes the
 * predicted measurement h(x), its analytic Jacobian H, and residuals with angles
 * wrapped. The Kalman filter (kf.c) only ever sees h, H and residuals, so a new
 * sensor type is a new case here and nothing else. */
#include <math.h>

#include "vigie/error.h"
#include "vigie/filter.h"
#include "vigie/mat.h"

double vg_angle_wrap(double a)
{
    if (a > -VG_PI && a <= VG_PI)
        return a;
    /* fmod keeps the sign of its first argument: w is in (−2π, 2π), then (0, 2π]. */
    double w = fmod(a + VG_PI, 2.0 * VG_PI);
    if (w <= 0.0)
        w += 2.0 * VG_PI;
    return w - VG_PI;
}

/* Is dim the one the kind calls for? */
static int check_model(const vg_meas_model *m)
{
    switch (m->kind) {
    case VG_MM_POSITION:
        return m->dim == 3 ? VG_OK : VG_EINVAL;
    case VG_MM_POLAR:
        return m->dim == (m->has_radial_velocity ? 4 : 3) ? VG_OK : VG_EINVAL;
    case VG_MM_BEARING:
        return m->dim == (m->has_elevation ? 2 : 1) ? VG_OK : VG_EINVAL;
    default:
        return VG_EINVAL;
    }
}

/* Row r of H for a quantity whose gradient is gd with respect to the sensor-frame
 * offset d and gw with respect to the sensor-frame velocity w (either may be NULL for
 * zero). Since d = rot·(p − sensor) and w = rot·v, ∂/∂p = gdᵀ·rot and ∂/∂v = gwᵀ·rot. */
static void jacobian_row(double *H, int r, const double rot[3][3], const double *gd,
                         const double *gw)
{
    for (int j = 0; j < 3; j++) {
        double sp = 0.0, sv = 0.0;
        for (int k = 0; k < 3; k++) {
            if (gd)
                sp += gd[k] * rot[k][j];
            if (gw)
                sv += gw[k] * rot[k][j];
        }
        H[r * VG_KF_N + j] = sp;
        H[r * VG_KF_N + 3 + j] = sv;
    }
}

/* Polar and bearing models share everything but which rows they keep. The azimuth
 * row is always present, so the horizontal distance rho must be usable: below
 * VG_MEAS_MIN_DIST its gradient (d_n, −d_e, 0)/rho² is unbounded. */
static int predict_angular(const vg_meas_model *m, const double *x, double *zhat,
                           double *H)
{
    double d[3], w[3];
    for (int i = 0; i < 3; i++) {
        d[i] = m->rot[i][0] * (x[0] - m->sensor.x) + m->rot[i][1] * (x[1] - m->sensor.y) +
               m->rot[i][2] * (x[2] - m->sensor.z);
        w[i] = m->rot[i][0] * x[3] + m->rot[i][1] * x[4] + m->rot[i][2] * x[5];
    }
    double rho = hypot(d[0], d[1]);
    double r = hypot(rho, d[2]);
    /* Written so that NaN and infinity fail as well. */
    if (!(rho >= VG_MEAS_MIN_DIST) || !isfinite(r))
        return VG_ERANGE;

    double az = atan2(d[0], d[1]);
    double el = atan2(d[2], rho);
    double r2 = r * r, rho2 = rho * rho;
    double g_r[3] = {d[0] / r, d[1] / r, d[2] / r};
    double g_az[3] = {d[1] / rho2, -d[0] / rho2, 0.0};
    double g_el[3] = {-d[0] * d[2] / (r2 * rho), -d[1] * d[2] / (r2 * rho), rho / r2};

    double out[VG_MEAS_MAX];
    double Hl[VG_MEAS_MAX * VG_KF_N];
    if (m->kind == VG_MM_POLAR) {
        out[0] = r;
        out[1] = az;
        out[2] = el;
        jacobian_row(Hl, 0, m->rot, g_r, NULL);
        jacobian_row(Hl, 1, m->rot, g_az, NULL);
        jacobian_row(Hl, 2, m->rot, g_el, NULL);
        if (m->has_radial_velocity) {
            /* rv = d·w / r: ∂rv/∂d = w/r − rv·d/r², ∂rv/∂w = d/r. */
            double rv = (d[0] * w[0] + d[1] * w[1] + d[2] * w[2]) / r;
            double g_rv[3];
            for (int k = 0; k < 3; k++)
                g_rv[k] = w[k] / r - rv * d[k] / r2;
            out[3] = rv;
            jacobian_row(Hl, 3, m->rot, g_rv, g_r);
        }
    } else {
        out[0] = az;
        jacobian_row(Hl, 0, m->rot, g_az, NULL);
        if (m->has_elevation) {
            out[1] = el;
            jacobian_row(Hl, 1, m->rot, g_el, NULL);
        }
    }
    for (int i = 0; i < m->dim; i++) {
        if (zhat)
            zhat[i] = out[i];
        if (H)
            for (int j = 0; j < VG_KF_N; j++)
                H[i * VG_KF_N + j] = Hl[i * VG_KF_N + j];
    }
    return VG_OK;
}

int vg_meas_predict(const vg_meas_model *m, const double x[VG_KF_N], double *zhat,
                    double *H)
{
    int rc = check_model(m);
    if (rc != VG_OK)
        return rc;
    if (m->kind != VG_MM_POSITION)
        return predict_angular(m, x, zhat, H);
    for (int i = 0; i < 3; i++) {
        if (zhat)
            zhat[i] = x[i];
        if (H)
            for (int j = 0; j < VG_KF_N; j++)
                H[i * VG_KF_N + j] = i == j ? 1.0 : 0.0;
    }
    return VG_OK;
}

void vg_meas_residual(const vg_meas_model *m, const double *zhat, double *nu)
{
    for (int i = 0; i < m->dim; i++)
        nu[i] = m->z[i] - zhat[i];
    if (m->kind == VG_MM_POLAR) {
        nu[1] = vg_angle_wrap(nu[1]);
        nu[2] = vg_angle_wrap(nu[2]);
    } else if (m->kind == VG_MM_BEARING) {
        for (int i = 0; i < m->dim; i++)
            nu[i] = vg_angle_wrap(nu[i]);
    }
}

/* p = sensor + rotᵀ·d with d = r·(cos el sin az, cos el cos az, sin el); the
 * Jacobian of d with respect to (r, az, el) has the columns ∂d/∂r = d/r,
 * ∂d/∂az = (r cos el cos az, −r cos el sin az, 0), ∂d/∂el = (−r sin el sin az,
 * −r sin el cos az, r cos el); rotᵀ carries it into the site frame. */
int vg_meas_to_position(const vg_meas_model *m, vg_meas_model *out)
{
    if (m->kind != VG_MM_POLAR || check_model(m) != VG_OK)
        return VG_EINVAL;
    double r = m->z[0], az = m->z[1], el = m->z[2];
    if (!(r > 0.0) || !isfinite(r) || !isfinite(az) || !isfinite(el))
        return VG_ERANGE;
    double saz = sin(az), caz = cos(az), sel = sin(el), cel = cos(el);
    double d[3] = {r * cel * saz, r * cel * caz, r * sel};
    double jd[9] = {cel * saz, r * cel * caz, -r * sel * saz,
                    cel * caz, -r * cel * saz, -r * sel * caz,
                    sel, 0.0, r * cel};
    double J[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            J[i * 3 + j] = m->rot[0][i] * jd[0 * 3 + j] + m->rot[1][i] * jd[1 * 3 + j] +
                           m->rot[2][i] * jd[2 * 3 + j];

    /* The range/azimuth/elevation block of R (packed with stride dim). */
    double R3[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            R3[i * 3 + j] = m->R[i * m->dim + j];

    vg_meas_model o = {0};
    o.kind = VG_MM_POSITION;
    o.dim = 3;
    double s[3] = {m->sensor.x, m->sensor.y, m->sensor.z};
    for (int i = 0; i < 3; i++)
        o.z[i] = s[i] + m->rot[0][i] * d[0] + m->rot[1][i] * d[1] + m->rot[2][i] * d[2];
    vg_mat_abat(o.R, J, R3, 3, 3); /* J·R₃·Jᵀ, exactly symmetric */
    o.sensor = m->sensor;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            o.rot[i][j] = m->rot[i][j];
    *out = o;
    return VG_OK;
}
