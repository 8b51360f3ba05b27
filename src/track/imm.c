/* track/imm.c — the interacting multiple model estimator (Blom & Bar-Shalom 1988).
 *
 * A bank of CV Kalman filters that differ only by their process noise, and the
 * probability that each one is the right description of the target now. Before each
 * prediction the filters are mixed according to a Markov switching matrix; after each
 * update the probabilities are reweighted by how well each filter predicted the
 * measurement. The tracker outputs the moment-matched combination. */
#include <math.h>

#include "vigie/error.h"
#include "vigie/filter.h"
#include "vigie/mat.h"

#define N VG_KF_N
#define M VG_IMM_MODELS

/* Make the probabilities sum to 1, then floor each at VG_IMM_MU_FLOOR and
 * renormalise (which moves them by at most M·VG_IMM_MU_FLOOR, relative). A vector
 * that is not usable at all (no finite positive sum) becomes uniform. */
static void normalise(double mu[M])
{
    double sum = 0.0;
    for (int j = 0; j < M; j++) {
        if (!(mu[j] >= 0.0)) /* also NaN */
            mu[j] = 0.0;
        sum += mu[j];
    }
    if (!(sum > 0.0) || !isfinite(sum)) {
        for (int j = 0; j < M; j++)
            mu[j] = 1.0 / M;
        return;
    }
    double floored = 0.0;
    for (int j = 0; j < M; j++) {
        mu[j] = fmax(mu[j] / sum, VG_IMM_MU_FLOOR);
        floored += mu[j];
    }
    for (int j = 0; j < M; j++)
        mu[j] /= floored;
}

/* acc += w·(P + (x − mean)(x − mean)ᵀ): one term of a moment-matched mixture. */
static void add_moment(double *acc, double w, const vg_kf *kf, const double *mean)
{
    double dx[N];
    for (int i = 0; i < N; i++)
        dx[i] = kf->x[i] - mean[i];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            acc[i * N + j] += w * (kf->P[i * N + j] + dx[i] * dx[j]);
}

void vg_imm_init(vg_imm *imm, const vg_kf *kf, const double q[VG_IMM_MODELS],
                 const double mu[VG_IMM_MODELS], double p_stay)
{
    for (int j = 0; j < M; j++) {
        imm->model[j] = *kf;
        imm->q[j] = q[j];
        imm->mu[j] = mu[j];
    }
    normalise(imm->mu);
    double off = M > 1 ? (1.0 - p_stay) / (M - 1) : 0.0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++)
            imm->trans[i][j] = i == j ? (M > 1 ? p_stay : 1.0) : off;
}

void vg_imm_predict(vg_imm *imm, double dt)
{
    if (!(dt > 0.0) || !isfinite(dt))
        return;

    /* Predicted probabilities c_j and mixing weights w[i][j] = μ_i|j. */
    double c[M], w[M][M];
    for (int j = 0; j < M; j++) {
        c[j] = 0.0;
        for (int i = 0; i < M; i++)
            c[j] += imm->trans[i][j] * imm->mu[i];
        for (int i = 0; i < M; i++)
            /* A model nothing can switch into (c_j = 0, only with a degenerate
             * trans) keeps its own state rather than dividing by zero. */
            w[i][j] = c[j] > 0.0 ? imm->trans[i][j] * imm->mu[i] / c[j] : (i == j);
    }

    /* Mixed initial conditions, from the old states: computed for every model before
     * any model is overwritten. */
    vg_kf mixed[M];
    for (int j = 0; j < M; j++) {
        double *x0 = mixed[j].x, *P0 = mixed[j].P;
        vg_mat_zero(x0, N, 1);
        vg_mat_zero(P0, N, N);
        for (int i = 0; i < M; i++)
            for (int k = 0; k < N; k++)
                x0[k] += w[i][j] * imm->model[i].x[k];
        for (int i = 0; i < M; i++)
            add_moment(P0, w[i][j], &imm->model[i], x0);
        vg_mat_symmetrize(P0, N);
    }

    for (int j = 0; j < M; j++) {
        imm->model[j] = mixed[j];
        vg_kf_predict_cv(&imm->model[j], dt, imm->q[j]);
        imm->mu[j] = c[j];
    }
    normalise(imm->mu);
}

int vg_imm_update(vg_imm *imm, const vg_meas_model *m)
{
    vg_kf upd[M];
    double ll[M];
    bool ok[M];
    double llmax = -INFINITY;
    int rc = VG_ERANGE;
    for (int j = 0; j < M; j++) {
        upd[j] = imm->model[j];
        int r = vg_kf_update(&upd[j], m, &ll[j]);
        ok[j] = r == VG_OK;
        if (ok[j]) {
            rc = VG_OK;
            if (ll[j] > llmax)
                llmax = ll[j];
        } else if (r == VG_EINVAL) {
            return r; /* the model is malformed: the same for every filter */
        }
    }
    if (rc != VG_OK)
        return rc;

    /* μ_j ∝ c_j·exp(ll_j − max ll): the best model's factor is exactly 1, so the sum
     * is at least its c_j and nothing underflows to an all-zero vector. */
    double mu[M];
    for (int j = 0; j < M; j++)
        mu[j] = ok[j] ? imm->mu[j] * exp(ll[j] - llmax) : 0.0;
    normalise(mu);
    for (int j = 0; j < M; j++) {
        if (ok[j])
            imm->model[j] = upd[j];
        imm->mu[j] = mu[j];
    }
    return VG_OK;
}

void vg_imm_combine(const vg_imm *imm, vg_kf *out)
{
    double x[N] = {0}, P[N * N] = {0};
    for (int j = 0; j < M; j++)
        for (int k = 0; k < N; k++)
            x[k] += imm->mu[j] * imm->model[j].x[k];
    for (int j = 0; j < M; j++)
        add_moment(P, imm->mu[j], &imm->model[j], x);
    vg_mat_symmetrize(P, N);
    vg_mat_copy(out->x, x, N, 1);
    vg_mat_copy(out->P, P, N, N);
}
