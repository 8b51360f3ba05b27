/* vigie/gospa.h — the GOSPA distance between estimated and true positions.
 *
 * Generalized OSPA (Rahmathullah, García-Fernández, Svensson, "Generalized optimal
 * sub-pattern assignment metric", FUSION 2017), with alpha = 2, cut-off c > 0 and
 * order p ≥ 1, between a set X of estimates and a set Y of truths (3-D, metres):
 *
 *     GOSPA(X, Y) = ( min over assignments γ of
 *                       Σ_{(x,y) ∈ γ} d(x,y)^p  +  c^p/2 · (#missed + #false) )^(1/p)
 *
 * where γ pairs estimates with truths one to one, using only pairs with d < c (a
 * pair at d ≥ c costs c^p, the same as a miss plus a false, so it is never needed),
 * "missed" counts the truths γ leaves alone and "false" the estimates. d is the
 * Euclidean distance. The minimum is exact (vg_assign, assign.h).
 *
 * The reported terms follow Stone Soup's GOSPAMetric (dstl/Stone-Soup,
 * stonesoup/metricgenerator/ospametric.py, compute_gospa_metric): the components
 * are in p-th-power units, before the root, and only the distance is rooted, so
 *
 *     distance = (localisation + missed + false)^(1/p)
 *
 * with localisation = Σ d^p over the assigned pairs, missed = c^p/2 · #missed,
 * false = c^p/2 · #false. The counts are reported too. (Stone Soup solves the
 * assignment with an auction, which can be slightly suboptimal, and leaves its
 * 'false' term at 0 when there is no truth at all; vigie keeps the identity above in
 * every case.) */
#ifndef VIGIE_GOSPA_H
#define VIGIE_GOSPA_H

#include "vigie/assign.h"
#include "vigie/error.h"
#include "vigie/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One GOSPA evaluation. */
typedef struct vg_gospa_result {
    double distance;      /* (localisation + missed_term + false_term)^(1/p), metres */
    double localisation;  /* Σ d^p over assigned pairs, metres^p */
    double missed_term;   /* c^p/2 · n_missed, metres^p */
    double false_term;    /* c^p/2 · n_false, metres^p */
    int n_assigned;       /* pairs in the optimal assignment (all with d < c) */
    int n_missed;         /* truths left unassigned */
    int n_false;          /* estimates left unassigned */
} vg_gospa_result;

/* The workspace: an assignment solver and the buffers to feed it, allocated once.
 * Fields are private to gospa.c. */
typedef struct vg_gospa {
    int max_est, max_truth, max_pairs;
    vg_assign assign;
    vg_assign_edge *edges;   /* [max_pairs] pairs closer than c */
    int *est_to_truth;       /* [max_est] the solver's answer */
    struct vg_gospa_key *by_x; /* [max_truth] truths sorted by x, to find pairs */
} vg_gospa;

/* Allocate a workspace for up to max_est estimates, max_truth truths and max_pairs
 * (estimate, truth) pairs closer than c (at most max_est · max_truth; a smaller
 * bound keeps big sparse scenes small). Returns 0, VG_EINVAL for a negative
 * capacity, VG_ETOOBIG / VG_ENOMEM. On failure g holds no memory and
 * vg_gospa_free(g) is safe. */
int vg_gospa_init(vg_gospa *g, int max_est, int max_truth, int max_pairs, vg_error *err);

/* Release the workspace; safe with NULL, with a zeroed struct, and twice. */
void vg_gospa_free(vg_gospa *g);

/* GOSPA between est[0..n_est) and truth[0..n_truth) with cut-off c and order p.
 * Fills *out; when est_to_truth is not NULL, also writes est_to_truth[0..n_est): the
 * truth each estimate is paired with, -1 for a false one. Deterministic: ties
 * between equally good assignments are broken by index, the same inputs always give
 * the same pairs.
 *
 * Errors (nothing is written): VG_EINVAL for NULL arrays that are needed, negative
 * counts, a non-finite coordinate, c not finite and > 0, p not finite and ≥ 1;
 * VG_ERANGE when c^p is too large to add up (above VG_ASSIGN_COST_MAX);
 * VG_EFULL when a count exceeds its capacity or more than max_pairs pairs are closer
 * than c. Finding the close pairs sorts the truths by x and scans a slab of width
 * 2c per estimate: O((n_est + n_truth) log n_truth + slab sizes). No allocation. */
int vg_gospa_compute(vg_gospa *g, const vg_vec3 *est, int n_est, const vg_vec3 *truth,
                     int n_truth, double c, double p, vg_gospa_result *out,
                     int *est_to_truth, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
